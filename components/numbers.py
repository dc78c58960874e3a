"""Numbers and dates as each language writes them, on every page: Greek groups thousands with
'.' and marks decimals with ',' (2.970.000 €, 69,9 %), English the other way (€2,970,000,
69.9 %). One module, so a figure never reads "69.9" on one page and "69,9" on the next."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

MONTHS = {
    "el": ["Ιαν", "Φεβ", "Μαρ", "Απρ", "Μαΐ", "Ιουν", "Ιουλ", "Αυγ", "Σεπ", "Οκτ", "Νοε", "Δεκ"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
WEEKDAYS = {"el": ["Δευ", "Τρί", "Τετ", "Πέμ", "Παρ", "Σάβ", "Κυρ"],
            "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}
CURRENCY_SIGNS = {"EUR": "€"}
MINUS = "\u2212"  # a real minus: a hyphen is easy to miss at arm's length
NBSP = "\u00a0"  # a figure and its unit never part at a line break


def number(value: float, lang: str, decimals: int = 0) -> str:
    """Greek groups thousands with '.' and marks decimals with ','; English the other way."""
    s = f"{abs(value):,.{decimals}f}"
    if lang == "el":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return (MINUS if round(value, decimals) < 0 else "") + s


def figure(value: float | None, lang: str) -> str:
    """A KPI as an official reads it: whole numbers plain, small ones to 2 decimals (a river
    level in cm), others to 1, thousands grouped; no trailing zeros."""
    if value is None:
        return "—"
    if float(value).is_integer() or abs(value) >= 1000:
        return number(value, lang)
    return precise(value, lang, 2 if abs(value) < 10 else 1)


def signed(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + figure(value, lang)


def money(value: float, currency: str, lang: str) -> str:
    sign = CURRENCY_SIGNS.get(currency)
    amount = number(value, lang)
    if sign is None:
        return f"{amount}{NBSP}{currency}"
    return f"{amount}{NBSP}{sign}" if lang == "el" else f"{sign}{amount}"


def percent(value: float, lang: str) -> str:
    return f"{number(value, lang, 0 if float(round(value, 1)).is_integer() else 1)}{NBSP}%"


def day(d: date, lang: str) -> str:
    return f"{d.day} {MONTHS.get(lang, MONTHS['en'])[d.month - 1]} {d.year}"


def moment(at: datetime, tz: str, lang: str) -> str:
    """'Sun 15 Nov, 22:13' in the city's time zone."""
    local = at.astimezone(ZoneInfo(tz))
    weekday = WEEKDAYS.get(lang, WEEKDAYS["en"])[local.weekday()]
    month = MONTHS.get(lang, MONTHS["en"])[local.month - 1]
    return f"{weekday} {local.day} {month}, {local:%H:%M}"


def short(value: float | None, lang: str) -> str:
    """A big live figure (the KPI strip, a table cell): whole numbers plain, others to one
    decimal, thousands grouped; "—" for none."""
    if value is None or value != value:  # None or NaN
        return "—"
    if float(value).is_integer() or abs(value) >= 1000:
        return number(value, lang)
    return number(value, lang, 1)


def count(n: int, lang: str) -> str:
    """A count of things, thousands grouped as the language groups them."""
    return number(n, lang)


def precise(value: float, lang: str, decimals: int = 3) -> str:
    """Up to `decimals` decimals, none trailing (a report's cell: 1.234,5 / 1,234.5)."""
    s = number(value, lang, decimals)
    point = "," if lang == "el" else "."
    return s.rstrip("0").rstrip(point) if point in s else s
