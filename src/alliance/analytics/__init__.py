"""Caseload statistics and the `alliance analyze` pipeline. No Django."""
