"""Progress charts: PNG and SVG files (matplotlib, Agg backend) and text sparklines.

matplotlib is imported only when a chart file is drawn, so terminal commands stay fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from loopcoach.errors import LoopcoachError
from loopcoach.practice.progress import Progress

BARS = "▁▂▃▄▅▆▇█"


def sparkline(
    values: Sequence[float], *, lo: float | None = None, hi: float | None = None, width: int = 30
) -> str:
    """One character per value (the last `width` values), scaled between lo and hi."""
    vals = list(values)[-width:]
    if not vals:
        return ""
    lo = min(vals) if lo is None else lo
    hi = max(vals) if hi is None else hi
    if hi <= lo:
        return BARS[len(BARS) // 2] * len(vals)
    steps = len(BARS) - 1
    return "".join(BARS[round((min(max(v, lo), hi) - lo) / (hi - lo) * steps)] for v in vals)


def _figure(title: str, ylabel: str):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    return fig, ax


def _date_axis(ax, dates: Sequence[date]) -> None:  # type: ignore[no-untyped-def]
    """Days on the x axis, whatever the history's length: a short history is padded to a week
    and labelled one tick per day ('6 Dec'), never in hours; a long one gets month ticks."""
    import matplotlib.dates as mdates

    first, last = min(dates), max(dates)
    span = (last - first).days
    pad = max(1, (7 - span) // 2) if span < 7 else 1
    ax.set_xlim(first - timedelta(days=pad), last + timedelta(days=pad))
    shown = span + 2 * pad
    if shown <= 60:
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-shown // 10))))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.xaxis.set_minor_locator(mdates.DayLocator() if shown <= 60 else mdates.MonthLocator())


def _save(fig, base: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    import matplotlib

    out = []
    with matplotlib.rc_context({"svg.hashsalt": "loopcoach", "svg.fonttype": "none"}):
        for ext in ("png", "svg"):
            path = base.with_suffix(f".{ext}")
            meta = {"Date": None} if ext == "svg" else {"Software": "loopcoach"}
            fig.savefig(path, format=ext, metadata=meta, bbox_inches="tight")
            out.append(path)
    return out


def write_charts(prog: Progress, directory: Path) -> list[Path]:
    """score.png/.svg (overall score per day) and dimensions.png/.svg (each dimension per day)."""
    if not prog.days:
        raise LoopcoachError(
            "no-attempts", "no scored answers yet: practise first (`loopcoach practice --role R`)"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LoopcoachError("write-failed", f"cannot create {directory}: {exc.strerror}") from None
    dates = [d.date for d in prog.days]
    suffix = f" ({prog.role})" if prog.role else ""
    fig, ax = _figure(f"Score over time{suffix}", "score (0-100)")
    ax.plot(dates, [d.score for d in prog.days], marker="o")
    ax.bar(dates, [d.attempts for d in prog.days], alpha=0.15, label="answers that day")
    ax.set_ylim(0, 100)
    ax.legend(loc="lower right")
    _date_axis(ax, dates)
    fig.autofmt_xdate()
    paths = _save(fig, directory / "score")
    fig, ax = _figure(f"Dimensions over time{suffix}", "score (0-4)")
    for trend in prog.dimensions:
        xs = [d.date for d in prog.days if trend.id in d.dimensions]
        ax.plot(xs, list(trend.series), marker=".", label=trend.id.replace("_", " "))
    ax.set_ylim(0, 4)
    ax.legend(loc="lower right", fontsize="small", ncols=3)
    _date_axis(ax, dates)
    fig.autofmt_xdate()
    paths += _save(fig, directory / "dimensions")
    return paths
