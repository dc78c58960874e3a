"""UI text of sign-in, sign-out and refusals (access/login.py, access/guard.py)."""

TEXT: dict[str, dict[str, str]] = {
    "login_title": {"el": "Σύνδεση", "en": "Sign in"},
    "login_name": {"el": "Όνομα χρήστη", "en": "User name"},
    "login_password": {"el": "Κωδικός", "en": "Password"},
    "login_submit": {"el": "Σύνδεση", "en": "Sign in"},
    "login_failed": {"el": "Λάθος όνομα χρήστη ή κωδικός.", "en": "Wrong user name or password."},
    "login_blocked": {
        "el": "Πολλές αποτυχημένες προσπάθειες. Δοκιμάστε ξανά σε {minutes} λεπτά.",
        "en": "Too many failed attempts. Try again in {minutes} min."},
    "login_busy": {
        "el": "Ο διακομιστής ελέγχει πολλές συνδέσεις αυτή τη στιγμή. "
              "Δοκιμάστε ξανά σε λίγα δευτερόλεπτα.",
        "en": "The server is checking many sign-ins right now. Try again in a few seconds."},
    "login_expired": {"el": "Η φόρμα έληξε. Δοκιμάστε ξανά.",
                      "en": "The form expired. Please try again."},
    "login_public": {"el": "Ανοιχτά δεδομένα για τους πολίτες, χωρίς σύνδεση",
                     "en": "Open data for citizens, no sign-in"},
    "logout": {"el": "Αποσύνδεση", "en": "Sign out"},
    "logged_out": {"el": "Αποσυνδεθήκατε.", "en": "You are signed out."},
    "display_revoked": {"el": "Ο σύνδεσμος αυτής της οθόνης δεν ισχύει πλέον.",
                        "en": "This screen's sign-in link is no longer valid."},
    "forbidden_title": {"el": "Χωρίς πρόσβαση", "en": "No access"},
    "forbidden_text": {
        "el": "Ο ρόλος σας ({role}) δεν επιτρέπει αυτή τη σελίδα.",
        "en": "Your role ({role}) does not give access to this page."},
    "forbidden_home": {"el": "Στην αρχική", "en": "To the overview"},
    "signed_in_as": {"el": "Συνδεδεμένος: {name}", "en": "Signed in: {name}"},
    "role_admin": {"el": "διαχειριστής", "en": "administrator"},
    "role_operator": {"el": "χειριστής", "en": "operator"},
    "role_department_head": {"el": "προϊστάμενος τμήματος", "en": "department head"},
    "role_official": {"el": "αιρετός", "en": "official"},
    "role_display": {"el": "οθόνη", "en": "display"},
    "action_not_your_domain": {
        "el": "Ο ρόλος σας δεν επιτρέπει ενέργειες σε συναγερμούς αυτού του τομέα.",
        "en": "Your role may not act on alarms of this domain."},
    "action_alarm_not_held": {
        "el": "Ο συναγερμός δεν υπάρχει (ή δεν έχει ακόμη εγερθεί)· δεν έγινε καμία ενέργεια.",
        "en": "No such alarm (or not raised yet); nothing was done."},
}
