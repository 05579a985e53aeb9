"""Demo people: nine leadership groups with targets per phase, organisations across the seven
NHS England regions, about 600 leaders, invitations to every session, registrations (full
sessions with waiting lists, declines, cancellations), attendance at the pilot sessions, and
one board member who can sign in.

Runs after summits.demo.seed_schedule. Idempotent: groups, organisations and people are found
by their natural keys, and a session that already has invitations is left alone, so a second
run changes nothing. Everything is written in bulk, straight to the tables: no service is
called, so no email is sent and no audit entry is written.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from attendees.enums import HOLDS_A_PLACE, InvitationStatus, OrganisationType, RegistrationStatus
from attendees.models import GroupTarget, Invitation, LeadershipGroup, Organisation, Person, Registration
from summits.enums import PhaseKind, Region, SessionAccess, SessionStatus
from summits.models import Programme, Session

BOARD_MEMBER_EMAIL = "board.member@example.nhs.uk"

ACUTE = "Acute trust boards"
COMMUNITY = "Community trust boards"
MENTAL_HEALTH = "Mental health trust boards"
ICB = "CCG / ICB governing bodies"
SOCIAL_CARE_DIRECTORS = "Local authority adult social care directors"
CIO_NETWORK = "CIO/CCIO network"
NURSES = "Chief nurses and clinical leaders"
CARE_PROVIDERS = "Social care providers"
VOLUNTARY = "Voluntary and third sector leaders"

# name: (description, pilot target, rollout target). The targets add up to the phases'
# prospective numbers in the demo schedule (150 and 1,800).
GROUPS = {
    ACUTE: ("Chairs, chief executives, executive and non-executive directors of acute trusts.", 30, 360),
    COMMUNITY: ("Boards of community health trusts.", 12, 150),
    MENTAL_HEALTH: ("Boards of mental health and learning disability trusts.", 15, 180),
    ICB: ("Chairs, chief executives and members of integrated care boards (formerly CCGs).", 15, 200),
    SOCIAL_CARE_DIRECTORS: ("Directors of adult social services (DASS) and their deputies.", 15, 220),
    CIO_NETWORK: ("Chief information officers, chief clinical and nursing information officers.", 20, 200),
    NURSES: ("Chief nurses, directors of nursing and medical directors.", 15, 180),
    CARE_PROVIDERS: ("Owners and managers of residential and home care providers.", 15, 200),
    VOLUNTARY: ("Chief executives and trustees of charities and voluntary organisations.", 13, 110),
}

TOWNS = {
    Region.LONDON: ("Camden", "Lewisham", "Barnet", "Croydon"),
    Region.NORTH_EAST_AND_YORKSHIRE: ("Leeds", "Sheffield", "Newcastle", "Hull"),
    Region.NORTH_WEST: ("Manchester", "Liverpool", "Lancashire", "Cheshire"),
    Region.MIDLANDS: ("Birmingham", "Nottingham", "Leicester", "Derby"),
    Region.EAST_OF_ENGLAND: ("Cambridge", "Norwich", "Ipswich", "Luton"),
    Region.SOUTH_EAST: ("Reading", "Brighton", "Oxford", "Kent"),
    Region.SOUTH_WEST: ("Exeter", "Bristol", "Plymouth", "Gloucester"),
}

BOARD = ("Chair", "Chief executive", "Non-executive director")
ACUTE_EXECUTIVES = (
    "Director of finance",
    "Chief information officer",
    "Chief clinical information officer (CCIO)",
    "Chief nurse",
    "Chief nursing information officer (CNIO)",
    "Medical director",
)
# (organisation name pattern, type, roles); {0}…{3} are the region's towns.
ORGANISATIONS = [
    (
        "{0} Teaching Hospitals NHS Foundation Trust",
        OrganisationType.ACUTE_TRUST,
        (*BOARD, "Deputy chief executive", *["Non-executive director"] * 4, *ACUTE_EXECUTIVES),
    ),
    (
        "{1} Hospitals NHS Trust",
        OrganisationType.ACUTE_TRUST,
        (*BOARD, *["Non-executive director"] * 5, *ACUTE_EXECUTIVES),
    ),
    (
        "{2} Community Health NHS Trust",
        OrganisationType.COMMUNITY_TRUST,
        (
            *BOARD,
            "Non-executive director",
            "Director of nursing",
            "Chief information officer",
            "Chief clinical information officer (CCIO)",
            "Director of operations",
        ),
    ),
    (
        "{3} Mental Health NHS Foundation Trust",
        OrganisationType.MENTAL_HEALTH_TRUST,
        (
            *BOARD,
            "Non-executive director",
            "Director of nursing",
            "Chief information officer",
            "Chief clinical information officer (CCIO)",
            "Medical director",
        ),
    ),
    (
        "NHS {0} and {1} Integrated Care Board",
        OrganisationType.ICB,
        (
            *BOARD,
            "Non-executive member",
            "Non-executive member",
            "Chief digital officer",
            "Chief nurse",
            "Director of strategy",
            "Chief finance officer",
        ),
    ),
    (
        "{0} City Council",
        OrganisationType.LOCAL_AUTHORITY,
        (
            "Director of adult social services (DASS)",
            "Deputy director of adult social services",
            "Assistant director, adult social care",
            "Head of digital",
            "Principal social worker",
            "Cabinet member for adult social care",
        ),
    ),
    (
        "{2} Council",
        OrganisationType.LOCAL_AUTHORITY,
        (
            "Director of adult social services (DASS)",
            "Deputy director of adult social services",
            "Assistant director, adult social care",
            "Head of digital",
            "Principal social worker",
        ),
    ),
    (
        "{1} Care Homes",
        OrganisationType.CARE_PROVIDER,
        ("Managing director", "Registered manager", "Operations director", "Nominated individual"),
    ),
    (
        "{3} Home Care Services",
        OrganisationType.CARE_PROVIDER,
        ("Managing director", "Registered manager", "Operations director", "Nominated individual"),
    ),
    (
        "{0} Supported Living",
        OrganisationType.CARE_PROVIDER,
        ("Chief executive", "Registered manager", "Director of care"),
    ),
    (
        "Age Concern {1}",
        OrganisationType.CHARITY,
        ("Chief executive", "Chair of trustees", "Director of services", "Trustee"),
    ),
    ("{2} Carers' Network", OrganisationType.CHARITY, ("Chief executive", "Chair of trustees", "Director of services")),
    ("{3} Mind", OrganisationType.CHARITY, ("Chief executive", "Chair of trustees", "Head of digital inclusion")),
]
BOARD_GROUP = {
    OrganisationType.ACUTE_TRUST: ACUTE,
    OrganisationType.COMMUNITY_TRUST: COMMUNITY,
    OrganisationType.MENTAL_HEALTH_TRUST: MENTAL_HEALTH,
    OrganisationType.ICB: ICB,
    OrganisationType.LOCAL_AUTHORITY: SOCIAL_CARE_DIRECTORS,
    OrganisationType.CARE_PROVIDER: CARE_PROVIDERS,
    OrganisationType.CHARITY: VOLUNTARY,
}

_FIRST_NAMES = (
    "Aisha Alan Amanda Amir Andrew Angela Anil Anna Ben Bernadette Catherine Chidi Chloe Claire Colin Daniel David "
    "Deborah Derek Eleanor Emma Farah Fiona Gareth Grace Hannah Harpreet Helen Ian Imran Jacqueline James Janet Jo "
    "John Joanne Kate Kevin Kwame Laura Liam Linda Mark Martin Mary Michael Mohammed Nadia Neil Nicola Oliver "
    "Olufemi Patricia Paul Peter Priya Rachel Rajesh Rebecca Richard Rosie Ruth Sadia Samuel Sarah Simon Siobhan "
    "Sophie Stephen Steven Susan Tariq Thomas Tom Victoria Wei William Yasmin Zoe"
)
FIRST_NAMES = _FIRST_NAMES.split()
_LAST_NAMES = (
    "Adeyemi Ahmed Ali Allen Anderson Atkinson Bailey Baker Banerjee Barker Bell Bennett Brown Campbell Carter Chan "
    "Chapman Clarke Collins Cooper Davies Dixon Edwards Evans Fletcher Foster Gill Graham Green Hall Harris Hughes "
    "Hussain Jackson James Jenkins Johnson Jones Kaur Kelly Khan King Lee Lewis Lloyd Martin Mason Mitchell Moore "
    "Morgan Murphy Nelson Nwosu O'Brien Okafor Owen Parker Patel Phillips Price Roberts Robinson Rogers Scott Shah "
    "Singh Smith Stewart Taylor Thomas Thompson Turner Walker Ward Watson White Williams Wilson Wood Wright Young"
)
LAST_NAMES = _LAST_NAMES.split()

# The board member's own journey through the demo: every state "My sessions" can show.
BOARD_MEMBER_PLAN = {
    "PIL-POS-01": "attended",
    "ROL-POS-01": "confirmed",
    "ROL-HOW-02": "waitlisted",
    "ROL-HOW-01": "pending",
}
# Rollout sessions that fill up and keep a waiting list.
FULL_ROLLOUT = {"ROL-POS-01", "ROL-DID-01", "ROL-HOW-02", "ROL-POS-04"}


@dataclass
class Plan:
    """What happens to one session's invitations, in the order people answer."""

    invited: int
    accepts: int
    declines: int
    cancels: int


