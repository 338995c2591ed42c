"""`alliance backup FILE` and `alliance restore FILE`, for the SQLite install.

The backup is a consistent copy taken while the app runs: SQLite's online backup API copies
every page in one step, inside one read transaction, so it holds exactly the commits made
before it began (in WAL mode the app's writers go on meanwhile). It is written beside FILE
under another name, checked, and only then linked into place: FILE is never half written
and never overwrites a file. The restore brings a checked backup into an empty data folder
the same way.

The audit trail's key is never in a backup (SECURITY.md: someone with a backup alone must
not be able to rewrite the trail); both commands say where it is and what to do with it, and
print the trail's head in the copy for `alliance manage verify_audit --expect`.
PostgreSQL installs are backed up with PostgreSQL's own tools: both commands say how and
exit non-zero.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alliance.errors import DomainError

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every Alliance Monitor database has had since its first release.
ALLIANCE_TABLES = ("django_migrations", "audit_auditevent", "care_client", "care_administration")
# What a data folder may hold before a restore: the site's own files, which no backup
# carries (the development audit key, licensed wording, cutoffs, the audit heads).
SITE_FILES = ("audit-key", "wording", "cutoffs.toml", "audit-heads.log")

POSTGRESQL_BACKUP = (
    "this install keeps its records in PostgreSQL (DATABASE_URL): back it up with "
    "pg_dump while the app runs (one consistent snapshot): pg_dump --format=custom --file FILE "
    '"$DATABASE_URL"; keep the audit key apart from the dump (SECURITY.md)'
)
POSTGRESQL_RESTORE = (
    "this install keeps its records in PostgreSQL (DATABASE_URL): restore a pg_dump backup "
    'into an empty database with pg_restore: pg_restore --no-owner --dbname "$DATABASE_URL" '
    "FILE, then run alliance manage verify_audit with the install's audit key"
)


class BackupError(DomainError):
    """Codes: postgresql, no_database, file_exists, no_folder, not_alliance, not_empty."""


@dataclass(frozen=True)
class Copy:
    """A database copied: where it went, and what it holds."""

    path: Path
    forms: int  # stored forms (administrations), corrections included
    audit_entries: int
    head: str  # the audit trail's last entry as COUNT:HASH; "" when it has none


def database_path() -> Path:
    """The SQLite file of this install, from the settings (ALLIANCE_DATA_DIR)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise BackupError("postgresql", POSTGRESQL_BACKUP)
    return Path(database["NAME"])


def backup_database(target: Path) -> Copy:
    source = database_path()
    if not source.is_file():
        raise BackupError("no_database", f"there is no database at {source}: nothing to back "
                          "up (is ALLIANCE_DATA_DIR the install's data folder?)")  # fmt: skip
    if target.exists():
        raise BackupError("file_exists", f"{target} exists already: a backup never overwrites "
                          "a file; give a new name")  # fmt: skip
    if not target.parent.is_dir():
        raise BackupError("no_folder", f"there is no folder {target.parent} to write into")
    with _draft_beside(target) as draft:
        _copy_pages(str(source), draft)
        made = _checked(draft, shown_as=target)
        _link_into_place(draft, target)
    return Copy(target, made.forms, made.audit_entries, made.head)


def restore_database(source: Path) -> Copy:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        raise BackupError("postgresql", POSTGRESQL_RESTORE)
    target = database_path()
    if not source.is_file():
        raise BackupError("not_alliance", f"there is no file {source}")
    _checked(source, shown_as=source, read_only=True)
    folder = target.parent
    present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    others = [name for name in present if name not in SITE_FILES]
    if others:
        raise BackupError("not_empty", f"the data folder {folder} is not empty (it holds "
                          f"{', '.join(others[:5])}): restore only into an empty data folder; "
                          "move those aside, or set ALLIANCE_DATA_DIR to a new folder")  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _draft_beside(target) as draft:
        _copy_pages(f"{source.resolve().as_uri()}?mode=ro", draft, uri=True)
        made = _checked(draft, shown_as=source)
        _link_into_place(draft, target)
    return Copy(target, made.forms, made.audit_entries, made.head)


def _copy_pages(source: str, draft: Path, *, uri: bool = False) -> None:
    """Every page of `source` into `draft` in one step (pages=-1): one read transaction, so
    one snapshot of the commits made before it began, while the app's writers go on (WAL)."""
    with (
        contextlib.closing(sqlite3.connect(source, uri=uri, timeout=60)) as live,
        contextlib.closing(sqlite3.connect(draft)) as copy,
    ):
        live.backup(copy, pages=-1)
        # One self-contained file (no -wal beside it); the app sets WAL again when it opens it.
        copy.execute("PRAGMA journal_mode=DELETE")


