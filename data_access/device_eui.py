"""A LoRaWAN DevEUI as CityOps keeps it, whichever way a network server spells it."""

from __future__ import annotations


def normalise_eui(raw: str | None) -> str | None:
    """16 hex digits, upper case, no separators (ChirpStack sends lower case, The Things
    Stack upper case, people write dashes); None if it is not one."""
    if not raw:
        return None
    eui = raw.replace("-", "").replace(":", "").strip().upper()
    return eui if len(eui) == 16 and all(c in "0123456789ABCDEF" for c in eui) else None
