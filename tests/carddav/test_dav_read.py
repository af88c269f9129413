"""Reading cards: GET/HEAD with ETags, Depth 1 listings, addressbook-multiget and
addressbook-query (RFC 6352 §8), each in a fixed number of queries however many cards."""

from __future__ import annotations

from typing import Any

import pytest
from dav_client import (
    C,
    D,
    Dav,
    collection_url,
    missing,
    prop,
    responses,
    xml_of,
)
from defusedxml.ElementTree import fromstring

from aandacht.accounts.models import Vault
from aandacht.carddav import store
from aandacht.carddav.models import Card
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, create_person


def card_url(vault: Vault, person: Person) -> str:
    store.refresh(vault)
    return collection_url(vault.pk) + Card.objects.get(person=person, deleted=False).href


@pytest.fixture
def ada(vault: Vault) -> Person:
    person = create_person(vault, given_name="Ada", family_name="Lovelace", nickname="Countess")
    add_contact_method(person, "email", "ada@example.org")
    add_contact_method(person, "phone", "+31 20 123 4567")
    return person


@pytest.fixture
def grace(vault: Vault) -> Person:
    person = create_person(vault, given_name="Grace", family_name="Hopper", organisation="Navy")
    add_contact_method(person, "email", "grace@navy.example")
    return person


