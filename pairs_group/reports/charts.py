"""Geometry for the server-drawn SVG charts (no JavaScript): bars sized from the numbers."""

import math

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 300, 48, 40, 16


def _nice_ceiling(value):
    """A round axis maximum at or above value (1, 2, 5 x a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def year_bars(years):
    """Grouped bars (attended sessions, enrolments) per financial year, like Figure 1."""
    top = _nice_ceiling(max([y["attended_sessions"] for y in years]
                            + [y["enrolments"] for y in years] + [1]))
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(years), 1)
    bar = min(slot * 0.38, 40)
    groups = []
    for index, year in enumerate(years):
        x = LEFT + index * slot + (slot - 2 * bar) / 2
        bars = []
        for offset, key in enumerate(("attended_sessions", "enrolments")):
            height = plot_height * year[key] / top
            bars.append({"key": key, "value": year[key], "x": round(x + offset * bar, 1),
                         "y": round(TOP + plot_height - height, 1), "width": round(bar, 1),
                         "height": round(height, 1)})
        groups.append({"label": year["label"], "x": round(LEFT + (index + 0.5) * slot, 1),
                       "bars": bars})
    ticks = [{"value": round(top * i / 4), "y": round(TOP + plot_height * (1 - i / 4), 1)}
             for i in range(5)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "baseline": HEIGHT - BOTTOM,
            "groups": groups, "ticks": ticks}


def outcome_bars(rows, width=300):
    """Mean before and after for each subscale, as two bars from zero on the row's own scale."""
    charted = []
    for row in rows:
        if row["mean_pre"] is None or row["mean_post"] is None:
            continue
        top = max(abs(row["mean_pre"]), abs(row["mean_post"]), 1e-9)
        charted.append({**row, "pre_width": round(width * abs(row["mean_pre"]) / top, 1),
                        "post_width": round(width * abs(row["mean_post"]) / top, 1)})
    return charted
