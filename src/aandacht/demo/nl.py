"""Nederlandse demo: een coach in Utrecht, met familie in Ede en klanten in de regio.

E-mailadressen en websites gebruiken gereserveerde namen (``example.com``, ``*.example``), zodat
de demo nooit een echt persoon kan mailen of linken.
"""

from __future__ import annotations

import random

from aandacht.demo.content import (
    INTERNATIONAL_NAMES,
    AddressRow,
    CastText,
    City,
    DemoLocale,
    EventRow,
    FollowUpRow,
    MomentRow,
    NoteRow,
    SegmentText,
)


def _phone(rng: random.Random, mobile: bool) -> str:
    """Dutch numbers, written the different ways people really type them."""
    if mobile:
        digits = f"{rng.randint(1, 5)}{rng.randint(0, 9_999_999):07d}"
        style = rng.randrange(3)
        if style == 0:
            return f"06-{digits}"
        if style == 1:
            return f"06 {digits}"
        return f"+31 6 {digits[:4]} {digits[4:]}"
    area = rng.choice(("020", "030", "010", "033"))
    return f"{area}-{rng.randint(2, 9)}{rng.randint(0, 999_999):06d}"


def _postal_code(rng: random.Random, prefix: str) -> str:
    letters = "ABCEGHJKLMNPRTVWXZ"
    return f"{prefix} {rng.choice(letters)}{rng.choice(letters)}"


_KEUKEN = ("Eigenaar", "Bedrijfsleider", "Chef-kok en mede-eigenaar", "Operationeel manager")

WORK_SUMMARIES: dict[str, tuple[str, ...]] = {
    "call": (
        "<{first} gebeld over {topic}.",
        ">{first} belde over {topic}.",
        "Lang telefoongesprek over {topic}; volgende maand pakken we het weer op.",
        "Kort gebeld over {topic}.",
        "Telefonisch bijgepraat over {topic}.",
        "<Even gebeld om te horen hoe het gaat; het ging uiteindelijk over {topic}.",
        "<{first} teruggebeld over {topic}.",
        ">{first} belde met een vraag over {topic}.",
    ),
    "voicemail": (
        "<Geen gehoor; voicemail ingesproken over {topic}.",
        "<Voicemail. Later deze week nog eens proberen.",
        "<Meteen de voicemail; kort bericht achtergelaten.",
        ">{first} sprak de voicemail in over {topic}.",
    ),
    "meeting": (
        "Koffie {place}: {topic}.",
        "Lunch {place}, vooral over {topic}.",
        "Wandelend overleg langs de Singel, over {topic}.",
        "<Bij {first} op het werk langs geweest; {topic} doorgenomen.",
        ">{first} stelde voor om koffie te drinken {place} en over {topic} te praten.",
    ),
    "video": (
        "Videogesprek over {topic}.",
        "<Coachgesprek via video: {topic}.",
        ">{first} vroeg om een kort videogesprek over {topic}.",
        "Teams-call over {topic}; samen de volgende stappen geschetst.",
    ),
    "message": (
        ">{first} stuurde een bericht over {topic}.",
        "<{first} een bericht gestuurd over {topic}.",
        "<~Bericht gestuurd over {topic}; nog geen reactie.",
        "Heen en weer geappt over {topic}.",
        ">Spraakbericht van {first} over {topic}; dezelfde avond gereageerd.",
    ),
    "email": (
        "<{first} een samenvatting gemaild van ons gesprek over {topic}.",
        ">{first} mailde over {topic}.",
        "<Het artikel over {topic} gestuurd waar ik het over had.",
        "<Kort voorstel gemaild over {topic}.",
    ),
    "card": (
        "<Handgeschreven kaart gestuurd om te bedanken voor een goed jaar samenwerken.",
        "<Kaartje gestuurd om {first} te feliciteren met de nieuwe functie.",
    ),
    "gift": (
        "<Een boek gestuurd waarvan ik denk dat {first} het mooi vindt, met een briefje erbij.",
        "<Een zak goede koffiebonen langsgebracht als bedankje.",
    ),
}

PERSONAL_SUMMARIES: dict[str, tuple[str, ...]] = {
    "call": (
        "<{first} gebeld; we hadden het over {topic}.",
        ">{first} belde over {topic}.",
        "Lang aan de telefoon, vooral over {topic}.",
        "Kort gebeld over {topic}.",
    ),
    "voicemail": (
        "<Geen gehoor; bericht ingesproken.",
        "<Voicemail. In het weekend nog eens proberen.",
        ">Gemiste oproep van {first}; bericht ingesproken over {topic}.",
    ),
    "meeting": (
        "Koffie {place}; gepraat over {topic}.",
        "Samen gegeten; veel gepraat over {topic}.",
        "Lange wandeling met {first}, over {topic}.",
        ">{first} kwam even langs; we hadden het over {topic}.",
    ),
    "video": (
        "Videobellen over {topic}.",
        ">{first} belde zondagochtend met video: {topic}.",
    ),
    "message": (
        ">{first} stuurde foto's en een berichtje over {topic}.",
        "<{first} geappt over {topic}.",
        "<~Berichtje gestuurd over {topic}; nog geen antwoord.",
        "Geappt over {topic}.",
    ),
    "email": (
        "<Lange mail over {topic}.",
        ">{first} mailde over {topic}.",
    ),
    "card": (
        "<Ansichtkaart gestuurd van vakantie.",
        "<Zomaar een kaartje gestuurd.",
    ),
    "gift": (
        "<Fles wijn en een plant meegenomen.",
        "<Klein cadeautje gestuurd als bedankje.",
    ),
}

MOMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "work": {
        "shared": (
            "Na de workshop nog lang met {first} nagepraat over waarom we dit werk allebei doen.",
            "Het moment in ons gesprek waarop {first} eindelijk hardop zei wat het team dwarszat.",
            "Met {first} zitten lachen om een treinstoring die van een half uur reizen drie "
            "uur maakte.",
        ),
        "grateful": (
            "{first} heeft me aanbevolen bij een collega zonder dat ik erom vroeg.",
            "{first} gaf eerlijke feedback op mijn voorstel; het werd er veel beter van.",
            "{first} bleef na de workshop om me te helpen opruimen.",
        ),
        "strength": (
            "{first} stelt de vraag die iedereen ontwijkt, en doet dat vriendelijk.",
            "{first} zorgt dat nieuwe mensen zich binnen een paar minuten welkom voelen.",
            "{first} blijft rustig en helder als alles in brand staat.",
            "{first} legt moeilijke dingen uit zonder dat iemand zich dom voelt.",
            "{first} komt elke afspraak na, hoe klein ook, en zegt het eerlijk als er een schuift.",
            "{first} geeft de eer ruimhartig weg; het team wordt altijd als eerste genoemd.",
            "{first} luistert tot het eind voor het antwoord komt, ook als het druk is.",
            "{first} maakt van een vage wens een plan dat iedereen begrijpt.",
        ),
    },
    "personal": {
        "shared": (
            "Lange wandeling met {first} op een koude zondag; we hadden het over onze ouders.",
            "Met {first} vals meezingen in de auto, helemaal tot aan zee.",
            "Met {first} naar de zonsondergang kijken na een lange dag, zonder veel te zeggen.",
        ),
        "grateful": (
            "{first} kookte voor ons in de week dat alles misging.",
            "{first} wist nog dat pap precies een jaar eerder geopereerd was, en belde.",
            "{first} leende ons een hele week de auto zonder er twee keer over na te denken.",
        ),
        "strength": (
            "{first} heeft eindeloos geduld met kinderen.",
            "{first} ziet altijd wie er in een groep buiten de boot valt.",
            "{first} is eerlijk zonder ooit hard te zijn.",
            "{first} onthoudt de kleine dingen die mensen vertellen en vraagt er later naar.",
            "{first} krijgt op een grijze maandag de hele tafel aan het lachen.",
            "{first} is er als het ertoe doet, zonder dat je het hoeft te vragen.",
        ),
    },
}