def _plan(session: Session, index: int) -> Plan:
    if session.phase.kind == PhaseKind.PILOT:
        # Every pilot session filled: three on the waiting list, two cancelled.
        return Plan(invited=round(session.capacity * 1.5), accepts=session.capacity + 3, declines=7, cancels=2)
    invited = 100 if session.capacity > 60 else 60
    if session.code in FULL_ROLLOUT:
        return Plan(invited=invited, accepts=session.capacity + 5 + index % 3, declines=invited // 12, cancels=2)
    accepts = int(session.capacity * (0.35 + 0.06 * (index % 7)))
    return Plan(invited=invited, accepts=accepts, declines=invited // 8, cancels=index % 2)


def _email_domain(kind: str) -> str:
    if kind == OrganisationType.LOCAL_AUTHORITY:
        return "example.gov.uk"
    if kind in (OrganisationType.CARE_PROVIDER, OrganisationType.CHARITY):
        return "example.org.uk"
    return "example.nhs.uk"


def _email_part(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalpha())


def _groups_for(kind: str, role: str) -> list[str]:
    # CIOs, CCIOs and CNIOs of trusts are not board members; everyone else is in their
    # organisation's group, and digital and clinical leaders in their networks as well.
    groups = {CIO_NETWORK} if "information officer" in role else {BOARD_GROUP[kind]}
    if role in ("Chief digital officer", "Head of digital"):
        groups.add(CIO_NETWORK)
    if "nurs" in role.lower() or role == "Medical director":
        groups.add(NURSES)
    return sorted(groups)


# Groups, organisations, people -------------------------------------------------------------


def _seed_groups(programme: Programme) -> dict[str, LeadershipGroup]:
    groups = {}
    for name, (description, _, _) in GROUPS.items():
        groups[name], _ = LeadershipGroup.objects.get_or_create(name=name, defaults={"description": description})
    phases = {phase.kind: phase for phase in programme.phases.all()}
    existing = set(GroupTarget.objects.filter(phase__programme=programme).values_list("group_id", "phase_id"))
    GroupTarget.objects.bulk_create(
        GroupTarget(group=groups[name], phase=phases[kind], target=target)
        for name, (_, pilot, rollout) in GROUPS.items()
        for kind, target in ((PhaseKind.PILOT, pilot), (PhaseKind.ROLLOUT, rollout))
        if kind in phases and (groups[name].pk, phases[kind].pk) not in existing
    )
    return groups


def _seed_organisations() -> dict[tuple[str, str], Organisation]:
    wanted = [
        (pattern.format(*towns), kind, region) for region, towns in TOWNS.items() for pattern, kind, _ in ORGANISATIONS
    ]
    existing = {(o.name, o.region) for o in Organisation.objects.all()}
    Organisation.objects.bulk_create(
        Organisation(name=name, type=kind, region=region)
        for name, kind, region in wanted
        if (name, region) not in existing
    )
    return {(o.name, o.region): o for o in Organisation.objects.filter(name__in=[name for name, _, _ in wanted])}


def _people_wanted() -> list[dict]:
    """Every demo person as plain values, the same on every run."""
    rng = random.Random(2026)
    used: set[str] = {BOARD_MEMBER_EMAIL}
    people = []
    for region, towns in TOWNS.items():
        for pattern, kind, roles in ORGANISATIONS:
            for role in roles:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                local = f"{_email_part(first)}.{_email_part(last)}"
                email, n = f"{local}@{_email_domain(kind)}", 1
                while email in used:
                    n += 1
                    email = f"{local}{n}@{_email_domain(kind)}"
                used.add(email)
                people.append(
                    {
                        "first_name": first,
                        "last_name": last,
                        "email": email,
                        "job_title": role,
                        "organisation": (pattern.format(*towns), region),
                        "groups": _groups_for(kind, role),
                    }
                )
    return people


def _seed_people(groups: dict[str, LeadershipGroup], organisations: dict) -> list[Person]:
    wanted = _people_wanted()
    wanted.append(
        {
            "first_name": "Priya",
            "last_name": "Shah",
            "email": BOARD_MEMBER_EMAIL,
            "job_title": "Non-executive director",
            "organisation": (ORGANISATIONS[0][0].format(*TOWNS[Region.LONDON]), Region.LONDON),
            "groups": [ACUTE],
        }
    )
    emails = [values["email"] for values in wanted]
    existing = set(Person.objects.filter(email__in=emails).values_list("email", flat=True))
    Person.objects.bulk_create(
        Person(
            first_name=values["first_name"],
            last_name=values["last_name"],
            email=values["email"],
            job_title=values["job_title"],
            organisation=organisations[values["organisation"]],
        )
        for values in wanted
        if values["email"] not in existing
    )
    people = {p.email: p for p in Person.objects.filter(email__in=emails)}
    Through = Person.groups.through
    have = set(Through.objects.filter(person__in=people.values()).values_list("person_id", "leadershipgroup_id"))
    Through.objects.bulk_create(
        Through(person_id=people[values["email"]].pk, leadershipgroup_id=groups[name].pk)
        for values in wanted
        for name in values["groups"]
        if (people[values["email"]].pk, groups[name].pk) not in have
    )
    return [people[email] for email in emails]


def _seed_board_member_account(person: Person):
    """A sign-in for the demo board member: a user with a verified address and no staff role."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=BOARD_MEMBER_EMAIL).first()
    if user is None:
        user = User(username=BOARD_MEMBER_EMAIL, email=BOARD_MEMBER_EMAIL, first_name="Priya", last_name="Shah")
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=BOARD_MEMBER_EMAIL, defaults={"verified": True, "primary": True}
    )
    if person.user_id is None:
        Person.objects.filter(pk=person.pk).update(user=user)
    return user


# Invitations, registrations, attendance -----------------------------------------------------


def _target_groups(session: Session, groups: dict[str, LeadershipGroup]) -> list[LeadershipGroup]:
    """Every session is for the boards; themes add the audiences they suit best."""
    names = [ACUTE, COMMUNITY, MENTAL_HEALTH, ICB, SOCIAL_CARE_DIRECTORS]
    names += {
        "possible": [CIO_NETWORK, NURSES, VOLUNTARY],
        "how_to": [CIO_NETWORK, CARE_PROVIDERS],
        "how_did": [NURSES, CARE_PROVIDERS, VOLUNTARY],
    }[session.theme]
    return [groups[name] for name in names]


def _seed_session(
    session: Session,
    index: int,
    people: list[Person],
    board_member: Person,
    groups: dict[str, LeadershipGroup],
    now: datetime.datetime,
) -> None:
    session.target_groups.add(*_target_groups(session, groups))
    if session.phase.kind == PhaseKind.ROLLOUT and session.online_url and not session.venue_id:
        # Online rollout sessions are open to their groups: signed-in people register themselves.
        Session.objects.filter(pk=session.pk).update(access=SessionAccess.OPEN_TO_GROUPS)
    plan = _plan(session, index)
    in_region = [p for p in people if session.online_url or p.organisation.region == session.region]
    invitees = random.Random(session.code).sample(in_region, min(plan.invited, len(in_region)))
    invitees = [p for p in invitees if p.pk != board_member.pk]
    board_plan = BOARD_MEMBER_PLAN.get(session.code)
    if board_plan == "pending":
        invitees.append(board_member)
    elif board_plan == "waitlisted":
        # The fourth to join the waiting list: two cancellations later, second in the queue.
        invitees.insert(session.capacity + 3, board_member)
    elif board_plan:
        invitees.insert(0, board_member)

    # Answers arrive between publication and the close of registration (or now).
    opened = session.published_at if session.phase.kind == PhaseKind.PILOT else now - datetime.timedelta(days=10)
    closes = min(now, session.effective_registration_closes_at)
    step = (closes - opened) / (len(invitees) + 1)

    invitations = [Invitation(person=person, session=session, sent_at=opened) for person in invitees]
    for number, invitation in enumerate(invitations[: plan.accepts + plan.declines]):
        invitation.status = InvitationStatus.ACCEPTED if number < plan.accepts else InvitationStatus.DECLINED
        invitation.responded_at = opened + step * (number + 1)
    accepted = invitations[: plan.accepts]

    registrations = [
        Registration(
            person=invitation.person,
            session=session,
            invitation=invitation,
            status=RegistrationStatus.CONFIRMED if number < session.capacity else RegistrationStatus.WAITLISTED,
            confirmed_at=invitation.responded_at if number < session.capacity else None,
            created_at=invitation.responded_at,
        )
        for number, invitation in enumerate(accepted)
    ]

    # Cancellations, as cancel_registration does them: the first waiting gets the place.
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED and r.person != board_member]
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    for number, registration in enumerate(confirmed[1 : 1 + plan.cancels]):
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = min(closes, registration.created_at + datetime.timedelta(days=3 + number))
        if waiting:
            promoted = waiting.pop(0)
            promoted.status, promoted.confirmed_at = RegistrationStatus.CONFIRMED, registration.cancelled_at

    # The pilot has happened: about one in eight with a place did not come.
    if session.phase.kind == PhaseKind.PILOT:
        places = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
        for number, registration in enumerate(places):
            if number % 8 == 5 and registration.person != board_member:
                registration.status = RegistrationStatus.NO_SHOW
            else:
                registration.status = RegistrationStatus.ATTENDED
                registration.checked_in_at = session.starts_at - datetime.timedelta(minutes=15 - number % 20)

    # created_at is set on insert (auto_now_add): put back when things happened.
    answered_at = [registration.created_at for registration in registrations]
    Invitation.objects.bulk_create(invitations)
    Invitation.objects.filter(session=session).update(created_at=opened)
    Registration.objects.bulk_create(registrations)
    for registration, at in zip(registrations, answered_at, strict=True):
        registration.created_at = at
    Registration.objects.bulk_update(registrations, ["created_at"], batch_size=500)
    Session.objects.filter(pk=session.pk).update(
        places_taken=sum(1 for r in registrations if r.status in HOLDS_A_PLACE)
    )


@transaction.atomic
def seed_people(programme: Programme, now: datetime.datetime | None = None) -> dict:
    """Creates the demo people and their invitations, registrations and attendance; returns a
    summary for seed_demo to print."""
    now = now or timezone.now()
    groups = _seed_groups(programme)
    organisations = _seed_organisations()
    people = _seed_people(groups, organisations)
    board_member = next(p for p in people if p.email == BOARD_MEMBER_EMAIL)
    _seed_board_member_account(board_member)
    people = list(Person.objects.filter(pk__in=[p.pk for p in people]).select_related("organisation"))
    people.sort(key=lambda p: p.email)

    sessions = (
        Session.objects.filter(phase__programme=programme, status=SessionStatus.PUBLISHED)
        .select_related("phase")
        .annotate(invited=Count("invitations"))
        .order_by("phase__starts_on", "starts_at", "code")
    )
    seen_in_phase: Counter = Counter()
    for session in sessions:
        index = seen_in_phase[session.phase.kind]  # the session's place in its phase
        seen_in_phase[session.phase.kind] += 1
        if not session.invited:
            _seed_session(session, index, people, board_member, groups, now)

    registrations = Registration.objects.filter(session__phase__programme=programme)
    return {
        "groups": LeadershipGroup.objects.count(),
        "people": Person.objects.count(),
        "invitations": Invitation.objects.filter(session__phase__programme=programme).count(),
        "registrations": registrations.aggregate(
            confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
            attended=Count("id", filter=Q(status=RegistrationStatus.ATTENDED)),
            no_show=Count("id", filter=Q(status=RegistrationStatus.NO_SHOW)),
            cancelled=Count("id", filter=Q(status=RegistrationStatus.CANCELLED)),
        ),
        "board_member": BOARD_MEMBER_EMAIL,
    }
