"""Reading a Prometheus text exposition with prometheus_client's own parser."""

from __future__ import annotations

from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families


class MetricsParseError(ValueError):
    pass


def parse(text: str) -> list[Metric]:
    try:
        return list(text_string_to_metric_families(text))
    except Exception as exc:  # the parser raises ValueError, IndexError, ... on malformed input
        raise MetricsParseError(f"not valid Prometheus text: {exc}") from exc


def sample_total(families: list[Metric], sample_name: str) -> float | None:
    """Sum of every sample called `sample_name` across label sets; None when there is none."""
    values = [s.value for family in families for s in family.samples if s.name == sample_name]
    return float(sum(values)) if values else None


def histogram(families: list[Metric], name: str) -> Metric | None:
    for family in families:
        if family.type == "histogram" and name in (family.name, family.name + "_seconds"):
            return family
    return None
