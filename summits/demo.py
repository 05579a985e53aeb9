"""Demo schedule: one programme, a finished pilot with a "go with changes" decision, and a
published rollout across the seven NHS England regions. Idempotent: rows are found by
their natural keys (slug, code, name) and left alone if they exist."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from summits.enums import CostCategory, PhaseKind, PilotDecisionOutcome, Region, SessionStatus, Theme
from summits.models import CostLine, Facilitator, FocusArea, Phase, PilotDecision, Programme, Session, Venue
from summits.services import SessionDetails, create_session, grant_staff_role, publish_session

ORGANISER_EMAIL = "organiser@example.nhs.uk"
EVALUATOR_EMAIL = "evaluator@example.nhs.uk"

VENUES = [
    ("Wellington House Conference Suite", "133-155 Waterloo Road", "London", "SE1 8UG", Region.LONDON, 60),
    ("Quarry House Learning Centre", "Quarry Hill", "Leeds", "LS2 7UE", Region.NORTH_EAST_AND_YORKSHIRE, 50),
    ("Etihad Campus Education Centre", "Ashton New Road", "Manchester", "M11 3FF", Region.NORTH_WEST, 45),
    ("Birmingham Innovation Hub", "1 Centenary Square", "Birmingham", "B1 2DR", Region.MIDLANDS, 50),
    ("Cambridge Clinical School Rooms", "Hills Road", "Cambridge", "CB2 0SP", Region.EAST_OF_ENGLAND, 40),
    ("Reading Health Campus", "London Road", "Reading", "RG1 5AN", Region.SOUTH_EAST, 40),
    ("Exeter Science Park Centre", "6 Babbage Way", "Exeter", "EX5 2FN", Region.SOUTH_WEST, 40),
]

FACILITATORS = [
    ("Dr Asha Patel", "Chief Clinical Information Officer", "Leeds Teaching Hospitals", "CCIO network"),
    ("Mark Jennings", "Research Director", "Leading Edge Forum", "Leading Edge Forum"),
    ("Ruth Okafor", "Head of Digital Skills", "Skills for Care", "Skills for Care"),
    ("Tom Baxter", "Chief Information Officer", "Northern Care Alliance", "CIO network"),
    ("Helen Morris", "Programme Lead", "NHS Digital Academy", "NHS Digital Academy"),
    ("Sam Reid", "Digital Adviser", "Local Government Association", "Local government digital"),
]

THEME_FOCUS = {Theme.POSSIBLE: (1, 2), Theme.HOW_TO: (3, 5), Theme.HOW_DID: (4, 6)}
THEME_TITLES = {
    Theme.POSSIBLE: "The art of the possible: technology that transforms care",
    Theme.HOW_TO: "How to make and assure good digital decisions",
    Theme.HOW_DID: "How did they do it? Lessons from leaders who have",
}
THEME_SUMMARIES = {
    Theme.POSSIBLE: "See transformative and assistive technology and the information services available now and "
    "emerging, and what they could mean for your organisation.",
    Theme.HOW_TO: "Practical ways to improve operational efficiency with technology and data, to assure yourself "
    "that decisions are safe and appropriate, and the support available to leaders.",
    Theme.HOW_DID: "Case studies from boards that have led digital change: the threats and risks they managed and "
    "how they removed barriers and navigated the system.",
}
THEME_ORDER = [Theme.POSSIBLE, Theme.HOW_TO, Theme.HOW_DID]
REGION_ORDER = [venue[4] for venue in VENUES]


def _weekday(day: datetime.date) -> datetime.date:
    """Workshops run on weekdays: a Saturday or Sunday moves to the Monday after."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _costs(session: Session, *, online: bool) -> None:
    if session.cost_lines.exists():
        return
    lines = [(CostCategory.FACILITATION, "Facilitator fees", "600.00")]
    if online:
        lines.append((CostCategory.ONLINE, "Webinar platform licence", "50.00"))
    else:
        lines += [
            (CostCategory.VENUE, "Room hire", "450.00"),
            (CostCategory.CATERING, "Refreshments and lunch", "320.00"),
            (CostCategory.MATERIALS, "Printed workbooks", "90.00"),
        ]
    CostLine.objects.bulk_create(
        CostLine(session=session, category=category, description=description, amount=Decimal(amount))
        for category, description, amount in lines
    )


