"""The typed shape of config/kpis.yaml: every threshold the domain pages judge by.

The defaults equal the shipped kpis.yaml, so tests build `KpiSettings()` and change only the
value they exercise. The time zone and the municipal unit ids are read from city.yaml by
`load_kpi_settings`, so they are never written down twice.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field, model_validator

from data_access.rules_config import Text


class Band(BaseModel):
    """An ascending pair: inside [low, high] is healthy."""

    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.low > self.high:
            raise ValueError(f"band low {self.low} is above high {self.high}")
        return self


class Zone(BaseModel):
    id: int  # parking sensors carry it as attrs.zone (inventory attrs are numbers)
    key: str
    name: Text


class Traffic(BaseModel):
    healthy_occupancy: Band = Band(low=60, high=85)
    zones: list[Zone] = []
    no_zone: Zone = Zone(id=0, key="other", name={"el": "Εκτός ζώνης", "en": "Other streets"})


class Depot(BaseModel):
    lat: float
    lon: float
    name: Text


class Waste(BaseModel):
    collect_level_pct: float = 80
    fill_rate_window_h: float = Field(6, gt=0, le=24)
    emptying_drop_pct: float = 20
    min_points: int = Field(3, ge=2)
    soon_full_h: float = 6
    depot: Depot = Depot(lat=38.4760, lon=23.6050,
                         name={"el": "Αμαξοστάσιο Δήμου", "en": "Municipal depot"})


class Energy(BaseModel):
    default_rated_w: float = Field(60, gt=0)
    full_level_pct: float = 100
    fuel_low_pct: float = 20


class Water(BaseModel):
    night_from_h: int = Field(2, ge=0, le=23)
    night_to_h: int = Field(4, ge=1, le=24)
    leak_night_flow_m3h: float = 0.5
    pressure_bar: Band = Band(low=2.0, high=6.0)


class Ladder(BaseModel):
    """Three ascending limits: reaching the first gives level 1 (yellow), the third 3 (red)."""

    yellow: float
    orange: float
    red: float


class WarningLevel(BaseModel):
    key: str
    name: Text
    colour: str


class Flood(BaseModel):
    rain_1h_mm: Ladder = Ladder(yellow=15, orange=25, red=40)
    rain_6h_mm: Ladder = Ladder(yellow=20, orange=35, red=60)
    # Distances shrink as the danger grows: within `red` km is worst.
    lightning_km: Ladder = Ladder(yellow=30, orange=20, red=10)
    lightning_window_min: float = 30
    rise_window_min: float = 30
    rise_fast_m_per_h: float = 0.6
    levels: list[WarningLevel] = Field(default_factory=lambda: [
        WarningLevel(key="green", name={"el": "Πράσινο", "en": "Green"}, colour="#2E9E44"),
        WarningLevel(key="yellow", name={"el": "Κίτρινο", "en": "Yellow"}, colour="#FFE600"),
        WarningLevel(key="orange", name={"el": "Πορτοκαλί", "en": "Orange"}, colour="#FF9900"),
        WarningLevel(key="red", name={"el": "Κόκκινο", "en": "Red"}, colour="#E3000F"),
    ], min_length=4, max_length=4)


class Pollutant(BaseModel):
    name: str
    averaging_h: int = Field(gt=0)
    limits: list[float] = Field(min_length=7, max_length=7)

    @model_validator(mode="after")
    def _ascending(self) -> Pollutant:
        if sorted(self.limits) != self.limits:
            raise ValueError(f"{self.name}: band limits must ascend")
        return self


class AirBand(BaseModel):
    name: Text
    colour: str


def _eaqi_pollutants() -> dict[str, Pollutant]:
    return {
        "pm25": Pollutant(name="PM2.5", averaging_h=24, limits=[0, 10, 20, 25, 50, 75, 800]),
        "pm10": Pollutant(name="PM10", averaging_h=24, limits=[0, 20, 40, 50, 100, 150, 1200]),
        "no2": Pollutant(name="NO₂", averaging_h=1, limits=[0, 40, 90, 120, 230, 340, 1000]),
        "o3": Pollutant(name="O₃", averaging_h=1, limits=[0, 50, 100, 130, 240, 380, 800]),
        "so2": Pollutant(name="SO₂", averaging_h=1, limits=[0, 100, 200, 350, 500, 750, 1250]),
    }


def _eaqi_bands() -> list[AirBand]:
    return [
        AirBand(name={"el": "Καλή", "en": "Good"}, colour="#50F0E6"),
        AirBand(name={"el": "Ικανοποιητική", "en": "Fair"}, colour="#50CCAA"),
        AirBand(name={"el": "Μέτρια", "en": "Moderate"}, colour="#F0E641"),
        AirBand(name={"el": "Κακή", "en": "Poor"}, colour="#FF5050"),
        AirBand(name={"el": "Πολύ κακή", "en": "Very poor"}, colour="#960032"),
        AirBand(name={"el": "Εξαιρετικά κακή", "en": "Extremely poor"}, colour="#7D2181"),
    ]


class Air(BaseModel):
    pollutants: dict[str, Pollutant] = Field(default_factory=_eaqi_pollutants)
    bands: list[AirBand] = Field(default_factory=_eaqi_bands, min_length=6, max_length=6)
    warning_from_band: int = Field(3, ge=0, le=5)  # poor and worse: shown as warning
    alarm_from_band: int = Field(4, ge=0, le=5)


class Buildings(BaseModel):
    warning_pct: float = 90
    alarm_pct: float = 100


class Bins(BaseModel):
    """Fixed histogram edges: [start, start+step), ... up to stop; values outside are counted
    in the first or last bin so no device disappears from the chart."""

    start: float
    stop: float
    step: float = Field(gt=0)

    @model_validator(mode="after")
    def _span(self) -> Bins:
        if self.stop <= self.start:
            raise ValueError("bins: stop must be above start")
        return self


class Network(BaseModel):
    battery_low_pct: float = 20
    rssi_weak_dbm: float = -115
    snr_weak_db: float = -10
    rssi_bins: Bins = Bins(start=-125, stop=-60, step=5)
    snr_bins: Bins = Bins(start=-20, stop=15, step=2.5)
    battery_bins: Bins = Bins(start=0, stop=100, step=10)
    visit_top: int = Field(20, gt=0)


class KpiSettings(BaseModel):
    timezone: str = "Europe/Athens"
    units: list[str] = []  # municipal unit ids, from city.yaml
    traffic: Traffic = Traffic()
    waste: Waste = Waste()
    energy: Energy = Energy()
    water: Water = Water()
    flood: Flood = Flood()
    air: Air = Air()
    buildings: Buildings = Buildings()
    network: Network = Network()


def load_kpi_settings(config_dir: Path) -> KpiSettings:
    """kpis.yaml, with the city's time zone and unit ids from city.yaml beside it."""
    with (config_dir / "kpis.yaml").open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    with (config_dir / "city.yaml").open(encoding="utf-8") as fh:
        city = yaml.safe_load(fh)
    raw["timezone"] = city["timezone"]
    raw["units"] = [u["id"] for u in city.get("units", [])]
    return KpiSettings.model_validate(raw)
