"""Everything of a user's: exporting it as one ZIP file, and deleting the account with it.

Export: ``account.json`` (the account itself: profile, language, memberships and roles, agenda
and card settings, access tokens without their secrets, signed-in sessions, whether two-factor
is on) and, for each vault the user is a member of, that vault's JSON document in the format of
``docs/json-format.md`` (``exchange.json_document.export_json``: the user's own private notes
and moments, nobody else's; photos inline). Each document is written straight into the ZIP
member as it is read, so nothing is held twice in memory.

Deletion (``docs/your-account.md`` has the rules in words): a vault where no other *active*
member is left (only the user, or the user and inactive accounts such as the demo's teammates)
goes with everything in it; a shared vault whose only owner they are blocks the deletion until
another active member is owner; in the shared vaults they leave, their private notes and
moments and their card list go, their shared entries stay for the team without an author.
Tokens, sessions, two-factor devices, preferences, invitations sent, suggestions, digests and
imports go with the account. The last active superuser of an instance with other active users
cannot leave. Inactive accounts cannot sign in, so they keep nothing alive: they stay (an
administrator may reactivate them), except the demo's teammates left in no vault, which go.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_otp import devices_for_user  # type: ignore[import-untyped]

from aandacht.accounts import demo, sessions
from aandacht.accounts.models import (
    AccessToken,
    Invitation,
    Membership,
    Preference,
    Role,
    SignedInSession,
    Vault,
)
from aandacht.attention.models import AgendaSettings, AppreciationNudge, DigestSent
from aandacht.cards.models import Card, CardStatus, SeasonSettings
from aandacht.exchange import json_document
from aandacht.exchange.models import ImportJob
from aandacht.people.models import Person
from aandacht.timeline.models import Moment, Note

ACCOUNT_FORMAT = "aandacht.account"
ACCOUNT_VERSION = 1
ACCOUNT_FILE = "account.json"
VAULTS_FOLDER = "vaults"

AGENDA_FIELDS = (
    "capacity",
    "weekdays",
    "time_zone",
    "retry_after_days",
    "one_way_resets",
    "digest_frequency",
    "digest_time",
    "digest_weekday",
    "appreciation_every_days",
)


def _stamp(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC, as the vault documents write their times."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat()


def two_factor_enrolled(user: User) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


# --- export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VaultFile:
    """One vault of the user and the name of its document inside the ZIP."""

    vault: Vault
    role: str
    member_since: dt.datetime
    path: str


def vault_files(user: User) -> list[VaultFile]:
    """The user's vaults, each with a file name that is unique and readable
    (``vaults/01-alices-people.json``)."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("vault")
        .order_by("vault__is_demo", "vault__name", "vault_id")
    )
    files = []
    for number, membership in enumerate(memberships, start=1):
        slug = slugify(membership.vault.name)[:60] or "vault"
        files.append(
            VaultFile(
                vault=membership.vault,
                role=membership.role,
                member_since=membership.created_at,
                path=f"{VAULTS_FOLDER}/{number:02d}-{slug}.json",
            )
        )
    return files


def account_document(user: User, files: Iterable[VaultFile]) -> dict[str, Any]:
    """The account itself as plain JSON values: no password hash, no token or session secret,
    no feed token."""
    preference = Preference.objects.filter(user=user).select_related("last_vault").first()
    agenda = AgendaSettings.objects.filter(user=user).first()
    return {
        "format": ACCOUNT_FORMAT,
        "version": ACCOUNT_VERSION,
        "exported_at": _stamp(timezone.now()),
        "user": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _stamp(user.date_joined),
            "last_login": _stamp(user.last_login),
            "administrator": user.is_superuser,
        },
        "preferences": {
            "language": preference.language if preference else "",
            "last_vault": (
                preference.last_vault.name if preference and preference.last_vault else None
            ),
        },
        "memberships": [
            {
                "vault": each.vault.name,
                "role": each.role,
                "member_since": _stamp(each.member_since),
                "file": each.path,
            }
            for each in files
        ],
        "agenda_settings": (
            {name: _plain(getattr(agenda, name)) for name in AGENDA_FIELDS} if agenda else None
        ),
        "card_season": [
            {"vault": row.vault.name, "list_size": row.list_size}
            for row in SeasonSettings.objects.filter(user=user)
            .select_related("vault")
            .order_by("vault__name", "id")
        ],
        "access_tokens": [
            {
                "name": token.name,
                "scope": token.scope,
                "vault": token.vault.name if token.vault else None,
                "starts_with": token.prefix,
                "created_at": _stamp(token.created_at),
                "last_used_at": _stamp(token.last_used_at),
                "revoked_at": _stamp(token.revoked_at),
            }
            for token in AccessToken.objects.filter(user=user)
            .select_related("vault")
            .order_by("created_at", "id")
        ],
        "signed_in_sessions": [
            {
                "browser": row.user_agent,
                "address": row.ip_address,
                "signed_in_at": _stamp(row.created_at),
                "last_seen_at": _stamp(row.last_seen_at),
            }
            for row in SignedInSession.objects.filter(user=user).order_by("created_at", "id")
        ],
        "two_factor": {"enrolled": two_factor_enrolled(user)},
        "invitations_sent": [
            {
                "email": invitation.email,
                "vault": invitation.vault.name if invitation.vault else None,
                "role": invitation.role,
                "created_at": _stamp(invitation.created_at),
                "expires_at": _stamp(invitation.expires_at),
                "accepted_at": _stamp(invitation.accepted_at),
            }
            for invitation in Invitation.objects.filter(invited_by=user)
            .select_related("vault")
            .order_by("created_at", "id")
        ],
        "digests_sent": [
            {"period": row.period, "sent_at": _stamp(row.sent_at), "items": row.item_count}
            for row in DigestSent.objects.filter(user=user).order_by("claimed_at", "id")
        ],
    }


