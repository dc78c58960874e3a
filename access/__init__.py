"""Who may see and do what: users, roles, sign-in, display tokens, and the guard that
checks every page, callback, route and download before it runs.

    policy.py     roles and what each may do (pure; the one table to read)
    rules.py      what each page, callback and route needs (declared where it is registered)
    guard.py      the check before every request; refusals carry no data
    page_paths.py the page Dash's router really draws for a path, and its one spelling
    callback_shape.py  is a callback request exactly as its callback was declared (pure)
    headers.py    Content-Security-Policy and the other security headers on every answer
    login.py      sign-in, sign-out, display-token sign-in (Flask-Login, Redis sessions)
    users.py      users and display tokens in SQL
    passwords.py  Argon2id hashing and the password rules
    throttle.py   rate limits in Redis: sign-in attempts (claimed before the hash), the
                  public API
    identity.py   current_principal() for pages and callbacks
    setup.py      binds all of it to the Flask server
    cli.py        `flask users ...`, `flask displays ...`, the demo users
    pages.py      the refusal page
"""
