"""Kappa values on published worked examples."""

from __future__ import annotations

import pytest

from assessments.agreement import band_counts, fleiss_kappa, weighted_kappa, wide_gap

# Fleiss (1971) as worked on Wikipedia's "Fleiss' kappa" page: 10 subjects, 14 raters, 5 categories.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_matches_the_worked_example():
    assert fleiss_kappa(FLEISS_TABLE) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_is_one_for_unanimous_raters():
    assert fleiss_kappa(band_counts([[3, 3, 3], [5, 5, 5], [1, 1, 1]])) == 1.0


def test_fleiss_kappa_refuses_uneven_rater_counts():
    with pytest.raises(ValueError, match="same number"):
        fleiss_kappa([[2, 0, 0, 0, 0], [1, 0, 1, 1, 0]])


def test_quadratic_weighted_kappa_by_hand():
    # Weights (i-j)^2: observed disagreement 1+1+1 = 3; expected from the marginals 65/5 = 13.
    assert weighted_kappa([1, 2, 3, 4, 5], [2, 3, 3, 4, 4]) == pytest.approx(1 - 3 / 13, abs=1e-4)
    assert weighted_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == 1.0
    assert weighted_kappa([1, 3, 5], [5, 3, 1]) == -1.0


def test_kappa_is_undefined_rather_than_invented():
    assert weighted_kappa([3], [3]) is None
    assert weighted_kappa([3, 3], [4, 4]) is None


def test_wide_gap_is_two_bands_or_more():
    assert wide_gap([2, 4]) and not wide_gap([3, 4]) and not wide_gap([5])
