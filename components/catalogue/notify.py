"""What the notifications say (notify/messages.py) and how the audit trail names their
events (and every other alarm event)."""

TEXT = {
    "notify_first": {"el": "Νέος συναγερμός", "en": "New alarm"},
    "notify_reminder": {"el": "Υπενθύμιση: δεν έχει αναγνωριστεί",
                        "en": "Reminder: not acknowledged"},
    "notify_escalation": {"el": "Κλιμάκωση: κανείς δεν τον αναγνώρισε",
                          "en": "Escalated: nobody has acknowledged it"},
    "notify_digest": {"el": "{n} συναγερμοί περιμένουν αναγνώριση",
                      "en": "{n} alarms await acknowledgement"},
    "notify_flood": {"el": "Πλημμύρα συναγερμών: ένα συγκεντρωτικό μήνυμα αντί για πολλά.",
                     "en": "Alarm flood: one digest instead of many messages."},
    "notify_value": {"el": "τιμή", "en": "value"},
    "notify_open": {"el": "Κονσόλα συναγερμών", "en": "Alarm console"},
    "notify_more": {"el": "…και {n} ακόμη στην κονσόλα.", "en": "…and {n} more in the console."},
    "notify_why": {
        "el": "Λαμβάνετε αυτό το μήνυμα ως εφημερεύων/ουσα του τμήματος «{dept}». Οι "
              "υπενθυμίσεις σταματούν μόλις κάποιος αναγνωρίσει, θέσει σε αναμονή ή λήξει ο "
              "συναγερμός.",
        "en": "You receive this as on call for {dept}. Reminders stop as soon as someone "
              "acknowledges or shelves the alarm, or it clears."},
    "notify_sent": {"el": "{channel} προς {to} ({kind})", "en": "{channel} to {to} ({kind})"},
    "notify_failed": {"el": "{channel} προς {to}: απέτυχε ({error}), νέα προσπάθεια στις {retry}",
                      "en": "{channel} to {to} failed ({error}); next try at {retry}"},
    "channel_email": {"el": "Ηλ. ταχυδρομείο", "en": "E-mail"},
    "channel_webhook": {"el": "Webhook", "en": "Webhook"},
    "notify_title": {"el": "Ειδοποιήσεις συναγερμών", "en": "Alarm notifications"},
    "notify_hint": {
        "el": "Ποιοι ειδοποιούνται ανά τμήμα (config/departments.yaml) και τι περιμένει να "
              "σταλεί. Ό,τι δεν στάλθηκε ξαναδοκιμάζεται· δεν χάνεται.",
        "en": "Who is told, per department (config/departments.yaml), and what waits to go. "
              "What could not be sent is tried again; nothing is lost."},
    "notify_department": {"el": "Τμήμα", "en": "Department"},
    "notify_contacts": {"el": "Εφημερεύοντες", "en": "On call"},
    "notify_remind": {"el": "Υπενθύμιση κάθε", "en": "Reminder every"},
    "notify_escalate": {"el": "Κλιμάκωση μετά από", "en": "Escalation after"},
    "notify_off": {"el": "όχι", "en": "off"},
    "notify_nobody": {"el": "Κανένα τμήμα δεν έχει λίστα εφημερίας.",
                      "en": "No department has an on-call list."},
    "notify_outbox": {"el": "Ειδοποιήσεις", "en": "Notifications"},
    "notify_waiting": {"el": "Περιμένουν", "en": "Waiting"},
    "notify_failing": {"el": "Με αποτυχία, σε νέα προσπάθεια", "en": "Failed, to be retried"},
    "notify_sent_24h": {"el": "Στάλθηκαν (24 ώρες)", "en": "Sent (24 h)"},
    "notify_relay": {"el": "Διακομιστής αλληλογραφίας", "en": "Mail relay"},
    "notify_no_relay": {"el": "δεν έχει οριστεί (CITYOPS_SMTP_HOST)· μόνο webhooks",
                        "en": "not set (CITYOPS_SMTP_HOST); webhooks only"},
    "notify_last_error": {"el": "Τελευταίο σφάλμα", "en": "Last error"},
    "event_raised": {"el": "Εμφάνιση", "en": "Raised"},
    "event_acknowledged": {"el": "Αναγνώριση", "en": "Acknowledged"},
    "event_shelved": {"el": "Σε αναμονή", "en": "Shelved"},
    "event_unshelved": {"el": "Επαναφορά από αναμονή", "en": "Unshelved"},
    "event_cleared": {"el": "Λήξη", "en": "Cleared"},
    "event_commented": {"el": "Σχόλιο", "en": "Comment"},
    "event_assigned": {"el": "Ανάθεση", "en": "Assigned"},
    "event_notified": {"el": "Ειδοποίηση", "en": "Notified"},
    "event_notify_failed": {"el": "Αποτυχία ειδοποίησης", "en": "Notification failed"},
}
