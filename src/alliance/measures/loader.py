"""Finding, parsing and validating the instrument definition files.

Every definition is validated when first needed, all at once, so one broken file stops the
program at start-up with a message naming the file and the field, rather than at the first
client who happens to fill that form.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from .definition import Definition, Inconsistency, check_definition
from .errors import DefinitionError, ScoringError

DEFINITIONS_DIR = Path(__file__).with_name("definitions")


def load_definition(path: Path) -> Definition:
    """Parse and validate one definition file; raise `DefinitionError` naming the field."""
    source = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(source, "(file)", f"cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(source, "(file)", f"is not valid TOML: {exc}") from exc
    try:
        definition = Definition.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise DefinitionError(source, field, first["msg"]) from exc
    try:
        check_definition(definition)
    except Inconsistency as exc:
        raise DefinitionError(source, exc.field, exc.message) from exc
    if path.stem != definition.id:
        raise DefinitionError(source, "id", f"'{definition.id}' must match the file name")
    return definition


def load_definitions(directory: Path = DEFINITIONS_DIR) -> dict[str, Definition]:
    """All definitions in `directory`, keyed by id, in a stable (alphabetical) order."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise DefinitionError(str(directory), "(directory)", "holds no *.toml definitions")
    loaded = sorted(map(load_definition, paths), key=lambda definition: definition.id)
    return {definition.id: definition for definition in loaded}


@cache
def definitions() -> dict[str, Definition]:
    """The shipped definitions, loaded and validated once per process."""
    return load_definitions()


def get_definition(instrument_id: str) -> Definition:
    try:
        return definitions()[instrument_id]
    except (KeyError, TypeError):
        raise unknown_instrument(instrument_id) from None


def unknown_instrument(instrument_id: object) -> ScoringError:
    known = ", ".join(definitions())
    return ScoringError(
        "unknown_instrument",
        f"unknown instrument {instrument_id!r}; known instruments: {known}",
    )
