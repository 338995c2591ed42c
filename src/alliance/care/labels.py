"""Names as people read them, for what the models store by id (signal kinds)."""

from __future__ import annotations

ACRONYMS = {"wai": "WAI", "srs": "SRS", "ors": "ORS"}


def signal_label(kind: str) -> str:
    """A signal kind as people read it: "possible_rupture" -> "Possible rupture"."""
    words = kind.replace("_", " ").capitalize().split()
    return " ".join(ACRONYMS.get(word.lower(), word) for word in words)
