"""Birthdays a phone sends over CardDAV land in the calendar feed, also without a year (where
Radicale's birthday calendar skips them): no second, CardDAV calendar is needed."""

from __future__ import annotations

import datetime as dt

import icalendar
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.carddav.writing import put_card


def card(name: str, uid: str, birthday: str, version: str = "3.0") -> bytes:
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"FN:{name}", f"UID:{uid}", birthday]
    return "\r\n".join([*lines, "END:VCARD", ""]).encode()


@time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False)
def test_birthdays_from_a_phone_are_in_the_feed_with_and_without_a_year(
    alice: User, vault: Vault
) -> None:
    sent = {
        "Bert Jansen": card("Bert Jansen", "bert", "BDAY:--1203", "4.0"),
        "Cor de Vries": card(
            "Cor de Vries", "cor", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-05"
        ),  # iPhone's way of saying "no year"
        "Dina Smit": card("Dina Smit", "dina", "BDAY:1990-12-07"),
    }
    for name, body in sent.items():
        put_card(vault=vault, user=alice, href=f"{name}.vcf", body=body, existing=None)
    token = services.settings_for(alice).feed_token
    response = Client().get(reverse("attention:feed", args=[token]))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    starts = {
        str(event["SUMMARY"]): event.decoded("DTSTART")
        for event in calendar.walk("VEVENT")
        if "RRULE" in event
    }
    found = {name: [s for summary, s in starts.items() if name in summary] for name in sent}
    assert all(found.values()), (found, list(starts))
    assert [(d.month, d.day) for d in found["Bert Jansen"]] == [(12, 3)]
    assert [(d.month, d.day) for d in found["Cor de Vries"]] == [(12, 5)]
    assert [(d.year, d.month, d.day) for d in found["Dina Smit"]] == [(1990, 12, 7)]
