"""A deterministic demo city: the same seed and start time give the same telemetry.

It behaves like any other source: it only XADDs entries to `cityops:telemetry`. Daily
rhythms follow local time; a storm passes every few hours and raises the rivers; bins
fill and are emptied; a few devices fall silent for a while, a few batteries run down and a
few LoRaWAN devices have a weak radio link.
"""

from __future__ import annotations

import heapq
import logging
import math
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson
import redis

from data_access import streams
from data_access.city_config import CityConfig
from data_access.daylight import is_dark

log = logging.getLogger(__name__)

STORM_EVERY = timedelta(hours=4)
STORM_FIRST_AFTER = timedelta(minutes=2)
STORM_MINUTES = 40.0
WEAK_LINK_SHARE = 0.05  # of LoRaWAN devices
# Counters, fill levels and tanks follow the clock, not the simulator's start: a restart, or
# history written by ingest/backfill.py, continues them instead of starting them over.
COUNTER_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class SimDevice:
    id: str
    kind: str
    attrs: dict[str, float] = field(default_factory=dict)


def _bump(hour: float, centre: float, width: float) -> float:
    """A smooth daily peak: 1 at `centre`, fading to 0 at `width` hours either side."""
    d = min(abs(hour - centre), 24 - abs(hour - centre))
    return math.cos(math.pi * d / (2 * width)) ** 2 if d < width else 0.0


