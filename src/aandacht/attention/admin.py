"""Keep in touch in Django's admin: for looking things up, not for daily use (the app is)."""

from __future__ import annotations

from django.contrib import admin

from aandacht.attention.models import AgendaSettings, Circle, DigestSent, Rhythm, SchedulerLease


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin[Circle]):
    list_display = ["__str__", "vault", "preset", "cadence_days", "tag"]
    list_filter = ["preset"]
    list_select_related = ["vault", "tag"]
    search_fields = ["name", "tag__name", "vault__name"]
    raw_id_fields = ["vault", "tag"]


@admin.register(Rhythm)
class RhythmAdmin(admin.ModelAdmin[Rhythm]):
    list_display = [
        "person",
        "circle",
        "cadence_days",
        "muted",
        "paused_until",
        "snoozed_until",
        "last_conversation_at",
        "last_attempt_at",
    ]
    list_filter = ["muted"]
    list_select_related = ["person", "circle", "circle__tag"]
    search_fields = ["person__search_names"]
    raw_id_fields = ["person", "circle"]
    readonly_fields = ["last_conversation_at", "last_attempt_at", "last_one_way_at"]


@admin.register(AgendaSettings)
class AgendaSettingsAdmin(admin.ModelAdmin[AgendaSettings]):
    list_display = ["user", "capacity", "weekdays", "time_zone", "digest_frequency"]
    list_filter = ["digest_frequency"]
    raw_id_fields = ["user"]
    exclude = ["feed_token"]  # a secret: revoked from the app, never shown here


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin[DigestSent]):
    list_display = ["user", "period", "claimed_at", "sent_at", "item_count"]
    raw_id_fields = ["user"]


@admin.register(SchedulerLease)
class SchedulerLeaseAdmin(admin.ModelAdmin[SchedulerLease]):
    list_display = ["name", "holder", "expires_at"]
