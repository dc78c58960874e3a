"""UI text of the reports page (pages/reports.py) (Greek, English)."""

TEXT: dict[str, dict[str, str]] = {
}
