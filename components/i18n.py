"""The one catalogue of UI text, Greek and English. City-specific names live in config/."""

from __future__ import annotations

from components.catalogue import (
    access,
    admin,
    city,
    domains,
    intake,
    notify,
    public,
    reports,
    widgets,
)
from components.preferences import remembered

LANGUAGES = ("el", "en")
LANG_COOKIE = "cityops_lang"

CORE: dict[str, dict[str, str]] = {
    "app_title": {"el": "Κέντρο Επιχειρήσεων", "en": "Operations Centre"},
    "demo_badge": {"el": "Επίδειξη", "en": "Demo"},
    "demo_badge_title": {"el": "Πόλη επίδειξης: οι συσκευές και οι τιμές είναι προσομοίωση",
                         "en": "Demo city: its devices and values are simulated"},
    "nav_overview": {"el": "Επισκόπηση", "en": "Overview"},
    "alarms": {"el": "Ενεργοί συναγερμοί", "en": "Active alarms"},
    "no_alarms": {"el": "Κανένας ενεργός συναγερμός", "en": "No active alarms"},
    "devices_reporting": {"el": "αναφέρουν", "en": "reporting"},
    "no_data": {"el": "χωρίς δεδομένα", "en": "no data"},
    "legend": {"el": "Υπόμνημα", "en": "Legend"},
    "status_ok": {"el": "Κανονικά", "en": "Normal"},
    "status_warning": {"el": "Προειδοποίηση", "en": "Warning"},
    "status_alarm": {"el": "Συναγερμός", "en": "Alarm"},
    "status_offline": {"el": "Εκτός σύνδεσης", "en": "Offline"},
    "status_unknown": {"el": "Χωρίς αναφορά", "en": "Not yet reported"},
    "severity_critical": {"el": "Κρίσιμος", "en": "Critical"},
    "severity_major": {"el": "Σοβαρός", "en": "Major"},
    "severity_minor": {"el": "Μέτριος", "en": "Minor"},
    "severity_warning": {"el": "Προειδοποίηση", "en": "Warning"},
    "state_active_unack": {"el": "Νέος", "en": "New"},
    "state_active_ack": {"el": "Αναγνωρισμένος", "en": "Acknowledged"},
    "state_cleared_unack": {"el": "Έληξε, μη αναγνωρισμένος", "en": "Cleared, unacknowledged"},
    "state_shelved": {"el": "Σε αναμονή", "en": "Shelved"},
    "more_alarms": {"el": "και {n} ακόμη", "en": "and {n} more"},
    "alarm_flood": {"el": "Πλημμύρα συναγερμών: {n} νέοι συναγερμοί στα 10 λεπτά έως τις {until}",
                    "en": "Alarm flood: {n} new alarms in the 10 minutes to {until}"},
    "times": {"el": "φορές", "en": "times"},
    "map_label": {"el": "Χάρτης συσκευών της πόλης", "en": "Map of the city's devices"},
    "kpi_label": {"el": "Δείκτες ανά τομέα", "en": "Figures per domain"},
    "language": {"el": "Γλώσσα", "en": "Language"},
    "updated": {"el": "Ενημέρωση", "en": "Updated"},
    "devices": {"el": "συσκευές", "en": "devices"},
    "since": {"el": "από", "en": "since"},
    "last_seen": {"el": "Τελευταία αναφορά", "en": "Last seen"},
    "battery": {"el": "Μπαταρία", "en": "Battery"},
    "kind": {"el": "Είδος", "en": "Kind"},
    "search_device": {"el": "Αναζήτηση συσκευής…", "en": "Find a device…"},
    "unit": {"el": "Δημοτική ενότητα", "en": "Municipal unit"},
    "history": {"el": "Ιστορικό", "en": "History"},
    "device_alarms": {"el": "Συναγερμοί συσκευής", "en": "Device alarms"},
    "device_unknown": {"el": "Άγνωστη συσκευή", "en": "Unknown device"},
    "open_device": {"el": "Σελίδα συσκευής", "en": "Device page"},
    "state_closed": {"el": "Κλειστός", "en": "Closed"},
    "nav_map": {"el": "Χάρτης", "en": "Map"},
    "filters": {"el": "Φίλτρα", "en": "Filters"},
    "connectivity": {"el": "Συνδεσιμότητα", "en": "Connectivity"},
    "filter_hint": {
        "el": "Τομείς: από τον πίνακα επιπέδων στον χάρτη. Καταστάσεις: από το υπόμνημα.",
        "en": "Domains: from the layers box on the map. Statuses: from the legend."},
    "all_domains": {"el": "Όλοι οι τομείς", "en": "All domains"},
    "connection_lost": {"el": "Χάθηκε η σύνδεση με τον διακομιστή από {time} — νέα προσπάθεια…",
                        "en": "Connection to the server lost since {time} — retrying…"},
    "nav_alarms": {"el": "Συναγερμοί", "en": "Alarms"},
    "console_title": {"el": "Κονσόλα συναγερμών", "en": "Alarm console"},
    "group_repeats": {"el": "Ομαδοποίηση επαναλήψεων", "en": "Group repeats"},
    "group_devices": {"el": "{n} συσκευές", "en": "{n} devices"},
    "domain": {"el": "Τομέας", "en": "Domain"},
    "severity": {"el": "Σοβαρότητα", "en": "Severity"},
    "state": {"el": "Κατάσταση", "en": "State"},
    "time": {"el": "Χρόνος", "en": "Time"},
    "window_open": {"el": "Όλοι οι ανοιχτοί", "en": "All open"},
    "window_1h": {"el": "Τελευταία ώρα", "en": "Last hour"},
    "window_24h": {"el": "Τελευταίες 24 ώρες", "en": "Last 24 h"},
    "window_7d": {"el": "Τελευταίες 7 ημέρες", "en": "Last 7 days"},
    "window_30d": {"el": "Τελευταίες 30 ημέρες", "en": "Last 30 days"},
    "all": {"el": "Όλα", "en": "All"},
    "ack_selected": {"el": "Αναγνώριση επιλεγμένων", "en": "Acknowledge selected"},
    "export_csv": {"el": "Εξαγωγή CSV", "en": "Export CSV"},
    "raised": {"el": "Εμφάνιση", "en": "Raised"},
    "message": {"el": "Μήνυμα", "en": "Message"},
    "device": {"el": "Συσκευή", "en": "Device"},
    "count": {"el": "Πλήθος", "en": "Count"},
    "assigned": {"el": "Ανάθεση", "en": "Assigned to"},
    "ack_by": {"el": "Αναγνώριση από", "en": "Acknowledged by"},
    "pick_alarm": {"el": "Επιλέξτε έναν συναγερμό για λεπτομέρειες.",
                   "en": "Pick an alarm for its details."},
    "audit_trail": {"el": "Ιστορικό ενεργειών", "en": "Audit trail"},
    "values_around": {"el": "Τιμές γύρω από τον συναγερμό", "en": "Values around the alarm"},
    "acknowledge": {"el": "Αναγνώριση", "en": "Acknowledge"},
    "shelve": {"el": "Σε αναμονή για", "en": "Shelve for"},
    "unshelve": {"el": "Επαναφορά", "en": "Unshelve"},
    "comment": {"el": "Σχόλιο", "en": "Comment"},
    "add_comment": {"el": "Προσθήκη σχολίου", "en": "Add comment"},
    "assign": {"el": "Ανάθεση σε", "en": "Assign to"},
    "minutes": {"el": "λεπτά", "en": "min"},
    "hours": {"el": "ώρες", "en": "h"},
    "action_done": {"el": "Έγινε: {n} συναγερμοί.", "en": "Done: {n} alarm(s)."},
    "action_queued": {"el": "Στάλθηκε· θα εφαρμοστεί μόλις απαντήσει η αποθήκη συναγερμών.",
                      "en": "Sent; it will apply as soon as the alarm store answers."},
    "action_unknown": {"el": "Άγνωστη ενέργεια.", "en": "Unknown action."},
    "action_no_alarm": {"el": "Επιλέξτε πρώτα συναγερμούς.", "en": "Select alarms first."},
    "action_need_user": {"el": "Συνδεθείτε για να χειριστείτε συναγερμούς.",
                         "en": "Sign in to act on alarms."},
    "action_need_comment": {"el": "Γράψτε ένα σχόλιο (έως 4000 χαρακτήρες).",
                            "en": "Write a comment (up to 4,000 characters)."},
    "action_need_duration": {"el": "Διαλέξτε διάρκεια αναμονής (έως 24 ώρες).",
                             "en": "Pick how long to shelve (24 h at most)."},
    "action_need_department": {"el": "Διαλέξτε τμήμα.", "en": "Pick a department."},
    "health_title": {"el": "Υγεία συστήματος συναγερμών (EEMUA 191), 7 ημέρες",
                     "en": "Alarm-system health (EEMUA 191), last 7 days"},
    "h_rate": {"el": "Συναγερμοί ανά 10 λεπτά (μ.ο. / μέγ.)",
               "en": "Alarms per 10 min (avg / max)"},
    "h_flood": {"el": "Περίοδοι σε πλημμύρα (>10 / 10 λεπτά)",
                "en": "Periods in flood (>10 per 10 min)"},
    "h_standing": {"el": "Μόνιμοι (>24 ώρες)", "en": "Standing (>24 h)"},
    "h_chatter": {"el": "Επαναλαμβανόμενοι (≥3 / λεπτό)", "en": "Chattering (≥3 in 1 min)"},
    "h_priorities": {"el": "Προτεραιότητες υψ./μέσ./χαμ. (στόχος 5/15/80 %)",
                     "en": "Priorities high/medium/low (target 5/15/80 %)"},
    "h_bad_actors": {"el": "Οι δέκα συχνότεροι", "en": "Top ten bad actors"},
}



