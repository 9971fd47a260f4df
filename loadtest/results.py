"""The pure parts of `make load`'s report: percentiles, errors by kind, acknowledged versus stored."""

import math
from collections import Counter

# Requests answered this long after a fault ended still count as part of it: a
# reconnecting worker's first query, a client connection the dead worker held.
GRACE_SECONDS = 3.0


def p95(values):
    """The 95th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def classify_errors(requests, windows):
    """Count failed requests by kind; those overlapping a fault's window are named after it.

    ``requests`` are dicts with ``at`` (epoch seconds when the answer came),
    ``ms`` (how long it took), ``status`` (0 when no answer came) and ``error``
    (the exception's name); ``windows`` maps a fault's name to its (start, end).
    Only a dropped connection is put down to a killed gunicorn worker; a 503
    or 400 (a session that could not be saved) only to the database outage.
    A kind starting "during " is expected; any other is not.
    """
    kinds = Counter()
    for request in requests:
        status = request["status"]
        if 200 <= status < 400:
            continue
        kind = str(status) if status else f"no answer ({request.get('error')})"
        began = request["at"] - request.get("ms", 0) / 1000
        for name, (start, end) in (windows or {}).items():
            blamed = (0, 503, 400) if "database" in name else (0,)
            overlaps = began <= end + GRACE_SECONDS and request["at"] >= start
            if overlaps and status in blamed:
                kind = f"during {name}: {kind}"
                break
        kinds[kind] += 1
    return dict(kinds)


def saves_by_value(rows, markers):
    """How many times each marker was written: history rows (object id, value) in order.

    A save writes a history row; so do other saves of the same object that
    leave the field alone (they copy the marker forward). So a marker counts
    once per change *to* it, not once per row that carries it.
    """
    found, previous = Counter(), (None, None)
    for object_id, value in rows:
        if value in markers and previous != (object_id, value):
            found[value] += 1
        previous = (object_id, value)
    return dict(found)


def ack_vs_stored(writes, found):
    """Acknowledged (302) writes against the saves found: lost ones, doubled ones."""
    acknowledged = [write["marker"] for write in writes if write["status"] == 302]
    lost = [marker for marker in acknowledged if not found.get(marker)]
    doubled = [marker for marker, count in found.items() if count > 1]
    return {
        "attempted": len(writes),
        "acknowledged": len(acknowledged),
        "stored": sum(1 for marker in acknowledged if found.get(marker)),
        "lost": lost,
        "doubled": doubled,
        "refused": dict(
            Counter(str(write["status"]) for write in writes if write["status"] != 302)
        ),
    }
