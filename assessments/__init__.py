"""Structured assessments: invited candidates, several raters, blind review, calibration, export."""
