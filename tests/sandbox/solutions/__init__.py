"""Flawed variants of the reference churn service, each with one production mistake."""
