"""Latin-script words on a Greek page: what is left in English. Names and units are allowed
(a device id, an e-mail address, km, kWh, DevEUI, CSV, and whatever the page marks as a
name with class "notranslate" or translate="no"); anything else is reported with the text
it was found in, so a translator knows where to look."""

from __future__ import annotations

import re

# Units, standards, formats, protocols and brands: written in Latin script in Greek too.
ALLOWED = {
    # units (the digits and superscripts fall away: m³ -> m, NO₂ -> NO, °C -> C)
    "km", "m", "cm", "mm", "h", "min", "s", "ms", "kW", "kWh", "MWh", "MW", "W", "Wh", "V",
    "mV", "A", "Hz", "dB", "dBm", "hPa", "lx", "ppm", "µg", "mg", "L", "l", "C", "K",
    "NO", "PM", "O", "SO", "CO", "NOx", "UV", "pH", "NTU",
    # standards, protocols, formats, products
    "CityOps", "LoRaWAN", "DevEUI", "EUI", "RSSI", "SNR", "CSV", "XLSX", "JSON", "GeoJSON",
    "PNG", "PDF", "EEMUA", "ISA", "API", "URL", "SMTP", "STARTTLS", "MQTT", "HTTP", "HTTPS",
    "TTS", "ChirpStack", "NB", "IoT", "Wi", "Fi", "LTE", "EAQI", "EU", "EEA", "WHO", "Leaflet",
    "OpenStreetMap", "Plotly", "Webhook", "webhooks", "SMS", "ID", "IP", "GPS", "SIM", "QR",
    "Redis", "PostgreSQL", "SQLite", "CITYOPS", "SMTP_HOST", "AG", "Grid", "axe",
    "EL", "EN", "ISO", "UTC", "EET", "EEST", "RRF", "NSRF", "ESPA", "TAA",
    "CC", "BY", "bar", "LED", "Ethernet", "M", "Enter", "ALT", "Alt", "JavaScript",
}
TOKEN = re.compile(r"[\w\-.@:/+]+", re.UNICODE)
LATIN = re.compile(r"^[A-Za-z]+$")
FIGURE_UNIT = re.compile(r"^[\d.,]+([A-Za-z]+)$")  # "24h", "7d": the unit is a word

WALK = """() => {
  const shown = el => {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'
      && !el.closest('[hidden], [aria-hidden="true"]');
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode, el = n.parentElement, text = n.textContent.trim();
    if (!text || !el || el.closest('script, style, noscript, .notranslate, [translate="no"]')
        || !shown(el)) { continue; }
    out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (!shown(el)) { continue; }
    for (const a of ['placeholder', 'title', 'aria-label']) {
      const v = el.getAttribute(a);
      if (v) { out.push(v); }
    }
  }
  return out;
}"""


def latin_words(texts: list[str], names: set[str] = frozenset()) -> dict[str, str]:
    """word -> the first text it came in; ids, addresses and numbers are not words."""
    found: dict[str, str] = {}
    for text in texts:
        for token in TOKEN.findall(text):
            unit = FIGURE_UNIT.match(token)
            if unit:
                token = unit.group(1)
            if any(c.isdigit() for c in token) or any(c in token for c in "_@/:."):
                continue  # an id, an address, a file, a time, a number
            if token.startswith("test-") or token in names:
                continue  # the test's own accounts and the city's own names
            for word in token.strip("-+").split("-"):
                if LATIN.match(word) and word not in ALLOWED:
                    found.setdefault(word, text[:80])
    return found


def english_on(page, names: set[str] = frozenset()) -> dict[str, str]:
    return latin_words(page.evaluate(WALK), names)


def city_names(config) -> set[str]:
    """What the city's config names in Latin script on purpose: the domains' map glyphs."""
    return {d.glyph for d in config.domains}
