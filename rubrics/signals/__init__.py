"""Scoring signals, each a small class behind a registry; they run in `order`."""

from rubrics.signals.base import SIGNALS, Findings, ScoringJob, Signal, ordered_signals, register
from rubrics.signals.closeness import Closeness
from rubrics.signals.concepts import ConceptCoverage
from rubrics.signals.integrity import Integrity
from rubrics.signals.pitfalls import Pitfalls
from rubrics.signals.relevance import Relevance
from rubrics.signals.specificity import Specificity
from rubrics.signals.structure import StructureSignal

__all__ = [
    "SIGNALS", "Findings", "ScoringJob", "Signal", "ordered_signals", "register",
    "ConceptCoverage", "StructureSignal", "Specificity", "Relevance", "Closeness", "Pitfalls", "Integrity",
]