def test_get_head_etag_and_304(dav: Dav, vault: Vault, ada: Person) -> None:
    url = card_url(vault, ada)
    response = dav.request("GET", url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard; charset=utf-8")
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    text = response.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "FN:Ada Lovelace" in text and "ada@example.org" in text
    head = dav.request("HEAD", url)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == etag and head["Content-Length"] == str(len(response.content))
    assert dav.request("GET", url, **{"If-None-Match": etag}).status_code == 304
    assert dav.request("GET", url, **{"If-None-Match": '"other"'}).status_code == 200
    version4 = dav.request("GET", url, Accept="text/vcard;version=4.0")
    assert version4.status_code == 200 and "VERSION:4.0" in version4.content.decode()
    assert dav.request("GET", collection_url(vault.pk) + "nobody.vcf").status_code == 404


def test_an_edit_changes_the_etag(dav: Dav, vault: Vault, ada: Person) -> None:
    url = card_url(vault, ada)
    before = dav.request("GET", url)["ETag"]
    add_contact_method(ada, "email", "countess@example.org")
    after = dav.request("GET", url)
    assert after["ETag"] != before and "countess@example.org" in after.content.decode()
    assert dav.request("GET", url, **{"If-None-Match": before}).status_code == 200


def test_get_on_the_collection_is_the_whole_address_book(
    dav: Dav, vault: Vault, ada: Person, grace: Person
) -> None:
    response = dav.request("GET", collection_url(vault.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    text = response.content.decode()
    assert text.count("BEGIN:VCARD") == 2 and "Grace Hopper" in text and "Ada Lovelace" in text
    assert ".vcf" in response["Content-Disposition"]
    etag = response["ETag"]
    url = collection_url(vault.pk)
    assert dav.request("GET", url, **{"If-None-Match": etag}).status_code == 304
    add_contact_method(grace, "email", "admiral@navy.example")
    changed = dav.request("GET", url, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "admiral@navy.example" in changed.content.decode()


def test_depth_one_lists_cards_with_etags(
    dav: Dav, vault: Vault, ada: Person, grace: Person
) -> None:
    body = (
        '<propfind xmlns="DAV:"><prop><resourcetype/><getcontenttype/><getetag/></prop></propfind>'
    )
    listing = responses(xml_of(dav.propfind(collection_url(vault.pk), body, depth="1")))
    cards = {href: r for href, r in listing.items() if href != collection_url(vault.pk)}
    assert set(cards) == {card_url(vault, ada), card_url(vault, grace)}
    for href, response in cards.items():
        etag = response.findtext(f".//{D}getetag")
        assert etag == dav.request("GET", href)["ETag"]
        assert (response.findtext(f".//{D}getcontenttype") or "").startswith("text/vcard")
    # Depth 0 on a card answers for the card alone.
    one = responses(xml_of(dav.propfind(card_url(vault, ada), body)))
    assert list(one) == [card_url(vault, ada)]
    assert dav.propfind(collection_url(vault.pk) + "nobody.vcf", body).status_code == 404


def _bulk_people(vault: Vault, count: int) -> None:
    Person.objects.bulk_create(
        Person(vault=vault, given_name=f"Person{n:04d}", family_name="Bulk") for n in range(count)
    )
    store.refresh(vault)


def test_listing_a_thousand_cards_takes_a_fixed_number_of_queries(
    dav: Dav, vault: Vault, django_assert_max_num_queries: Any
) -> None:
    _bulk_people(vault, 1000)
    body = '<propfind xmlns="DAV:"><prop><getetag/><getcontenttype/></prop></propfind>'
    with django_assert_max_num_queries(15):
        response = dav.propfind(collection_url(vault.pk), body, depth="1")
    assert len(responses(xml_of(response))) == 1001
    with django_assert_max_num_queries(15):
        response = dav.propfind(collection_url(vault.pk), "", depth="1")
    assert response.status_code == 207


MULTIGET = (
    '<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
    "<D:prop><D:getetag/><C:address-data{attrs}/></D:prop>{hrefs}</C:addressbook-multiget>"
)


def multiget(hrefs: list[str], attrs: str = "") -> str:
    return MULTIGET.format(attrs=attrs, hrefs="".join(f"<D:href>{h}</D:href>" for h in hrefs))


def test_multiget_answers_each_href(dav: Dav, vault: Vault, ada: Person, grace: Person) -> None:
    ada_url, grace_url = card_url(vault, ada), card_url(vault, grace)
    missing_url = collection_url(vault.pk) + "nobody.vcf"
    elsewhere = "/dav/addressbooks/alice/999999/x.vcf"
    answer = responses(
        xml_of(
            dav.report(
                collection_url(vault.pk),
                multiget([ada_url, f"http://testserver{grace_url}", missing_url, elsewhere]),
            )
        )
    )
    # Every card is answered under its own path, whichever form the client named it in.
    assert set(answer) == {ada_url, grace_url, missing_url, elsewhere}
    data = answer[ada_url].findtext(f".//{C}address-data") or ""
    assert data.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and "Ada Lovelace" in data
    assert data == dav.request("GET", ada_url).content.decode()
    assert answer[ada_url].findtext(f".//{D}getetag") == dav.request("GET", ada_url)["ETag"]
    assert "Grace" in (answer[grace_url].findtext(f".//{C}address-data") or "")
    for href in (missing_url, elsewhere):
        assert "404" in (answer[href].findtext(f"{D}status") or "")


def test_multiget_in_vcard_4(dav: Dav, vault: Vault, ada: Person) -> None:
    url = card_url(vault, ada)
    answer = responses(
        xml_of(
            dav.report(
                collection_url(vault.pk),
                multiget([url], ' content-type="text/vcard" version="4.0"'),
            )
        )
    )
    assert "VERSION:4.0" in (answer[url].findtext(f".//{C}address-data") or "")
    refused = dav.report(collection_url(vault.pk), multiget([url], ' version="2.1"'))
    assert refused.status_code == 403
    assert fromstring(refused.content).find(f"{C}supported-address-data") is not None


def test_multiget_of_many_hrefs_is_chunked_not_per_card(
    dav: Dav, vault: Vault, django_assert_max_num_queries: Any
) -> None:
    _bulk_people(vault, 1200)
    hrefs = [
        collection_url(vault.pk) + href
        for href in Card.objects.filter(vault=vault).values_list("href", flat=True)
    ]
    with django_assert_max_num_queries(15):
        response = dav.report(collection_url(vault.pk), multiget(hrefs))
    answer = responses(xml_of(response))
    assert len(answer) == 1200
    assert all(r.find(f".//{C}address-data") is not None for r in answer.values())
    # vCard 4.0 is rendered from the people, a fixed number of queries per batch of them.
    with django_assert_max_num_queries(30):
        response = dav.report(collection_url(vault.pk), multiget(hrefs[:600], ' version="4.0"'))
    assert len(responses(xml_of(response))) == 600


def query(filter_xml: str, limit: str = "") -> str:
    return (
        '<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        f"<D:prop><D:getetag/><C:address-data/></D:prop>{filter_xml}{limit}"
        "</C:addressbook-query>"
    )


def found_names(dav: Dav, vault: Vault, filter_xml: str) -> set[str]:
    answer = responses(xml_of(dav.report(collection_url(vault.pk), query(filter_xml))))
    names = set()
    for response in answer.values():
        data = response.findtext(f".//{C}address-data") or ""
        names.update(line[3:] for line in data.splitlines() if line.startswith("FN:"))
    return names


def text_match(prop: str, text: str, **attrs: str) -> str:
    attributes = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<C:prop-filter name="{prop}"><C:text-match{attributes}>{text}</C:text-match>'
        "</C:prop-filter>"
    )


def test_query_filters(dav: Dav, vault: Vault, ada: Person, grace: Person) -> None:
    both = {"Ada Lovelace", "Grace Hopper"}

    def names(*filters: str, test: str = "anyof") -> set[str]:
        return found_names(dav, vault, f'<C:filter test="{test}">{"".join(filters)}</C:filter>')

    assert names() == both
    assert found_names(dav, vault, "") == both
    assert names(text_match("FN", "LOVE")) == {"Ada Lovelace"}
    assert names(text_match("EMAIL", "NAVY.EXAMPLE", match_type="ends-with")) == {"Grace Hopper"}
    assert names(text_match("EMAIL", "ada@", match_type="starts-with")) == {"Ada Lovelace"}
    assert names(text_match("FN", "ada lovelace", match_type="equals")) == {"Ada Lovelace"}
    assert names(text_match("FN", "ada", match_type="equals")) == set()
    assert names(text_match("FN", "ada", collation="i;octet")) == set()
    assert names(text_match("FN", "Ada", collation="i;octet")) == {"Ada Lovelace"}
    assert names(text_match("FN", "Ada", negate_condition="yes")) == {"Grace Hopper"}
    assert names(text_match("NICKNAME", "countess")) == {"Ada Lovelace"}
    assert names(text_match("ORG", "navy")) == {"Grace Hopper"}
    assert names(text_match("TEL", "123")) == {"Ada Lovelace"}
    assert names(text_match("N", "hopper")) == {"Grace Hopper"}
    assert names(text_match("FN", "Ada"), text_match("FN", "Grace")) == both
    assert names(text_match("FN", "Ada"), text_match("FN", "Grace"), test="allof") == set()
    assert names(text_match("FN", "Ada"), text_match("EMAIL", "ada"), test="allof") == {
        "Ada Lovelace"
    }
    assert names('<C:prop-filter name="TEL"/>') == {"Ada Lovelace"}
    assert names('<C:prop-filter name="TEL"><C:is-not-defined/></C:prop-filter>') == {
        "Grace Hopper"
    }
    assert names(
        '<C:prop-filter name="FN" test="allof"><C:text-match>a</C:text-match>'
        "<C:text-match>hop</C:text-match></C:prop-filter>"
    ) == {"Grace Hopper"}


def test_query_param_filter(dav: Dav, vault: Vault, ada: Person, grace: Person) -> None:
    add_contact_method(ada, "phone", "+31 6 1234 5678", label="work")
    add_contact_method(grace, "phone", "+1 555 0100", label="home")

    def phones_typed(text: str, **attrs: str) -> set[str]:
        attributes = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        return found_names(
            dav,
            vault,
            '<C:filter><C:prop-filter name="TEL"><C:param-filter name="type">'
            f"<C:text-match{attributes}>{text}</C:text-match></C:param-filter></C:prop-filter>"
            "</C:filter>",
        )

    assert phones_typed("WORK", match_type="equals") == {"Ada Lovelace"}
    assert phones_typed("home") == {"Grace Hopper"}
    assert phones_typed("cell") == set()
    undefined = found_names(
        dav,
        vault,
        '<C:filter><C:prop-filter name="EMAIL"><C:param-filter name="X-NOPE">'
        "<C:is-not-defined/></C:param-filter></C:prop-filter></C:filter>",
    )
    assert undefined == {"Ada Lovelace", "Grace Hopper"}


def test_query_limit_truncates_with_507(dav: Dav, vault: Vault, ada: Person, grace: Person) -> None:
    body = query("<C:filter/>", "<C:limit><C:nresults>1</C:nresults></C:limit>")
    answer = responses(xml_of(dav.report(collection_url(vault.pk), body)))
    assert len(answer) == 2
    assert "507" in (answer[collection_url(vault.pk)].findtext(f"{D}status") or "")
    body = query("<C:filter/>", "<C:limit><C:nresults>5</C:nresults></C:limit>")
    answer = responses(xml_of(dav.report(collection_url(vault.pk), body)))
    assert collection_url(vault.pk) not in answer and len(answer) == 2


def test_query_refuses_bad_filters(dav: Dav, vault: Vault, ada: Person) -> None:
    url = collection_url(vault.pk)
    unknown = dav.report(
        url, query("<C:filter>" + text_match("FN", "a", collation="i;klingon") + "</C:filter>")
    )
    assert unknown.status_code == 403
    assert fromstring(unknown.content).find(f"{C}supported-collation") is not None
    bad_type = dav.report(
        url, query("<C:filter>" + text_match("FN", "a", match_type="regex") + "</C:filter>")
    )
    assert bad_type.status_code == 400
    assert dav.report(url, query('<C:filter test="some"/>')).status_code == 400
    assert dav.report(url, query("<C:filter><C:prop-filter/></C:filter>")).status_code == 400
    bad_limit = query("<C:filter/>", "<C:limit><C:nresults>many</C:nresults></C:limit>")
    assert dav.report(url, bad_limit).status_code == 400


def test_query_takes_a_fixed_number_of_queries(
    dav: Dav, vault: Vault, django_assert_max_num_queries: Any
) -> None:
    _bulk_people(vault, 500)
    filter_xml = "<C:filter>" + text_match("FN", "person01") + "</C:filter>"
    with django_assert_max_num_queries(12):
        response = dav.report(collection_url(vault.pk), query(filter_xml))
    assert len(responses(xml_of(response))) == 100


def test_prefer_minimal_leaves_out_missing_properties(dav: Dav, vault: Vault, ada: Person) -> None:
    body = '<propfind xmlns="DAV:"><prop><getetag/><getlastmodified/></prop></propfind>'
    url = collection_url(vault.pk)
    full = responses(xml_of(dav.propfind(url, body, depth="1")))
    assert missing(full[card_url(vault, ada)]) == {f"{D}getlastmodified"}
    assert missing(full[url]) == {f"{D}getlastmodified", f"{D}getetag"}
    for header in ({"Prefer": "return=minimal"}, {"Brief": "t"}):
        response = dav.request("PROPFIND", url, body, Depth="1", **header)
        assert response["Preference-Applied"] == "return=minimal"
        brief = responses(xml_of(response))
        assert set(brief) == set(full)
        assert all(not missing(r) for r in brief.values())
        assert prop(brief[card_url(vault, ada)], f"{D}getetag") is not None
