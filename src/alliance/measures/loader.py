"""Finding, parsing and validating the instrument definition files, with the site's cutoffs.

Every definition is validated when first needed, all at once, so one broken file stops the
program at start-up with a message naming the file and the field, rather than at the first
client who happens to fill that form.

A definition's cutoffs are the one source of every threshold: the score's flags, the
monitoring rules and the chart's lines all read them from here. A site changes one (cutoffs
are population-specific: a Chinese validation put the SRS's at 34) in `cutoffs.toml` in its
data folder, one table per instrument:

    [srs]
    alliance_concern = 35.9

or, for one run or a test, with `set_site_cutoffs`. A cutoff of an urgent (safety) flag is
never changed: any PHQ-9 item 9 answer always raises the safety signal.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from .definition import Definition, Inconsistency, check_definition
from .errors import DefinitionError, ScoringError
from .site import data_dir

DEFINITIONS_DIR = Path(__file__).with_name("definitions")
SITE_CUTOFFS_FILE = "cutoffs.toml"

Cutoffs = Mapping[str, Mapping[str, float]]
# Set by `set_site_cutoffs`; None: read the site's file.
_configured: dict[str, dict[str, float]] | None = None


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
def shipped_definitions() -> dict[str, Definition]:
    """The definitions as shipped, loaded and validated once per process."""
    return load_definitions()


@cache
def definitions() -> dict[str, Definition]:
    """The definitions in force: as shipped, with the site's cutoffs."""
    shipped = shipped_definitions()
    overrides = _configured if _configured is not None else read_site_cutoffs()
    return {
        name: d.model_copy(update={"cutoffs": d.cutoffs | dict(overrides[name])})
        if name in overrides
        else d
        for name, d in shipped.items()
    }


def generation() -> int:
    """Changes whenever the cutoffs in force change, for caches built from definitions."""
    return _generation


_generation = 0


def set_site_cutoffs(cutoffs: Cutoffs | None) -> None:
    """Put `cutoffs` ({instrument: {name: value}}) in force for this process, replacing the
    site file's; None goes back to the site file. Raises `DefinitionError` naming the cutoff
    that is unknown, not a finite number, or a safety flag's."""
    global _configured, _generation
    _configured = None if cutoffs is None else check_site_cutoffs(cutoffs, "site cutoffs")
    _generation += 1
    definitions.cache_clear()


@contextmanager
def site_cutoffs(cutoffs: Cutoffs) -> Iterator[None]:
    """`cutoffs` in force inside the block only (tests, one analysis)."""
    previous = _configured
    set_site_cutoffs(cutoffs)
    try:
        yield
    finally:
        set_site_cutoffs(previous)


def site_cutoffs_path() -> Path:
    return data_dir() / SITE_CUTOFFS_FILE


def read_site_cutoffs(path: Path | None = None) -> dict[str, dict[str, float]]:
    """The site's cutoffs file, checked; empty when there is none."""
    path = path or site_cutoffs_path()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DefinitionError(path.name, "(file)", f"cannot be read: {exc}") from exc
    return check_site_cutoffs(data, path.name)


def check_site_cutoffs(cutoffs: Mapping[str, object], source: str) -> dict[str, dict[str, float]]:
    shipped = shipped_definitions()
    checked: dict[str, dict[str, float]] = {}
    for instrument, values in cutoffs.items():
        if instrument not in shipped:
            raise DefinitionError(
                source, instrument, f"is not an instrument ({', '.join(shipped)})"
            )
        d = shipped[instrument]
        if not isinstance(values, Mapping):
            raise DefinitionError(source, instrument, "must be a table of name = number")
        fixed = {flag.cutoff for flag in d.flags if flag.urgent}
        for name, value in values.items():
            where = f"{instrument}.{name}"
            if name not in d.cutoffs:
                known = ", ".join(d.cutoffs) or "none"
                raise DefinitionError(source, where, f"is not a cutoff of {instrument} ({known})")
            if name in fixed:
                raise DefinitionError(source, where, "is a safety cutoff and cannot be changed")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise DefinitionError(source, where, "must be a number")
            number = finite_float(value)
            if number is None or not d.total_min <= number <= d.total_max:
                raise DefinitionError(
                    source, where, f"must lie within the total's range {d.total_min:g}-"
                    f"{d.total_max:g}"
                )  # fmt: skip
            checked.setdefault(instrument, {})[name] = number
    return checked


def finite_float(value: int | float) -> float | None:
    """`value` as a finite float, or None: NaN, an infinity, or a whole number too large for
    a float (on which `math.isfinite` and `float` raise OverflowError)."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def parse_cutoff_overrides(texts: list[str]) -> dict[str, dict[str, float]]:
    """["srs.alliance_concern=35.9", ...] as {instrument: {name: value}}, checked."""
    parsed: dict[str, dict[str, float]] = {}
    for text in texts:
        where, _, number = text.partition("=")
        instrument, _, name = where.strip().rpartition(".")
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if not instrument or not name or not math.isfinite(value):
            raise DefinitionError(
                "--cutoff", text, "expected INSTRUMENT.NAME=NUMBER, e.g. srs.alliance_concern=35.9"
            )
        parsed.setdefault(instrument, {})[name] = value
    return check_site_cutoffs(parsed, "--cutoff")


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
