"""Where alarms find their people: each department's on-call list is told of its alarms by
e-mail and signed webhooks, reminded until someone acknowledges, escalated when nobody does.

plan.py decides (pure), messages.py words it, outbox.py keeps it in SQL, channels.py sends,
worker.py runs the round beside the other workers and writes each outcome to the alarm's
audit trail (as events on the alarms stream)."""