def _merge(*sections: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """One catalogue from its sections (one per part of the product, so translators find a
    page's text together); a key defined twice is a mistake caught at import."""
    merged: dict[str, dict[str, str]] = {}
    for section in sections:
        clash = merged.keys() & section.keys()
        if clash:
            raise ValueError(f"catalogue keys defined twice: {sorted(clash)}")
        merged.update(section)
    return merged


CATALOGUE = _merge(CORE, domains.TEXT, city.TEXT, reports.TEXT, access.TEXT, admin.TEXT,
                   intake.TEXT, notify.TEXT, public.TEXT, widgets.TEXT)


def t(key: str, lang: str, **fmt: object) -> str:
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text


def resolve_language(explicit: str | None, default: str) -> str:
    """?lang= wins, then the remembered cookie, then the city's default language."""
    return remembered(explicit, LANGUAGES, LANG_COOKIE, default)


def request_language() -> str:
    """The language to answer the current HTTP request in (routes outside Dash's pages)."""
    from flask import request

    from data_access.app_context import current_store

    return resolve_language(request.args.get("lang"),
                            current_store().config.city.default_language)


def graph_config(lang: str, **extra: object) -> dict:
    """A dcc.Graph's config in the reader's language: the chart tool's words, month and day
    names on date axes, the decimal comma and thousands dot on Greek pages."""
    # No "Share chart": the city's data is not sent to Plotly's cloud.
    config: dict = {"displaylogo": False, "showSendToCloud": False,
                    "modeBarButtonsToRemove": ["sendDataToCloud"], **extra}
    if lang == "el":
        # A chart without the tool sends only the dates' and numbers' format: the domain
        # pages' charts go out again on every refresh, to every screen.
        locale = (widgets.PLOTLY_EL if extra.get("displayModeBar", True)
                  else {"format": widgets.PLOTLY_EL["format"]})
        config.update(locale="el", locales={"el": locale})
    return config


def library_words(lang: str) -> dict[str, str]:
    """English words the libraries write into attributes, and the page's own for them."""
    return widgets.LIBRARY_WORDS_EL if lang == "el" else {}


def grid_locale(lang: str) -> dict[str, str]:
    """AG Grid's own words (pager, filters, screen-reader labels) in the reader's language."""
    return widgets.GRID_EL if lang == "el" else {}
