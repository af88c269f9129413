"""Every URL of the site, classified: who may reach it and which object fills each parameter.

``test_authz_urls`` walks ``django.urls.get_resolver()`` and fails for a URL name that is not
in ``RULES`` (or covered by ``NAMESPACE_RULES``), so a new page cannot slip past the proof:
whoever adds it says here what it is.

Kinds of access:

- ``public``: no sign-in needed (sign-in page, welcome, manifest, …). Must not show vault data.
- ``own``: needs a signed-in user, works on the user's own account or settings; no vault
  object in the URL. Anonymous: redirect to the login page.
- ``vault``: a page of the current vault, chosen with ``?vault=<id>``. Someone who is not a
  member gets a 404 for ``?vault=<A>``; a viewer gets a 403 when the page writes.
- ``object``: the URL names objects of a vault (``params`` says which). Outsiders get a 404 on
  every method, viewers a 403 on every write.
- ``personal``: the URL names something of alice's own account (a token, a session, an
  invitation she sent): anyone else gets a 404, on every method.
- ``instance``: the instance owner's pages (a superuser): anyone else gets a 404.
- ``feed``: keyed by a secret token instead of a session (the calendar feed).
- ``admin``: Django's admin, staff only.
- ``api``: the JSON API under /api/; ``test_authz_api`` covers each operation of its OpenAPI
  schema (every method of every route), this table only has to know the pattern is the API's.

``params`` maps a URL parameter to a key of ``World.ids`` (see authz_world.py), or to a literal
value when it starts with ``=``; ``data`` likewise gives the form fields every POST sends.
``variants`` lists several parameter sets for one URL (the timeline's edit and delete take each
kind of entry). ``write`` is False for a URL whose POST does not change the vault (a viewer may
use it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Access = Literal["public", "own", "vault", "object", "personal", "instance", "feed", "admin", "api"]


@dataclass(frozen=True)
class Rule:
    access: Access
    params: Mapping[str, str] = field(default_factory=dict)
    variants: tuple[Mapping[str, str], ...] = ()
    write: bool = True
    why: str = ""
    # Form fields every POST sends (same sources as params): what the owner's POST needs to
    # get past its form to the object it names.
    data: Mapping[str, str] = field(default_factory=dict)

    def param_sets(self) -> tuple[Mapping[str, str], ...]:
        return self.variants or (self.params,)


def obj(**params: str) -> Rule:
    return Rule("object", params=params)


PERSON = obj(pk="person")
ENTRY_KINDS = {
    "interaction": "interaction",
    "note": "note",
    "moment": "moment",
    "follow-up": "follow_up",
}
ENTRY = Rule(
    "object",
    variants=tuple(
        {"pk": "person", "kind": f"={kind}", "entry_pk": key} for kind, key in ENTRY_KINDS.items()
    ),
)
CARD = obj(year="card_year", person_id="person")
ROUND = obj(pk="round")
JOB = obj(pk="import_job")
CARDDAV = Rule("api", why="CardDAV: Basic auth with an access token; proven in tests/carddav")

# Whole namespaces whose every name follows one rule.
NAMESPACE_RULES: dict[str, Rule] = {
    "admin": Rule("admin", why="Django's admin: staff only, none of the cast is staff"),
    "api": Rule("api", why="the JSON API: test_authz_api walks its OpenAPI schema"),
}

RULES: dict[str, Rule] = {
    # The shell ------------------------------------------------------------------------------
    "web:home": Rule("vault"),
    "web:welcome": Rule("public", why="first run; signed-in users are sent on"),
    "web:start": Rule("own", why="first run: creates the user's own first vault"),
    "web:manifest": Rule("public"),
    "web:service_worker": Rule("public"),
    "web:offline": Rule("public"),
    "web:favicon": Rule("public", why="a redirect to the site's icon"),
    "set_language": Rule("public", write=False, why="the language cookie (and user preference)"),
    # Accounts -------------------------------------------------------------------------------
    "accounts:login": Rule("public"),
    "accounts:login_code": Rule("public", why="the second step of a half-way sign-in"),
    "accounts:logout": Rule("public", write=False),
    "accounts:password_change": Rule("own"),
    "accounts:settings": Rule("own"),
    "accounts:password_reset": Rule("public"),
    "accounts:password_reset_done": Rule("public"),
    "accounts:password_reset_complete": Rule("public"),
    "accounts:password_reset_confirm": Rule(
        "public", params={"uidb64": "=MQ", "token": "=set-password"}
    ),
    "accounts:two_factor": Rule("own"),
    "accounts:two_factor_setup": Rule("own"),
    "accounts:two_factor_cancel": Rule("own"),
    "accounts:two_factor_confirm": Rule("own"),
    "accounts:two_factor_recovery_codes": Rule("own"),
    "accounts:two_factor_disable": Rule("own"),
    "accounts:sessions": Rule("own"),
    "accounts:session_sign_out": Rule("personal", params={"pk": "session"}),
    "accounts:sessions_sign_out_others": Rule("own"),
    "accounts:tokens": Rule("own"),
    "accounts:carddav_setup": Rule("own", why="the phone address book page: read only"),
    "accounts:token_revoke": Rule("personal", params={"pk": "token_alice_write"}),
    "accounts:export": Rule("own"),
    "accounts:delete": Rule("own"),
    "accounts:users": Rule("instance"),
    "accounts:user_create": Rule("instance"),
    "accounts:user_invite": Rule("instance"),
    "accounts:invitation_resend": Rule(
        "personal", params={"invitation_id": "invitation"}, why="the inviter owns vault A"
    ),
    "accounts:invitation_revoke": Rule(
        "personal", params={"invitation_id": "invitation"}, why="the inviter owns vault A"
    ),
    "accounts:invitation": Rule("public", params={"secret": "invitation_secret"}),
    "accounts:signup": Rule("public"),
    "accounts:choose_password": Rule("public", params={"uidb64": "=MQ", "token": "=set-pw"}),
    "accounts:vaults": Rule("own"),
    "accounts:vault_create": Rule("own"),
    "accounts:vault": obj(vault_id="vault"),
    "accounts:vault_member_add": obj(vault_id="vault"),
    "accounts:vault_invite": obj(vault_id="vault"),
    "accounts:vault_member_role": obj(vault_id="vault", user_id="user_bob"),
    "accounts:vault_member_remove": obj(vault_id="vault", user_id="user_bob"),
    "accounts:vault_rename": obj(vault_id="vault"),
    "accounts:vault_leave": Rule(
        "object", params={"vault_id": "vault"}, write=False, why="a viewer may leave"
    ),
    "accounts:vault_delete": obj(vault_id="vault"),
    # People ---------------------------------------------------------------------------------
    "people:list": Rule("vault"),
    "people:bulk_tag": Rule("vault"),
    "people:quick_add": Rule("vault"),
    "people:trash_list": Rule("vault"),
    "people:tags": Rule("vault"),
    "people:tag_create": Rule("vault"),
    "people:tag_edit": obj(pk="tag"),
    "people:tag_delete": obj(pk="tag"),
    "people:detail": PERSON,
    "people:photo": PERSON,
    "people:merge": PERSON,
    "people:trash": PERSON,
    "people:restore": obj(pk="person_trashed"),
    "people:forget": obj(pk="person_trashed"),
    "people:archive": PERSON,
    "people:deceased": PERSON,
    "people:transfer": PERSON,
    "people:section": Rule(
        "object",
        variants=tuple(
            {"pk": "person", "name": f"={name}"}
            for name in ("work", "contacts", "moments", "followups", "rounds")
        ),
    ),
    "people:edit": Rule(
        "object",
        variants=tuple(
            {"pk": "person", "name": f"={name}"} for name in ("name", "work", "contacts", "dates")
        ),
    ),
    "people:edit_item": Rule(
        "object",
        variants=(
            {"pk": "person", "name": "=contacts", "item": "contact"},
            {"pk": "person", "name": "=dates", "item": "date"},
            {"pk": "person", "name": "=addresses", "item": "address"},
        ),
    ),
    "people:remove_item": Rule(
        "object",
        variants=(
            {"pk": "person", "name": "=contacts", "item": "contact"},
            {"pk": "person", "name": "=relationships", "item": "relationship"},
        ),
    ),
    # Timeline -------------------------------------------------------------------------------
    "timeline:log": PERSON,
    "timeline:note": PERSON,
    "timeline:moment": PERSON,
    "timeline:follow_up": PERSON,
    "timeline:follow_up_done": obj(pk="person", entry_pk="follow_up"),
    "timeline:more": PERSON,
    "timeline:edit": ENTRY,
    "timeline:delete": ENTRY,
    # Keep in touch --------------------------------------------------------------------------
    "attention:today": Rule("vault"),
    "attention:today_summary": Rule("vault"),
    "attention:calls": Rule("vault"),
    "attention:done": PERSON,
    "attention:attempted": PERSON,
    "attention:snooze": PERSON,
    "attention:skip": PERSON,
    "attention:undo": PERSON,
    "attention:follow_up_done": obj(pk="person", follow_up_pk="follow_up"),
    "attention:appreciation_told": PERSON,
    "attention:appreciation_dismiss": PERSON,
    "attention:appreciation_other": PERSON,
    "attention:appreciation_undo": PERSON,
    "attention:circles": Rule("vault"),
    "attention:lists": Rule("vault"),
    "attention:circle_edit": obj(pk="circle"),
    "attention:circle_delete": obj(pk="circle"),
    "attention:person_rhythm": PERSON,
    "attention:person_circle": PERSON,
    "attention:settings": Rule("own", why="the user's own agenda settings"),
    "attention:feed_token": Rule("own", why="renews the user's own feed address"),
    "attention:test_digest": Rule("own", why="mails the user their own digest"),
    "attention:feed": Rule("feed"),
    "attention:report": Rule("vault"),
    # Import and export ----------------------------------------------------------------------
    "exchange:import": Rule("vault"),
    "exchange:job": JOB,
    "exchange:mapping": JOB,
    "exchange:preview": JOB,
    "exchange:run": JOB,
    "exchange:retry": JOB,
    "exchange:cancel": JOB,
    "exchange:export": Rule("vault", write=False, why="reading: a viewer may export"),
    # Card season ----------------------------------------------------------------------------
    "cards:season": Rule("vault"),
    "cards:size": Rule("vault", write=False, why="the user's own list length in the vault"),
    "cards:write": CARD,
    "cards:pdf": CARD,
    "cards:add": CARD,
    "cards:remove": CARD,
    "cards:sent": CARD,
    "cards:unsent": CARD,
    # Check-in rounds ------------------------------------------------------------------------
    "rounds:list": Rule("vault"),
    "rounds:new": Rule("vault"),
    "rounds:board": ROUND,
    "rounds:summary": ROUND,
    "rounds:status": ROUND,
    "rounds:step": obj(pk="round", step_pk="step"),
    "rounds:add": Rule("object", params={"pk": "round"}, data={"person": "person_other"}),
    "rounds:remove": obj(pk="round", check_in_pk="check_in"),
    # CardDAV --------------------------------------------------------------------------------
    # Like the API: no session, a token as the Basic-auth password on every request, so the
    # page proofs (login redirects, CSRF) do not apply. tests/carddav/test_dav_errors.py walks
    # every carddav URL: 401 without a token, 404 for another user's or vault's, 403 for a
    # viewer's or a read token's write.
    "carddav:well_known": CARDDAV,
    "carddav:well_known_slash": CARDDAV,
    "carddav:root": CARDDAV,
    "carddav:principal": CARDDAV,
    "carddav:home": CARDDAV,
    "carddav:collection": CARDDAV,
    "carddav:card": CARDDAV,
}


def rule_for(name: str) -> Rule | None:
    """The rule of a URL name (``namespace:name``), from the table or its namespace."""
    if name in RULES:
        return RULES[name]
    namespace = name.split(":", 1)[0] if ":" in name else ""
    return NAMESPACE_RULES.get(namespace)
