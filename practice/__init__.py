"""Scored answers: practice attempts, human overrides beside auto-scores, progress."""
