"""`alliance manage verify_audit`: recompute the audit trail's hash chain; exit status 1
and the first broken entry when it does not verify."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alliance.audit.trail import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.intact:
            where = "at the end" if report.broken_at == -1 else f"at entry {report.broken_at}"
            raise CommandError(f"audit trail broken {where}: {report.reason}")
        self.stdout.write(f"audit trail intact: {report.entries} entries")