@contextlib.contextmanager
def _draft_beside(target: Path) -> Iterator[Path]:
    """A new private file beside `target` (same disk, so it can be linked into place),
    removed on the way out whatever happens."""
    draft = target.with_name(f".{target.name}.partial-{secrets.token_hex(6)}")
    os.close(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield draft
    finally:
        for leftover in (draft, draft.with_name(draft.name + "-journal")):
            leftover.unlink(missing_ok=True)


def _link_into_place(draft: Path, target: Path) -> None:
    """Sync the finished copy to disk, then give it its name, never over an existing file."""
    descriptor = os.open(draft, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(draft, target)
    except FileExistsError:
        raise BackupError("file_exists", f"{target} appeared meanwhile: nothing was "
                          "overwritten; give a new name") from None  # fmt: skip
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the new name itself survives a power cut
    finally:
        os.close(folder)


def _checked(path: Path, *, shown_as: Path, read_only: bool = False) -> Copy:
    """The copy's content after SQLite's integrity check; BackupError when `path` is not a
    whole Alliance Monitor database."""
    not_ours = f"{shown_as} is not an Alliance Monitor database"
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError("not_alliance", f"{not_ours} (not an SQLite database at all)")
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    try:
        with contextlib.closing(sqlite3.connect(target, uri=read_only)) as database:
            problem = database.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise BackupError("not_alliance", f"{shown_as} is damaged: {problem}")
            tables = {row[0] for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}  # fmt: skip
            missing = [name for name in ALLIANCE_TABLES if name not in tables]
            if missing:
                raise BackupError("not_alliance", f"{not_ours} (it has no {missing[0]} table)")
            forms = database.execute("SELECT COUNT(*) FROM care_administration").fetchone()[0]
            entries, last = database.execute(
                "SELECT COUNT(*), (SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1) "
                "FROM audit_auditevent"
            ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError("not_alliance", f"{not_ours} ({exc})") from None
    return Copy(path, int(forms), int(entries), f"{entries}:{last}" if last else "")


def audit_key_advice(*, restoring: bool = False) -> str:
    """Where this install's audit key is, and what the keeper of a backup, or the one who
    restores it, must do about it."""
    from alliance.audit.keys import DEVELOPMENT_KEY_FILE, KEY_FILE_VARIABLE, KEY_VARIABLE
    from alliance.measures.site import data_dir

    value = os.environ.get(KEY_VARIABLE, "").strip()
    path = os.environ.get(KEY_FILE_VARIABLE, "").strip()
    if restoring:
        where = (
            f"this install's {KEY_VARIABLE} must be the original install's"
            if value
            else f"the file {KEY_FILE_VARIABLE} names ({path}) must hold the original key"
            if path
            else f"put the original install's key file into {data_dir()} as "
            f"{DEVELOPMENT_KEY_FILE} (or name it with {KEY_FILE_VARIABLE})"
        )
        return (
            f"the audit key was not in the backup: {where}, before anything writes to the "
            "trail (alliance serve), or the restored trail cannot be verified"
        )
    where = (
        f"it is {KEY_VARIABLE}, from the environment: keep it in your secret store"
        if value
        else f"it is the file {path} ({KEY_FILE_VARIABLE}): keep a copy apart from the backups"
        if path
        else f"it is the file {data_dir() / DEVELOPMENT_KEY_FILE}: copy it apart from the "
        "backups (your secret store)"
    )
    return f"the audit key is not in the backup: {where}; a restore needs it to verify the trail"


def _site_files_left_out(folder: Path) -> list[str]:
    return [name for name in SITE_FILES[1:] if (folder / name).exists()]


def run_backup(target: Path) -> int:
    _settings()
    made = backup_database(target)
    print(f"backed up {database_path()} to {made.path}: {made.forms} forms, "
          f"{made.audit_entries} audit entries")  # fmt: skip
    print(f"audit trail head in the backup: {made.head or 'none (no entries yet)'}")
    print(audit_key_advice())
    left_out = _site_files_left_out(database_path().parent)
    if left_out:
        print(f"also not in the backup: {', '.join(left_out)} in {database_path().parent} "
              "(the site's own files): copy them with it")  # fmt: skip
    if made.head:
        print(f"after a restore: alliance manage verify_audit --expect {made.head}")
    return 0


def run_restore(source: Path) -> int:
    _settings()
    made = restore_database(source)
    print(f"restored {source} into {made.path}: {made.forms} forms, "
          f"{made.audit_entries} audit entries")  # fmt: skip
    print(audit_key_advice(restoring=True))
    if made.head:
        print(f"then check the trail: alliance manage verify_audit --expect {made.head}")
    print("`alliance serve` applies any newer migrations at its start")
    return 0


def _settings() -> None:
    # The settings only (the database's place, production's checks): no app is loaded.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.web.settings")
