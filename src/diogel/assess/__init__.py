"""Assessments: build structured results (no rendering) from the store and the analysis engine."""
