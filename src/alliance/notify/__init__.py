"""Telling a person at once: urgent signals emailed to the clinician, escalated to the duty
contact when not acted on in time."""