FAMILY = SegmentText(
    tags=("familie",),
    workplaces=(),
    places=(),
    stories=(),
    does=(),
    cares=(),
    topics=(
        "de vakantieplannen voor de zomer",
        "de moestuin van pap",
        "de nieuwe keuken",
        "de tentamens",
        "de kerstplannen",
        "de tuin",
        "oude foto's van oma",
        "de kapotte cv-ketel",
        "het voetbalseizoen",
        "een weekendje logeren",
    ),
    notes=(),
    private_notes=(),
    promises=(),
    requests=(),
)

FRIEND = SegmentText(
    tags=("vrienden",),
    workplaces=(
        (
            "",
            (
                "Leraar",
                "Verpleegkundige",
                "Softwareontwikkelaar",
                "Journalist",
                "Fysiotherapeut",
                "Architect",
                "Beleidsmedewerker",
                "Muzikant",
            ),
        ),
    ),
    places=("de studie", "de hardloopclub", "onze oude straat in Lombok", "een bruiloft"),
    stories=(
        "Woonde in ons tweede studiejaar met {first} in hetzelfde studentenhuis.",
        "Leerde {first} kennen bij de hardloopclub; we lopen altijd samen achteraan.",
        "{first} woonde jarenlang twee deuren verderop in Lombok.",
        "Zat op een bruiloft naast {first} en we praatten door tot de band stopte.",
    ),
    does=(
        "Ik geef wiskunde aan pubers die denken dat ze wiskunde haten.",
        "Ik houd 's nachts een IC draaiende.",
        "Ik schrijf code voor een bank en liedjes voor niemand.",
    ),
    cares=(
        "Zondagse lunches die tot het donker duren.",
        "Voor de vijftigste verjaardag de marathon van Rotterdam lopen.",
        "De volkstuin en slechte grappen.",
    ),
    topics=(
        "de nieuwe baan",
        "de training voor de halve marathon",
        "de verhuizing",
        "het boek van de leesclub",
        "vakantieplannen",
        "de nieuwe school van de kinderen",
        "een weekendje Zeeland in het voorjaar",
        "de nieuwe puppy",
        "de verbouwing",
        "het eerste optreden van de band in jaren",
    ),
    notes=(
        "Drinkt geen alcohol; neem lekkere limonade mee.",
        "Twee zoons, allebei voetbalgek.",
        "Allergisch voor katten.",
        "Altijd in voor een wandeling door het Wilhelminapark.",
    ),
    private_notes=(
        "Vader is ziek; vraag hoe het met hem gaat.",
        "Krap bij kas sinds de baan stopte; geen dure plannen voorstellen.",
    ),
    promises=(
        "{first} het boek lenen waar ik het over had.",
        "{first} de foto's van het weekend sturen.",
        "Een datum prikken om in het nieuwe jaar samen te eten.",
    ),
    requests=(
        "{first} vroeg of ze deze zomer onze tent mogen lenen.",
        "{first} vroeg naar het nummer van onze loodgieter.",
    ),
)

NEIGHBOUR = SegmentText(
    tags=("buren",),
    workplaces=(
        ("", ("Gepensioneerd", "Bakker", "Buschauffeur", "Grafisch ontwerper", "Student")),
    ),
    places=("onze straat", "de buurtmoestuin", "het schoolplein", "de tennisclub"),
    stories=(
        "Woont aan de overkant; we leerden elkaar kennen toen {first} ons pakketje uit de "
        "regen redde.",
        "Leerde {first} kennen in de buurtmoestuin, tijdens een discussie over tomaten.",
        "Onze kinderen zaten in dezelfde klas; we raakten aan de praat op het schoolplein.",
    ),
    does=("Ik houd de buurtmoestuin in leven.", "Ik rijd lijn 12, vroege dienst."),
    cares=("Een straat waar mensen elkaars naam kennen.", "De moestuin."),
    topics=(
        "het straatfeest",
        "de parkeerplannen van de gemeente",
        "de buurtmoestuin",
        "de nieuwe fietsenstalling",
        "een kinderfeestje",
        "de schutting",
    ),
    notes=("Heeft onze reservesleutel.", "Houdt het huis in de gaten als we weg zijn."),
    private_notes=("Woont sinds vorig jaar alleen; ga af en toe even langs.",),
    promises=("{first} wat courgettes uit de tuin brengen.", "{first} helpen met de ladder."),
    requests=("{first} vroeg of wij in augustus de planten water willen geven.",),
)

CLIENT = SegmentText(
    tags=("klanten",),
    workplaces=(
        (
            "Zorggroep De Linde",
            ("Teamleider Wijkzorg", "Manager Bedrijfsvoering", "Locatiemanager"),
        ),
        (
            "Gemeente Utrecht",
            ("Programmamanager", "Teamleider Burgerzaken", "Afdelingshoofd Sociaal Domein"),
        ),
        ("Woonstichting Eemland", ("Manager Wonen", "Teamleider Klantcontact")),
        ("Hogeschool Domstad", ("Opleidingsmanager", "Teamleider ICT")),
        ("Van Wijk Advocaten", ("Managing partner", "Officemanager")),
        ("Kademaker Software", ("Engineering manager", "Productowner", "CTO")),
        ("Zuiderpoort Logistiek", ("Operationeel manager", "Teamleider Planning")),
        ("Gezondheidscentrum Overvecht", ("Praktijkmanager", "Huisarts")),
    ),
    places=(
        "de leergang Sterke Teams",
        "een workshop bij hen op kantoor",
        "een intakegesprek",
        "de HR-netwerkbijeenkomst in Utrecht",
    ),
    stories=(
        "Deed mee aan de leergang Sterke Teams en vroeg daarna om een coachtraject.",
        "Eerste kennismaking via {place}; {first} wilde hulp bij een team dat de vonk kwijt was.",
        "Plande een intake nadat {first} een jaar lang mijn nieuwsbrief had gelezen.",
        "{first} zat in de selectiecommissie voor de pilot en bleef daarna als klant.",
    ),
    does=(
        "Ik geef leiding aan een team van twaalf dat alles draaiende houdt.",
        "Ik help nieuwe leidinggevenden groeien in hun rol.",
        "Ik zorg dat onze wijkverpleegkundigen kunnen doen waar ze goed in zijn.",
        "Ik vertaal strategie naar iets waar teams echt mee aan de slag kunnen.",
        "Ik beheer het geld en tegenwoordig ook de mensen.",
        "Ik bouw software voor woningcorporaties.",
        "Ik regel de planning voor drie distributiecentra.",
    ),
    cares=(
        "Een team waarin mensen durven te zeggen dat ze iets niet weten.",
        "Op tijd thuis zijn om met de kinderen te eten.",
        "Eerlijkheid: iedereen krijgt dezelfde kansen.",
        "Minder dingen doen, maar dan goed.",
        "Elke dag op de fiets naar het werk, weer of geen weer.",
        "Jonge vrouwen in de techsector verder helpen.",
    ),
    topics=(
        "de reorganisatie van het team",
        "de eerste honderd dagen als leidinggevende",
        "feedback geven aan een senior collega",
        "de heidag van het MT",
        "nee zeggen tegen de directie",
        "het wervingsplan voor volgend jaar",
        "de herinrichting van de klantenservice",
        "een lastig gesprek met een teamleider",
        "het volgende coachtraject",
        "werkdruk en uitval in het team",
        "de jaargesprekken",
        "de nieuwe strategie",
    ),
    notes=(
        "Belt het liefst vroeg, vóór half negen.",
        "Wil na elke sessie een korte schriftelijke samenvatting.",
        "Heeft twee pubers en een hond die Bikkel heet.",
        "Facturen gaan via inkoop: altijd het inkoopordernummer vermelden.",
        "Leest alles op papier; neem uitgeprinte hand-outs mee.",
        "Drie jaar geleden vanuit Groningen verhuisd; mist de ruimte nog steeds.",
    ),
    private_notes=(
        "Worstelt met een nieuwe directeur die alles wil controleren; voorzichtig mee omgaan.",
        "Had een paar jaar geleden een burn-out; let op het tempo.",
        "Zit midden in een scheiding; begin niet over de verhuizing.",
        "Overweegt volgend jaar te vertrekken; vertrouwelijk.",
    ),
    promises=(
        "{first} het artikel over {topic} sturen.",
        "{first} in contact brengen met {other}.",
        "De oefening over feedback geven delen.",
        "Een voorstel sturen voor het volgende coachtraject.",
        "De vervolgsessie inplannen.",
        "De samenvatting van ons gesprek over {topic} sturen.",
    ),
    requests=(
        "{first} vroeg om een leeslijst over {topic}.",
        "{first} wil in contact komen met iemand die een reorganisatie heeft meegemaakt.",
        "Het plan van {first} voor {topic} doorlezen.",
        "{first} vroeg of de factuur over twee budgetten verdeeld kan worden.",
    ),
)

