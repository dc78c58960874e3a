"""Who may see and do what: users, roles, sign-in, display tokens, and the guard that
checks every page, callback, route and download before it runs.

    policy.py   roles and what each may do (pure; the one table to read)
    rules.py    what each page, callback and route needs (declared where it is registered)
    guard.py    the check before every request
    login.py    sign-in, sign-out, display-token sign-in
    users.py    users and display tokens in SQL
"""
