from __future__ import annotations

from django.contrib import admin

from aandacht.accounts.models import Invitation, Membership, Vault


class MembershipInline(admin.TabularInline[Membership, Vault]):
    model = Membership
    extra = 0


@admin.register(Vault)
class VaultAdmin(admin.ModelAdmin[Vault]):
    list_display = ["name", "is_demo", "created_at"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Read and withdraw invitations; new ones go out from the users or vault page (the email
    and its one-time link are made there). The digest is no secret, but useless to show."""

    list_display = ["email", "vault", "role", "invited_by", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    exclude = ["digest"]
    readonly_fields = ["created_at", "accepted_at", "accepted_by"]

    def has_add_permission(self, request: object) -> bool:
        return False