HOSPITALITY = SegmentText(
    tags=("klanten", "horeca"),
    workplaces=(
        ("Eetcafé De Koperen Ketel", _KEUKEN),
        ("Hotel Het Eemhuis", ("Bedrijfsleider", "Eigenaar", "Front-officemanager")),
        ("Trattoria Nonna", _KEUKEN),
        ("Koffiebranderij Boon & Bloem", ("Eigenaar", "Hoofdbarista en mede-eigenaar")),
        ("Brasserie De Smidse", _KEUKEN),
        ("Bistro Zilt", _KEUKEN),
    ),
    places=(
        "een workshop voor horecaondernemers",
        "hun restaurant",
        "een ondernemersontbijt",
    ),
    stories=(
        "Gaf een middagworkshop voor horecaondernemers; {first} bleef na met een lange "
        "lijst vragen.",
        "{first} vroeg om hulp na een zomer waarin de helft van het personeel vertrok.",
        "Kwam er eerst als vaste gast; uiteindelijk ben ik het managementteam gaan coachen.",
    ),
    does=(
        "Ik run een restaurant met veertig couverts en probeer daarbij gezond te blijven.",
        "Ik houd een klein hotel draaiende met een team van vijftien.",
        "Ik bak, ik neem mensen aan en ik repareer de vaatwasser.",
        "Ik zorg dat de gasten niets merken van de chaos.",
    ),
    cares=(
        "Jongeren hun eerste baan geven.",
        "Lokale leveranciers en seizoensgroenten.",
        "Een team dat op zaterdagavond nog kan lachen.",
        "Niet de rest van mijn leven elke zondag werken.",
    ),
    topics=(
        "de energierekening",
        "personeelstekort in de zomer",
        "de stille maanden na de feestdagen",
        "de nieuwe lunchkaart",
        "de terrasvergunning",
        "de huurverhoging",
        "het team gemotiveerd houden na een zwaar seizoen",
        "open gaan op zondag",
    ),
    notes=(
        "Nooit bellen tussen half twaalf en half drie of na vijven: dan is het service.",
        "Maandag is hun vrije dag.",
        "Team van ongeveer vijftien, veel studenten.",
    ),
    private_notes=(
        "Maakt zich zorgen of de lening deze winter terugbetaald kan worden.",
        "Partner wil de zaak verkopen; {first} niet.",
    ),
    promises=(
        "{first} het format sturen voor het gesprek over de roosters.",
        "{first} in contact brengen met {other} over het energiecontract.",
        "De checklist voor het plannen van het stille seizoen delen.",
    ),
    requests=(
        "{first} vroeg om tips om personeel de winter door te houden.",
        "{first} vroeg of ik naar de vacaturetekst voor een nieuwe souschef wil kijken.",
    ),
)

PROSPECT = SegmentText(
    tags=("prospects",),
    workplaces=(
        ("Coöperatie Veluwe Energie", ("Manager Leren & Ontwikkelen", "HR-directeur")),
        ("Groenhart Catering", ("Operationeel manager", "Keukenmanager")),
        ("Medisch Centrum Eemland", ("Manager Bedrijfsvoering", "Hoofd Opleidingen")),
        ("Waterschap Eemdal", ("Teamleider", "Directeur Bedrijfsvoering")),
        ("Polder Verzekeringen", ("COO", "Hoofd Schadebehandeling")),
        ("Datakade", ("Head of Engineering", "Oprichter")),
    ),
    places=(
        "een kennismakingsgesprek",
        "LinkedIn",
        "een webinar over feedback",
        "het HR-ontbijt in Amersfoort",
    ),
    stories=(
        "Nam contact op na mijn webinar over feedback.",
        "{first} las een post van mij op LinkedIn en vroeg of we koffie konden drinken.",
        "Leerde {first} kennen via {place}; ze zoeken een programma voor nieuwe leidinggevenden.",
    ),
    does=(
        "Ik ben verantwoordelijk voor hoe onze 300 medewerkers leren en groeien.",
        "Ik bouw het operationele team vanaf nul op.",
        "Ik probeer onze leidinggevenden beter te maken in het menselijke deel van hun vak.",
    ),
    cares=(
        "Leren dat blijft hangen, niet weer een trainingsdag.",
        "Een budget dat verder komt dan slides.",
        "Bewijs dat het werkt.",
    ),
    topics=(
        "een leiderschapstraject voor de leidinggevenden",
        "het budget voor volgend jaar",
        "een pilot met twee teams",
        "de offerte",
        "de planning van de pilot",
        "de intakegesprekken",
    ),
    notes=(
        "Besluit valt in het eerste kwartaal; de CFO gaat over het budget.",
        "Wil referenties van vergelijkbare organisaties.",
        "Mailt liever; reageert traag in de vakanties.",
    ),
    private_notes=(
        "Vorige coach was 'te soft'; wees direct.",
        "Interne politiek: HR en Operations zijn het oneens over het budget.",
    ),
    promises=(
        "{first} een voorstel sturen voor een pilot met twee teams.",
        "{first} twee referenties sturen.",
        "De praktijkcase over {topic} sturen.",
        "{first} nabellen na de intake.",
    ),
    requests=(
        "{first} vroeg om een offerte voor twaalf leidinggevenden.",
        "{first} vroeg om mogelijke data in het voorjaar.",
    ),
)

COLLEAGUE = SegmentText(
    tags=("collega's",),
    workplaces=(
        ("Zelfstandig", ("Executive coach", "Teamcoach", "Facilitator", "Trainer")),
        ("Zelfstandig", ("Mediator", "Loopbaancoach", "Trainer leiderschap")),
        ("Het Coachcollectief", ("Executive coach", "Teamcoach")),
        ("Helderwater Advies", ("Organisatiepsycholoog", "Adviseur")),
        ("Veldwerk Facilitatie", ("Facilitator", "Trainer")),
        ("Mus & Steen", ("Loopbaancoach", "Partner")),
    ),
    places=(
        "de opleiding tot teamcoach",
        "onze intervisiegroep",
        "een meetup over facilitatie",
        "een gedeelde klant",
    ),
    stories=(
        "We zaten in dezelfde opleidingsgroep; {first} stelde altijd de beste vragen.",
        "We begeleidden samen een workshop voor een gedeelde klant en het klikte meteen.",
        "{first} kwam drie jaar geleden bij onze intervisiegroep.",
    ),
    does=(
        "Ik coach teams die vergeten zijn hoe ze met elkaar moeten praten.",
        "Ik ontwerp workshops waar mensen echt naartoe willen.",
        "Ik help mensen werk te vinden dat bij ze past.",
        "Ik bemiddel als teams vastzitten in een conflict.",
    ),
    cares=(
        "Goed werk doen zonder elke avond door te werken.",
        "Coaching eerlijk houden: geen trucjes, geen hype.",
        "Leren van andere coaches.",
        "Een moestuin en drie kippen.",
    ),
    topics=(
        "de leergang Sterke Teams",
        "een gezamenlijke workshop in het voorjaar",
        "onze dagtarieven voor volgend jaar",
        "intervisie",
        "een gedeelde klant",
        "de nieuwe coachopleiding",
        "genoeg opdrachten in de zomer",
        "het podcastidee",
    ),
    notes=(
        "Heeft een wachtlijst; verwijs alleen klanten door die een maand kunnen wachten.",
        "Sterk met grote groepen; vraag {first} voor de grote workshops.",
        "Organiseert om de week op donderdag intervisie.",
    ),
    private_notes=(
        "Had financieel een zwaar jaar; stuur werk door als het kan.",
        "Kan niet goed met {other}; niet samen in één project zetten.",
    ),
    promises=(
        "{first} mijn aantekeningen over {topic} sturen.",
        "{first} in contact brengen met {other}.",
        "Mijn tarievenoverzicht met {first} delen.",
        "{first} vragen om de voorjaarsworkshop samen te geven.",
    ),
    requests=(
        "{first} vroeg of ik in mei een klant kan overnemen.",
        "{first} vroeg om feedback op een nieuw workshopontwerp.",
        "{first} wil intervisiesessies ruilen.",
    ),
)

