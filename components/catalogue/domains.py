"""UI text of the domain pages (pages/domains/) (Greek, English)."""

TEXT: dict[str, dict[str, str]] = {
}
