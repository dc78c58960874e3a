"""UI text of the admin page (pages/admin.py): users, roles and wall-screen tokens (Greek,
English). The messages of access/users.py and access/passwords.py are
here too, so every page that reports a refused account says it the same way. The role names
themselves (role_admin, ...) are in access.py, lower-case for use inside sentences."""

TEXT: dict[str, dict[str, str]] = {
    # What each role may do: shown under the role picker, so the choice is an informed one.
    "role_admin_hint": {"el": "Όλα, και διαχείριση χρηστών και οθονών.",
                        "en": "Everything, and manages users and screens."},
    "role_operator_hint": {"el": "Όλοι οι τομείς: συναγερμοί (και ενέργειες), χάρτες, "
                                 "αναφορές.",
                           "en": "Every domain: alarms (and acting on them), maps, reports."},
    "role_department_head_hint": {"el": "Μόνο οι τομείς του: ενέργειες σε συναγερμούς, "
                                        "συσκευές, αναφορές.",
                                  "en": "Their own domains only: alarm actions, devices, "
                                        "reports."},
    "role_official_hint": {"el": "Ανάγνωση: η πόλη, οι τομείς, οι συσκευές· καμία ενέργεια.",
                           "en": "Read only: the city, domains, devices; no actions."},
    # What access/users.py and access/passwords.weakness refuse (UserError keys).
    "user_bad_name": {"el": "Όνομα χρήστη: 2 έως 40 πεζά λατινικά γράμματα, ψηφία ή . _ - "
                            "(αρχίζει με γράμμα ή ψηφίο).",
                      "en": "User name: 2 to 40 lower-case letters, digits or . _ - "
                            "(starting with a letter or digit)."},
    "user_bad_role": {"el": "Διαλέξτε ρόλο.", "en": "Pick a role."},
    "user_need_domains": {"el": "Ένας προϊστάμενος τμήματος χρειάζεται τουλάχιστον έναν τομέα.",
                          "en": "A department head needs at least one domain."},
    "user_bad_domains": {"el": "Άγνωστος τομέας· διαλέξτε από τη λίστα.",
                         "en": "Unknown domain; pick from the list."},
    "user_exists": {"el": "Υπάρχει ήδη χρήστης με αυτό το όνομα.",
                    "en": "A user with this name already exists."},
    "user_unknown": {"el": "Ο χρήστης δεν βρέθηκε (ίσως άλλαξε στο μεταξύ).",
                     "en": "User not found (it may have changed meanwhile)."},
    "token_bad_name": {"el": "Δώστε στην οθόνη ένα όνομα (έως 120 χαρακτήρες).",
                       "en": "Give the screen a name (up to 120 characters)."},
    "password_too_short": {"el": "Ο κωδικός είναι πολύ σύντομος (τουλάχιστον 12 χαρακτήρες).",
                           "en": "The password is too short (12 characters at least)."},
    "password_too_long": {"el": "Ο κωδικός είναι πολύ μεγάλος (έως 256 χαρακτήρες).",
                          "en": "The password is too long (256 characters at most)."},
    "password_has_name": {"el": "Ο κωδικός δεν πρέπει να περιέχει το όνομα χρήστη.",
                          "en": "The password must not contain the user name."},
    # The page.
    "admin_title": {"el": "Διαχείριση χρηστών και οθονών", "en": "Users and screens"},
    "nav_admin": {"el": "Διαχείριση", "en": "Admin"},
    "admin_users": {"el": "Χρήστες", "en": "Users"},
    "admin_users_hint": {"el": "Επιλέξτε έναν χρήστη στον πίνακα για να τον αλλάξετε.",
                         "en": "Pick a user in the table to change them."},
    "admin_no_users": {"el": "Κανένας χρήστης ακόμη.", "en": "No users yet."},
    "admin_col_name": {"el": "Όνομα χρήστη", "en": "User name"},
    "admin_col_full_name": {"el": "Ονοματεπώνυμο", "en": "Full name"},
    "admin_col_role": {"el": "Ρόλος", "en": "Role"},
    "admin_col_domains": {"el": "Τομείς", "en": "Domains"},
    "admin_col_active": {"el": "Κατάσταση", "en": "Status"},
    "admin_col_last_login": {"el": "Τελευταία σύνδεση", "en": "Last sign-in"},
    "admin_times": {"el": "Ώρες: τοπική ώρα της πόλης ({tz}).",
                    "en": "Times: the city's local time ({tz})."},
    "admin_active": {"el": "Ενεργός", "en": "Active"},
    "admin_disabled": {"el": "Απενεργοποιημένος", "en": "Disabled"},
    "admin_never": {"el": "ποτέ", "en": "never"},
    "admin_new_user": {"el": "Νέος χρήστης", "en": "New user"},
    "admin_name": {"el": "Όνομα χρήστη", "en": "User name"},
    "admin_name_hint": {"el": "2–40 πεζά λατινικά, ψηφία, . _ -",
                        "en": "2–40 lower-case letters, digits, . _ -"},
    "admin_full_name": {"el": "Ονοματεπώνυμο", "en": "Full name"},
    "admin_role": {"el": "Ρόλος", "en": "Role"},
    "admin_domains": {"el": "Τομείς (μόνο για προϊστάμενο τμήματος)",
                      "en": "Domains (department heads only)"},
    "admin_domains_needed": {"el": "Διαλέξτε τους τομείς του (τουλάχιστον έναν).",
                             "en": "Pick their domains (one at least)."},
    "admin_domains_unused": {"el": "Οι άλλοι ρόλοι βλέπουν όλους τους τομείς.",
                             "en": "The other roles see every domain."},
    "admin_create": {"el": "Δημιουργία χρήστη", "en": "Create user"},
    "admin_edit_user": {"el": "Αλλαγή χρήστη", "en": "Change user"},
    "admin_edit_none": {"el": "Κανένας χρήστης επιλεγμένος.", "en": "No user picked."},
    "admin_edit_who": {"el": "Χρήστης: {name}", "en": "User: {name}"},
    "admin_account": {"el": "Λογαριασμός", "en": "Account"},
    "admin_save": {"el": "Αποθήκευση αλλαγών", "en": "Save changes"},
    "admin_reset": {"el": "Νέος κωδικός", "en": "Reset password"},
    "admin_reset_confirm": {"el": "Νέος κωδικός για τον χρήστη {name}; Ο τωρινός του κωδικός "
                                  "παύει να ισχύει αμέσως.",
                            "en": "Reset the password of {name}? Their current password stops "
                                  "working at once."},
    "admin_user_created": {"el": "Ο χρήστης {name} δημιουργήθηκε.",
                           "en": "User {name} created."},
    "admin_user_saved": {"el": "Οι αλλαγές του χρήστη {name} αποθηκεύτηκαν.",
                         "en": "Changes to {name} saved."},
    "admin_password_reset": {"el": "Νέος κωδικός για τον χρήστη {name}.",
                             "en": "New password set for {name}."},
    "admin_pick_user": {"el": "Επιλέξτε πρώτα έναν χρήστη στον πίνακα.",
                        "en": "Pick a user in the table first."},
    "admin_not_self_demote": {"el": "Δεν μπορείτε να αφαιρέσετε από τον εαυτό σας τον ρόλο του "
                                    "διαχειριστή· ζητήστε το από άλλον διαχειριστή.",
                              "en": "You cannot take the administrator role from yourself; "
                                    "ask another administrator."},
    "admin_not_self_disable": {"el": "Δεν μπορείτε να απενεργοποιήσετε τον δικό σας λογαριασμό.",
                               "en": "You cannot disable your own account."},
    "admin_last_admin": {"el": "Είναι ο τελευταίος ενεργός διαχειριστής· ορίστε πρώτα άλλον.",
                         "en": "This is the last active administrator; make another one "
                               "first."},
    # The secret shown once.
    "admin_secret_password": {"el": "Κωδικός του χρήστη {name}",
                              "en": "Password of {name}"},
    "admin_secret_url": {"el": "Διεύθυνση σύνδεσης της οθόνης «{name}»",
                         "en": "Sign-in address of the screen “{name}”"},
    "admin_secret_once": {"el": "Αντιγράψτε τον τώρα· δεν θα εμφανιστεί ξανά.",
                          "en": "Copy it now; it is not shown again."},
    "admin_secret_url_once": {"el": "Αντιγράψτε την τώρα και ανοίξτε τη στην οθόνη· δεν θα "
                                    "εμφανιστεί ξανά.",
                              "en": "Copy it now and open it on the screen; it is not shown "
                                    "again."},
    "admin_copy": {"el": "Αντιγραφή", "en": "Copy"},
    "admin_secret_hide": {"el": "Το αντέγραψα· απόκρυψη", "en": "Copied; hide it"},
    # Display tokens.
    "admin_tokens": {"el": "Οθόνες τοίχου", "en": "Wall screens"},
    "admin_tokens_hint": {"el": "Κάθε οθόνη συνδέεται με τη δική της διεύθυνση, χωρίς κωδικό· "
                                "η ανάκληση την αποσυνδέει.",
                          "en": "Each screen signs in with its own address, no password; "
                                "revoking signs it out."},
    "admin_no_tokens": {"el": "Καμία οθόνη ακόμη.", "en": "No screens yet."},
    "admin_col_token": {"el": "Οθόνη", "en": "Screen"},
    "admin_col_created_by": {"el": "Από", "en": "Created by"},
    "admin_col_created": {"el": "Δημιουργία", "en": "Created"},
    "admin_col_last_used": {"el": "Τελευταία χρήση", "en": "Last used"},
    "admin_col_revoked": {"el": "Ανάκληση", "en": "Revoked"},
    "admin_token_live": {"el": "σε ισχύ", "en": "in use"},
    "admin_new_token": {"el": "Νέα οθόνη", "en": "New screen"},
    "admin_token_name": {"el": "Όνομα οθόνης (π.χ. «Αίθουσα ελέγχου, αριστερά»)",
                         "en": "Screen name (e.g. “Control room, left”)"},
    "admin_token_create": {"el": "Δημιουργία διεύθυνσης", "en": "Create sign-in address"},
    "admin_token_revoke": {"el": "Ανάκληση επιλεγμένης", "en": "Revoke selected"},
    "admin_token_pick": {"el": "Επιλέξτε μια οθόνη σε ισχύ στον πίνακα για να την ανακαλέσετε.",
                         "en": "Pick a screen in use in the table to revoke it."},
    "admin_token_revoke_confirm": {"el": "Ανάκληση της οθόνης «{name}»; Θα αποσυνδεθεί σε λίγα "
                                         "δευτερόλεπτα και η διεύθυνσή της δεν θα "
                                         "ξαναλειτουργήσει.",
                                   "en": "Revoke the screen “{name}”? It is signed out within "
                                         "seconds and its address never works again."},
    "admin_token_created": {"el": "Η οθόνη «{name}» δημιουργήθηκε.",
                            "en": "Screen “{name}” created."},
    "admin_token_revoked": {"el": "Η οθόνη «{name}» ανακλήθηκε.",
                            "en": "Screen “{name}” revoked."},
    "admin_token_gone": {"el": "Η οθόνη έχει ήδη ανακληθεί.",
                         "en": "That screen is already revoked."},
}
