from __future__ import annotations

from django.contrib import admin

from aandacht.accounts.models import Membership, Vault


class MembershipInline(admin.TabularInline[Membership, Vault]):
    model = Membership
    extra = 0


@admin.register(Vault)
class VaultAdmin(admin.ModelAdmin[Vault]):
    list_display = ["name", "is_demo", "created_at"]
    inlines = [MembershipInline]