def _plain(value: object) -> object:
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    return value


@dataclass
class ExportResult:
    files: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def export_everything(user: User, out: IO[bytes]) -> ExportResult:
    """Write the user's ZIP to ``out`` (a binary file that can seek, or a stream).

    Each vault document is read in its own consistent snapshot and written into its ZIP
    member as it goes (compressed), so memory stays at one chunk of one table.
    """
    files = vault_files(user)
    result = ExportResult()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        document = json.dumps(account_document(user, files), ensure_ascii=False, indent=2)
        archive.writestr(ACCOUNT_FILE, document + "\n")
        result.files.append(ACCOUNT_FILE)
        for each in files:
            with archive.open(each.path, "w", force_zip64=True) as member:
                text = io.TextIOWrapper(member, encoding="utf-8", newline="")
                result.counts[each.path] = json_document.export_json(each.vault, text, user=user)
                text.flush()
                text.detach()
            result.files.append(each.path)
    return result


def export_file_name(user: User) -> str:
    stem = slugify(user.username) or "account"
    return f"aandacht-{stem}-{timezone.localdate().isoformat()}.zip"


# --- deletion ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VaultFacts:
    vault: Vault
    role: str
    people: int = 0
    private_entries: int = 0
    members: int = 1
    # Other members whose accounts are inactive (cannot sign in): they do not make it shared.
    inactive_members: int = 0


@dataclass
class DeletionPlan:
    """What deleting the account would do, and what stands in the way."""

    deleted_vaults: list[VaultFacts]
    left_vaults: list[VaultFacts]
    # Shared vaults (another active member) whose only active owner the user is: someone
    # else must become owner first.
    sole_owner_vaults: list[Vault]
    last_superuser: bool
    tokens: int
    sessions: int
    two_factor: bool
    invitations: int

    @property
    def blocked(self) -> bool:
        return bool(self.sole_owner_vaults) or self.last_superuser

    def reasons(self) -> list[str]:
        found = []
        if self.last_superuser:
            found.append(
                _(
                    "You are the last administrator of this instance and other active users "
                    "still use it: make someone else an administrator first."
                )
            )
        for vault in self.sole_owner_vaults:
            found.append(
                _(
                    "You are the only owner of the shared vault “%(vault)s”: make another "
                    "member owner first, or remove the other members or delete the vault on "
                    "its page."
                )
                % {"vault": vault.name}
            )
        return found