_EVENT_JOBS = (
    "Agile coach",
    "Scrum master",
    "Engineering manager",
    "Productowner",
    "Delivery manager",
    "UX-onderzoeker",
    "Datascientist",
)
_EVENT_WORKPLACES = tuple(
    (organisation, _EVENT_JOBS)
    for organisation in (
        "Kademaker Software",
        "Blauwbes Analytics",
        "Polder Verzekeringen",
        "Lumen Labs",
        "Spoorbaan Digitaal",
        "Esdoorn ICT",
        "Datakade",
        "Gemeente Amersfoort",
    )
)
_EVENT_DOES = (
    "Ik help productteams vaker kleinere dingen op te leveren.",
    "Ik zorg dat developers hun beste werk kunnen doen.",
    "Ik onderzoek hoe mensen onze app echt gebruiken.",
    "Ik coach drie scrumteams en één heel drukke productowner.",
)
_EVENT_CARES = (
    "Psychologische veiligheid, en de saaie gewoontes die ervoor zorgen.",
    "Teams op afstand die toch als team voelen.",
    "Meer vrouwen op het podium van techcongressen.",
    "Goede koffie en korte vergaderingen.",
)

CONFERENCE = SegmentText(
    tags=(),
    workplaces=_EVENT_WORKPLACES,
    places=(
        "Agile Overheid, Den Haag",
        "Coachfestival Zwolle",
        "Leading Tech Teams Summit, Amsterdam",
        "Teamcoachdag Utrecht",
        "DevOpsDays Amsterdam",
    ),
    stories=(
        "Zat bij de keynote op {place} naast {first}; door het kletsen hebben we de helft gemist.",
        "{first} stelde de beste vraag na mijn talk op {place}.",
        "Leerden elkaar kennen in de rij voor de koffie op {place}.",
        "Kwamen op {place} in dezelfde open-space-sessie terecht en gingen daarna samen eten.",
    ),
    does=_EVENT_DOES,
    cares=_EVENT_CARES,
    topics=(
        "de talk over psychologische veiligheid",
        "de slides van de workshop",
        "het programma van volgend jaar",
        "spreken op de volgende editie",
        "het boek dat in de Q&A werd genoemd",
        "retrospectives op afstand",
    ),
    notes=(
        "Gaf een talk over psychologische veiligheid; de slides staan op de website.",
        "Wil spreken op de volgende editie.",
        "Vegetarisch; onthouden voor het sprekersdiner.",
    ),
    private_notes=("Zoekt een nieuwe baan; vertelde het in vertrouwen.",),
    promises=(
        "{first} de slides van mijn talk sturen.",
        "{first} de titel van het boek uit de Q&A sturen.",
        "{first} in contact brengen met {other}.",
    ),
    requests=(
        "{first} vroeg om feedback op een sprekersvoorstel.",
        "{first} vroeg of ik een hoofdstuk over {topic} wil meelezen.",
    ),
)

MEETUP = SegmentText(
    tags=("meetup",),
    workplaces=_EVENT_WORKPLACES,
    places=(
        "Agile Coaches Meetup Utrecht",
        "Facilitatievrijdag Amsterdam",
        "de coachcirkel in Amersfoort",
        "de Product People-borrel",
    ),
    stories=(
        "Leerden elkaar kennen op {place}; {first} gaf een lightning talk over stil brainstormen.",
        "{first} was gastheer of gastvrouw van {place} en we bleven hangen om de stoelen op "
        "te stapelen.",
        "Deden samen een oefening op {place}.",
    ),
    does=_EVENT_DOES,
    cares=_EVENT_CARES,
    topics=(
        "de volgende meetup",
        "een sessie bij ons op kantoor",
        "de lightning talk",
        "tools voor online facilitatie",
        "de coachcirkel",
    ),
    notes=(
        "Organiseert de meetup om de maand.",
        "Neemt altijd zelfgebakken brownies mee.",
    ),
    private_notes=("Vertelde dat hun team in het voorjaar wordt opgeheven.",),
    promises=(
        "{first} de link naar de facilitatiekaarten sturen.",
        "{first} vragen om op de volgende meetup te spreken.",
    ),
    requests=(
        "{first} vroeg of de meetup een keer bij ons op kantoor kan.",
        "{first} vroeg naar de naam van de locatie die we gebruikten.",
    ),
)

ONLINE = SegmentText(
    tags=("online",),
    workplaces=(
        ("Zelfstandig", ("Schrijver", "Coach", "Ontwerper", "Nieuwsbriefschrijver")),
        ("Lumen Labs", ("Engineering manager", "Ontwerper", "Oprichter")),
        ("Spoorbaan Digitaal", ("Engineering manager", "Productmanager")),
        ("Blauwbes Analytics", ("Oprichter", "Datascientist")),
        ("", ("Schrijver", "Illustrator")),
    ),
    places=(
        "een draadje over één-op-ééngesprekken",
        "een post over feedback",
        "een discussie over thuiswerkende teams",
        "een reactie op mijn nieuwsbrief",
    ),
    stories=(
        "Volgden elkaar al jaren op {channel} voordat we elkaar ooit spraken.",
        "{first} reageerde op een post van mij op {channel} met een beter voorbeeld dan het mijne.",
        "Raakten op {channel} aan de praat over {topic}; een week later hadden we een "
        "videogesprek.",
    ),
    does=(
        "Ik schrijf een wekelijkse nieuwsbrief voor nieuwe leidinggevenden.",
        "Ik ontwerp tools voor teams die over tijdzones heen werken.",
        "Ik help oprichters hun eerste tien mensen aan te nemen.",
    ),
    cares=(
        "Het open web, en eigenaar zijn van wat je schrijft.",
        "Langzaam, doordacht werk.",
        "Vriendelijkheid in online discussies.",
    ),
    topics=(
        "een draadje over thuiswerkende teams",
        "de nieuwsbrief",
        "een gastaflevering",
        "de blog over één-op-ééngesprekken",
        "een boekentip",
        "de overstap naar Mastodon",
    ),
    notes=(
        "Post vooral 's avonds.",
        "Schrijft lange draadjes; lees alles voordat je reageert.",
    ),
    private_notes=("Had vorig jaar veel last van online intimidatie.",),
    promises=(
        "{first} mijn aantekeningen voor de gastaflevering sturen.",
        "De nieuwsbrief van {first} doorsturen naar {other}.",
    ),
    requests=(
        "{first} vroeg of ik te gast wil zijn in de podcast.",
        "{first} vroeg om een quote voor een artikel over {topic}.",
    ),
)

SUPPLIER = SegmentText(
    tags=("leveranciers",),
    workplaces=(
        ("Drukkerij Wimpel", ("Drukker", "Eigenaar")),
        ("Grootboek & Co", ("Boekhouder", "Accountant")),
        ("Studio Helderpixel", ("Ontwerper", "Webdeveloper")),
        ("Varenbank IT", ("IT-ondersteuning",)),
    ),
    places=("een aanbeveling", "een ondernemersontbijt", "hun winkel"),
    stories=(
        "{first} werd in één week door twee mensen aangeraden, dus ik heb gebeld.",
        "Via het ondernemersontbijt bij {first} terechtgekomen.",
    ),
    does=(
        "Ik zorg dat kleine bedrijven er net zo goed uitzien als ze zijn.",
        "Ik houd de cijfers saai.",
    ),
    cares=("Werk dat goed en op tijd af is.", "Papier dat lekker in de hand ligt."),
    topics=(
        "de btw-aangifte van dit kwartaal",
        "de facturen voor de leergang",
        "de nieuwe website",
        "het drukken van de werkboeken",
        "de jaarrekening",
    ),
    notes=("Alles vóór de twintigste van de maand aanleveren.",),
    private_notes=(),
    promises=(
        "{first} de bonnetjes van dit kwartaal sturen.",
        "De drukproef voor {first} goedkeuren.",
    ),
    requests=("{first} vroeg om de kilometerregistratie.",),
)

