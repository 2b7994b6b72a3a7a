"""Deterministic, explainable scoring of written answers against rubrics (a pure library)."""
