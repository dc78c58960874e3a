"""The refusal page: says which role the reader has and leads back somewhere useful."""

from __future__ import annotations

from flask import render_template_string

from access.policy import Principal
from components.i18n import request_language, t

FORBIDDEN_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · CityOps</title><link rel="stylesheet" href="/assets/login.css"></head>
<body class="login-body"><main class="login-page">
<h1 class="login-city">{{ title }}</h1><p class="login-msg error" role="alert">{{ text }}</p>
<nav class="login-links"><a href="/?lang={{ lang }}">{{ home }}</a>
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="{{ csrf }}">
<button type="submit" class="link-button">{{ logout }}</button></form></nav>
</main></body></html>"""


def forbidden_page(who: Principal) -> str:
    from flask_wtf.csrf import generate_csrf

    lang = request_language()
    return render_template_string(
        FORBIDDEN_PAGE, lang=lang, title=t("forbidden_title", lang),
        text=t("forbidden_text", lang, role=t(f"role_{who.role}", lang)),
        home=t("forbidden_home", lang), logout=t("logout", lang), csrf=generate_csrf())
