"""`alliance manage refit_reference [--organization SLUG]`: refit each organization's
expected-response reference from its episodes and recompute every episode's signals
against it (nightly, or after an import); then update the query planner's statistics
(ANALYZE), since an import or the recomputed signals change the tables' sizes at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.care.models import Organization
from alliance.care.services.demo import update_planner_statistics
from alliance.care.services.reference import refit_organization_reference
from alliance.care.services.signals import refresh_all_signals
from alliance.monitoring.trajectory import reference_from_dict


class Command(BaseCommand):
    help = "Refit expected-response references and recompute signals against them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="only this organization (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = Organization.objects.order_by("slug")
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations.exists():
                raise CommandError(f"no organization {options['organization']!r}")
        for organization in organizations:
            stored = refit_organization_reference(organization)
            reference = reference_from_dict(stored.data)
            fitted = sorted(n for n, t in reference.trajectories.items() if t is not None)
            episodes = refresh_all_signals(organization)
            self.stdout.write(
                f"{organization.slug}: reference from {stored.episodes} episodes; expected "
                f"trajectories for {', '.join(fitted) or 'no measure (too few episodes)'}; "
                f"signals recomputed for {episodes} episodes"
            )
        update_planner_statistics()
        self.stdout.write("query planner statistics updated (ANALYZE)")
