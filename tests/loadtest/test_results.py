"""The pure parts of `make load`'s report (loadtest/results.py)."""

from loadtest.results import ack_vs_stored, classify_errors, p95, saves_by_value


def test_a_marker_copied_forward_by_later_saves_counts_once():
    # Contract 1 saved with m1, then a value save copies m1 into a new history row.
    rows = [(1, ""), (1, "m1"), (1, "m1"), (1, "m2"), (2, "m3")]
    assert saves_by_value(rows, {"m1", "m2", "m3"}) == {"m1": 1, "m2": 1, "m3": 1}


def test_a_marker_written_twice_is_counted_twice():
    rows = [(1, "m1"), (1, "m2"), (1, "m1")]
    assert saves_by_value(rows, {"m1", "m2"})["m1"] == 2


def test_acknowledged_writes_missing_or_doubled_are_named():
    writes = [
        {"marker": "kept", "status": 302},
        {"marker": "lost", "status": 302},
        {"marker": "twice", "status": 302},
        {"marker": "refused", "status": 200},
    ]
    summary = ack_vs_stored(writes, {"kept": 1, "twice": 2})
    assert summary["acknowledged"] == 3
    assert summary["stored"] == 2
    assert summary["lost"] == ["lost"]
    assert summary["doubled"] == ["twice"]
    assert summary["refused"] == {"200": 1}


def test_503s_in_the_outage_are_apart_from_other_errors():
    windows = {"the database outage": (100.0, 102.0)}
    requests = [
        {"at": 101.0, "ms": 500, "status": 503},
        {"at": 150.0, "ms": 500, "status": 503},
        {"at": 101.0, "ms": 500, "status": 500},
        {"at": 50.0, "ms": 10, "status": 200},
    ]
    assert classify_errors(requests, windows) == {
        "during the database outage: 503": 1,
        "503": 1,
        "500": 1,
    }


def test_a_dropped_connection_is_put_down_to_the_killed_worker_but_a_503_is_not():
    windows = {"the gunicorn worker kill": (100.0, 100.0)}
    requests = [
        {"at": 101.0, "ms": 4000, "status": 0, "error": "RemoteDisconnected"},
        {"at": 101.0, "ms": 100, "status": 503},
    ]
    assert classify_errors(requests, windows) == {
        "during the gunicorn worker kill: no answer (RemoteDisconnected)": 1,
        "503": 1,
    }


def test_p95_is_the_nearest_rank():
    assert p95(range(1, 101)) == 95
    assert p95([7]) == 7
