"""`alliance manage create_organization SLUG "Name" ADMIN_USERNAME`: a new organization with
its first admin, who then adds the members from /members/. The password is asked for (or
read from the environment variable named by --password-env, for scripted installs)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from alliance.care.models import Organization
from alliance.care.services.admin import AdminError, add_member


class Command(BaseCommand):
    help = "Create an organization and its first admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("name")
        parser.add_argument("admin_username")
        parser.add_argument("--password-env", help="read the password from this variable")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
        else:
            password = getpass.getpass("Password for the admin: ")
        try:
            with transaction.atomic():
                if Organization.objects.filter(slug=options["slug"]).exists():
                    raise AdminError(
                        "organization_taken", f"an organization {options['slug']!r} exists already"
                    )
                organization = Organization.objects.create(
                    slug=options["slug"], name=options["name"]
                )
                add_member(organization=organization, username=options["admin_username"],
                           role="admin", password=password)  # fmt: skip
        except AdminError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{organization.name}: admin {options['admin_username']} can sign in and add members"
        )
