"""Coordinates for the progress charts; the SVG itself is in the templates (no JS chart library)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 28


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    path: str
    gridlines: list[tuple[float, int]]  # (y, score)
    left: int
    right: float
    bottom: float


def score_line(scores: list[tuple[str, float]]) -> LineChart:
    """Scores 0-100 in order, evenly spaced left to right; `label` is what a point's tooltip says."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(score: float) -> float:
        return round(TOP + plot_h * (1 - max(0.0, min(100.0, score)) / 100), 1)

    step = plot_w / (len(scores) - 1) if len(scores) > 1 else 0
    points = [
        Point(round(LEFT + (i * step if len(scores) > 1 else plot_w / 2), 1), y_of(score), score, label)
        for i, (label, score) in enumerate(scores)
    ]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    gridlines = [(y_of(value), value) for value in (0, 25, 50, 75, 100)]
    return LineChart(WIDTH, HEIGHT, points, path, gridlines, LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM)


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    value: float | None


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]


def score_bars(values: list[tuple[str, float | None]], *, label_width: int = 200) -> BarChart:
    """Horizontal bars of average scores (0-100); None means not tried yet."""
    bar_h, gap, width = 22, 8, WIDTH
    plot_w = width - label_width - 50
    bars = [
        Bar(label, i * (bar_h + gap), round(plot_w * (value or 0) / 100, 1), value)
        for i, (label, value) in enumerate(values)
    ]
    return BarChart(width, len(values) * (bar_h + gap), label_width, bar_h, bars)