class Simulator:
    def __init__(self, devices: Iterable[SimDevice], config: CityConfig, seed: int,
                 start: datetime, silent_share: float = 0.01) -> None:
        self.config = config
        self.seed = seed
        self.start = start
        self.tz = ZoneInfo(config.city.timezone)
        self.devices = list(devices)
        rng = random.Random(seed)
        self.profile: dict[str, dict[str, float]] = {}
        self.queue: list[tuple[float, int, str]] = []
        by_id = {}
        for i, d in enumerate(self.devices):
            by_id[d.id] = d
            p = {
                "battery": rng.uniform(35, 100), "drain_h": rng.uniform(0.01, 0.05),
                "rssi": rng.uniform(-112, -70), "snr": rng.uniform(-8, 9),
                "level": rng.uniform(20, 90), "rate_h": rng.uniform(1.0, 4.0),
                "base": rng.uniform(0.5, 1.5), "capacity": d.attrs.get("capacity", 100),
                "silent_from": math.inf, "silent_to": math.inf,
            }
            if rng.random() < silent_share:  # falls silent for a while, then returns
                p["silent_from"] = rng.uniform(300, 1800)
                p["silent_to"] = p["silent_from"] + rng.uniform(900, 2400)
            if rng.random() < 0.03:  # a battery about to run low
                p["battery"] = rng.uniform(20.5, 23)
                p["drain_h"] = 2.0
            # A few LoRaWAN devices sit at the edge of coverage. Their own generator, so every
            # other device's profile stays what it was.
            link = random.Random(f"{seed}:{d.id}:link")
            lorawan = config.kinds[d.kind].connectivity == "lorawan"
            if lorawan and link.random() < WEAK_LINK_SHARE:
                p["rssi"] = link.uniform(-122, -117)
                p["snr"] = link.uniform(-13, -6)
            self.profile[d.id] = p
            interval = config.kinds[d.kind].interval_s
            # Everyone reports once at start so the map is live at once, then on its period.
            heapq.heappush(self.queue, (start.timestamp() + rng.uniform(0, 5), i, d.id))
            p["interval"] = interval
        self.by_id = by_id

    # -- the physics of the demo city ---------------------------------------------------
    def storm(self, t: datetime) -> tuple[float, float]:
        """(minutes into the current storm, its peak rain in mm/h); minutes < 0 if none."""
        since = (t - self.start - STORM_FIRST_AFTER).total_seconds()
        if since < 0:
            return -1.0, 0.0
        n, offset = divmod(since, STORM_EVERY.total_seconds())
        peak = random.Random(f"{self.seed}:storm:{int(n)}").uniform(18, 45)
        return offset / 60.0, peak

    def rain(self, t: datetime) -> float:
        minute, peak = self.storm(t)
        if 0 <= minute <= STORM_MINUTES:
            return peak * math.sin(math.pi * minute / STORM_MINUTES)
        return 0.0

    def river_rise(self, t: datetime) -> float:
        """0..~1.3: the river answers the rain 10 minutes late and recedes slowly."""
        minute, peak = self.storm(t)
        span = STORM_MINUTES + 40
        if 10 <= minute <= 10 + span:
            return (peak / 32.0) * math.sin(math.pi * (minute - 10) / span)
        return 0.0

    def values(self, d: SimDevice, t: datetime, rng: random.Random) -> dict[str, float]:
        local = t.astimezone(self.tz)
        h = local.hour + local.minute / 60
        p = self.profile[d.id]
        hours = (t - COUNTER_EPOCH).total_seconds() / 3600
        traffic = max(_bump(h, 8.5, 2), _bump(h, 14, 2), _bump(h, 19, 2.5))
        match d.kind:
            case "parking_space":
                return {"occupied": float(rng.random() < 0.3 + 0.6 * traffic)}
            case "parking_deterrent":
                return {"illegal_parking": float(rng.random() < 0.03 + 0.2 * traffic)}
            case "smart_crossing":
                school = max(_bump(h, 8, 1), _bump(h, 13.75, 1))
                presence = float(rng.random() < 0.1 + 0.8 * school)
                dark = is_dark(local)
                led = (100.0 if presence else 40.0) if dark else 0.0
                return {"activations": float(rng.randint(0, int(2 + 30 * school))),
                        "presence": presence, "led_level": led}
            case "ev_charger":
                in_use = float(rng.random() < 0.15 + 0.4 * traffic)
                power = in_use * rng.choice([7.4, 11.0, 22.0])
                return {"in_use": in_use, "power_kw": power,
                        "energy_kwh": round(hours * 4.0 * p["base"], 2)}
            case "luminaire":
                on = is_dark(local)
                level = (50.0 if 0 <= h < 5.5 else 100.0) if on else 0.0
                fault = float(rng.random() < 0.004)
                return {"power_state": float(on), "illuminance_level": level,
                        "power_w": round(60 * level / 100 * (1 - fault), 1), "fault": fault}
            case "energy_meter":
                work = 1.0 if 8 <= h < 16 and local.weekday() < 5 else 0.3
                kw = 25 * p["base"] * work * rng.uniform(0.9, 1.1)
                return {"power_kw": round(kw, 2), "energy_kwh": round(hours * 15 * p["base"], 1)}
            case "fuel_tank":
                # Burnt at 0.3 %/h, refilled to 95 % when it reaches 10 %.
                return {"fuel_level": round(10 + (p["level"] - 10 - 0.3 * hours) % 85, 1)}
            case "water_meter":
                demand = 0.3 + 2.5 * max(_bump(h, 9, 3), _bump(h, 19, 3))
                flow = p["base"] * demand * rng.uniform(0.85, 1.15)
                return {"flow_m3h": round(flow, 3), "volume_m3": round(hours * p["base"], 2),
                        "pressure_bar": round(rng.gauss(3.4, 0.25), 2)}
            case "bin_sensor":
                fill = (p["level"] + p["rate_h"] * hours) % 100  # emptied when full
                return {"fill_level": round(fill, 1), "temperature": round(rng.gauss(18, 3), 1)}
            case "air_station":
                no2 = 25 + 90 * traffic + rng.gauss(0, 6)
                pm10 = 18 + 30 * traffic + rng.gauss(0, 4)
                sun = 0.0 if is_dark(local) else 1.0
                return {"temperature": round(14 + 6 * sun + rng.gauss(0, 0.5), 1),
                        "humidity": round(rng.uniform(55, 80), 1),
                        "pressure": round(rng.gauss(1013, 2), 1), "no": round(no2 * 0.3, 1),
                        "no2": round(max(no2, 1), 1), "co": round(0.3 + 0.8 * traffic, 2),
                        "so2": round(rng.uniform(2, 9), 1), "o3": round(45 + 40 * sun, 1),
                        "pm10": round(max(pm10, 1), 1), "pm25": round(max(pm10 * 0.6, 1), 1)}
            case "hydro_station":
                ref = d.attrs.get("reference_level", 0.3)
                span = d.attrs.get("warning_level", ref + 1.5) - ref
                level = ref + span * self.river_rise(t) + rng.gauss(0, 0.01)
                velocity = 0.3 + 1.5 * (level - ref) / max(span, 0.1)
                return {"water_level": round(max(level, 0), 3),
                        "flow_velocity": round(velocity, 2),
                        "discharge": round(velocity * 6 * max(level, 0.05), 2)}
            case "meteo_station":
                rain = self.rain(t)
                minute, _ = self.storm(t)
                storming = rain > 8
                return {"temperature": round(13 + 5 * (not is_dark(local)) - rain / 10, 1),
                        "humidity": round(min(99, 60 + rain), 1),
                        "wind_speed": round(3 + rain / 3 + rng.uniform(0, 2), 1),
                        "wind_direction": round(rng.uniform(180, 250), 0),
                        "pressure": round(1012 - rain / 5, 1),
                        "precipitation": round(rain, 1),
                        "solar_radiation": 0.0 if is_dark(local) else round(500 - rain * 10, 0),
                        "lightning_count": float(rng.randint(1, 12)) if storming else 0.0,
                        "lightning_distance": round(abs(25 - minute) + 2, 1) if storming else 0.0}
            case "people_counter":
                open_now = max(_bump(h, 11.5, 3), _bump(h, 19, 2.5))
                occ = int(p["capacity"] * open_now * p["base"] * 0.8 * rng.uniform(0.8, 1.1))
                return {"occupancy": float(occ), "entries": float(rng.randint(0, occ // 4 + 1))}
            case "lorawan_gateway":
                return {"uplinks": float(rng.randint(20, 80)),
                        "connected_devices": float(rng.randint(15, 40))}
        raise ValueError(f"simulator has no model for kind {d.kind}")

    def entry(self, d: SimDevice, t: datetime) -> dict[str, str] | None:
        """The stream entry a device sends at `t`, or None while it is silent."""
        p = self.profile[d.id]
        elapsed = (t - self.start).total_seconds()
        if p["silent_from"] <= elapsed < p["silent_to"]:
            return None
        rng = random.Random(f"{self.seed}:{d.id}:{int(t.timestamp())}")
        fields = {"device_id": d.id, "ts": t.isoformat(timespec="milliseconds"),
                  "values": orjson.dumps(self.values(d, t, rng)).decode(), "source": "simulator"}
        kind = self.config.kinds[d.kind]
        if kind.battery:
            battery = max(0.0, p["battery"] - p["drain_h"] * elapsed / 3600)
            fields["battery"] = f"{battery:.1f}"
        if kind.connectivity == "lorawan":
            fields["rssi"] = f"{p['rssi'] + rng.gauss(0, 2):.0f}"
            fields["snr"] = f"{p['snr'] + rng.gauss(0, 1):.1f}"
        return fields

    def due(self, now: datetime) -> list[dict[str, str]]:
        """Entries of every device whose report is due by `now`; reschedules them."""
        out = []
        limit = now.timestamp()
        while self.queue and self.queue[0][0] <= limit:
            at, i, device_id = heapq.heappop(self.queue)
            d = self.by_id[device_id]
            entry = self.entry(d, datetime.fromtimestamp(at, tz=now.tzinfo))
            if entry:
                out.append(entry)
            heapq.heappush(self.queue, (at + self.profile[device_id]["interval"], i, device_id))
        return out

    def run(self, r: redis.Redis, stop: threading.Event, clock=None) -> None:
        clock = clock or (lambda: datetime.now(UTC))
        while not stop.is_set():
            entries = self.due(clock())
            try:
                streams.check_room(r, streams.TELEMETRY, len(entries))
                for i in range(0, len(entries), 1000):
                    pipe = r.pipeline(transaction=False)
                    for fields in entries[i:i + 1000]:
                        pipe.xadd(streams.TELEMETRY, fields)
                    pipe.execute()
            except (redis.RedisError, streams.Backlogged) as exc:  # like a device: lost, go on
                log.warning("simulator: Redis unavailable (%s); %d reports dropped", exc,
                            len(entries))
            stop.wait(1.0)
