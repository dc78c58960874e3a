"""The rules watcher: a changed rules.yaml is swapped in; a bad or missing one is not."""

from __future__ import annotations

import shutil

import yaml

from data_access.settings import ROOT
from ingest.rules.reload import RulesWatcher


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _setup(tmp_path, config, every_s=5.0):
    path = tmp_path / "rules.yaml"
    shutil.copy(ROOT / "config" / "rules.yaml", path)
    clock = Clock()
    return path, clock, RulesWatcher(config, path, every_s, clock)


def _write(path, change) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def test_a_changed_file_is_seen_at_the_next_check(tmp_path, config):
    path, clock, watcher = _setup(tmp_path, config)
    assert watcher.current() is config  # unchanged file: the same config object
    _write(path, lambda r: r["engine"].update(repeat_interval_s=60))
    clock.now = 4.0
    assert watcher.current().rules.engine.repeat_interval_s == 600  # not time to look yet
    clock.now = 5.0
    assert watcher.current().rules.engine.repeat_interval_s == 60


def test_a_bad_file_is_reported_and_the_rules_in_force_stay(tmp_path, config):
    path, clock, watcher = _setup(tmp_path, config, every_s=0)
    path.write_text("thresholds: [this is: not: yaml", encoding="utf-8")
    assert watcher.current() is config
    assert watcher.last_error.startswith("ParserError: while parsing a flow sequence")
    assert "line 1, column 26" in watcher.last_error
    path.unlink()
    assert watcher.current() is config and "No such file" in watcher.last_error
    shutil.copy(ROOT / "config" / "rules.yaml", path)
    _write(path, lambda r: r["device_health"].update(battery_low_pct=30))
    assert watcher.current().rules.device_health.battery_low_pct == 30
    assert watcher.last_error is None


def test_no_path_never_reloads(config):
    assert RulesWatcher(config, None, every_s=0).current() is config


def test_rules_removed_by_a_reload_are_handed_out_once(tmp_path, config):
    path, clock, watcher = _setup(tmp_path, config, every_s=0)
    _write(path, lambda r: r.update(rates=[]))
    watcher.current()
    assert watcher.take_retired() == {"water_rising_fast"}
    assert watcher.take_retired() == set()