class DeletionBlocked(Exception):
    """The account cannot be deleted yet; ``reasons`` say why, in words for the user."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def is_last_superuser(user: User) -> bool:
    """The only active superuser while other active users exist: nobody could manage the
    instance. Inactive accounts (the demo's teammates, deactivated users) cannot sign in, so
    they do not count."""
    if not user.is_superuser:
        return False
    others = User.objects.exclude(pk=user.pk).filter(is_active=True)
    return others.exists() and not others.filter(is_superuser=True).exists()


def plan_deletion(user: User) -> DeletionPlan:
    other = ~Q(vault__memberships__user=user)
    active = Q(vault__memberships__user__is_active=True)
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("vault")
        .annotate(
            members=Count("vault__memberships", distinct=True),
            active_others=Count("vault__memberships", filter=other & active, distinct=True),
            active_other_owners=Count(
                "vault__memberships",
                filter=other & active & Q(vault__memberships__role=Role.OWNER),
                distinct=True,
            ),
        )
        .order_by("vault__is_demo", "vault__name", "vault_id")
    )
    # Nobody else who can sign in: the vault goes like a private one.
    solo_ids = [m.vault_id for m in memberships if m.active_others == 0]
    people = dict(
        Person.objects.filter(vault_id__in=solo_ids)
        .values("vault_id")
        .annotate(n=Count("id"))
        .values_list("vault_id", "n")
    )
    private = _private_counts(user)
    deleted, left, blocking = [], [], []
    for m in memberships:
        if m.active_others == 0:
            deleted.append(
                VaultFacts(
                    m.vault,
                    m.role,
                    people=people.get(m.vault_id, 0),
                    members=m.members,
                    inactive_members=m.members - 1,
                )
            )
            continue
        left.append(
            VaultFacts(
                m.vault,
                m.role,
                private_entries=private.get(m.vault_id, 0),
                members=m.members,
                inactive_members=m.members - 1 - m.active_others,
            )
        )
        if m.role == Role.OWNER and m.active_other_owners == 0:
            blocking.append(m.vault)
    return DeletionPlan(
        deleted_vaults=deleted,
        left_vaults=left,
        sole_owner_vaults=blocking,
        last_superuser=is_last_superuser(user),
        tokens=AccessToken.objects.filter(user=user).count(),
        sessions=SignedInSession.objects.filter(user=user).count(),
        two_factor=two_factor_enrolled(user),
        invitations=Invitation.objects.filter(invited_by=user).count(),
    )


def _private_counts(user: User) -> dict[int, int]:
    counts: dict[int, int] = {}
    for model in (Note, Moment):
        rows = (
            model.objects.filter(author=user, private=True)
            .values("vault_id")
            .annotate(n=Count("id"))
            .values_list("vault_id", "n")
        )
        for vault_id, n in rows:
            counts[vault_id] = counts.get(vault_id, 0) + n
    return counts


def delete_account(user: User) -> dict[str, int]:
    """Delete the account and everything only it owned, in one transaction; returns how many
    rows of each kind went. Raises ``DeletionBlocked`` (nothing deleted) when it may not."""
    with transaction.atomic():
        # Lock the user's vaults' member lists: a member leaving meanwhile would change which
        # vaults are shared (PostgreSQL; SQLite's write transaction already serialises).
        list(
            Membership.objects.select_for_update()
            .filter(vault__memberships__user=user)
            .values_list("pk", flat=True)
        )
        plan = plan_deletion(user)
        if plan.blocked:
            raise DeletionBlocked(plan.reasons())
        deleted: dict[str, int] = {}
        solo = [facts.vault.pk for facts in plan.deleted_vaults]

        for person in Person.objects.filter(vault_id__in=solo).exclude(photo="").only("photo"):
            _remove_file_after_commit(person.photo)
        for job in ImportJob.objects.filter(Q(vault_id__in=solo) | Q(user=user)).exclude(upload=""):
            _remove_file_after_commit(job.upload)

        _count(deleted, Vault.objects.filter(pk__in=solo).delete())
        # The demo's teammates exist only for the demo vault: left in no vault, they go too.
        demo.remove_stale_teammates()
        # In the shared vaults they leave: what only they could see, and their own lists.
        _count(deleted, Note.objects.filter(author=user, private=True).delete())
        _count(deleted, Moment.objects.filter(author=user, private=True).delete())
        _count(deleted, Card.objects.filter(author=user).exclude(status=CardStatus.SENT).delete())
        # A sent card stays in the vault's history; its text was only ever shown to its author.
        Card.objects.filter(author=user, status=CardStatus.SENT).update(text="", author=None)
        _count(deleted, ImportJob.objects.filter(user=user).delete())
        _count(deleted, AppreciationNudge.objects.filter(user=user).delete())
        sessions.end_all_sessions(user)
        _forget_sign_in_records(user)
        _count(deleted, User.objects.filter(pk=user.pk).delete())
    return deleted


def _count(into: dict[str, int], result: tuple[int, dict[str, int]]) -> None:
    for label, number in result[1].items():
        if number:
            into[label] = into.get(label, 0) + number


def _remove_file_after_commit(file: FieldFile) -> None:
    """An uploaded file leaves the storage once the deletion commits (a rollback keeps it)."""
    name, storage = file.name, file.storage
    if not name:
        return

    def remove() -> None:
        if storage.exists(name):
            storage.delete(name)

    transaction.on_commit(remove)


def _forget_sign_in_records(user: User) -> None:
    """django-axes keeps sign-in attempts by username, not by key: they go too."""
    from axes.models import (  # type: ignore[import-untyped]
        AccessAttempt,
        AccessFailureLog,
        AccessLog,
    )

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.get_username()).delete()
