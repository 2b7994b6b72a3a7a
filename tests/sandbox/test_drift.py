"""Drift statistics follow Evidently's default convention, and the task's windows are unambiguous."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sandbox import drift
from sandbox.tasks import get_task


def test_small_reference_uses_ks_for_numeric_columns() -> None:
    rng = np.random.default_rng(1)
    reference, current = rng.normal(0, 1, 500), rng.normal(0.5, 1, 200)

    result = drift.feature_drift(reference, current, "numeric")

    assert result.method == "ks" and result.threshold == 0.05
    assert result.p_value == pytest.approx(stats.ks_2samp(reference, current).pvalue)
    assert result.drifted


def test_small_reference_uses_chi_squared_for_categories() -> None:
    reference = ["a"] * 500 + ["b"] * 300 + ["c"] * 200
    same = ["a"] * 50 + ["b"] * 30 + ["c"] * 20
    shifted = ["a"] * 20 + ["b"] * 30 + ["c"] * 50

    assert drift.feature_drift(reference, same, "categorical").p_value == pytest.approx(1.0)
    moved = drift.feature_drift(reference, shifted, "categorical")
    assert moved.method == "chi2" and moved.drifted
    expected = stats.chisquare([20, 30, 50], [50, 30, 20])
    assert moved.statistic == pytest.approx(expected.statistic)


def test_a_category_never_seen_in_the_reference_is_drift() -> None:
    result = drift.feature_drift(["a", "b"] * 100, ["a", "z"] * 50, "categorical")
    assert result.drifted and result.p_value == 0.0


def test_large_reference_uses_normed_wasserstein_and_jensen_shannon() -> None:
    rng = np.random.default_rng(2)
    reference = rng.normal(10, 2, 1001)

    shifted = rng.normal(11, 2, 300)
    near = drift.feature_drift(reference, rng.normal(10, 2, 300), "numeric")
    far = drift.feature_drift(reference, shifted, "numeric")
    categories = drift.feature_drift(["a"] * 600 + ["b"] * 401, ["a"] * 10 + ["b"] * 90, "categorical")

    assert near.method == "wasserstein" and near.p_value is None and not near.drifted
    assert far.drifted
    assert far.statistic == pytest.approx(stats.wasserstein_distance(reference, shifted) / np.std(reference))
    assert categories.method == "jensenshannon" and categories.drifted


@pytest.mark.parametrize(("drifted", "expected"), [(3, False), (4, True), (7, True)])
def test_dataset_drifts_when_at_least_half_of_the_columns_drift(drifted: int, expected: bool) -> None:
    make = lambda d: drift.FeatureDrift("numeric", "ks", 0.5, 0.01 if d else 0.5, 0.05, d)  # noqa: E731
    features = {f"f{i}": make(i < drifted) for i in range(7)}
    assert drift.dataset_drift(features) == (expected, pytest.approx(drifted / 7))


def test_borderline_verdicts_are_not_clear() -> None:
    at = lambda p: drift.FeatureDrift("numeric", "ks", 0.1, p, 0.05, p < 0.05)  # noqa: E731
    assert drift.is_clear(at(0.001)) and drift.is_clear(at(0.5))
    assert not drift.is_clear(at(0.04)) and not drift.is_clear(at(0.1))


@pytest.mark.parametrize("rows", [50, 100, 400])
def test_task_windows_are_clear_and_shift_only_the_intended_features(rows: int) -> None:
    task = get_task("churn-deploy")
    kinds = {f.name: f.kind for f in task.features}
    windows = dict(task.drift_windows(rows))

    calm = drift.report(task.drift_reference(), windows["in-distribution"], kinds)
    moved = drift.report(task.drift_reference(), windows["shifted"], kinds)

    assert all(drift.is_clear(v) and not v.drifted for v in calm.values())
    assert {k for k, v in moved.items() if v.drifted} == {
        "monthly_charges",
        "total_charges",
        "support_calls",
        "contract",
        "payment_method",
    }
    assert all(drift.is_clear(v) for v in moved.values())
