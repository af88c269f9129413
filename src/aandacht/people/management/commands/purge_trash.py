"""``manage.py purge_trash``: forget everyone who has been in the trash for over 30 days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from aandacht.people.lifecycle import TRASH_DAYS, purge_expired_trash
from aandacht.people.models import Person


class Command(BaseCommand):
    help = f"Forget people who have been in the trash for more than {TRASH_DAYS} days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would be forgotten without changing anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["dry_run"]:
            cutoff = now - dt.timedelta(days=TRASH_DAYS)
            expired = Person.objects.filter(trashed_at__lt=cutoff).select_related("vault")
            for person in expired:
                self.stdout.write(f"{person.vault.name}: {person.name} (#{person.pk})")
            self.stdout.write(f"{len(expired)} would be forgotten.")
            return
        forgotten = purge_expired_trash(now)
        self.stdout.write(f"Forgot {len(forgotten)} people from the trash.")
