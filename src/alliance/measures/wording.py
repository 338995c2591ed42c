"""Item wording: shipped where the licence allows, installed by the site where it does not.

SRS, ORS and the WAI family are copyrighted; the project ships only its own short labels.
A site with a licence installs the wording, one TOML file per instrument and language:

    instrument = "srs"
    language = "en"
    source = "SRS v3.0, licensed to Example Clinic, 2026"
    instructions = "..."        # optional
    low_anchor = "..."          # optional, visual-analogue scales
    high_anchor = "..."         # optional
    [items]
    "1" = "..."
    "2" = "..."

Until then a form shows the labels with a visible demonstration notice.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ScoringError, WordingError
from .loader import get_definition
from .site import data_dir

DEMONSTRATION_NOTICE = (
    "Demonstration wording: these are short descriptions written by Alliance Monitor, not the "
    "instrument's published items. Install the licensed wording before clinical use."
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_ALLOWED_KEYS = {"instrument", "language", "source", "instructions", "low_anchor", "high_anchor"}


def wording_dir(base: Path | None = None) -> Path:
    return (base or data_dir()) / "wording"


@dataclass(frozen=True, slots=True)
class FormText:
    """What a form shows: instructions, anchors and one text per item."""

    instrument: str
    language: str
    instructions: str
    items: tuple[tuple[str, str], ...]
    low_anchor: str | None
    high_anchor: str | None
    # True when the texts are the project's labels rather than the published wording.
    demonstration: bool
    source: str

    @property
    def notice(self) -> str | None:
        return DEMONSTRATION_NOTICE if self.demonstration else None


@dataclass(frozen=True, slots=True)
class Wording:
    instrument: str
    language: str
    source: str
    items: dict[str, str]
    instructions: str | None
    low_anchor: str | None
    high_anchor: str | None


def read_wording(path: Path) -> Wording:
    """Parse a wording file and check it against its instrument; `WordingError` if unfit."""
    name = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise WordingError(name, f"cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise WordingError(name, f"is not valid TOML: {exc}") from exc

    unknown = set(data) - _ALLOWED_KEYS - {"items"}
    if unknown:
        raise WordingError(name, f"unknown keys {sorted(unknown)}")
    texts = {key: data.get(key) for key in _ALLOWED_KEYS}
    for key, value in texts.items():
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise WordingError(name, f"'{key}' must be non-empty text")
    for key in ("instrument", "language", "source"):
        if texts[key] is None:
            raise WordingError(name, f"'{key}' is required")
    instrument, language = str(texts["instrument"]), str(texts["language"])
    if not _LANGUAGE.match(language):
        raise WordingError(
            name, f"language {language!r} is not a language tag such as 'en' or 'de-CH'"
        )
    try:
        definition = get_definition(instrument)
    except ScoringError as exc:
        raise WordingError(name, exc.message) from None

    items = data.get("items")
    if not isinstance(items, dict) or not items:
        raise WordingError(name, "needs an [items] table of item id = text")
    expected = set(definition.item_ids)
    missing = sorted(expected - set(items), key=int)
    extra = sorted(set(items) - expected)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing items {', '.join(missing)}")
        if extra:
            parts.append(f"items not in {instrument}: {', '.join(extra)}")
        raise WordingError(
            name,
            f"item ids do not match {instrument} (items 1..{len(expected)}): {'; '.join(parts)}",
        )
    for item_id, text in items.items():
        if not isinstance(text, str) or not text.strip():
            raise WordingError(name, f"item {item_id} must be non-empty text")
    if definition.scale.kind != "vas" and (texts["low_anchor"] or texts["high_anchor"]):
        raise WordingError(name, "anchors apply only to visual-analogue scales")
    return Wording(
        instrument=instrument,
        language=language,
        source=str(texts["source"]),
        items={item_id: items[item_id].strip() for item_id in definition.item_ids},
        instructions=texts["instructions"],
        low_anchor=texts["low_anchor"],
        high_anchor=texts["high_anchor"],
    )


def install_wording(path: Path, *, base: Path | None = None) -> Path:
    """Check a wording file and copy it into the site's wording folder; return where."""
    wording = read_wording(path)
    target_dir = wording_dir(base)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{wording.instrument}.{wording.language}.toml"
    # Write beside the target and rename, so a reader never sees half a file.
    partial = target.with_suffix(".toml.partial")
    partial.write_bytes(path.read_bytes())
    partial.replace(target)
    return target


def installed_wording(
    instrument_id: str, language: str, *, base: Path | None = None
) -> Wording | None:
    path = wording_dir(base) / f"{instrument_id}.{language}.toml"
    return read_wording(path) if path.is_file() else None


def form_text(instrument_id: str, language: str = "en", *, base: Path | None = None) -> FormText:
    """The texts a form shows: installed wording, else shipped wording, else labels."""
    definition = get_definition(instrument_id)
    scale = definition.scale
    wording = installed_wording(instrument_id, language, base=base)
    if wording is not None:
        return FormText(
            instrument=definition.id,
            language=language,
            instructions=wording.instructions or definition.instructions,
            items=tuple(wording.items.items()),
            low_anchor=wording.low_anchor or scale.low_anchor,
            high_anchor=wording.high_anchor or scale.high_anchor,
            demonstration=False,
            source=wording.source,
        )
    if definition.licence.kind == "public-domain" and language == "en":
        return FormText(
            instrument=definition.id,
            language="en",
            instructions=definition.stem or definition.instructions,
            items=tuple((item.id, item.wording or item.label) for item in definition.items),
            low_anchor=scale.low_anchor,
            high_anchor=scale.high_anchor,
            demonstration=False,
            source=definition.reference,
        )
    return FormText(
        instrument=definition.id,
        language=language,
        instructions=definition.instructions,
        items=tuple((item.id, item.label) for item in definition.items),
        low_anchor=scale.low_anchor,
        high_anchor=scale.high_anchor,
        demonstration=True,
        source="Alliance Monitor descriptive labels",
    )
