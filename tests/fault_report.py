"""The fault cases' own account: for each, how many items were sent, stored, lost and
stored twice, printed as one table at the end of the run (`make faults` runs only them).

A fault test records what it counted from the real stores (SQL rows, stream entries), not
what it expected: the table is the evidence, the test's assertions are the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class FaultCase:
    case: str
    sent: int
    stored: int
    lost: int
    duplicated: int = 0
    refused: int = 0  # refused with a reason (dead-lettered or answered), not lost


@dataclass
class FaultReport:
    cases: list[FaultCase] = field(default_factory=list)

    def record(self, case: str, *, sent: int, stored: int, lost: int, duplicated: int = 0,
               refused: int = 0) -> None:
        self.cases.append(FaultCase(case, sent, stored, lost, duplicated, refused))


REPORT = FaultReport()


@pytest.fixture
def fault_report() -> FaultReport:
    return REPORT


def print_table(terminalreporter) -> None:
    if not REPORT.cases:
        return
    write = terminalreporter.write_line
    terminalreporter.section("fault cases: what each one sent and what became of it")
    write(f"{'case':<72} {'sent':>6} {'stored':>6} {'refused':>7} {'lost':>5} {'twice':>5}")
    for c in REPORT.cases:
        write(f"{c.case[:72]:<72} {c.sent:>6} {c.stored:>6} {c.refused:>7} {c.lost:>5} "
              f"{c.duplicated:>5}")
