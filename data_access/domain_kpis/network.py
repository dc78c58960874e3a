"""The network and device health: gateways up, devices online, radio and battery
distributions, and the devices a technician should visit first.

Unlike the other domains, `devices` here is every device of the city: the network carries
them all. The visit list ranks a silent device first (longest silence first: it is lost
data now), then a low battery (lowest first: it will be silent soon), then a weak LoRaWAN
link (furthest below the limit first: it loses uplinks). A device appears once, with every
reason that applies. Distributions use each device's last known value, silent ones included:
their link or battery is often why they are silent.

Tables "rssi", "snr", "battery": bin_start, bin_end, devices (fixed bins from kpis.yaml;
values beyond the ends are counted in the first or last bin).
Table "visit" (at most visit_top rows, most urgent first): id, name_el, name_en, kind, unit,
reason_el, reason_en, score (tier x 1000 + how far into it: offline 3000 + hours silent,
battery 2000 + points below the limit, weak link 1000 + dB below the limit).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from data_access.domain_kpis.base import NOW, DomainSummary, Kpi, of_kind, reporting, rounded
from data_access.domain_kpis.settings import Bins, KpiSettings, Network

CITY_WIDE = True  # domain_data passes every device of the city, not only the gateways
METRICS: tuple[str, ...] = ()  # device health comes from the devices' own columns
WINDOW = timedelta(0)
BUCKET_S = 3600
BIN_COLUMNS = ["bin_start", "bin_end", "devices"]
VISIT_COLUMNS = ["id", "name_el", "name_en", "kind", "unit", "reason_el", "reason_en", "score"]


def histogram(values: pd.Series, bins: Bins) -> pd.DataFrame:
    """Devices per fixed bin; NaN values are left out."""
    count = math.ceil((bins.stop - bins.start) / bins.step - 1e-9)
    starts = bins.start + bins.step * np.arange(count)
    ends = np.minimum(starts + bins.step, bins.stop)
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    idx = np.clip(np.floor((v - bins.start) / bins.step).astype(int), 0, count - 1)
    per_bin = np.bincount(idx, minlength=count)
    return pd.DataFrame({"bin_start": starts, "bin_end": ends, "devices": per_bin})


def _column(devices: pd.DataFrame, name: str) -> pd.Series:
    if name not in devices:
        return pd.Series(np.nan, index=devices.index, dtype=float)
    return pd.to_numeric(devices[name], errors="coerce").astype(float)


def _is_offline(devices: pd.DataFrame) -> pd.Series:
    """Offline: marked so, or silent after having been seen (never seen is 'unknown': not
    installed yet, nothing to repair)."""
    status = devices["status"] if "status" in devices else pd.Series("", index=devices.index)
    seen = (devices["last_seen"].notna() if "last_seen" in devices
            else pd.Series(False, index=devices.index))
    return (status == "offline") | (~reporting(devices) & seen)


def visit_scores(frame: pd.DataFrame, now: datetime, cfg: Network) -> pd.Series:
    """The visit score of every device (0: nothing to do), computed on whole columns: a
    city may have 100,000 devices and only the top few need words."""
    silent_h = ((pd.Timestamp(now) - pd.to_datetime(frame["last_seen"], utc=True))
                .dt.total_seconds() / 3600.0) if "last_seen" in frame else pd.Series(
                    np.nan, index=frame.index)
    below_rssi = (cfg.rssi_weak_dbm - frame["rssi"]).where(frame["rssi"] < cfg.rssi_weak_dbm)
    below_snr = (cfg.snr_weak_db - frame["snr"]).where(frame["snr"] < cfg.snr_weak_db)
    weak = pd.concat([below_rssi, below_snr], axis=1).max(axis=1)
    score = pd.Series(0.0, index=frame.index)
    score = score.mask(weak.notna(), 1000 + weak)
    low = frame["battery"] < cfg.battery_low_pct
    score = score.mask(low, 2000 + (cfg.battery_low_pct - frame["battery"]))
    offline = _is_offline(frame)
    return score.mask(offline, 3000 + silent_h.fillna(0).clip(lower=0, upper=999.0))


def _reasons(d, now: datetime, cfg: Network) -> tuple[str, str]:
    """Every reason that applies to one device, in Greek and English."""
    reasons = []
    if d.score >= 3000:
        silent = "" if pd.isna(d.last_seen) else (
            f" {(pd.Timestamp(now) - d.last_seen).total_seconds() / 3600:.1f} h")
        reasons.append((f"εκτός σύνδεσης{silent}", f"offline{silent}"))
    if d.battery < cfg.battery_low_pct:
        reasons.append((f"μπαταρία {d.battery:.0f} %", f"battery {d.battery:.0f} %"))
    weak = [text for text, bad in ((f"RSSI {d.rssi:.0f} dBm", d.rssi < cfg.rssi_weak_dbm),
                                   (f"SNR {d.snr:.1f} dB", d.snr < cfg.snr_weak_db)) if bad]
    if weak:
        reasons.append((f"ασθενής ζεύξη: {', '.join(weak)}", f"weak link: {', '.join(weak)}"))
    return "; ".join(r[0] for r in reasons), "; ".join(r[1] for r in reasons)


def visit_table(devices: pd.DataFrame, now: datetime, cfg: Network) -> pd.DataFrame:
    if devices.empty:
        return pd.DataFrame(columns=VISIT_COLUMNS)
    frame = devices.assign(battery=_column(devices, "battery"), rssi=_column(devices, "rssi"),
                           snr=_column(devices, "snr"))
    frame["score"] = visit_scores(frame, now, cfg).round(1)
    if "last_seen" in frame:
        frame["last_seen"] = pd.to_datetime(frame["last_seen"], utc=True)
    else:
        frame["last_seen"] = pd.NaT
    top = frame[frame["score"] > 0].sort_values("score", ascending=False, kind="stable")
    top = top.head(cfg.visit_top).reindex(
        columns=["id", "name_el", "name_en", "kind", "unit", "battery", "rssi", "snr",
                 "last_seen", "score"])
    texts = [_reasons(d, now, cfg) for d in top.itertuples()]
    top["reason_el"] = [t[0] for t in texts]
    top["reason_en"] = [t[1] for t in texts]
    return top.reindex(columns=VISIT_COLUMNS).reset_index(drop=True)


def _kpis(devices: pd.DataFrame, cfg: Network) -> list[Kpi]:
    gateways = of_kind(devices, "lorawan_gateway")
    up = int(reporting(gateways).sum())
    total = len(devices)
    online = rounded(100.0 * reporting(devices).sum() / total) if total else None
    battery, rssi, snr = (_column(devices, c) for c in ("battery", "rssi", "snr"))
    low = float((battery < cfg.battery_low_pct).sum()) if battery.notna().any() else None
    weak_known = rssi.notna() | snr.notna()
    weak = (float(((rssi < cfg.rssi_weak_dbm) | (snr < cfg.snr_weak_db)).sum())
            if weak_known.any() else None)
    offline = float(_is_offline(devices).sum()) if total else None
    return [
        Kpi("gateways_up", {"el": "Πύλες LoRaWAN σε λειτουργία", "en": "LoRaWAN gateways up"},
            float(up) if len(gateways) else None, "", None, NOW,
            None if not len(gateways) else ("ok" if up == len(gateways) else (
                "alarm" if up == 0 else "warning")),
            {"el": f"από {len(gateways)}", "en": f"of {len(gateways)}"}),
        Kpi("devices_online_pct", {"el": "Συσκευές σε σύνδεση", "en": "Devices online"}, online,
            "%", None, NOW, note={"el": f"{int(reporting(devices).sum())} από {total}",
                                  "en": f"{int(reporting(devices).sum())} of {total}"}),
        Kpi("devices_offline", {"el": "Συσκευές εκτός σύνδεσης", "en": "Devices offline"},
            offline, "", None, NOW, None if offline is None else ("warning" if offline else "ok")),
        Kpi("battery_low", {"el": "Χαμηλή μπαταρία", "en": "Battery low"}, low, "", None, NOW,
            None if low is None else ("warning" if low else "ok"),
            {"el": f"κάτω από {cfg.battery_low_pct:g} %",
             "en": f"below {cfg.battery_low_pct:g} %"}),
        Kpi("weak_link", {"el": "Ασθενής ζεύξη", "en": "Weak radio link"}, weak, "", None, NOW,
            None if weak is None else ("warning" if weak else "ok"),
            {"el": f"RSSI < {cfg.rssi_weak_dbm:g} dBm ή SNR < {cfg.snr_weak_db:g} dB",
             "en": f"RSSI < {cfg.rssi_weak_dbm:g} dBm or SNR < {cfg.snr_weak_db:g} dB"}),
    ]


def summary(devices: pd.DataFrame, history: pd.DataFrame, now: datetime,
            cfg: KpiSettings) -> DomainSummary:
    """`devices`: every device of the city, not only the network domain's."""
    net = cfg.network
    kpis = [replace(k, at=now if k.value is not None else None) for k in _kpis(devices, net)]
    return DomainSummary(kpis=kpis, tables={
        "rssi": histogram(_column(devices, "rssi"), net.rssi_bins),
        "snr": histogram(_column(devices, "snr"), net.snr_bins),
        "battery": histogram(_column(devices, "battery"), net.battery_bins),
        "visit": visit_table(devices, now, net),
    })