CAST: dict[str, CastText] = {
    "partner": CastText(
        name="Wouter van Dijk",
        organisation="Fysiotherapie Lombok",
        job_title="Fysiotherapeut",
        met_at="Verjaardag van Femke, Utrecht",
        met_story="De broer van Femkes huisgenoot. We praatten de hele nacht over Springsteen "
        "en misten de laatste trein.",
        what_they_do="Ik help mensen weer lopen, fietsen en tillen. Meestal allebei geduldig.",
        what_they_care_about="Zondagochtend zonder wekker; fietsvakanties in Frankrijk.",
        emails=("wouter.vandijk@example.com",),
        phones=("06 24317730",),
        address=AddressRow("Damstraat 14", "3531 BP", "Utrecht", "", "thuis"),
        moments=(
            MomentRow(
                "shared",
                "In mei samen een stuk van het Pieterpad gelopen: drie dagen regen en veel "
                "gelachen.",
                190,
            ),
            MomentRow(
                "grateful",
                "Wouter deed een maand lang alle schoolritjes in de laatste weken voor mijn "
                "boekdeadline.",
                120,
            ),
            MomentRow("strength", "Blijft rustig in elke crisis, thuis en in de praktijk.", 40),
        ),
        notes=(NoteRow("Wil de nieuwe Springsteen-biografie voor zijn verjaardag.", 300),),
        follow_ups=(
            FollowUpRow("Tafel reserveren bij de Portugees voor onze trouwdag.", 170, done=True),
            FollowUpRow("Fietsvakantie langs de Loire plannen voor volgende zomer.", 12),
        ),
        events=(
            EventRow(155, "gift", "Trouwdag: kaartjes voor de Springsteen-tributeavond.", "me"),
            EventRow(60, "meeting", "Eindelijk weer eens samen uit eten, bij de Portugees."),
        ),
    ),
    "daughter": CastText(
        name="Zoë van Dijk",
        organisation="Rijksuniversiteit Groningen",
        job_title="Student psychologie",
        what_they_do="Ik studeer psychologie en werk twee avonden in een café.",
        what_they_care_about="Het klimaat, haar vrienden en vintage jasjes.",
        emails=("zoe.vandijk@example.net",),
        phones=("06-55190284",),
        socials=("https://instagram.com/zoe.tekent",),
        address=AddressRow("Nieuwe Ebbingestraat 88", "9712 NN", "Groningen", "", "kamer"),
        moments=(
            MomentRow(
                "shared",
                "Zoë in september naar Groningen gebracht; we hebben uitgepakt en patat "
                "gegeten op de vloer van haar kamer.",
                80,
            ),
        ),
        follow_ups=(
            FollowUpRow(
                "Zoë het recept van oma's hachee sturen.", 45, direction="request", done=True
            ),
            FollowUpRow(
                "Treinkaartjes regelen zodat Zoë met kerst naar huis kan komen.", 5, due_in_days=9
            ),
        ),
    ),
    "son": CastText(
        name="Daan van Dijk",
        organisation="Stedelijk College Domstad",
        job_title="Leerling havo 5",
        what_they_care_about="Voetbal (FC Utrecht), FIFA en uitslapen.",
        phones=("06 55661044",),
        address=AddressRow("Damstraat 14", "3531 BP", "Utrecht", "", "thuis"),
        moments=(
            MomentRow(
                "strength",
                "Daan traint op zaterdagochtend de F'jes en verliest nooit zijn geduld.",
                100,
            ),
        ),
    ),
    "mother": CastText(
        name="Ria Bakker",
        nickname="Mam",
        job_title="Gepensioneerd leerkracht basisonderwijs",
        what_they_care_about="De kleinkinderen, het kerkkoor en haar rozen.",
        phones=("0318-412345", "06-38619024"),
        emails=("ria.bakker@example.org",),
        address=AddressRow("Bosrand 7", "6717 AB", "Ede", "", "thuis"),
        notes=(
            NoteRow(
                "Heupoperatie gepland voor begin volgend jaar; aanbieden om de week erna te "
                "komen logeren.",
                20,
            ),
            NoteRow(
                "Maak me zorgen om het geheugen van pap; hij legde de autosleutels in de koelkast.",
                70,
                True,
            ),
        ),
        moments=(
            MomentRow(
                "grateful",
                "Mam kwam een week helpen toen ik griep had en de kinderen klein waren; daar "
                "denk ik nog vaak aan.",
                200,
            ),
        ),
        follow_ups=(
            FollowUpRow("Mam helpen met videobellen op de nieuwe tablet.", 10, due_in_days=10),
        ),
        events=(
            EventRow(
                95,
                "meeting",
                "Weekendje Ede: over de hei gewandeld en thee gedronken in de tuin.",
                with_keys=("father",),
            ),
        ),
    ),
    "father": CastText(
        name="Henk Bakker",
        nickname="Pap",
        job_title="Gepensioneerd werktuigbouwkundige",
        what_they_care_about="Zijn moestuin, wielrennen op tv en de cryptogram in de krant.",
        phones=("0318-412345",),
        address=AddressRow("Bosrand 7", "6717 AB", "Ede", "", "thuis"),
        moments=(
            MomentRow(
                "shared",
                "Pap liet me zien hoe je de stokbonen opbindt, net als toen ik zeven was.",
                95,
            ),
        ),
    ),
    "sister": CastText(
        name="Femke Bakker",
        organisation="Huisartsenpraktijk Oog in Al",
        job_title="Huisarts",
        phones=("06-20391844",),
        emails=("femke.bakker@example.com",),
        address=AddressRow("Thomas à Kempisweg 41", "3532 VB", "Utrecht", "", "thuis"),
        what_they_care_about="Haar patiënten, buitenzwemmen en haar dochter Noor.",
        notes=(NoteRow("Begint in januari aan een deeltijdmaster public health.", 35),),
        follow_ups=(
            FollowUpRow(
                "Samen met Femke het verjaardagsfeest van mam plannen.",
                15,
                direction="request",
                due_in_days=4,
            ),
        ),
        events=(
            EventRow(35, "call", "Lang gebeld met Femke over de heupoperatie van mam.", "me"),
            EventRow(
                3, "voicemail", "Femke gebeld over het feest van mam; voicemail ingesproken.", "me"
            ),
        ),
    ),
    "brother_in_law": CastText(
        name="Rutger ter Horst",
        organisation="Studio Ter Horst",
        job_title="Architect",
        met_at="Dertigste verjaardag van Femke",
        phones=("06-47710628",),
        what_they_care_about="Houtbouw, zuurdesembrood en FC Utrecht, in die volgorde.",
    ),
    "niece": CastText(
        name="Noor ter Horst",
        what_they_care_about="Paarden, en paarden tekenen.",
        events=(
            EventRow(30, "video", "Noor liet via video haar rozet van de ponywedstrijd zien."),
        ),
    ),
    "best_friend": CastText(
        name="Esther Mulder",
        organisation="Amstelland Lyceum",
        job_title="Rector",
        met_at="De middelbare school in Ede",
        met_story="Beste vriendinnen sinds de eerste schoolweek in de brugklas, toen we "
        "allebei verdwaalden op zoek naar het scheikundelokaal.",
        what_they_do="Ik leid een school met 900 leerlingen en ik ken de meeste namen.",
        what_they_care_about="Kinderen die worden afgeschreven, en laten zien dat iedereen "
        "het mis had.",
        emails=("esther.mulder@example.com",),
        phones=("+31 6 4693 1842",),
        address=AddressRow("Javaplein 23", "1094 HW", "Amsterdam"),
        moments=(
            MomentRow(
                "grateful",
                "Esther stond de dag nadat Gerard was overleden onaangekondigd op de stoep, "
                "alleen om bij me te zitten.",
                148,
            ),
            MomentRow("strength", "Esther vecht voor elk kind alsof het haar eigen kind is.", 60),
        ),
        notes=(NoteRow("Inspectiebezoek verwacht in het voorjaar; ze is zenuwachtig.", 25, True),),
    ),
    "friend_a": CastText(
        name="Ilse Kramer",
        organisation="Gemeente Zeist",
        job_title="Stedenbouwkundige",
        met_at="Onze oude straat in Lombok",
        met_story="Buren in Lombok; Ilse stond voor de deur met een verkeerd bezorgde "
        "verjaardagstaart en bleef voor een stuk.",
        phones=("06-22409133",),
        emails=("ilse.kramer@example.net",),
        what_they_care_about="Steden waar kinderen alleen naar school kunnen lopen.",
        moments=(
            MomentRow(
                "shared",
                "Oudejaarsavond bij Ilse en Joost; we deden hints tot drie uur 's nachts.",
                327,
            ),
        ),
        follow_ups=(FollowUpRow("De grote braadpan terugbrengen naar Ilse.", 20, due_in_days=-3),),
    ),
    "friend_b": CastText(
        name="Joost Vermeulen",
        job_title="Geluidstechnicus",
        phones=("06-22409871",),
        what_they_care_about="Vinyl, wielrennen en hun asielwindhond Peper.",
    ),
    "ana": CastText(
        name="Ana Rodrigues",
        organisation="Atelier Rodrigues Arquitetos",
        job_title="Architect",
        met_at="Erasmusjaar, Lissabon",
        met_story="Deelden tijdens mijn Erasmusjaar een piepklein appartementje in Alfama; "
        "Ana leerde me vloeken in het Portugees.",
        what_they_do="Ik restaureer oude panden in Lissabon zodat mensen er kunnen blijven wonen.",
        what_they_care_about="Dat Lissabon een stad blijft voor de mensen die er wonen.",
        emails=("ana.rodrigues@example.org",),
        phones=("+351 912 345 678",),
        socials=("https://instagram.com/ana.rodrigues.arq",),
        address=AddressRow("Rua de São Miguel 12", "1100-544", "Lissabon", "Portugal", "thuis"),
        moments=(
            MomentRow(
                "shared",
                "Met Ana de zon zien ondergaan vanaf de Miradouro da Graça, twintig jaar later.",
                300,
            ),
        ),
        follow_ups=(
            FollowUpRow(
                "Ana vragen of we in het voorjaar naar Lissabon kunnen komen.", 3, due_in_days=14
            ),
        ),
    ),
    "bas": CastText(
        name="Sebastiaan de Bruijn",
        nickname="Bas",
        organisation="De Bruijn Teamcoaching",
        job_title="Teamcoach en trainer",
        met_at="Opleiding teamcoaching, Amsterdam",
        met_story="We werden tijdens de opleiding teamcoaching aan elkaar gekoppeld voor de "
        "oefensessies; nu geven we samen de leergang Sterke Teams.",
        what_they_do="Ik help teams ophouden met elke week dezelfde ruzie.",
        what_they_care_about="Eerlijke feedback, sterke koffie en zijn racefiets.",
        emails=("bas@debruijn-teamcoaching.example",),
        phones=("06-41285530",),
        websites=("https://debruijn-teamcoaching.example",),
        socials=("https://www.linkedin.com/in/basdebruijn", "@basdebruijn@mastodon.nl"),
        tags=("team",),
        moments=(
            MomentRow(
                "strength", "Bas kan een gespannen zaal met één goedgetimede grap omdraaien.", 200
            ),
            MomentRow(
                "grateful",
                "Bas nam in de week van Gerards uitvaart de hele groep van de leergang over.",
                145,
            ),
        ),
        follow_ups=(
            FollowUpRow("Bas de evaluatieresultaten van de najaarsgroep sturen.", 6, due_in_days=0),
            FollowUpRow(
                "Bas vroeg of ik de nieuwe module over conflict wil doorlezen.",
                9,
                direction="request",
                due_in_days=12,
            ),
        ),
    ),
    "assistant": CastText(
        name="Lotte Verbeek",
        organisation="Verbeek Ondersteuning",
        job_title="Virtueel assistent",
        met_story="Bas werkte met Lotte aan een programma in Amsterdam en zei dat ze de best "
        "georganiseerde persoon was die hij ooit had ontmoet. Hij had gelijk.",
        what_they_do="Ik houd de agenda's en mailboxen van drukke mensen op orde.",
        emails=("lotte@verbeekondersteuning.example",),
        phones=("06-15530211",),
        tags=("team",),
        moments=(
            MomentRow(
                "grateful",
                "Lotte boekte op één middag veertig deelnemers om toen de locatie onder water "
                "stond.",
                90,
            ),
        ),
    ),
    "mentor": CastText(
        name="Gerard van der Meer",
        job_title="Executive coach (met pensioen)",
        met_at="Mijn eerste baan, bij een verzekeraar in Zeist",
        met_story="Gerard was mijn eerste leidinggevende en later mijn supervisor als coach. "
        "Hij leerde me om eerst nog één vraag te stellen voordat ik advies gaf.",
        what_they_do="Vroeger coachte ik directeuren. Nu coach ik tomaten.",
        what_they_care_about="Nieuwsgierigheid, lange lunches en zijn vrouw Truus.",
        emails=("gerard.vandermeer@example.org",),
        phones=("030-6921803",),
        address=AddressRow("Oude Arnhemseweg 5", "3702 BA", "Zeist"),
        moments=(
            MomentRow(
                "grateful",
                "Gerard las elke pagina van mijn eerste programmaontwerp en stuurde het terug "
                "met vriendelijke, genadeloze opmerkingen.",
                250,
            ),
            MomentRow(
                "strength", "Gerard luisterde alsof er niets anders op de wereld bestond.", 160
            ),
        ),
        notes=(NoteRow("Gerard is op een zondagochtend rustig thuis overleden.", 150),),
    ),
    "mentor_partner": CastText(
        name="Truus van der Meer",
        job_title="Gepensioneerd pianiste",
        phones=("030-6921803",),
        address=AddressRow("Oude Arnhemseweg 5", "3702 BA", "Zeist"),
        events=(
            EventRow(
                144,
                "meeting",
                "Uitvaart van Gerard in Zeist. Truus vroeg of ik het gedicht wilde voorlezen.",
            ),
            EventRow(
                140, "card", "Truus een kaart gestuurd met drie herinneringen aan Gerard.", "me"
            ),
            EventRow(62, "call", "Truus gebeld; ze speelt weer piano.", "me"),
        ),
        follow_ups=(FollowUpRow("Voor de kerst bij Truus langsgaan.", 30, due_in_days=21),),
    ),
    "accountant": CastText(
        name="Sanne Hoekstra",
        organisation="Grootboek & Co",
        job_title="Accountant",
        met_story="Al jaren de accountant van Esther; volgens haar is Sanne de enige bij wie "
        "belastingzaken ooit rustig voelden.",
        emails=("sanne@grootboekenco.example",),
        phones=("030-2340318",),
        follow_ups=(
            FollowUpRow(
                "Sanne vroeg om de bonnetjes van het derde kwartaal.",
                14,
                direction="request",
                due_in_days=-1,
            ),
        ),
    ),
    "denise": CastText(
        name="Denise van Iersel",
        organisation="Zorggroep De Linde",
        job_title="HR-directeur",
        met_at="Leergang Sterke Teams, Utrecht",
        met_story="Bas coachte het team van Denise bij haar vorige werkgever en bracht ons met "
        "elkaar in contact toen ze bij De Linde begon.",
        what_they_do="Ik zorg dat 1.200 zorgmedewerkers een goede plek hebben om te werken.",
        what_they_care_about="Leidinggevenden die luisteren, en een goede nachtrust.",
        emails=("d.vaniersel@zorggroepdelinde.example",),
        phones=("06-28440193",),
        socials=("https://www.linkedin.com/in/denisevaniersel",),
        moments=(
            MomentRow(
                "strength",
                "Denise zegt in het bestuur het moeilijke, zodat haar leidinggevenden dat niet "
                "hoeven.",
                75,
            ),
        ),
        notes=(
            NoteRow("Woont in Amersfoort en fietst elke dag naar Utrecht, ook in de regen.", 340),
            NoteRow("Leidt de reorganisatie van de wijkteams.", 100),
        ),
        follow_ups=(
            FollowUpRow(
                "Denise het voorstel sturen voor het leiderschapsprogramma van volgend jaar.",
                4,
                due_in_days=6,
            ),
        ),
        events=(
            EventRow(
                48,
                "meeting",
                "Dagdeel bij De Linde met Denise en Thijs om het leiderschapsprogramma voor te "
                "bereiden.",
                with_keys=("thijs",),
            ),
        ),
    ),
    "thijs": CastText(
        name="Thijs Kuipers",
        organisation="Zorggroep De Linde",
        job_title="Teamleider Wijkzorg",
        met_at="Zorggroep De Linde, Utrecht",
        met_story="Denise vroeg me om Thijs te coachen in zijn eerste jaar als teamleider.",
        what_they_do="Ik zorg dat veertig wijkverpleegkundigen elke dag op de goede plek zijn.",
        what_they_care_about="De veiligheid van zijn team en de zwemwedstrijden van zijn dochter.",
        emails=("t.kuipers@zorggroepdelinde.example",),
        phones=("06-38422019",),
        notes=(
            NoteRow(
                "Zenuwachtig om te presenteren voor de raad van bestuur; met hem oefenen.",
                50,
                True,
            ),
        ),
    ),
    "client_founder": CastText(
        name="Marieke in 't Veld",
        organisation="Bakkerij In 't Veld",
        job_title="Eigenaar",
        met_at="LinkedIn",
        met_story="Marieke reageerde op een post van mij over personeelsverloop in de horeca; "
        "een week later dronken we koffie in haar eerste winkel.",
        what_they_do="Zes bakkerijen in Amersfoort en omgeving, en een team van zestig.",
        what_they_care_about="Brood waar je vroeg voor opstaat, en een eerlijk loon voor bakkers.",
        emails=("marieke@bakkerijintveld.example",),
        phones=("06-46961023",),
        websites=("https://bakkerijintveld.example",),
        socials=(
            "https://www.linkedin.com/in/mariekeintveld",
            "https://instagram.com/bakkerijintveld",
        ),
        address=AddressRow("Langestraat 88", "3811 AJ", "Amersfoort", "", "werk"),
        moments=(
            MomentRow(
                "strength",
                "Marieke hield in de zwaarste winter alle bakkers in dienst, zonder er ophef "
                "over te maken.",
                210,
            ),
            MomentRow(
                "shared",
                "Vijf uur 's ochtends in de bakkerij aan de Langestraat, kijken hoe de eerste "
                "broden uit de oven komen.",
                130,
            ),
        ),
        notes=(
            NoteRow("Energiekosten verdubbeld; twee winkels gaan misschien dicht.", 18),
            NoteRow("Denkt erover de zaak te verkopen; vertelde het in vertrouwen.", 33, True),
        ),
        follow_ups=(
            FollowUpRow(
                "Marieke in contact brengen met een energieadviseur die met kleine ondernemers "
                "werkt.",
                8,
                due_in_days=2,
            ),
        ),
        events=(
            EventRow(
                18,
                "meeting",
                "De cijfers met Marieke doorgelopen in de bakkerij; gevraagd hoe het echt met "
                "haar gaat. Moe, maar ze geeft niet op.",
                "me",
            ),
        ),
    ),
    "jeroen": CastText(
        name="Jeroen van de Ven",
        organisation="Gemeente Utrecht",
        job_title="Programmamanager Digitale Dienstverlening",
        met_at="Agile Overheid, Den Haag",
        met_story="Jeroen kwam na mijn workshop over feedback naar me toe en vroeg of ik ook "
        "leidinggevenden coach. Twee maanden later deed zijn hele team mee.",
        what_they_do="Ik zorg dat Utrechters hun zaken met de gemeente online kunnen regelen, "
        "zonder drie keer te bellen.",
        what_they_care_about="Teams die eigenaar zijn van hun werk, en zeilen op de "
        "Loosdrechtse Plassen.",
        emails=("j.vandeven@utrecht.example",),
        phones=("+31 6 5184 7262",),
        socials=("https://x.com/jeroenvdven", "https://www.linkedin.com/in/jeroenvandeven"),
        notes=(
            NoteRow("Videobellen het liefst op dinsdag- of donderdagmiddag.", 300),
            NoteRow("Zijn team gaat als pilot vier dagen per week werken.", 40),
        ),
        follow_ups=(FollowUpRow("Jeroen de feedbackoefening sturen.", 2, due_in_days=5),),
    ),
    "prospect_hot": CastText(
        name="Yasmina El Amrani",
        family_name="El Amrani",
        organisation="Groenhart Catering",
        job_title="Operationeel directeur",
        met_at="Bakkerij In 't Veld, Amersfoort",
        met_story="Marieke stelde ons aan elkaar voor bij de koffie: Yasmina bouwt het "
        "managementteam van een snelgroeiend cateringbedrijf.",
        what_they_do="Ik maak van een keuken die te snel groeide een echt bedrijf.",
        what_they_care_about="Doorgroeien binnen het bedrijf: de helft van haar "
        "leidinggevenden begon als afwashulp.",
        emails=("yasmina.elamrani@groenhart.example",),
        phones=("06 23904415",),
        follow_ups=(
            FollowUpRow(
                "Yasmina een voorstel sturen voor een pilot met haar zes keukenmanagers.",
                3,
                due_in_days=8,
            ),
            FollowUpRow(
                "Yasmina vroeg om een referentie van een andere horecaklant.",
                10,
                direction="request",
                done=True,
            ),
        ),
    ),
    "dup_a": CastText(
        name="Marloes Jansen",
        organisation="Coöperatie Veluwe Energie",
        job_title="Manager Leren & Ontwikkelen",
        met_at="LinkedIn",
        emails=("marloes.jansen@example.com",),
        phones=("06-48213377",),
        socials=("https://www.linkedin.com/in/marloesjansen",),
        notes=(NoteRow("Geïnteresseerd in een programma voor nieuwe teamleiders.", 300),),
    ),
    "dup_b": CastText(
        name="Marloes Janssen",
        organisation="Veluwe Energie",
        job_title="Manager L&O",
        met_at="Coachfestival Zwolle",
        emails=("m.janssen@veluwe-energie.example",),
        phones=("+31 6 4821 3377",),
    ),
    "lapsed_client": CastText(
        name="Erik Postma",
        organisation="Tulpsoft",
        job_title="CTO",
        met_story="Heb Erik en zijn managementteam twee jaar gecoacht, tot Tulpsoft werd "
        "overgenomen door een Amerikaans bedrijf.",
        emails=("erik.postma@example.net",),
        phones=("06-54118730",),
        notes=(NoteRow("Tulpsoft is overgenomen; Erik neemt een sabbatical.", 290),),
    ),
    "jose": CastText(
        name="José Müller",
        organisation="Helvetic Rail Digital",
        job_title="Engineering manager",
        met_at="DevOpsDays Amsterdam",
        met_story="We reageerden al jaren op elkaars tweets. Op DevOpsDays Amsterdam liep José "
        "op me af en zei: 'Jij bent die feedbackcoach!'",
        what_they_do="Ik help teams in Zürich die dienstregelingssoftware bouwen om minder "
        "gehaast te werken.",
        what_they_care_about="Treinen, natuurlijk. En piketdiensten draaglijk maken.",
        emails=("jose.muller@helvetic-rail.example",),
        phones=("+41 79 123 45 67",),
        socials=("https://twitter.com/josemueller_dev", "@josemueller@fosstodon.org"),
        moments=(
            MomentRow(
                "shared",
                "Na DevOpsDays nog uren met José in het café gezeten, pratend over onze vaders.",
                180,
            ),
        ),
    ),
    "soren": CastText(
        name="Søren Madsen",
        organisation="Studio Madsen",
        job_title="Servicedesigner",
        met_at="Mastodon-draadje over designkritiek",
        met_story="Søren beantwoordde een vraag van mij over designkritieken, met tekeningen. "
        "Sindsdien wisselen we ideeën uit.",
        what_they_do="Ik ontwerp publieke diensten die mensen kunnen gebruiken zonder te huilen.",
        what_they_care_about="De fietspaden van Kopenhagen, en ontwerp dat vriendelijk is.",
        emails=("soren@studiomadsen.example",),
        phones=("+45 20 12 34 56",),
        socials=("@soren@mastodon.social",),
        websites=("https://studiomadsen.example",),
    ),
    "podcaster": CastText(
        name="Roos van Leeuwen",
        organisation="De Luisterende Leider (podcast)",
        job_title="Podcastmaker",
        met_at="Mastodon",
        met_story="Roos boostte een post van mij en vroeg me daarna in haar podcast.",
        what_they_do="Ik interview leidinggevenden over de gesprekken waar ze tegen opzien.",
        what_they_care_about="Stille mensen een microfoon geven.",
        emails=("roos@deluisterendeleider.example",),
        socials=("@roosvanleeuwen@mastodon.nl",),
        websites=("https://deluisterendeleider.example",),
        follow_ups=(
            FollowUpRow(
                "Roos vroeg of ik terugkom voor een aflevering over check-inrondes.",
                6,
                direction="request",
                due_in_days=26,
            ),
        ),
    ),
    "organiser": CastText(
        name="Hanneke ten Brink",
        organisation="Coachfestival Zwolle",
        job_title="Programmaleider",
        met_at="Coachfestival Zwolle",
        met_story="Hanneke vroeg me een workshop te geven op het Coachfestival nadat ze me in "
        "Utrecht had zien spreken.",
        what_they_do="Ik stel een festival samen waar mensen elk jaar naar terugkomen.",
        what_they_care_about="Nieuwe stemmen op het podium, en goede stroopwafels in de pauze.",
        emails=("hanneke@coachfestival.example",),
        phones=("06-54920377",),
        socials=("https://www.linkedin.com/in/hanneketenbrink",),
        follow_ups=(
            FollowUpRow("Een sessievoorstel indienen voor de volgende editie.", 20, due_in_days=35),
        ),
    ),
}

