"""Telling a person at once: urgent signals emailed to the clinician, escalated when not acted on."""
