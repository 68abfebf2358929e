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


def year_shares(years, keys, label_width=72, row=30):
    """One bar per financial year, split into each status's share of its marks (100% wide):
    Figure 1 as attended / cancelled / did not attend. Years with no marks are left out."""
    plot = WIDTH - label_width
    rows = []
    for index, year in enumerate(y for y in years if y["total"]):
        x, segments = float(label_width), []
        for key in keys:
            width = plot * year["proportions"][key]
            segments.append({"key": key, "x": round(x, 1), "width": round(width, 1),
                             "share": year["proportions"][key]})
            x += width
        rows.append({"label": year["label"], "y": index * row + 4, "height": row - 8,
                     "text_y": index * row + row / 2 + 4, "segments": segments})
    return {"width": WIDTH, "height": max(len(rows), 1) * row, "left": label_width,
            "rows": rows}


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
