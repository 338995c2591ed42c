"""`alliance manage notify_sweep`: send every notification that is due and was never done
(for an install that runs its workers apart and schedules the sweep itself, e.g. cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from alliance.notify.sweep import sweep


class Command(BaseCommand):
    help = "Send every notification that is due and was never done (a lost job, a dead sender)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sweep()
        done = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))
        self.stdout.write(f"sweep: {done or 'nothing due'}")