# Name pools are long lists of short words: kept compact by hand.
# fmt: off
GIVEN_FEMALE = (
    "Anouk", "Lisa", "Eva", "Iris", "Fleur", "Maartje", "Inge", "Annemiek", "Willemijn",
    "Nienke", "Floor", "Esmee", "Janneke", "Wendy", "Saskia", "Miriam", "Hanna", "Yvonne",
    "Petra", "Fatima", "Naima", "Sevda", "Charlotte", "Merel", "Judith", "Bregje",
    "Marjolein", "Karlijn", "Tamara", "Ellen",
)
GIVEN_MALE = (
    "Bram", "Thomas", "Ruben", "Lars", "Sander", "Joris", "Maarten", "Niels", "Koen",
    "Pieter", "Gijs", "Stijn", "Martijn", "Jasper", "Rick", "Mohamed", "Youssef", "Erwin",
    "Frank", "Hans", "Kees", "Arjen", "Dirk", "Roel", "Teun", "Mark", "Vincent", "Rob",
    "Hidde", "Floris", "Mustafa", "Tim", "Bart",
)
FAMILY_NAMES = (
    "de Vries", "van den Berg", "Visser", "Smit", "Meijer", "de Boer", "de Groot", "Bos",
    "Vos", "Peters", "Hendriks", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Linden", "Kok", "Jacobs", "de Haan", "van den Heuvel",
    "van der Veen", "van den Broek", "Schouten", "van Beek", "Willems", "van Vliet",
    "van de Pol", "Koster", "Prins", "Blom", "Huisman", "ter Haar", "van Wijk",
    "Timmermans", "Boersma", "ten Hove", "van 't Hof", "in 't Zandt", "van Ommen",
    "op den Kamp", "Yılmaz", "Öztürk", "Bouzid", "Wijnands", "Hoogland", "van Rijn",
    "ter Beek", "van der Heijden", "Çelik", "Wolters",
)
STREETS = (
    "Biltstraat", "Amsterdamsestraatweg", "Nachtegaalstraat", "Kerkstraat", "Dorpsstraat",
    "Burgemeester Reigerstraat", "Wittevrouwenkade", "Lange Nieuwstraat", "Vondellaan",
    "Hoofdstraat",
)
# fmt: on

