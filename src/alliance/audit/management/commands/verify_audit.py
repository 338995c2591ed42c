"""`alliance manage verify_audit`: recompute the audit trail's keyed hash chain and compare it
with the heads recorded outside the database; print the head (COUNT:HASH) and record it.

Exit status 1, with the first broken entry, when an entry was changed, removed or inserted,
when the chain was rewritten without the audit key, or when the trail has fewer entries, or
another hash, than a head in the heads file or given with `--expect` (keep the printed head
somewhere else: a ticket, a log server, another machine).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.audit.chain import Head, verify_chain
from alliance.audit.heads import HeadsFileError, heads_path, recorded_heads, write_head
from alliance.audit.keys import AuditKeyError

_EXPECTED = re.compile(r"([0-9]{1,18}):([0-9a-f]{64})")


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain against the heads recorded outside the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="COUNT:HASH",
            help="a head printed by an earlier run and kept elsewhere; may be repeated",
        )
        parser.add_argument(
            "--heads-file",
            type=Path,
            help="the heads file to check and append to (default: audit-heads.log in the "
            "data folder)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["heads_file"] or heads_path()
        try:
            expected = [*recorded_heads(path), *map(_expected, options["expect"])]
            report = verify_chain(expected=expected)
        except (HeadsFileError, AuditKeyError) as exc:
            raise CommandError(str(exc)) from None
        if not report.intact:
            where = "at the end" if report.broken_at == -1 else f"at entry {report.broken_at}"
            raise CommandError(f"audit trail broken {where}: {report.reason}")
        self.stdout.write(f"audit trail intact: {report.entries} entries")
        self.stdout.write(f"head: {report.head}")
        try:
            write_head(report.head, "verify_audit", path)
        except OSError as exc:
            raise CommandError(f"the chain verifies, but its head could not be written to "
                               f"{path}: {exc.strerror}") from None  # fmt: skip


def _expected(text: str) -> Head:
    match = _EXPECTED.fullmatch(text.strip().lower())
    if match is None:
        raise CommandError(f"--expect takes COUNT:HASH as printed after 'head:', got {text!r}")
    return Head(int(match[1]), match[2], "given with --expect")
