"""The app shell: navigation on every page, quick add for writers, vault switcher, error pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from pytest_django import Settings

import aandacht.urls
from aandacht.accounts.models import Membership, Role, Vault
from aandacht.web.context_processors import build_shell

HOME = "/"
PASSWORD = "/accounts/password/"


def placeholder(request: HttpRequest) -> HttpResponse:
    return HttpResponse("a colleague's page")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("viewers cannot change this vault")


def garbled(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a garbled request")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


WITHOUT_PEOPLE_PAGES = [
    pattern
    for pattern in aandacht.urls.urlpatterns
    if getattr(pattern, "namespace", None) not in {"people", "timeline"}
]
# The real URLs with stand-ins for the people list and quick add (built by colleagues), plus
# views that fail in each way an error page exists for.
urlpatterns = [
    path("forbidden/", forbidden),
    path("garbled/", garbled),
    path("broken/", broken),
    path(
        "people/",
        include(
            (
                [path("", placeholder, name="list"), path("add/", placeholder, name="quick_add")],
                "people",
            )
        ),
    ),
    *WITHOUT_PEOPLE_PAGES,
]


class BarePages:
    """A URLconf without the colleagues' pages: the navigation must still render."""

    urlpatterns = WITHOUT_PEOPLE_PAGES


def add_vault(user: User, name: str, role: str = Role.OWNER, *, is_demo: bool = False) -> Vault:
    vault = Vault.objects.create(name=name, is_demo=is_demo)
    Membership.objects.create(vault=vault, user=user, role=role)
    return vault


def page_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def quick_add_links(page: str) -> list[str]:
    return re.findall(r'href="(/people/add/[^"]*)"', page)


@pytest.fixture
def alice_client(client: Client, alice: User, vault: Vault) -> Client:
    client.force_login(alice)
    return client


def test_signed_out_pages_show_the_brand_and_the_language_switch_only(
    client: Client, alice: User
) -> None:
    page = page_of(client, reverse("accounts:login"))

    assert 'class="brand"' in page
    assert 'class="main-nav"' not in page
    assert "Sign out" not in page
    header = page.split("</header>")[0]
    assert 'class="language-switch"' in header
    assert 'name="language"' in header and 'name="next"' in header


@pytest.mark.urls(__name__)
def test_signed_in_pages_have_the_navigation_and_the_account_menu(alice_client: Client) -> None:
    page = page_of(alice_client, PASSWORD)

    assert 'class="main-nav"' in page
    assert 'href="/people/"' in page
    assert 'class="menu account-menu"' in page
    assert f'action="{reverse("accounts:logout")}"' in page
    assert f'href="{reverse("accounts:settings")}"' in page
    assert "Admin" not in page  # alice is not staff
    footer = page.split('<footer class="site-footer">')[1]
    assert 'class="language-switch"' in footer
    assert f'action="{reverse("set_language")}"' in footer


@pytest.mark.urls(__name__)
def test_staff_see_the_admin_in_the_account_menu(alice_client: Client, alice: User) -> None:
    alice.is_staff = True
    alice.save()

    assert f'href="{reverse("admin:index")}"' in page_of(alice_client, PASSWORD)


@pytest.mark.urls(__name__)
def test_writers_get_quick_add_for_the_current_vault(alice_client: Client, vault: Vault) -> None:
    page = page_of(alice_client, PASSWORD)

    # once in the header (wide screens), once in the tab bar (phones)
    assert quick_add_links(page) == [f"/people/add/?vault={vault.pk}"] * 2
    assert "Add someone" in page


@pytest.mark.urls(__name__)
def test_editors_get_quick_add_too(client: Client, bob: User, vault: Vault) -> None:
    client.force_login(bob)

    assert quick_add_links(page_of(client, PASSWORD)) == [f"/people/add/?vault={vault.pk}"] * 2


@pytest.mark.urls(__name__)
def test_viewers_get_no_quick_add_in_a_view_only_vault(
    client: Client, carol: User, vault: Vault
) -> None:
    client.force_login(carol)

    page = page_of(client, PASSWORD)

    assert quick_add_links(page) == []
    assert "Add someone" not in page


@pytest.mark.urls(__name__)
def test_quick_add_follows_the_chosen_vault(client: Client, carol: User, vault: Vault) -> None:
    own = add_vault(carol, "Carol's own")
    client.force_login(carol)

    assert (
        quick_add_links(page_of(client, f"{HOME}?vault={own.pk}"))
        == [f"/people/add/?vault={own.pk}"] * 2
    )
    assert quick_add_links(page_of(client, f"{HOME}?vault={vault.pk}")) == []


@pytest.mark.urls(__name__)
def test_header_search_goes_to_the_people_list_except_where_a_search_is_already(
    alice_client: Client, vault: Vault
) -> None:
    page = page_of(alice_client, PASSWORD)

    assert 'class="header-search" method="get" action="/people/"' in page
    assert f'name="vault" value="{vault.pk}"' in page
    assert 'class="header-search"' not in page_of(alice_client, HOME)


