"""The console folds repeats of one rule in one unit as the wall's panel does: one row that
stands for all of them, its details those of the newest."""

from components.alarm_console import fold_repeats, member_ids, newest_id


def row(i: int, kind: str = "rise", unit: str = "lil", device: str | None = None) -> dict:
    return {"alarm_id": f"a{i}", "message": "Water rising fast", "device": f"Gauge {i}",
            "device_id": device or f"g{i}", "count": 2, "repeat_of": f"{kind}|critical|{unit}"}


def test_repeats_fold_into_one_row_that_stands_for_them_all():
    rows = [row(1), row(2), row(3, unit="avl"), row(4), row(5, kind="bin", device="g1"),
            row(6, kind="bin", device="g1")]
    folded = fold_repeats(rows, "en")
    assert [r["alarm_id"] for r in folded] == ["group:a1", "a3", "group:a5"]
    assert folded[2]["device"] == "Gauge 5"  # one device: its name, not "1 devices"
    group = folded[0]
    assert group["message"] == "3 × Water rising fast" and group["device"] == "3 devices"
    assert group["count"] == 6 and group["newest"]["alarm_id"] == "a1"
    assert member_ids([group, folded[1]]) == ["a1", "a2", "a4", "a3"]
    assert newest_id(group["alarm_id"]) == "a1" and newest_id("a3") == "a3"
    assert fold_repeats(rows[2:3], "el") == rows[2:3]
