"""The client's own progress, shared when the clinician turns it on."""