LOCALE = DemoLocale(
    vault_name="Demo",
    freelance="Zelfstandig",
    label_work="werk",
    label_home="thuis",
    label_mobile="mobiel",
    label_personal="privé",
    wedding_label="Trouwdag",
    work_anniversary_label="Eigen zaak begonnen",
    given_female=GIVEN_FEMALE,
    given_male=GIVEN_MALE,
    family_names=FAMILY_NAMES,
    international_names=INTERNATIONAL_NAMES,
    personal_email_domains=("example.com", "example.net", "example.org"),
    cities=(
        City("Utrecht", ("3511", "3521", "3531", "3581", "3582")),
        City("Amersfoort", ("3811", "3817", "3822")),
        City("Amsterdam", ("1012", "1054", "1071", "1092")),
        City("Zeist", ("3701", "3705", "3707")),
        City("Houten", ("3991", "3994")),
        City("Ede", ("6711", "6715")),
    ),
    streets=STREETS,
    places=(
        "aan de Oudegracht",
        "bij Utrecht Centraal",
        "in de bibliotheek aan de Neude",
        "in het café van TivoliVredenburg",
        "op het Janskerkhof",
        "in de lunchroom op de Twijnstraat",
    ),
    make_phone=_phone,
    make_postal_code=_postal_code,
    conference_tag="congres-{year}",
    tag_colours={
        "familie": "#db2777",
        "vrienden": "#f59e0b",
        "buren": "#84cc16",
        "klanten": "#2563eb",
        "horeca": "#dc2626",
        "prospects": "#7c3aed",
        "collega's": "#0d9488",
        "team": "#059669",
        "meetup": "#0891b2",
        "online": "#6366f1",
        "leveranciers": "#78716c",
    },
    summaries={"work": WORK_SUMMARIES, "personal": PERSONAL_SUMMARIES},
    moments=MOMENTS,
    first_meeting=("Kennisgemaakt met {first}: {place}.", "Eerste gesprek met {first} ({place})."),
    season_card=(
        "<Kerstkaart gestuurd met een handgeschreven berichtje.",
        "<Kerstkaart met een paar regels over het jaar dat we hadden.",
        "<Nieuwjaarskaart: {first} bedankt voor een goed jaar.",
    ),
    birthday={
        "card": ("<Verjaardagskaart op de post gedaan.", "<Verjaardagskaart met een kort briefje."),
        "gift": ("<Verjaardagscadeau en een kaart.", "<Verjaardagscadeautje gestuurd."),
        "message": ("<Felicitatie geappt.", "<Via WhatsApp gefeliciteerd."),
        "call": (
            "<Gebeld om te feliciteren, inclusief vals gezang.",
            "<Gebeld voor de verjaardag.",
        ),
    },
    segments={
        "family": FAMILY,
        "friend": FRIEND,
        "neighbour": NEIGHBOUR,
        "client": CLIENT,
        "hospitality": HOSPITALITY,
        "prospect": PROSPECT,
        "colleague": COLLEAGUE,
        "conference": CONFERENCE,
        "meetup": MEETUP,
        "online": ONLINE,
        "supplier": SUPPLIER,
    },
    cast=CAST,
)
