from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.accounts.services import ensure_local_owner, needs_first_run

WELCOME = "/welcome/"
START = "/welcome/start/"
GOOD = {
    "first_name": "Marieke",
    "username": "marieke",
    "password1": "kopje-koffie-om-tien",
    "password2": "kopje-koffie-om-tien",
}


@pytest.fixture
def fresh(db: None) -> None:
    """A fresh install: no user at all."""


def finish_first_run(client: Client) -> User:
    response = client.post(WELCOME, GOOD)
    assert response.status_code == 302
    return User.objects.get()


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/", "/no/such/page/"])
def test_fresh_install_sends_every_page_to_welcome(client: Client, fresh: None, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == WELCOME


def test_welcome_is_the_page_of_a_fresh_install(client: Client, fresh: None) -> None:
    response = client.get(WELCOME)

    assert response.status_code == 200
    assert "Welcome to Aandacht" in response.content.decode()
    assert response.context["form"]["username"].value() == "owner"


def test_static_files_and_language_switch_stay_reachable_during_first_run(
    client: Client, fresh: None
) -> None:
    css = client.get("/static/aandacht/aandacht.css")
    switched = client.post(reverse("set_language"), {"language": "nl", "next": WELCOME})

    assert css.status_code == 200
    assert switched.status_code == 302
    assert switched["Location"] == WELCOME
    assert client.cookies["django_language"].value == "nl"


def test_the_app_shell_files_are_served_during_first_run(client: Client, fresh: None) -> None:
    # A browser refuses a service worker behind a redirect, and logs an error on every page.
    for name in ("web:manifest", "web:service_worker", "web:offline"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name


def test_favicon_ico_leads_to_the_site_icon_even_during_first_run(
    client: Client, fresh: None
) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("/aandacht/icons/favicon-32.png")
    assert client.get(response["Location"]).status_code == 200


def test_password_mismatch_is_shown_at_the_second_field_and_changes_nothing(
    client: Client, fresh: None
) -> None:
    response = client.post(WELCOME, {**GOOD, "password2": "kopje-thee-om-tien"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": ["The two passwords differ."]}
    assert 'id="id_password2_error"' in response.content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
    assert needs_first_run()


def test_weak_password_is_refused_by_the_password_validators(client: Client, fresh: None) -> None:
    response = client.post(WELCOME, {**GOOD, "password1": "12345678", "password2": "12345678"})

    errors = response.context["form"].errors["password1"]
    assert response.status_code == 200
    assert "This password is entirely numeric." in errors
    assert "This password is too common." in errors
    assert not User.objects.exists()


def test_password_like_the_chosen_name_is_refused(client: Client, fresh: None) -> None:
    response = client.post(
        WELCOME,
        {**GOOD, "username": "mariekebos", "password1": "mariekebos", "password2": "mariekebos"},
    )

    assert (
        "The password is too similar to the username."
        in response.context["form"].errors["password1"]
    )
    assert not User.objects.exists()


def test_a_name_is_required(client: Client, fresh: None) -> None:
    response = client.post(WELCOME, {**GOOD, "first_name": "   "})

    assert "first_name" in response.context["form"].errors
    assert not User.objects.exists()


def test_first_run_names_the_owner_sets_the_password_and_signs_in(
    client: Client, fresh: None
) -> None:
    response = client.post(WELCOME, GOOD)

    owner = User.objects.get()
    assert response["Location"] == START
    assert (owner.username, owner.first_name) == ("marieke", "Marieke")
    assert owner.check_password("kopje-koffie-om-tien")
    assert owner.is_superuser and owner.is_staff
    assert client.session["_auth_user_id"] == str(owner.pk)
    assert Membership.objects.get(user=owner, role=Role.OWNER).vault.name == "Personal"
    assert not needs_first_run()


def test_first_run_takes_over_the_owner_the_command_line_already_created(
    client: Client, fresh: None
) -> None:
    created = ensure_local_owner()

    client.post(WELCOME, GOOD)

    assert User.objects.get().pk == created.pk
    assert Vault.objects.count() == 1


def test_first_run_after_only_inactive_accounts_remain_makes_a_new_owner(
    client: Client, fresh: None
) -> None:
    """The last person who could sign in deleted their account; an inactive one (a former
    colleague, switched off, even one called "owner") must not become the owner: they could
    not sign in with the password chosen here, and the welcome page would come back forever."""
    former = User.objects.create_user("owner", password="x-old-password-1", is_active=False)

    response = client.post(WELCOME, GOOD)

    owner = User.objects.get(username="marieke")
    assert response["Location"] == START
    assert owner.is_active and owner.is_superuser and owner.pk != former.pk
    assert client.session["_auth_user_id"] == str(owner.pk)
    former.refresh_from_db()
    assert not former.is_active and former.check_password("x-old-password-1")
    assert not needs_first_run()


def test_a_second_welcome_post_cannot_take_over_the_account(client: Client, fresh: None) -> None:
    owner = finish_first_run(client)
    intruder = Client()

    response = intruder.post(
        WELCOME,
        {
            **GOOD,
            "username": "mallory",
            "password1": "ik-ben-de-baas-nu",
            "password2": "ik-ben-de-baas-nu",
        },
    )

    owner.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert User.objects.count() == 1
    assert owner.username == "marieke"
    assert owner.check_password("kopje-koffie-om-tien")
    assert "_auth_user_id" not in intruder.session


def test_welcome_after_the_first_run_sends_the_signed_in_owner_home(
    client: Client, fresh: None
) -> None:
    finish_first_run(client)

    assert client.get(WELCOME)["Location"] == reverse("web:home")


def test_step_two_needs_a_signed_in_user(client: Client, alice: User) -> None:
    response = client.get(START)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_step_two_offers_the_demo_and_an_empty_start(client: Client, fresh: None) -> None:
    finish_first_run(client)

    page = client.get(START).content.decode()

    assert "Load a demo network" in page
    assert "Start empty" in page
    assert 'value="en"' in page and 'value="nl"' in page


def test_starting_empty_lands_home_without_a_demo(client: Client, fresh: None) -> None:
    finish_first_run(client)

    response = client.post(START, {"action": "empty"}, follow=True)

    assert response.redirect_chain == [(reverse("web:home"), 302)]
    assert "Hello, Marieke" in response.content.decode()
    assert not Vault.objects.filter(is_demo=True).exists()


def test_loading_the_demo_passes_language_and_owner_and_opens_the_demo_vault(
    client: Client, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = finish_first_run(client)
    calls: list[tuple[str, object]] = []

    def fake_load_demo(lang: str = "en", owner: object = None) -> Vault:
        calls.append((lang, owner))
        vault = Vault.objects.create(name="Demo", is_demo=True)
        Membership.objects.create(vault=vault, user=owner, role=Role.OWNER)
        return vault

    monkeypatch.setattr("aandacht.demo.load_demo", fake_load_demo)

    response = client.post(START, {"action": "demo", "language": "nl"})

    demo = Vault.objects.get(is_demo=True)
    assert calls == [("nl", owner)]
    assert response["Location"] == f"/?vault={demo.pk}"
    home = client.get(response["Location"]).content.decode()
    assert "Recently added to Demo" in home


def test_an_unknown_demo_language_is_refused(client: Client, fresh: None) -> None:
    finish_first_run(client)

    response = client.post(START, {"action": "demo", "language": "fr"})

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert not Vault.objects.filter(is_demo=True).exists()


def test_the_real_demo_loads_into_its_own_vault(client: Client, fresh: None) -> None:
    pytest.importorskip("aandacht.demo", reason="aandacht.demo is not written yet")
    owner = finish_first_run(client)

    client.post(START, {"action": "demo", "language": "en"})

    vault = Vault.objects.get(is_demo=True)
    assert vault.name == "Demo"
    assert Membership.objects.filter(vault=vault, user=owner, role=Role.OWNER).exists()
    assert vault.people.count() > 50


def test_step_two_visited_later_offers_only_the_demo(client: Client, fresh: None) -> None:
    finish_first_run(client)
    client.post(START, {"action": "empty"})

    page = client.get(START).content.decode()

    assert "Load a demo network" in page
    assert "Start empty" not in page
    assert "Step 2 of 2" not in page


def test_the_first_field_to_fix_gets_the_focus(client: Client, fresh: None) -> None:
    response = client.post(WELCOME, {**GOOD, "password2": "iets-anders-dan-eerst"})

    form = response.context["form"]
    assert form.fields["password1"].widget.attrs.get("autofocus") is True
    assert "autofocus" not in form.fields["first_name"].widget.attrs
