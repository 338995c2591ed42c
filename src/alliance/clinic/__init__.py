"""The clinician's pages: caseload and client."""
