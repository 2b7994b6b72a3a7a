"""Agreement statistics on 1-5 bands.

Cohen's weighted kappa (quadratic weights) for a pair of raters comes from
scikit-learn. Fleiss' kappa, for more than two raters, is written here in
numpy (Fleiss 1971): no small maintained library provides it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import cohen_kappa_score

BANDS = (1, 2, 3, 4, 5)
WIDE_GAP = 2  # bands apart that call for adjudication


def weighted_kappa(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Cohen's quadratic-weighted kappa, or None when it is undefined (too few items, no variation)."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    if len(a) < 2:
        return None
    if len(set(a)) == 1 and len(set(b)) == 1:
        # Both constant: perfect agreement if equal, undefined otherwise (chance agreement is 1).
        return 1.0 if a[0] == b[0] else None
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(cohen_kappa_score(list(a), list(b), labels=list(BANDS), weights="quadratic"))
    return None if math.isnan(value) else round(value, 4)


def fleiss_kappa(counts: np.ndarray | Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa from a subjects x categories table of how many raters chose each category.

    Every subject must have the same number of ratings (at least two).
    """
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2 or table.shape[0] < 2:
        return None
    per_subject = table.sum(axis=1)
    n = per_subject[0]
    if n < 2 or not np.all(per_subject == n):
        raise ValueError("every subject needs the same number of ratings, at least two")
    subjects = table.shape[0]
    p_category = table.sum(axis=0) / (subjects * n)
    p_subject = (np.square(table).sum(axis=1) - n) / (n * (n - 1))
    observed = p_subject.mean()
    expected = float(np.square(p_category).sum())
    if math.isclose(expected, 1.0):
        return 1.0 if math.isclose(observed, 1.0) else None
    return round(float((observed - expected) / (1 - expected)), 4)


def band_counts(ratings: Sequence[Sequence[int]]) -> np.ndarray:
    """Per subject, the bands given by its raters -> the counts table Fleiss' kappa takes."""
    table = np.zeros((len(ratings), len(BANDS)), dtype=int)
    for row, bands in enumerate(ratings):
        for band in bands:
            table[row, band - 1] += 1
    return table


def wide_gap(bands: Sequence[int]) -> bool:
    return len(bands) >= 2 and max(bands) - min(bands) >= WIDE_GAP