def test_navigation_leaves_out_pages_that_do_not_exist_yet(
    alice_client: Client, settings: Settings
) -> None:
    settings.ROOT_URLCONF = BarePages

    page = page_of(alice_client, HOME)

    assert 'class="main-nav"' in page
    assert "/people/" not in page
    assert "Add someone" not in page
    assert 'class="header-search"' not in page


@pytest.mark.urls(__name__)
def test_one_vault_means_no_vault_switcher(alice_client: Client) -> None:
    assert "vault-switcher" not in page_of(alice_client, PASSWORD)


@pytest.mark.urls(__name__)
def test_vault_switcher_lists_own_vaults_marks_the_current_one_and_view_only_ones(
    alice_client: Client, alice: User, vault: Vault, other_vault: Vault
) -> None:
    demo = add_vault(alice, "Demo", is_demo=True)
    shared = add_vault(alice, "Book club", role=Role.VIEWER)

    page = page_of(alice_client, f"{PASSWORD}?vault={demo.pk}")

    switcher = page.split('class="menu vault-switcher"')[1].split("</details>")[0]
    links = re.findall(r'<a href="/people/\?vault=(\d+)"( aria-current="true")?>', switcher)
    # own vaults by name, the demo last; never a vault alice is not a member of
    assert links == [
        (str(vault.pk), ""),
        (str(shared.pk), ""),
        (str(demo.pk), ' aria-current="true"'),
    ]
    assert "Mallory" not in page
    assert "view only" in switcher
    assert 'class="vault-switcher__name">Demo<' in page


@pytest.mark.urls(__name__)
def test_vault_switcher_follows_the_vault_remembered_in_the_session(
    alice_client: Client, alice: User
) -> None:
    shared = add_vault(alice, "Book club", role=Role.VIEWER)
    session = alice_client.session
    session["aandacht_vault"] = shared.pk
    session.save()

    page = page_of(alice_client, PASSWORD)

    assert 'class="vault-switcher__name">Book club<' in page
    assert quick_add_links(page) == []


@pytest.mark.urls(__name__)
def test_the_navigation_costs_one_query_whatever_the_number_of_vaults(
    alice_client: Client, alice: User
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page_of(alice_client, PASSWORD)
        return len(captured)

    one_vault = queries()
    for number in range(6):
        add_vault(alice, f"Vault {number}", role=Role.EDITOR if number % 2 else Role.VIEWER)

    assert queries() == one_vault


def test_the_shell_is_lazy_for_pages_that_do_not_show_it(client: Client, alice: User) -> None:
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("accounts:login"))

    assert not any("accounts_membership" in query["sql"] for query in captured.captured_queries)


def test_the_shell_never_fails_on_an_odd_vault_id(
    rf: RequestFactory, alice: User, vault: Vault
) -> None:
    request = rf.get("/", {"vault": "../../etc"})
    request.user = alice
    request.session = {}  # type: ignore[assignment]

    shell = build_shell(request)

    assert shell.vault is not None and shell.vault.pk == vault.pk


# Error pages


@pytest.fixture
def production(settings: Settings) -> Settings:
    settings.DEBUG = False
    return settings


@pytest.mark.urls(__name__)
def test_not_found_page_is_friendly_and_offers_a_search(
    alice_client: Client, production: Settings
) -> None:
    response = alice_client.get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page
    assert 'class="main-nav"' in page
    assert 'id="not-found-search"' in page
    assert 'class="header-search"' not in page  # one search box is enough


@pytest.mark.urls(__name__)
def test_not_found_for_someone_elses_vault_still_renders_the_shell(
    alice_client: Client, other_vault: Vault, production: Settings
) -> None:
    response = alice_client.get(f"{HOME}?vault={other_vault.pk}")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert "Mallory" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_forbidden_page_explains_view_only_vaults(
    alice_client: Client, production: Settings
) -> None:
    response = alice_client.get("/forbidden/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot do that here" in page
    assert "editor" in page
    assert 'class="main-nav"' in page


@pytest.mark.urls(__name__)
def test_bad_request_page_needs_no_request_context(
    alice_client: Client, production: Settings
) -> None:
    response = alice_client.get("/garbled/")

    assert response.status_code == 400
    page = response.content.decode()
    assert "That request did not make sense to us" in page
    assert "/static/aandacht/aandacht.css" in page


@pytest.mark.urls(__name__)
def test_server_error_page_is_calm(client: Client, alice: User, production: Settings) -> None:
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Your data is safe" in page


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status"), [("/no/such/page/", 404), ("/forbidden/", 403), ("/garbled/", 400)]
)
def test_error_pages_speak_dutch(
    alice_client: Client, production: Settings, url: str, status: int
) -> None:
    response = alice_client.get(url, headers={"accept-language": "nl"})

    assert response.status_code == status
    assert '<html lang="nl">' in response.content.decode()


def test_csrf_failure_page_is_ours(client: Client, alice: User, production: Settings) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "x"})

    assert response.status_code == 403
    assert "Please try that again" in response.content.decode()
