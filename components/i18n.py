"""The one catalogue of UI text, Greek and English. City-specific names live in config/."""

from __future__ import annotations

from components.preferences import remembered

LANGUAGES = ("el", "en")
LANG_COOKIE = "cityops_lang"

CATALOGUE: dict[str, dict[str, str]] = {
    "app_title": {"el": "Κέντρο Επιχειρήσεων", "en": "Operations Centre"},
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
}


def t(key: str, lang: str, **fmt: object) -> str:
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text


def resolve_language(explicit: str | None, default: str) -> str:
    """?lang= wins, then the remembered cookie, then the city's default language."""
    return remembered(explicit, LANGUAGES, LANG_COOKIE, default)
