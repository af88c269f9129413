"""The hand-made core of the demo network, shared by every language.

These people carry the stories a new user meets first: the search cast ("Jeroen vd Ven",
"Bas"), a family with partners and children, a mentor who died this year, an archived client,
a deliberate near-duplicate for the merge feature. Each language gives them names and words
(:class:`aandacht.demo.content.CastText`) under the same keys.

Keeping in touch tells its own story: Mum (every week), your sister, your best friend and your
daughter in the inner circle; the rest of the family through the "family" tag circle, except
the partner and the son you live with (muted: no reminders needed); clients and friends
monthly, a client mid-project every three weeks, Oliver/Thijs paused while on parental leave,
and Ana, the friend you lost touch with, quarterly and long overdue. On the day the demo is
loaded, the sister's voicemail three days ago brings her back as a retry.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    """Language-neutral facts about one cast member."""

    key: str
    segment: str
    rhythm: str  # see builder.RHYTHM_DAYS; "none" means only hand-written events
    channel: str = ""
    met_days_ago: int | None = None
    met_via: str = ""
    birthday: tuple[int, int, int | None] | None = None  # month, day, year
    birthday_in_days: int | None = None  # a birthday that always falls soon after "today"
    birth_year: int | None = None  # with birthday_in_days
    anniversary: tuple[int, int, int | None] | None = None
    work_anniversary: tuple[int, int, int] | None = None
    archived: bool = False
    deceased_days_ago: int | None = None
    joins: tuple[tuple[str, float], ...] = ()  # (key, chance) of joining this person's contacts
    circle: str = ""  # a preset circle ("inner", "monthly", …); blank: none of them
    cadence_days: int | None = None  # a personal cadence, over any circle
    muted: bool = False
    paused_days: int | None = None  # paused until this many days after today
    quiet_days: int = 0  # no generated contact in the last this many days (events tell it)


CAST: tuple[Shape, ...] = (
    # Family.
    Shape("partner", "family", "rare", "friends", 8400,
          birthday=(3, 14, 1979), anniversary=(6, 21, 2008), muted=True),
    Shape("daughter", "family", "weekly", "family", birthday=(9, 2, 2006), circle="inner"),
    Shape("son", "family", "rare", "family", birthday=(1, 27, 2010), muted=True),
    Shape("mother", "family", "weekly", "family", birthday_in_days=6, birth_year=1952,
          joins=(("father", 0.4),), circle="inner", cadence_days=7),
    Shape("father", "family", "none", "family", birthday=(4, 8, 1949)),
    Shape("sister", "family", "monthly", "family", birthday=(7, 19, 1977),
          joins=(("brother_in_law", 0.25),), circle="inner", quiet_days=35),
    Shape("brother_in_law", "family", "none", "family", 7300, met_via="sister",
          birthday=(2, 3, None), anniversary=(5, 12, 2010)),
    Shape("niece", "family", "rare", "family", birthday_in_days=17, birth_year=2015),
    # Friends.
    Shape("best_friend", "friend", "fortnightly", "school", 13000, birthday=(5, 5, 1980),
          circle="inner"),
    Shape("friend_a", "friend", "monthly", "neighbourhood", 3650, birthday=(10, 30, 1982),
          joins=(("friend_b", 0.7),), circle="monthly"),
    Shape("friend_b", "friend", "none", "neighbourhood", 3650, birthday=(8, 11, None)),
    Shape("ana", "friend", "lapsed", "school", 8800, birthday=(10, 12, None), circle="quarterly"),
    # Team, mentors and suppliers.
    Shape("bas", "colleague", "weekly", "work", 3300, birthday=(8, 30, 1985), circle="monthly"),
    Shape("assistant", "colleague", "fortnightly", "introduction", 700, met_via="bas",
          work_anniversary=(1, 15, 2025), circle="monthly"),
    Shape("mentor", "colleague", "monthly", "work", 6200, birthday=(2, 17, 1948),
          deceased_days_ago=150, joins=(("mentor_partner", 0.3),)),
    Shape("mentor_partner", "friend", "none", "introduction", 6000, met_via="mentor",
          circle="monthly"),
    Shape("accountant", "supplier", "quarterly", "introduction", 2100, met_via="best_friend",
          circle="quarterly"),
    # Clients and prospects.
    Shape("denise", "client", "monthly", "introduction", 900, met_via="bas",
          birthday_in_days=3, joins=(("thijs", 0.3),), circle="monthly"),
    Shape("thijs", "client", "monthly", "client", 820, met_via="denise",
          birthday=(6, 2, 1988), circle="monthly", paused_days=40),
    Shape("client_founder", "hospitality", "fortnightly", "linkedin", 1200,
          birthday=(4, 23, 1975), work_anniversary=(3, 1, 2009), circle="monthly"),
    Shape("jeroen", "client", "fortnightly", "conference", 430, birthday=(11, 5, 1984),
          circle="monthly", cadence_days=21),
    Shape("prospect_hot", "prospect", "fortnightly", "introduction", 75,
          met_via="client_founder", circle="monthly"),
    Shape("dup_a", "prospect", "quarterly", "linkedin", 330),
    Shape("dup_b", "prospect", "none", "conference", 200),
    Shape("lapsed_client", "client", "lapsed", "client", 2500, archived=True),
    # The wider network.
    Shape("jose", "online", "quarterly", "twitter", 2600, birthday_in_days=25, circle="quarterly"),
    Shape("soren", "online", "quarterly", "mastodon", 500, circle="yearly"),
    Shape("podcaster", "online", "quarterly", "mastodon", 280, birthday=(12, 1, None),
          circle="quarterly"),
    Shape("organiser", "conference", "quarterly", "conference", 1500, circle="yearly"),
)  # fmt: skip

# (from, kind, to): "from is kind of to", as in people.services.relate.
RELATIONSHIPS: tuple[tuple[str, str, str], ...] = (
    ("partner", "parent", "daughter"),
    ("partner", "parent", "son"),
    ("daughter", "sibling", "son"),
    ("mother", "partner", "father"),
    ("mother", "parent", "sister"),
    ("father", "parent", "sister"),
    ("mother", "family", "daughter"),
    ("mother", "family", "niece"),
    ("sister", "partner", "brother_in_law"),
    ("sister", "parent", "niece"),
    ("brother_in_law", "parent", "niece"),
    ("friend_a", "partner", "friend_b"),
    ("mentor", "partner", "mentor_partner"),
    ("mentor", "mentor", "bas"),
    ("bas", "colleague", "assistant"),
    ("bas", "introduced", "assistant"),
    ("bas", "introduced", "denise"),
    ("best_friend", "introduced", "accountant"),
    ("denise", "manager", "thijs"),
    ("denise", "colleague", "thijs"),
    ("client_founder", "introduced", "prospect_hot"),
    ("jose", "friend", "soren"),
    ("organiser", "friend", "jose"),
)