@transaction.atomic
def seed_schedule(today: datetime.date | None = None) -> dict:
    """Creates the demo schedule and staff accounts; returns a summary for the command to print."""
    today = today or timezone.localdate()
    organiser, _ = grant_staff_role(email=ORGANISER_EMAIL, role="organiser")
    grant_staff_role(email=EVALUATOR_EMAIL, role="evaluator")

    programme, _ = Programme.objects.get_or_create(
        slug="dlw-2026-27",
        defaults={
            "name": "Digital Leadership Workshops 2026/27",
            "description": "A national series of workshops so that organisational leaders in health and care are "
            "more confident in making decisions about data, information and technology, and know the best ways "
            "to assure themselves that those decisions are safe and appropriate.",
        },
    )
    pilot, _ = Phase.objects.get_or_create(
        programme=programme,
        kind=PhaseKind.PILOT,
        defaults={
            "starts_on": today - datetime.timedelta(days=100),
            "ends_on": today - datetime.timedelta(days=10),
            "target_attendees": 150,
        },
    )
    rollout, _ = Phase.objects.get_or_create(
        programme=programme,
        kind=PhaseKind.ROLLOUT,
        defaults={
            "starts_on": today + datetime.timedelta(days=14),
            "ends_on": today + datetime.timedelta(days=200),
            "target_attendees": 1800,
        },
    )
    venues = {}
    for name, address, town, postcode, region, capacity in VENUES:
        venues[region], _ = Venue.objects.get_or_create(
            name=name,
            town=town,
            defaults={"address": address, "postcode": postcode, "region": region, "capacity": capacity},
        )
    facilitators = []
    for name, job_title, organisation, network in FACILITATORS:
        facilitator, _ = Facilitator.objects.get_or_create(
            name=name, defaults={"job_title": job_title, "organisation": organisation, "network": network}
        )
        facilitators.append(facilitator)
    focus = {area.number: area for area in FocusArea.objects.all()}

    # The pilot ran in the last three months: two sessions per theme, all held.
    pilot_days = [80, 68, 55, 42, 30, 18]
    for index, days_ago in enumerate(pilot_days):
        theme = THEME_ORDER[index % 3]
        code = f"PIL-{['POS', 'HOW', 'DID'][index % 3]}-{index // 3 + 1:02d}"
        online = index == 4
        region = REGION_ORDER[index % 2]  # London and Yorkshire hosted the pilot
        day = _weekday(today - datetime.timedelta(days=days_ago))
        session, created = Session.objects.get_or_create(
            code=code,
            defaults={
                "phase": pilot,
                "theme": theme,
                "title": THEME_TITLES[theme],
                "summary": THEME_SUMMARIES[theme],
                "starts_at": _at(day, 9, 30),
                "ends_at": _at(day, 12, 30),
                "venue": None if online else venues[region],
                "online_url": "https://meet.example.nhs.uk/dlw-pilot" if online else "",
                "region": "" if online else region,
                "capacity": 30,
                "status": SessionStatus.PUBLISHED,
                "published_at": _at(day - datetime.timedelta(days=28), 10),
            },
        )
        if created:
            session.focus_areas.set([focus[n] for n in THEME_FOCUS[theme]])
            session.facilitators.set([facilitators[index % 6], facilitators[(index + 1) % 6]])
        _costs(session, online=online)

    PilotDecision.objects.get_or_create(
        programme=programme,
        defaults={
            "outcome": PilotDecisionOutcome.GO_WITH_CHANGES,
            "rationale": "Confidence rose after every pilot session and attendees rated them highly. "
            "Changes for rollout: shorter pre-reading, more case studies from social care, and an online "
            "option in every region.",
            "decided_by": organiser,
            "decided_on": today - datetime.timedelta(days=7),
        },
    )

    # The rollout: 21 sessions over the next six months, every region, every theme; one in
    # three online. Created and published through the services so every rule is checked.
    first_day = today + datetime.timedelta(days=21)
    for index in range(21):
        theme = THEME_ORDER[index % 3]
        region = REGION_ORDER[index % 7]
        code = f"ROL-{['POS', 'HOW', 'DID'][index % 3]}-{index // 3 + 1:02d}"
        if Session.objects.filter(code=code).exists():
            continue
        online = index % 3 == 2
        day = _weekday(first_day + datetime.timedelta(days=index * 8))
        details = SessionDetails(
            phase=rollout,
            code=code,
            theme=theme,
            title=THEME_TITLES[theme],
            summary=THEME_SUMMARIES[theme],
            focus_areas=[focus[n] for n in THEME_FOCUS[theme]],
            starts_at=_at(day, 13 if online else 9, 30),
            ends_at=_at(day, 15 if online else 12, 30 if online else 30),
            venue=None if online else venues[region],
            online_url="https://meet.example.nhs.uk/dlw-rollout" if online else "",
            region=region,
            capacity=80 if online else 40,
            registration_closes_at=_at(day - datetime.timedelta(days=2), 17),
            facilitators=[facilitators[index % 6], facilitators[(index + 2) % 6]],
        )
        session = create_session(actor=organiser, details=details)
        _costs(session, online=online)
        publish_session(actor=organiser, session=session)

    return {
        "programme": programme,
        "sessions": Session.objects.filter(phase__programme=programme).count(),
        "organiser": ORGANISER_EMAIL,
        "evaluator": EVALUATOR_EMAIL,
    }
