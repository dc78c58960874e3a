"""rules.yaml swapped in without a restart: a worker asks `current()` before each batch; at
most every few seconds that stats the file, and a changed one is read and validated against
the rest of the config. A file that does not load is logged with the reason, once, and the
rules in force stay in force until a good file appears."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import ValidationError

from data_access.city_config import CityConfig

log = logging.getLogger(__name__)

Signature = tuple[int, int, int] | None  # (mtime ns, size, inode); None: no file


def _signature(path: Path) -> Signature:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "rules"
        return f"{where}: {first['msg']} ({exc.error_count()} error(s))"
    return " ".join(f"{type(exc).__name__}: {exc}".split())  # one log line


class RulesWatcher:
    """The config with the newest valid rules.yaml at `path` (None: never reload)."""

    def __init__(self, config: CityConfig, path: Path | None, every_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.path = path
        self.every_s = every_s
        self.clock = clock
        self.last_error: str | None = None
        self._retired: set[str] = set()
        self._seen = _signature(path) if path else None
        self._next = clock()

    def current(self) -> CityConfig:
        if self.path is None or self.clock() < self._next:
            return self.config
        every = self.every_s if self.every_s is not None else (
            self.config.rules.engine.reload_check_s)
        self._next = self.clock() + every
        signature = _signature(self.path)
        if signature != self._seen:
            self._seen = signature
            self._load()
        return self.config

    def _load(self) -> None:
        try:
            with open(self.path, encoding="utf-8") as fh:  # type: ignore[arg-type]
                raw = yaml.safe_load(fh)
            new = self.config.with_rules(raw)
        except (OSError, yaml.YAMLError, ValidationError, ValueError, TypeError) as exc:
            self.last_error = _reason(exc)
            log.error("rules: %s not loaded, the rules in force stay: %s", self.path,
                      self.last_error)
            return
        old_ids = {r.id for r in self.config.rules.all_alarming()}
        new_ids = {r.id for r in new.rules.all_alarming()}
        self._retired = (self._retired | old_ids) - new_ids
        self.config, self.last_error = new, None
        log.info("rules: reloaded %s (%d rules)", self.path, len(new.rules.all_alarming()))

    def take_retired(self) -> set[str]:
        """Ids of rules that reloads removed since the last call: their active alarms have no
        rule left to clear them, so the caller clears them."""
        retired, self._retired = self._retired, set()
        return retired
