"""UI text of the city page for officials (pages/city.py) (Greek, English)."""

TEXT: dict[str, dict[str, str]] = {
}
