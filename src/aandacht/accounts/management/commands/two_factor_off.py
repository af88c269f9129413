"""``aandacht manage two_factor_off USERNAME``: the way back in for someone who lost their phone.

Removes the user's authenticator app and recovery codes, so they sign in with their password
alone and can set two-factor authentication up again. Meant for the instance owner, who has
the server; nobody can do it from the web without the password and a code.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aandacht.accounts import two_factor


class Command(BaseCommand):
    help = "Turn two-factor authentication off for a user who lost their phone."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="The user's username.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user “%(name)s”.") % {"name": username})
        if two_factor.remove_all(user) == 0:
            self.stdout.write(
                _("Two-factor authentication was already off for %(name)s.") % {"name": username}
            )
            return
        self.stdout.write(
            _(
                "Two-factor authentication is off for %(name)s: their app and recovery codes "
                "no longer work. They sign in with their password and can set it up again."
            )
            % {"name": username}
        )
