"""Reading Prometheus text with prometheus_client's parser."""

from __future__ import annotations

import pytest

from sandbox.metrics_parse import MetricsParseError, histogram, parse, sample_total

TEXT = """\
# HELP predictions_total Rows predicted
# TYPE predictions_total counter
predictions_total{model="a"} 3.0
predictions_total{model="b"} 4.0
# HELP prediction_latency_seconds Latency
# TYPE prediction_latency_seconds histogram
prediction_latency_seconds_bucket{le="0.1"} 2.0
prediction_latency_seconds_bucket{le="+Inf"} 2.0
prediction_latency_seconds_count 2.0
prediction_latency_seconds_sum 0.05
"""


def test_counter_is_summed_across_label_sets() -> None:
    assert sample_total(parse(TEXT), "predictions_total") == 7


def test_a_missing_counter_is_none_not_zero() -> None:
    assert sample_total(parse(TEXT), "requests_total") is None


def test_histogram_is_found_by_name() -> None:
    families = parse(TEXT)
    assert histogram(families, "prediction_latency_seconds") is not None
    assert histogram(families, "predictions_total") is None


@pytest.mark.parametrize("text", ["predictions_total{ 3", "predictions_total abc\n"])
def test_malformed_text_is_an_error(text: str) -> None:
    with pytest.raises(MetricsParseError):
        parse(text)
