"""English demo: a leadership coach in London, with family in Kent and clients abroad.

Addresses, emails and websites use reserved names (``example.com``, ``*.example``) so the demo
can never mail or link a real person.
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
    """Mostly UK numbers in international format (the app's default region is NL)."""
    if mobile:
        prefix = rng.choice(("7823", "7469", "7386", "7544", "7722"))
        return f"+44 {prefix} {rng.randint(100000, 999999)}"
    area = rng.choice(("20 7946", "20 3123", "117 496", "161 496"))
    return f"+44 {area} {rng.randint(1000, 9999)}"


def _postal_code(rng: random.Random, prefix: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{prefix} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


_KITCHEN_JOBS = ("Owner", "General Manager", "Head Chef and co-owner", "Operations Manager")

WORK_SUMMARIES: dict[str, tuple[str, ...]] = {
    "call": (
        "<Called {first} about {topic}.",
        ">{first} called to talk about {topic}.",
        "Long call about {topic}; agreed to pick it up again next month.",
        "Quick call about {topic}.",
        "Caught up on the phone about {topic}.",
        "<Called to check in; we ended up talking about {topic}.",
        "<Called {first} to follow up on {topic}.",
        ">{first} rang with a question about {topic}.",
    ),
    "voicemail": (
        "<No answer; left a voicemail about {topic}.",
        "<Voicemail. Will try again later this week.",
        "<Went straight to voicemail; left a short message.",
        ">{first} left a voicemail about {topic}.",
    ),
    "meeting": (
        "Coffee at {place}: {topic}.",
        "Lunch at {place}, mostly about {topic}.",
        "Walk-and-talk along the river, about {topic}.",
        "<Visited {first} at work; talked through {topic}.",
        ">{first} suggested a coffee at {place} to talk about {topic}.",
    ),
    "video": (
        "Video call about {topic}.",
        "<Coaching session on video: {topic}.",
        ">{first} asked for a quick video call about {topic}.",
        "Teams call about {topic}; sketched the next steps together.",
    ),
    "message": (
        ">{first} sent a message about {topic}.",
        "<Sent {first} a message about {topic}.",
        "<~Sent a message about {topic}; no reply yet.",
        "Back-and-forth on WhatsApp about {topic}.",
        ">Voice note from {first} about {topic}; replied the same evening.",
    ),
    "email": (
        "<Emailed {first} a summary of our conversation about {topic}.",
        ">{first} emailed about {topic}.",
        "<Sent the article on {topic} I had mentioned.",
        "<Emailed a short proposal about {topic}.",
    ),
    "card": (
        "<Sent a handwritten card to say thank you for a good year of working together.",
        "<Card to congratulate {first} on the new role.",
    ),
    "gift": (
        "<Sent a book I think {first} will enjoy, with a short note.",
        "<Dropped off a bag of good coffee beans as a thank-you.",
    ),
}

PERSONAL_SUMMARIES: dict[str, tuple[str, ...]] = {
    "call": (
        "<Called {first}; we talked about {topic}.",
        ">{first} called about {topic}.",
        "Long phone call, mostly about {topic}.",
        "Short call about {topic}.",
    ),
    "voicemail": (
        "<No answer; left a message.",
        "<Voicemail. Will try again at the weekend.",
        ">Missed a call from {first}; they left a message about {topic}.",
    ),
    "meeting": (
        "Coffee at {place}; talked about {topic}.",
        "Dinner together; lots of talk about {topic}.",
        "Long walk with {first}, talking about {topic}.",
        ">{first} dropped by; we talked about {topic}.",
    ),
    "video": (
        "Video call about {topic}.",
        ">{first} video-called on Sunday morning: {topic}.",
    ),
    "message": (
        ">{first} sent photos and a message about {topic}.",
        "<Texted {first} about {topic}.",
        "<~Sent a message about {topic}; no answer yet.",
        "WhatsApp chat about {topic}.",
    ),
    "email": (
        "<Long email about {topic}.",
        ">{first} emailed about {topic}.",
    ),
    "card": (
        "<Sent a postcard from our holiday.",
        "<Sent a card, just because.",
    ),
    "gift": (
        "<Brought a bottle of wine and a plant.",
        "<Sent a small present to say thanks.",
    ),
}

MOMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "work": {
        "shared": (
            "Sat with {first} after the workshop and talked about why we both do this work.",
            "The moment in our session when {first} finally said out loud what was "
            "bothering the team.",
            "Laughing with {first} about a train delay that turned a half-hour trip into three.",
        ),
        "grateful": (
            "{first} recommended me to a colleague without my asking.",
            "{first} gave honest feedback on my proposal; it made it much better.",
            "{first} stayed late to help me pack up after the workshop.",
        ),
        "strength": (
            "{first} asks the question everybody else avoids, and asks it kindly.",
            "{first} makes newcomers feel welcome within minutes.",
            "{first} stays calm and clear when everything is on fire.",
            "{first} explains hard things without making anyone feel slow.",
            "{first} keeps every promise, however small, and says so when one slips.",
            "{first} gives credit away generously; the team always gets named first.",
            "{first} listens to the end before answering, even in a rush.",
            "{first} turns a vague wish into a plan everybody understands.",
        ),
    },
    "personal": {
        "shared": (
            "A long walk with {first} on a cold Sunday; we talked about our parents.",
            "Singing badly with {first} in the car all the way to the coast.",
            "Watching the sunset with {first} after a long day, not saying much.",
        ),
        "grateful": (
            "{first} cooked for us the week everything fell apart.",
            "{first} remembered the anniversary of Dad's operation and called.",
            "{first} lent us the car for a whole week without thinking twice.",
        ),
        "strength": (
            "{first} is endlessly patient with children.",
            "{first} always notices when someone in the room is left out.",
            "{first} is honest without ever being harsh.",
            "{first} remembers the small things people mention and asks about them later.",
            "{first} can make a whole table laugh on a grey Monday.",
            "{first} shows up when it matters, without being asked.",
        ),
    },
}

FAMILY = SegmentText(
    tags=("family",),
    workplaces=(),
    places=(),
    stories=(),
    does=(),
    cares=(),
    topics=(
        "the summer holiday plans",
        "Dad's allotment",
        "the new kitchen",
        "the exams",
        "plans for Christmas",
        "the garden",
        "Granny's old photos",
        "the broken boiler",
        "the football season",
        "a weekend visit",
    ),
    notes=(),
    private_notes=(),
    promises=(),
    requests=(),
)

FRIEND = SegmentText(
    tags=("friends",),
    workplaces=(
        (
            "",
            (
                "Teacher",
                "Nurse",
                "Software developer",
                "Journalist",
                "Physiotherapist",
                "Architect",
                "Civil servant",
                "Musician",
            ),
        ),
    ),
    places=("university", "the running club", "our old street in Hackney", "a friend's wedding"),
    stories=(
        "Shared a flat with {first} in our second year at university.",
        "Met {first} at the running club; we always end up in the slow group together.",
        "{first} lived two doors down from us in Hackney for years.",
        "Sat next to {first} at a friend's wedding and talked until the band stopped.",
    ),
    does=(
        "I teach maths to teenagers who think they hate maths.",
        "I keep an ICU running on the night shift.",
        "I write code for a bank and songs for nobody.",
    ),
    cares=(
        "Sunday lunches that last until dark.",
        "Running the London Marathon before turning fifty.",
        "Their allotment and their terrible jokes.",
    ),
    topics=(
        "the new job",
        "the half-marathon training",
        "the house move",
        "the book club pick",
        "holiday plans",
        "the kids' new school",
        "a trip to the coast in spring",
        "the new puppy",
        "the renovation",
        "the band's first gig in years",
    ),
    notes=(
        "Doesn't drink; bring good lemonade.",
        "Kids: two boys, both football-mad.",
        "Allergic to cats.",
        "Always up for a walk on Hampstead Heath.",
    ),
    private_notes=(
        "Father is ill; ask how he's doing.",
        "Money is tight since the job ended; don't suggest expensive plans.",
    ),
    promises=(
        "Lend {first} the book I mentioned.",
        "Send {first} the photos from the weekend.",
        "Book a date for dinner in the new year.",
    ),
    requests=(
        "{first} asked to borrow the tent for the summer.",
        "{first} asked for the name of our plumber.",
    ),
)

NEIGHBOUR = SegmentText(
    tags=("neighbours",),
    workplaces=(("", ("Retired", "Baker", "Bus driver", "Graphic designer", "Student")),),
    places=("our street", "the community garden", "the school gate", "the tennis club"),
    stories=(
        "Lives across the road; we met when {first} rescued our parcel from the rain.",
        "Met {first} at the community garden, arguing about tomatoes.",
        "Our kids were in the same class; we got talking at the school gate.",
    ),
    does=("I keep the community garden alive.", "I drive the 38 bus, early shift."),
    cares=("A street where people know each other's names.", "Their vegetable patch."),
    topics=(
        "the street party",
        "the parking plans",
        "the community garden",
        "the new bike shed",
        "a birthday party",
        "the broken fence",
    ),
    notes=("Has our spare key.", "Keeps an eye on the house when we're away."),
    private_notes=("Lives alone since last year; drop by now and then.",),
    promises=("Bring {first} some courgettes from the garden.", "Help {first} with the ladder."),
    requests=("{first} asked us to water the plants in August.",),
)

CLIENT = SegmentText(
    tags=("clients",),
    workplaces=(
        (
            "Kestrel Logistics",
            ("Head of Operations", "Team Lead Customer Service", "Warehouse Manager"),
        ),
        ("Brightwater Housing", ("Programme Manager", "Head of Housing Services")),
        ("Northfield Council", ("Head of Digital Services", "Team Leader Social Care")),
        ("Harbour Bank", ("Head of Operations", "Head of Finance", "Product Lead")),
        ("Larchmont School Trust", ("Deputy Head", "Chief Executive", "Head of HR")),
        ("Fenwick & Co Solicitors", ("Managing Partner", "Practice Manager")),
        ("Quayside Software", ("Engineering Manager", "Product Lead", "CTO")),
        ("Meridian Care", ("Director of Nursing", "Care Home Manager", "HR Business Partner")),
        ("Orchard Health", ("Practice Manager", "Clinical Lead", "Managing Director")),
    ),
    places=(
        "Leading Teams programme, London",
        "a workshop at their office",
        "an intake meeting",
        "the Heads of People round table",
    ),
    stories=(
        "Came to the Leading Teams programme and booked a coaching trajectory afterwards.",
        "First met at {place}; {first} wanted help with a team that had lost its spark.",
        "Booked an intake after reading my newsletter for a year.",
        "{first} was on the selection panel for the pilot and stayed on as a client.",
    ),
    does=(
        "I lead a team of twelve that keeps the lights on.",
        "I help managers grow into their first leadership role.",
        "I run operations for three warehouses.",
        "I make sure our nurses have what they need to do their job.",
        "I turn strategy into something the teams can actually do.",
        "I look after the money and, lately, the people.",
        "I build software for housing associations.",
    ),
    cares=(
        "A team where people dare to say they don't know.",
        "Getting home in time for dinner with the kids.",
        "Fairness: everyone gets the same chances.",
        "Doing fewer things, but properly.",
        "Cycling to work, rain or shine.",
        "Mentoring young women in tech.",
    ),
    topics=(
        "the team restructuring",
        "the first hundred days as a manager",
        "giving feedback to a senior engineer",
        "the leadership offsite",
        "how to say no to the board",
        "the hiring plan for next year",
        "the reorganisation of the support team",
        "a difficult conversation with a team lead",
        "the next coaching trajectory",
        "workload and burnout on the team",
        "the annual review round",
        "the new strategy",
    ),
    notes=(
        "Prefers calls early in the morning, before 8:30.",
        "Likes a written summary after each session.",
        "Has two teenagers and a dog called Biscuit.",
        "Invoices go through procurement: always mention the PO number.",
        "Reads everything on paper; bring printed handouts.",
        "Moved down from Glasgow three years ago; still misses the hills.",
    ),
    private_notes=(
        "Struggling with a new director who micromanages; handle with care.",
        "Mentioned a burnout a few years ago; keep an eye on the pace.",
        "Going through a divorce; don't bring up the house move.",
        "Considering leaving the company next year; confidential.",
    ),
    promises=(
        "Send {first} the article on {topic}.",
        "Introduce {first} to {other}.",
        "Share the exercise on giving feedback.",
        "Send a proposal for the next coaching trajectory.",
        "Book the follow-up session.",
        "Send the summary of our session on {topic}.",
    ),
    requests=(
        "{first} asked for a reading list on {topic}.",
        "{first} wants an introduction to someone who has been through a reorganisation.",
        "Review {first}'s plan for {topic}.",
        "{first} asked for the invoice to be split across two budgets.",
    ),
)

HOSPITALITY = SegmentText(
    tags=("clients", "hospitality"),
    workplaces=(
        ("The Copper Kettle", _KITCHEN_JOBS),
        ("Harbour Lights Hotel", ("General Manager", "Owner", "Front Office Manager")),
        ("Nonna's Kitchen", _KITCHEN_JOBS),
        ("Brew & Bloom", ("Owner", "Head Barista and co-owner")),
        ("The Old Forge", _KITCHEN_JOBS),
        ("Saltmarsh Bistro", _KITCHEN_JOBS),
    ),
    places=(
        "a workshop for the Independent Hospitality Network",
        "their restaurant",
        "a breakfast for small business owners",
    ),
    stories=(
        "Ran a half-day workshop for independent restaurants; {first} stayed behind with a "
        "long list of questions.",
        "{first} asked for help after a summer in which half the staff left.",
        "Started as a regular at {first}'s place; ended up coaching the management team.",
    ),
    does=(
        "I run a forty-cover restaurant and try to stay sane.",
        "I keep a small hotel going with a team of fifteen.",
        "I bake, I hire, and I fix the dishwasher.",
        "I make sure the guests never notice the chaos.",
    ),
    cares=(
        "Giving young people their first job.",
        "Local suppliers and seasonal food.",
        "A team that still laughs on a Saturday night.",
        "Not working every Sunday for the rest of my life.",
    ),
    topics=(
        "the energy bill",
        "staff shortages over the summer",
        "the quiet months after New Year",
        "the new lunch menu",
        "the terrace licence",
        "the rent increase",
        "keeping the team motivated after a hard season",
        "opening on Sundays",
    ),
    notes=(
        "Never call between 11:30 and 14:30 or after 17:00: service.",
        "Mondays are their day off.",
        "Team of about fifteen, many of them students.",
    ),
    private_notes=(
        "Worried about paying the bank back this winter.",
        "Partner wants to sell the business; {first} doesn't.",
    ),
    promises=(
        "Send {first} the template for the staff rota conversation.",
        "Introduce {first} to {other} about the energy contract.",
        "Share the checklist for planning the quiet season.",
    ),
    requests=(
        "{first} asked for tips on keeping staff through the winter.",
        "{first} asked me to look at the job advert for a new sous-chef.",
    ),
)

PROSPECT = SegmentText(
    tags=("prospects",),
    workplaces=(
        ("Northlight Media", ("Learning & Development Manager", "Head of People")),
        ("Greenleaf Kitchens", ("Head of Operations", "Kitchen Manager")),
        ("Arden Pharma", ("Head of Engineering", "Director of Operations")),
        ("Pelham Energy", ("Chief People Officer", "Team Lead")),
        ("Cobalt Insurance", ("COO", "Head of Claims")),
        ("Forge Analytics", ("Head of Engineering", "Founder")),
    ),
    places=(
        "an introductory call",
        "LinkedIn",
        "a webinar on feedback",
        "the HR Leaders breakfast",
    ),
    stories=(
        "Got in touch after my webinar on feedback.",
        "{first} read a post of mine on LinkedIn and asked for a coffee.",
        "Met {first} at {place}; they are looking for a programme for new managers.",
    ),
    does=(
        "I'm responsible for how our 300 people learn and grow.",
        "I'm building the operations team from scratch.",
        "I try to make our managers better at the human part.",
    ),
    cares=(
        "Learning that sticks, not another training day.",
        "A budget that goes further than slides.",
        "Proof that it works.",
    ),
    topics=(
        "a leadership programme for the managers",
        "the budget for next year",
        "a pilot with two teams",
        "the proposal",
        "the timeline for the pilot",
        "the intake conversations",
    ),
    notes=(
        "Decision in the first quarter; the budget holder is the CFO.",
        "Wants references from similar organisations.",
        "Prefers email; slow to reply during the holidays.",
    ),
    private_notes=(
        "Their previous coach was 'too soft'; be direct.",
        "Internal politics: HR and Operations disagree about the budget.",
    ),
    promises=(
        "Send {first} a proposal for a pilot with two teams.",
        "Send {first} two references.",
        "Send the case study on {topic}.",
        "Follow up with {first} after the intake.",
    ),
    requests=(
        "{first} asked for a quote for twelve managers.",
        "{first} asked for possible dates in the spring.",
    ),
)

COLLEAGUE = SegmentText(
    tags=("colleagues",),
    workplaces=(
        ("Self-employed", ("Executive coach", "Team coach", "Facilitator", "Trainer")),
        ("Self-employed", ("Mediator", "Career coach", "Leadership trainer")),
        ("The Coaching Collective", ("Executive coach", "Team coach")),
        ("Clearwater Consulting", ("Organisational psychologist", "Consultant")),
        ("Fieldwork Facilitation", ("Facilitator", "Trainer")),
        ("Sparrow & Stone", ("Career coach", "Partner")),
    ),
    places=(
        "the coaching certification course",
        "our peer supervision group",
        "a facilitation meetup",
        "a shared client",
    ),
    stories=(
        "We were in the same certification group; {first} always asked the best questions.",
        "We co-facilitated a workshop for a shared client and it just clicked.",
        "{first} joined our peer supervision group three years ago.",
    ),
    does=(
        "I coach teams that have forgotten how to talk to each other.",
        "I design workshops that people actually want to attend.",
        "I help people find work that fits them.",
        "I mediate when teams are stuck in conflict.",
    ),
    cares=(
        "Doing good work without working every evening.",
        "Keeping coaching honest: no tricks, no hype.",
        "Learning from other coaches.",
        "An allotment and three chickens.",
    ),
    topics=(
        "the Leading Teams programme",
        "a joint workshop in the spring",
        "day rates for next year",
        "peer supervision",
        "a shared client",
        "the new coaching certification",
        "getting enough work over the summer",
        "the podcast idea",
    ),
    notes=(
        "Has a waiting list; only refer clients who can wait a month.",
        "Good at large-group facilitation; ask for the big workshops.",
        "Runs a peer supervision group every second Thursday.",
    ),
    private_notes=(
        "Had a rough year financially; send work their way when possible.",
        "Not a fan of {other}; don't put them on one project.",
    ),
    promises=(
        "Send {first} my notes on {topic}.",
        "Introduce {first} to {other}.",
        "Share my pricing sheet with {first}.",
        "Ask {first} to co-facilitate the spring workshop.",
    ),
    requests=(
        "{first} asked if I can take over a client in May.",
        "{first} asked for feedback on a new workshop design.",
        "{first} wants to swap supervision sessions.",
    ),
)

_EVENT_JOBS = (
    "Agile Coach",
    "Scrum Master",
    "Engineering Manager",
    "Product Owner",
    "Head of Delivery",
    "UX Researcher",
    "Data Scientist",
)
_EVENT_WORKPLACES = tuple(
    (organisation, _EVENT_JOBS)
    for organisation in (
        "Quayside Software",
        "Bluebell Analytics",
        "Arden Pharma",
        "Lumen Labs",
        "Thistle Bank",
        "Open Rail",
        "Mapleworks",
        "Cobalt Insurance",
    )
)
_EVENT_DOES = (
    "I help product teams ship smaller things more often.",
    "I make sure engineers get to do their best work.",
    "I research how people really use our app.",
    "I coach three Scrum teams and one very busy product owner.",
)
_EVENT_CARES = (
    "Psychological safety, and the boring habits that create it.",
    "Remote teams that still feel like teams.",
    "Getting more women to speak at tech conferences.",
    "Good coffee and short meetings.",
)

CONFERENCE = SegmentText(
    tags=(),
    workplaces=_EVENT_WORKPLACES,
    places=(
        "Lean Agile Scotland, Edinburgh",
        "Leading Tech Teams Summit, Amsterdam",
        "Agile Coaching Retreat, Bristol",
        "People & Teams Conference, London",
        "DevOpsDays London",
    ),
    stories=(
        "Sat next to {first} at the keynote at {place}; we missed half of it talking.",
        "{first} asked the best question after my talk at {place}.",
        "Met in the coffee queue at {place}.",
        "Ended up in the same open-space session at {place} and went for dinner afterwards.",
    ),
    does=_EVENT_DOES,
    cares=_EVENT_CARES,
    topics=(
        "the talk on psychological safety",
        "the slides from the workshop",
        "next year's programme",
        "speaking at the next edition",
        "the book recommended in the Q&A",
        "remote retrospectives",
    ),
    notes=(
        "Gave a talk on psychological safety; the slides are on their website.",
        "Wants to speak at the next edition.",
        "Vegetarian; remember for the speakers' dinner.",
    ),
    private_notes=("Looking for a new job; told me in confidence.",),
    promises=(
        "Send {first} the slides from my talk.",
        "Send {first} the title of the book from the Q&A.",
        "Connect {first} with {other}.",
    ),
    requests=(
        "{first} asked for feedback on a talk proposal.",
        "{first} asked me to review a chapter on {topic}.",
    ),
)

MEETUP = SegmentText(
    tags=("meetup",),
    workplaces=_EVENT_WORKPLACES,
    places=(
        "Agile Coaches Meetup, Shoreditch",
        "Facilitation Friday, London",
        "the Coaching Circle in Brixton",
        "Product People pub night",
    ),
    stories=(
        "Met at {place}; {first} gave a lightning talk on silent brainstorming.",
        "{first} hosted {place} one evening and we stayed to help stack the chairs.",
        "Paired up with {first} for an exercise at {place}.",
    ),
    does=_EVENT_DOES,
    cares=_EVENT_CARES,
    topics=(
        "the next meetup",
        "hosting a session at our place",
        "the lightning talk",
        "remote facilitation tools",
        "the coaching circle",
    ),
    notes=(
        "Organises the meetup every other month.",
        "Always brings homemade brownies.",
    ),
    private_notes=("Mentioned their team is being let go in the spring.",),
    promises=(
        "Send {first} the link to the facilitation cards.",
        "Ask {first} to speak at the next meetup.",
    ),
    requests=(
        "{first} asked whether our office can host a meetup.",
        "{first} asked for the name of the venue we used.",
    ),
)

ONLINE = SegmentText(
    tags=("online",),
    workplaces=(
        ("Self-employed", ("Writer", "Coach", "Designer", "Newsletter writer")),
        ("Lumen Labs", ("Engineering Manager", "Designer", "Founder")),
        ("Open Rail", ("Engineering Manager", "Product Manager")),
        ("Bluebell Analytics", ("Founder", "Data Scientist")),
        ("", ("Writer", "Illustrator")),
    ),
    places=(
        "a thread about one-to-ones",
        "a post on feedback",
        "a discussion about remote teams",
        "a newsletter reply",
    ),
    stories=(
        "Followed each other on {channel} for years before we ever spoke.",
        "{first} replied to a post of mine on {channel} with a better example than mine.",
        "Got talking on {channel} about {topic}; moved to a video call a week later.",
    ),
    does=(
        "I write a weekly newsletter for new managers.",
        "I design tools for teams that work across time zones.",
        "I help founders hire their first ten people.",
    ),
    cares=(
        "The open web, and owning what you write.",
        "Slow, thoughtful work.",
        "Kindness in public conversations.",
    ),
    topics=(
        "a thread on remote teams",
        "the newsletter",
        "a guest episode",
        "the blog post on one-to-ones",
        "a book recommendation",
        "moving to Mastodon",
    ),
    notes=(
        "Posts mostly in the evening, UK time.",
        "Writes long threads; read the whole thing before replying.",
    ),
    private_notes=("Had a rough time with online harassment last year.",),
    promises=(
        "Send {first} my notes for the guest episode.",
        "Share {first}'s newsletter with {other}.",
    ),
    requests=(
        "{first} asked me to be a guest on the podcast.",
        "{first} asked for a quote for an article on {topic}.",
    ),
)

SUPPLIER = SegmentText(
    tags=("suppliers",),
    workplaces=(
        ("Pennant Print", ("Printer", "Owner")),
        ("Ledger & Co", ("Accountant", "Bookkeeper")),
        ("Bright Pixel Studio", ("Designer", "Web developer")),
        ("Fernbank IT", ("IT support",)),
    ),
    places=("a recommendation", "a local business breakfast", "their shop"),
    stories=(
        "{first} was recommended by two people in the same week, so I called.",
        "Found {first} through the local business breakfast.",
    ),
    does=("I make small businesses look as good as they are.", "I keep the numbers boring."),
    cares=("Work done properly, on time.", "Paper that feels good in the hand."),
    topics=(
        "the quarterly VAT return",
        "the invoices for the programme",
        "the new website",
        "printing the workbooks",
        "the annual accounts",
    ),
    notes=("Send everything before the 20th of the month.",),
    private_notes=(),
    promises=("Send {first} the receipts for the quarter.", "Approve the proof for {first}."),
    requests=("{first} asked for the mileage log.",),
)

CAST: dict[str, CastText] = {
    "partner": CastText(
        name="Daniel Hughes",
        organisation="Southbank Children's Hospital",
        job_title="Paediatric nurse",
        met_at="Claire's birthday party, Bristol",
        met_story="Claire's flatmate's brother. We talked all night about Springsteen and "
        "missed the last train.",
        what_they_do="I look after very small, very ill people, and their parents.",
        what_they_care_about="Sunday mornings without an alarm; cycling holidays in France.",
        emails=("dan.hughes@example.com",),
        phones=("+44 7958 204317",),
        address=AddressRow("14 Cressida Road", "N19 3JW", "London", "United Kingdom", "home"),
        moments=(
            MomentRow(
                "shared",
                "Walked the Pembrokeshire coast path together in May; three days of rain "
                "and laughing.",
                190,
            ),
            MomentRow(
                "grateful",
                "Dan took over every school run in the month before my book deadline.",
                120,
            ),
            MomentRow("strength", "Stays calm in every crisis, at home and on the ward.", 40),
        ),
        notes=(NoteRow("Wants the new Springsteen biography for his birthday.", 300),),
        follow_ups=(
            FollowUpRow(
                "Book the table at the Portuguese place for our anniversary.", 170, done=True
            ),
            FollowUpRow("Plan the cycling holiday in the Loire for next summer.", 12),
        ),
        events=(
            EventRow(155, "gift", "Anniversary: tickets for the Springsteen tribute night.", "me"),
            EventRow(
                60, "meeting", "Date night at last: the little Portuguese place in Kentish Town."
            ),
        ),
    ),
    "daughter": CastText(
        name="Zoë Hughes",
        organisation="University of Leeds",
        job_title="Psychology student",
        what_they_do="I study psychology and work two evenings in a café.",
        what_they_care_about="Climate, her friends, and vintage jackets.",
        emails=("zoe.hughes@example.net",),
        phones=("+44 7823 551902",),
        socials=("https://instagram.com/zoe.h.draws",),
        address=AddressRow("22 Brudenell Grove", "LS6 1HR", "Leeds", "United Kingdom", "student"),
        moments=(
            MomentRow(
                "shared",
                "Drove Zoë to Leeds in September; we unpacked and ate chips on the floor of "
                "her room.",
                80,
            ),
        ),
        follow_ups=(
            FollowUpRow(
                "Send Zoë the recipe for Granny's shepherd's pie.",
                45,
                direction="request",
                done=True,
            ),
            FollowUpRow("Book train tickets for Zoë to come home for Christmas.", 5, due_in_days=9),
        ),
    ),
    "son": CastText(
        name="Sam Hughes",
        organisation="Highgate Wood School",
        job_title="Year 12 student",
        what_they_care_about="Football (Arsenal), FIFA and sleeping in.",
        phones=("+44 7823 661044",),
        address=AddressRow("14 Cressida Road", "N19 3JW", "London", "United Kingdom", "home"),
        moments=(
            MomentRow(
                "strength",
                "Sam coaches the under-10s on Saturday mornings and never loses his patience.",
                100,
            ),
        ),
    ),
    "mother": CastText(
        name="Margaret Bennett",
        nickname="Mum",
        job_title="Retired primary school teacher",
        what_they_care_about="The grandchildren, the church choir and her roses.",
        phones=("+44 1227 453812", "+44 7386 190244"),
        emails=("maggie.bennett@example.org",),
        address=AddressRow("3 Orchard Close", "CT2 7PB", "Canterbury", "United Kingdom", "home"),
        notes=(
            NoteRow("Hip operation planned for early next year; offer to stay the week after.", 20),
            NoteRow("Worried about Dad's memory; he forgot the car keys in the fridge.", 70, True),
        ),
        moments=(
            MomentRow(
                "grateful",
                "Mum came up for a week when I had flu and the kids were small; I still think "
                "of it.",
                200,
            ),
        ),
        follow_ups=(
            FollowUpRow("Help Mum set up video calls on the new tablet.", 10, due_in_days=10),
        ),
        events=(
            EventRow(
                95,
                "meeting",
                "Weekend in Canterbury; walked along the river and had tea in the garden.",
                with_keys=("father",),
            ),
        ),
    ),
    "father": CastText(
        name="Peter Bennett",
        nickname="Dad",
        job_title="Retired engineer",
        what_they_care_about="His allotment, cricket on the radio and a good crossword.",
        phones=("+44 1227 453812",),
        address=AddressRow("3 Orchard Close", "CT2 7PB", "Canterbury", "United Kingdom", "home"),
        moments=(
            MomentRow(
                "shared",
                "Dad showed me how to tie up the runner beans, like when I was seven.",
                95,
            ),
        ),
    ),
    "sister": CastText(
        name="Claire Bennett",
        organisation="Redland Green Surgery",
        job_title="GP",
        phones=("+44 7544 203918",),
        emails=("claire.bennett@example.com",),
        address=AddressRow("41 Cotham Brow", "BS6 6AR", "Bristol", "United Kingdom", "home"),
        what_they_care_about="Her patients, wild swimming and her daughter Lily.",
        notes=(NoteRow("Starting a part-time master's in public health in January.", 35),),
        follow_ups=(
            FollowUpRow(
                "Plan Mum's birthday party with Claire.", 15, direction="request", due_in_days=4
            ),
        ),
        events=(
            EventRow(35, "call", "Long call with Claire about Mum's hip operation.", "me"),
            EventRow(3, "voicemail", "Tried Claire about Mum's party; left a voicemail.", "me"),
        ),
    ),
    "brother_in_law": CastText(
        name="Tom Whitaker",
        organisation="Whitaker Lowe Architects",
        job_title="Architect",
        met_at="Claire's thirtieth, Bristol",
        phones=("+44 7544 771062",),
        what_they_care_about="Timber buildings, sourdough and Bristol City, in that order.",
    ),
    "niece": CastText(
        name="Lily Whitaker",
        what_they_care_about="Horses and drawing horses.",
        events=(EventRow(30, "video", "Lily showed me her riding rosette on video."),),
    ),
    "best_friend": CastText(
        name="Rachel Okafor",
        organisation="Moss Side Academy",
        job_title="Headteacher",
        met_at="St Anne's School, Canterbury",
        met_story="Best friends since the first week of secondary school, when we both got "
        "lost looking for the science block.",
        what_they_do="I run a school of 900 kids and I know most of their names.",
        what_they_care_about="Kids who get written off, and proving everyone wrong about them.",
        emails=("rachel.okafor@example.com",),
        phones=("+44 7469 318420",),
        address=AddressRow("9 Clarendon Road", "M16 8LD", "Manchester", "United Kingdom"),
        moments=(
            MomentRow(
                "grateful",
                "Rachel drove down from Manchester the day after Geoffrey died, just to sit "
                "with me.",
                148,
            ),
            MomentRow(
                "strength",
                "Rachel fights for every kid as if they were her own.",
                60,
            ),
        ),
        notes=(NoteRow("Ofsted inspection expected in the spring; she's nervous.", 25, True),),
    ),
    "friend_a": CastText(
        name="Priya Shah",
        organisation="Camden Council",
        job_title="Urban planner",
        met_at="our old street in Hackney",
        met_story="Neighbours in Hackney; Priya knocked on the door with a misdelivered "
        "birthday cake and stayed for a slice.",
        phones=("+44 7722 409133",),
        emails=("priya.shah@example.net",),
        what_they_care_about="Cities where children can walk to school alone.",
        moments=(
            MomentRow(
                "shared",
                "New Year's Eve at Priya and Mark's; we played charades until three.",
                327,
            ),
        ),
        follow_ups=(FollowUpRow("Return the big casserole dish to Priya.", 20, due_in_days=-3),),
    ),
    "friend_b": CastText(
        name="Mark Ellis",
        job_title="Sound engineer",
        phones=("+44 7722 409871",),
        what_they_care_about="Vinyl, cycling and their rescue greyhound, Pepper.",
    ),
    "ana": CastText(
        name="Ana Rodrigues",
        organisation="Atelier Rodrigues Arquitetos",
        job_title="Architect",
        met_at="Erasmus year, Lisbon",
        met_story="Shared a tiny flat in Alfama during my Erasmus year; Ana taught me to "
        "swear in Portuguese.",
        what_they_do="I restore old buildings in Lisbon so people can keep living in them.",
        what_they_care_about="Lisbon staying a city for the people who live there.",
        emails=("ana.rodrigues@example.org",),
        phones=("+351 912 345 678",),
        socials=("https://instagram.com/ana.rodrigues.arq",),
        address=AddressRow("Rua de São Miguel 12", "1100-544", "Lisboa", "Portugal", "home"),
        moments=(
            MomentRow(
                "shared",
                "Watching the sunset from the Miradouro da Graça with Ana, twenty years on.",
                300,
            ),
        ),
        follow_ups=(
            FollowUpRow("Ask Ana about visiting Lisbon in the spring.", 3, due_in_days=14),
        ),
    ),
    "bas": CastText(
        name="Sebastiaan de Bruijn",
        nickname="Bas",
        organisation="De Bruijn Teamcoaching",
        job_title="Team coach and trainer",
        met_at="Team coaching certification, Amsterdam",
        met_story="We were paired for the practice sessions on the team coaching course; "
        "now we run the Leading Teams programme together.",
        what_they_do="I help teams stop having the same argument every week.",
        what_they_care_about="Honest feedback, strong coffee and his racing bike.",
        emails=("bas@debruijn-teamcoaching.example",),
        phones=("+31 6 41285530",),
        websites=("https://debruijn-teamcoaching.example",),
        socials=("https://www.linkedin.com/in/basdebruijn", "@basdebruijn@mastodon.nl"),
        tags=("team",),
        moments=(
            MomentRow(
                "strength",
                "Bas can turn a tense room around with one well-timed joke.",
                200,
            ),
            MomentRow(
                "grateful",
                "Bas took over the whole Leading Teams cohort in the week of Geoffrey's funeral.",
                145,
            ),
        ),
        follow_ups=(
            FollowUpRow("Send Bas the evaluation results of the autumn cohort.", 6, due_in_days=0),
            FollowUpRow(
                "Bas asked me to review the new module on conflict.",
                9,
                direction="request",
                due_in_days=12,
            ),
        ),
    ),
    "assistant": CastText(
        name="Hannah Price",
        organisation="Price Virtual Assistance",
        job_title="Virtual assistant",
        met_story="Bas worked with Hannah on a programme in London and said she was the most "
        "organised person he had ever met. He was right.",
        what_they_do="I keep busy people's calendars and inboxes under control.",
        emails=("hannah@pricevirtual.example",),
        phones=("+44 7958 553021",),
        tags=("team",),
        moments=(
            MomentRow(
                "grateful",
                "Hannah rebooked forty participants in one afternoon when the venue flooded.",
                90,
            ),
        ),
    ),
    "mentor": CastText(
        name="Geoffrey Lane",
        job_title="Executive coach (retired)",
        met_at="my first job, at Harbour Bank",
        met_story="Geoffrey was my first manager and later my supervisor as a coach. He "
        "taught me to ask one more question before giving advice.",
        what_they_do="I used to coach CEOs. Now I coach tomatoes.",
        what_they_care_about="Curiosity, long lunches and his wife Judith.",
        emails=("geoffrey.lane@example.org",),
        phones=("+44 1494 721803",),
        address=AddressRow(
            "The Old Rectory, Church Lane", "HP16 0RA", "Great Missenden", "United Kingdom"
        ),
        moments=(
            MomentRow(
                "grateful",
                "Geoffrey read every page of my first programme design and sent it back with "
                "kind, merciless notes.",
                250,
            ),
            MomentRow(
                "strength", "Geoffrey listened as if nothing else in the world existed.", 160
            ),
        ),
        notes=(NoteRow("Geoffrey died peacefully at home on a Sunday morning.", 150),),
    ),
    "mentor_partner": CastText(
        name="Judith Lane",
        job_title="Retired pianist",
        phones=("+44 1494 721803",),
        address=AddressRow(
            "The Old Rectory, Church Lane", "HP16 0RA", "Great Missenden", "United Kingdom"
        ),
        events=(
            EventRow(
                144,
                "meeting",
                "Geoffrey's funeral in Great Missenden. Judith asked me to read the poem.",
            ),
            EventRow(140, "card", "Sent Judith a card with three memories of Geoffrey.", "me"),
            EventRow(62, "call", "Called Judith; she is playing the piano again.", "me"),
        ),
        follow_ups=(FollowUpRow("Visit Judith before Christmas.", 30, due_in_days=21),),
    ),
    "accountant": CastText(
        name="Nadia Karim",
        organisation="Ledger & Co",
        job_title="Accountant",
        met_story="Rachel's accountant for years; she said Nadia is the only person who ever "
        "made tax feel calm.",
        emails=("nadia@ledgerandco.example",),
        phones=("+44 20 7946 0318",),
        follow_ups=(
            FollowUpRow(
                "Nadia asked for the receipts for the third quarter.",
                14,
                direction="request",
                due_in_days=-1,
            ),
        ),
    ),
    "denise": CastText(
        name="Denise van Iersel",
        organisation="Kestrel Logistics",
        job_title="Head of People",
        met_at="Leading Teams programme, London",
        met_story="Bas coached Denise's team in Rotterdam; when she moved to the London "
        "office he introduced us.",
        what_they_do="I make sure 400 people in three countries have a good place to work.",
        what_they_care_about="Managers who listen, and a good night's sleep.",
        emails=("denise.vaniersel@kestrel-logistics.example",),
        phones=("+44 7958 320884", "+31 6 28440193"),
        socials=("https://www.linkedin.com/in/denisevaniersel",),
        moments=(
            MomentRow(
                "strength",
                "Denise says the hard thing in the board meeting so her managers don't have to.",
                75,
            ),
        ),
        notes=(
            NoteRow("Dutch, moved to London two years ago; misses her bike.", 340),
            NoteRow("Is leading the restructuring of the warehouse teams.", 100),
        ),
        follow_ups=(
            FollowUpRow(
                "Send Denise the proposal for next year's managers' programme.", 4, due_in_days=6
            ),
        ),
        events=(
            EventRow(
                48,
                "meeting",
                "Half-day at Kestrel with Denise and Oliver to plan the managers' programme.",
                with_keys=("thijs",),
            ),
        ),
    ),
    "thijs": CastText(
        name="Oliver Grant",
        organisation="Kestrel Logistics",
        job_title="Operations Lead",
        met_at="Kestrel Logistics, London",
        met_story="Denise asked me to coach Oliver in his first year as Operations Lead.",
        what_they_do="I make sure 200 lorries leave on time, every day.",
        what_they_care_about="His team's safety and his daughter's swimming galas.",
        emails=("oliver.grant@kestrel-logistics.example",),
        phones=("+44 7386 422019",),
        notes=(NoteRow("Nervous about presenting to the board; practise with him.", 50, True),),
    ),
    "client_founder": CastText(
        name="Sophie Marsh",
        organisation="Marsh & Crumb Bakeries",
        job_title="Founder",
        met_at="LinkedIn",
        met_story="Sophie commented on a post of mine about staff turnover in hospitality; "
        "a week later we were having coffee in her first bakery.",
        what_they_do="Six bakeries in south London, and a team of sixty.",
        what_they_care_about="Bread that's worth getting up for, and a fair wage for bakers.",
        emails=("sophie@marshandcrumb.example",),
        phones=("+44 7469 610237",),
        websites=("https://marshandcrumb.example",),
        socials=("https://www.linkedin.com/in/sophiemarsh", "https://instagram.com/marshandcrumb"),
        address=AddressRow("88 Bellenden Road", "SE15 4QY", "London", "United Kingdom", "work"),
        moments=(
            MomentRow(
                "strength",
                "Sophie kept every baker on the payroll through the worst winter, without "
                "making a show of it.",
                210,
            ),
            MomentRow(
                "shared",
                "Five a.m. in the Bellenden Road bakery, watching the first loaves come out.",
                130,
            ),
        ),
        notes=(
            NoteRow("Energy costs doubled; two bakeries might close in the new year.", 18),
            NoteRow("Thinking about selling the business; told me in confidence.", 33, True),
        ),
        follow_ups=(
            FollowUpRow(
                "Introduce Sophie to an energy broker who works with small businesses.",
                8,
                due_in_days=2,
            ),
        ),
        events=(
            EventRow(
                18,
                "meeting",
                "Walked through the numbers with Sophie in the bakery; asked how she is really "
                "doing. Tired, but not giving up.",
                "me",
            ),
        ),
    ),
    "jeroen": CastText(
        name="Jeroen van de Ven",
        organisation="Tidewater",
        job_title="Head of Platform",
        met_at="Leading Tech Teams Summit, Amsterdam",
        met_story="Jeroen came up after my workshop on feedback and asked whether I coach "
        "engineering managers. Two months later his whole platform team joined.",
        what_they_do="I lead the platform team at a Rotterdam scale-up: forty engineers, "
        "one very old database.",
        what_they_care_about="Teams that own their work, and sailing on the Veerse Meer.",
        emails=("jeroen.vandeven@tidewater.example",),
        phones=("+31 6 51847262",),
        socials=("https://x.com/jeroenvdven", "https://www.linkedin.com/in/jeroenvandeven"),
        notes=(
            NoteRow("Prefers video calls on Tuesday or Thursday afternoon, Dutch time.", 300),
            NoteRow("His team is moving to a four-day week as a pilot.", 40),
        ),
        follow_ups=(
            FollowUpRow(
                "Send Jeroen the feedback exercise in English and Dutch.", 2, due_in_days=5
            ),
        ),
    ),
    "prospect_hot": CastText(
        name="Amara Nwosu",
        organisation="Greenleaf Kitchens",
        job_title="COO",
        met_at="Marsh & Crumb, Bellenden Road",
        met_story="Sophie introduced us over coffee: Amara is building the management team "
        "of a fast-growing catering company.",
        what_they_do="I turn a kitchen that grew too fast into a company.",
        what_they_care_about="Promoting from within: half her managers started as kitchen porters.",
        emails=("amara.nwosu@greenleaf.example",),
        phones=("+44 7823 904415",),
        follow_ups=(
            FollowUpRow(
                "Send Amara a proposal for a pilot with her six kitchen managers.",
                3,
                due_in_days=8,
            ),
            FollowUpRow(
                "Amara asked for a reference from another hospitality client.",
                10,
                direction="request",
                done=True,
            ),
        ),
    ),
    "dup_a": CastText(
        name="Catherine Walsh",
        organisation="Northlight Media",
        job_title="Learning & Development Manager",
        met_at="LinkedIn",
        emails=("catherine.walsh@example.com",),
        phones=("+44 7958 730154",),
        socials=("https://www.linkedin.com/in/catherinewalsh",),
        notes=(NoteRow("Interested in a programme for new team leads.", 300),),
    ),
    "dup_b": CastText(
        name="Cathy Walsh",
        organisation="Northlight",
        job_title="L&D Manager",
        met_at="People & Teams Conference, London",
        emails=("cathy.walsh@northlight.example",),
        phones=("+447958730154",),
    ),
    "lapsed_client": CastText(
        name="Gareth Pryce",
        organisation="Fernhill Software",
        job_title="CTO",
        met_story="Coached Gareth and his leadership team for two years, until Fernhill was "
        "bought by an American company.",
        emails=("gareth.pryce@example.net",),
        phones=("+44 7544 118730",),
        notes=(NoteRow("Fernhill has been acquired; Gareth is taking a year off.", 290),),
    ),
    "jose": CastText(
        name="José Müller",
        organisation="Helvetic Rail Digital",
        job_title="Engineering Manager",
        met_at="Lean Agile Scotland, Edinburgh",
        met_story="We had been replying to each other on Twitter for years. At Lean Agile "
        "Scotland José walked up and said: 'You're the feedback person!'",
        what_they_do="I help train-timetable software teams in Zurich work less frantically.",
        what_they_care_about="Trains, obviously. And making on-call bearable.",
        emails=("jose.muller@helvetic-rail.example",),
        phones=("+41 79 123 45 67",),
        socials=("https://twitter.com/josemueller_dev", "@josemueller@fosstodon.org"),
        moments=(
            MomentRow(
                "shared",
                "A late train back from Edinburgh with José, talking about our fathers.",
                180,
            ),
        ),
    ),
    "soren": CastText(
        name="Søren Madsen",
        organisation="Studio Madsen",
        job_title="Service designer",
        met_at="a Mastodon thread on design critique",
        met_story="Søren answered a question of mine about running design critiques, with "
        "drawings. We have been swapping ideas ever since.",
        what_they_do="I design public services people can use without crying.",
        what_they_care_about="Copenhagen's bike lanes, and design that is kind.",
        emails=("soren@studiomadsen.example",),
        phones=("+45 20 12 34 56",),
        socials=("@soren@mastodon.social",),
        websites=("https://studiomadsen.example",),
    ),
    "podcaster": CastText(
        name="Ruth Adeyemi",
        organisation="The Attentive Manager podcast",
        job_title="Podcast host",
        met_at="Mastodon",
        met_story="Ruth boosted a post of mine and then asked me on her podcast.",
        what_they_do="I interview managers about the conversations they dread.",
        what_they_care_about="Giving quiet people a microphone.",
        emails=("ruth@attentivemanager.example",),
        socials=("@ruthadeyemi@mastodon.social",),
        websites=("https://attentivemanager.example",),
        follow_ups=(
            FollowUpRow(
                "Ruth asked me to come back for an episode on check-in rounds.",
                6,
                direction="request",
                due_in_days=26,
            ),
        ),
    ),
    "organiser": CastText(
        name="Fiona MacLeod",
        organisation="Lean Agile Scotland",
        job_title="Programme chair",
        met_at="Lean Agile Scotland, Edinburgh",
        met_story="Fiona invited me to run a workshop at Lean Agile Scotland after seeing me "
        "speak in Bristol.",
        what_they_do="I put together a conference that people come back to every year.",
        what_they_care_about="New voices on stage, and proper Scottish tablet at the break.",
        emails=("fiona@leanagilescotland.example",),
        phones=("+44 7544 920377",),
        socials=("https://www.linkedin.com/in/fionamacleod",),
        follow_ups=(
            FollowUpRow("Submit a talk proposal for next year's edition.", 20, due_in_days=35),
        ),
    ),
}

# Name pools are long lists of short words: kept compact by hand.
# fmt: off
GIVEN_FEMALE = (
    "Olivia", "Amelia", "Isla", "Grace", "Freya", "Charlotte", "Alice", "Harriet",
    "Imogen", "Lucy", "Megan", "Niamh", "Siobhan", "Chloe", "Jessica", "Laura", "Helen",
    "Sarah", "Kirsty", "Beth", "Aisha", "Fatima", "Maya", "Naomi", "Rosie", "Eleanor",
    "Abigail", "Joanne", "Esther", "Yasmin",
)
GIVEN_MALE = (
    "James", "Harry", "George", "Jack", "Alfie", "Callum", "Ewan", "Rhys", "Owen", "Ben",
    "Luke", "Matthew", "Andrew", "Stuart", "Neil", "Dominic", "Patrick", "Ravi", "Arjun",
    "Kwame", "Tomasz", "Joe", "Nathan", "Simon", "Ian", "Craig", "Adam", "Will", "Finn",
    "Hamish",
)
FAMILY_NAMES = (
    "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Johnson", "Roberts", "Walker",
    "Wright", "Robinson", "Thompson", "White", "Edwards", "Green", "Hall", "Wood", "Harris",
    "Martin", "Jackson", "Lewis", "Morgan", "Cooper", "Hill", "Ward", "Morris", "King",
    "Watson", "Campbell", "Stewart", "Murray", "Kelly", "O'Connor", "Byrne", "Patel",
    "Khan", "Ahmed", "Chen", "Novak", "Fletcher", "Barnes", "Holloway", "Carter", "Doyle",
    "Lynch", "Sinclair", "Mensah", "Das", "Quinn", "Gallagher", "Reid", "Hussain",
    "Bailey", "Hart", "Foster", "Pearson", "Lloyd", "Kaur", "Osei", "Ferguson", "Webb",
)
STREETS = (
    "Albert Road", "Victoria Street", "Church Lane", "Station Road", "Mill Lane",
    "Park Avenue", "Queen's Road", "Elm Grove", "Marlborough Terrace", "Windsor Crescent",
)
# fmt: on

LOCALE = DemoLocale(
    vault_name="Demo",
    freelance="Self-employed",
    label_work="work",
    label_home="home",
    label_mobile="mobile",
    label_personal="personal",
    wedding_label="Wedding anniversary",
    work_anniversary_label="Started the business",
    given_female=GIVEN_FEMALE,
    given_male=GIVEN_MALE,
    family_names=FAMILY_NAMES,
    international_names=INTERNATIONAL_NAMES,
    personal_email_domains=("example.com", "example.net", "example.org"),
    cities=(
        City("London", ("N19", "SE15", "E8", "NW5", "SW9"), "United Kingdom"),
        City("Bristol", ("BS6", "BS3"), "United Kingdom"),
        City("Manchester", ("M16", "M20"), "United Kingdom"),
        City("Brighton", ("BN1", "BN2"), "United Kingdom"),
        City("Canterbury", ("CT1", "CT2"), "United Kingdom"),
    ),
    streets=STREETS,
    places=(
        "the Monmouth café in Borough",
        "the café at the British Library",
        "Dishoom King's Cross",
        "the café at the Barbican",
        "the café at Tate Modern",
        "the Italian place near Old Street",
    ),
    make_phone=_phone,
    make_postal_code=_postal_code,
    conference_tag="conference-{year}",
    tag_colours={
        "family": "#db2777",
        "friends": "#f59e0b",
        "neighbours": "#84cc16",
        "clients": "#2563eb",
        "hospitality": "#dc2626",
        "prospects": "#7c3aed",
        "colleagues": "#0d9488",
        "team": "#059669",
        "meetup": "#0891b2",
        "online": "#6366f1",
        "suppliers": "#78716c",
    },
    summaries={"work": WORK_SUMMARIES, "personal": PERSONAL_SUMMARIES},
    moments=MOMENTS,
    first_meeting=("Met {first} at {place}.", "First conversation with {first}, at {place}."),
    season_card=(
        "<Sent a season's greetings card with a handwritten note.",
        "<Christmas card with a few lines about the year we had.",
        "<New Year card: thanked {first} for a good year.",
    ),
    birthday={
        "card": ("<Birthday card in the post.", "<Sent a birthday card with a short letter."),
        "gift": ("<Birthday present and a card.", "<Sent a birthday present."),
        "message": ("<Happy birthday message.", "<Sent birthday wishes."),
        "call": ("<Called to sing happy birthday, badly.", "<Birthday call."),
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
