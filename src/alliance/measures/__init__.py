"""Instrument definitions, their loader and scoring. Free of Django by design."""

from .definition import Definition
from .errors import DefinitionError, ScoringError, WordingError
from .loader import (
    definitions,
    get_definition,
    load_definition,
    load_definitions,
    parse_cutoff_overrides,
    set_site_cutoffs,
    site_cutoffs,
)
from .scoring import Score, score

__all__ = [
    "Definition",
    "DefinitionError",
    "Score",
    "ScoringError",
    "WordingError",
    "definitions",
    "get_definition",
    "load_definition",
    "load_definitions",
    "parse_cutoff_overrides",
    "score",
    "set_site_cutoffs",
    "site_cutoffs",
]
