"""Sections of the one UI text catalogue; components/i18n.py merges them."""
