"""Reading a programme's evaluation data into frames: the columns, the values, pseudonymised
keys and never a name or email, and a fixed number of queries."""

import pytest

from attendees.models import Person
from evaluation import metrics
from evaluation.data import Frames, load_frames
from feedback import services as feedback_services
from feedback.models import Questionnaire
from feedback.pseudonyms import participant_key
from tests import factories
from tests.evaluation.conftest import Participant

pytestmark = pytest.mark.django_db

FRAME_NAMES = ["answers", "items", "registrations", "memberships", "sessions", "invitations", "targets", "texts"]


def _string_cells(frames: Frames) -> list[str]:
    cells = []
    for name in FRAME_NAMES:
        frame = getattr(frames, name)
        for column in frame.columns:
            cells += [value for value in frame[column] if isinstance(value, str)]
            cells += [part for value in frame[column] if isinstance(value, list) for part in value]
    return cells


def test_load_frames_columns(standard):
    frames = load_frames(standard.programme)

    assert {name: list(getattr(frames, name).columns) for name in FRAME_NAMES} == {
        "answers": ["registration", "participant", "survey", "item", "value", "text"],
        "items": [
            "item",
            "kind",
            "domain",
            "label",
            "scale_min",
            "scale_max",
            "retrospective_of",
            "order",
            "versions",
        ],
        "registrations": [
            "registration",
            "participant",
            "session",
            "phase",
            "theme",
            "region",
            "status",
            "invited",
            "pre_sent",
            "post_sent",
            "follow_up_sent",
        ],
        "memberships": ["participant", "group"],
        "sessions": [
            "session",
            "title",
            "starts_at",
            "phase",
            "theme",
            "region",
            "focus_areas",
            "capacity",
            "confirmed_at_start",
            "attended",
            "no_shows",
            "waitlisted",
            "cost",
            "status",
            "held",
        ],
        "invitations": ["participant", "session", "status", "region"],
        "targets": ["group", "phase", "target"],
        "texts": ["registration", "survey", "item", "text"],
    }
    assert frames.total_cost == 2500.0


def test_load_frames_values_for_one_participant(builder):
    session = builder.session("PIL-01", cost="300.00")
    group = factories.leadership_group(name="ICBs")
    spec = Participant((2, 4), (1, 3), experience=5, relevance=3, recommend=10, comment="Ask about assurance")
    registration = builder.participant(session, spec, groups=[group])
    key = participant_key(registration.person_id)

    frames = load_frames(builder.programme)

    answers = frames.answers.sort_values(["survey", "item"]).astype({"survey": str, "item": str})
    assert answers.to_dict("records") == [
        {
            "registration": registration.pk,
            "participant": key,
            "survey": survey,
            "item": item,
            "value": value,
            "text": "",
        }
        for survey, item, value in [
            ("post", "conf_assurance", 3.0),
            ("post", "conf_overall", 4.0),
            ("post", "experience", 5.0),
            ("post", "recommend", 10.0),
            ("post", "relevance", 3.0),
            ("pre", "conf_assurance", 1.0),
            ("pre", "conf_overall", 2.0),
        ]
    ]
    assert frames.registrations.to_dict("records") == [
        {
            "registration": registration.pk,
            "participant": key,
            "session": "PIL-01",
            "phase": "pilot",
            "theme": "possible",
            "region": "london",
            "status": "attended",
            "invited": False,
            "pre_sent": True,
            "post_sent": True,
            "follow_up_sent": False,
        }
    ]
    assert frames.memberships.to_dict("records") == [{"participant": key, "group": "ICBs"}]
    assert frames.texts.to_dict("records") == [
        {"registration": registration.pk, "survey": "post", "item": "do_differently", "text": "Ask about assurance"}
    ]
    sessions = frames.sessions.drop(columns=["starts_at"]).to_dict("records")
    assert sessions == [
        {
            "session": "PIL-01",
            "title": "Workshop PIL-01",
            "phase": "pilot",
            "theme": "possible",
            "region": "london",
            "focus_areas": [],
            "capacity": 40,
            "confirmed_at_start": 1,
            "attended": 1,
            "no_shows": 0,
            "waitlisted": 0,
            "cost": 300.0,
            "status": "published",
            "held": True,
        }
    ]
    items = frames.items.set_index("item")
    assert items.loc["conf_overall", ["kind", "domain", "scale_min", "scale_max"]].tolist() == [
        "confidence",
        "overall",
        1.0,
        5.0,
    ]
    assert items.loc["recommend", ["kind", "scale_min", "scale_max"]].tolist() == ["recommend", 0.0, 10.0]
    assert items.loc["retro_overall", ["kind", "retrospective_of"]].tolist() == ["retrospective", "conf_overall"]
    assert items.loc["digital_champion", "kind"] == "yes_no"


def test_load_frames_participant_keys_are_the_keyed_hashes(standard):
    frames = load_frames(standard.programme)

    expected = {participant_key(pk) for pk in Person.objects.values_list("pk", flat=True)}
    assert set(frames.registrations["participant"]) == expected
    assert set(frames.answers["participant"]) <= expected
    assert set(frames.memberships["participant"]) <= expected
    assert len(expected) == 31


def test_load_frames_never_holds_a_name_or_email(standard):
    registration = standard.builder.participant(standard.pil_01, Participant((2, 3), comment="Talk to the board"))
    person = registration.person
    person.first_name, person.last_name, person.email = "Zebedee", "Quillfeather", "zebedee.q@example.nhs.uk"
    person.save()

    cells = _string_cells(load_frames(standard.programme))

    people = list(Person.objects.values_list("first_name", "last_name", "email"))
    forbidden = {value for row in people for value in row}
    assert [cell for cell in cells if "@" in cell or any(value in cell for value in forbidden)] == []
    assert "Talk to the board" in cells


def _people(builder, count: int) -> None:
    session = builder.session(f"PIL-{count:02d}")
    builder.participants(session, [Participant((2, 3), comment="More please") for _ in range(count)])


def test_load_frames_query_count_for_3_participants(builder, django_assert_num_queries):
    _people(builder, 3)

    with django_assert_num_queries(15):
        load_frames(builder.programme)


def test_load_frames_query_count_for_12_participants(builder, django_assert_num_queries):
    _people(builder, 12)

    with django_assert_num_queries(15):
        load_frames(builder.programme)


# --- questionnaire versions ----------------------------------------------------------------------


def _reword(programme, kind: str, code: str, **changes):
    """A new version of the programme's `kind` questionnaire with one item changed, as the
    organisers' editing makes it once the questionnaire has answers."""
    current = Questionnaire.objects.filter(programme=programme, kind=kind).order_by("-version").first()
    copy = Questionnaire.objects.create(
        programme=programme, kind=kind, version=current.version + 1, title=current.title
    )
    for item in current.items.all():
        item.pk, item.questionnaire = None, copy
        if item.code == code:
            for name, value in changes.items():
                setattr(item, name, value)
        item.save()
    return copy


def test_a_reworded_item_reports_each_versions_wording_and_still_pairs(builder):
    session = builder.session("PIL-01")
    first = builder.participant(session, Participant((2, 3)))
    _reword(builder.programme, "post", "conf_overall", text="How sure are you about data decisions now?")
    builder.participant(session, Participant((2, 4)))

    frames = load_frames(builder.programme)

    overall = frames.items.set_index("item").loc["conf_overall"]
    assert overall["label"] == (
        "“How sure are you about data decisions now?” (post survey v2) / "
        "“How confident are you in making decisions about data, information and technology?” "
        "(pre survey v1, post survey v1, follow-up survey v1)"
    )
    assert frames.answers[frames.answers["item"] == "conf_overall"]["registration"].nunique() == 2
    assert first.pk in set(frames.answers["registration"])
    assert frames.versions.to_dict("records") == [
        {
            "survey": "Post survey",
            "version": 1,
            "created": frames.versions["created"][0],
            "responses": 1,
            "changes": "first version",
        },
        {
            "survey": "Post survey",
            "version": 2,
            "created": frames.versions["created"][1],
            "responses": 1,
            "changes": "reworded: conf_overall",
        },
        {
            "survey": "Pre survey",
            "version": 1,
            "created": frames.versions["created"][2],
            "responses": 2,
            "changes": "first version",
        },
    ]


def test_an_item_given_a_new_domain_is_a_new_item_that_does_not_pair(builder):
    session = builder.session("PIL-01")
    builder.participant(session, Participant((2, 3)))
    _reword(builder.programme, "post", "conf_overall", domain="assurance")
    later = builder.participant(session, Participant((2, 5)))

    frames = load_frames(builder.programme)

    items = frames.items.set_index("item")
    # The code goes to the newest meaning; the older answers keep their own item and domain.
    assert items.loc["conf_overall", "domain"] == "assurance"
    assert items.loc["conf_overall~overall", "domain"] == "overall"
    answers = frames.answers.astype({"item": str, "survey": str})
    later_overall = answers[(answers["registration"] == later.pk) & answers["item"].str.startswith("conf_overall")]
    assert sorted(zip(later_overall["survey"], later_overall["item"], strict=True)) == [
        ("post", "conf_overall"),
        ("pre", "conf_overall~overall"),
    ]
    outcome = metrics.paired_outcomes(frames.answers, frames.items).set_index("measure")
    assert outcome.loc["conf_overall", "n_pairs"] == 0  # the new item has no pre answers to pair with
    assert outcome.loc["conf_overall~overall", "n_pairs"] == 1  # the first person, under the old meaning


def test_a_reworded_item_with_a_new_meaning_does_not_pair(builder, organiser):
    session = builder.session("PIL-01")
    builder.participant(session, Participant((2, 3)))
    post = Questionnaire.objects.get(programme=builder.programme, kind="post")
    item = post.items.get(code="conf_assurance")
    feedback_services.save_item(
        actor=organiser,
        questionnaire=post,
        item=item,
        details=feedback_services.ItemDetails(
            code="conf_cyber",
            text="How confident are you about cyber security?",
            type=item.type,
            purpose=item.purpose,
            domain="cyber",
            choices=tuple(item.choices),
            meaning=feedback_services.NEW_MEANING,
        ),
    )
    later = builder.participant(session, Participant((2, 3), post=False))
    factories.survey_response(registration=later, kind="post", answers={"conf_overall": 3, "conf_cyber": 5})

    frames = load_frames(builder.programme)
    outcome = metrics.paired_outcomes(frames.answers, frames.items)

    by_measure = outcome.set_index("measure")
    assert by_measure.loc["conf_assurance", "n_pairs"] == 1  # the first person only
    assert by_measure.loc["conf_cyber", "n_pairs"] == 0  # never pairs with the old wording's pre answers
    assert by_measure.loc["conf_overall", "n_pairs"] == 2


def test_load_frames_counts_a_link_sent_only_when_its_email_went_out(builder):
    """Sent means emailed: a link never sent, or one whose email the mail server refused for
    good, reached nobody."""
    from feedback.models import SurveyLink
    from outbox.enums import MessageKind, MessageState
    from outbox.models import Message

    session = builder.session("PIL-01")
    sent, refused, unsent = (builder.participant(session, Participant((2, 3))) for _ in range(3))
    SurveyLink.objects.filter(registration=unsent).update(sent_at=None)
    for state, link in [
        (MessageState.FAILED, SurveyLink.objects.get(registration=refused, kind="post")),
        (MessageState.SENT, SurveyLink.objects.get(registration=sent, kind="post")),
    ]:
        Message.objects.create(
            kind=MessageKind.SURVEY_LINK,
            recipient="leader@example.nhs.uk",
            about_type="feedback.surveylink",
            about_id=link.pk,
            state=state,
            next_attempt_at=link.sent_at,
            sent_at=link.sent_at if state == MessageState.SENT else None,
        )
    # A refused survey-link message naming no link refuses none (nor, through SQL's NULL in a
    # NOT IN, every link).
    Message.objects.create(
        kind=MessageKind.SURVEY_LINK,
        recipient="leader@example.nhs.uk",
        about_type="feedback.surveylink",
        about_id=None,
        state=MessageState.FAILED,
        next_attempt_at=SurveyLink.objects.get(registration=sent, kind="post").sent_at,
    )

    frames = load_frames(builder.programme)

    flags = frames.registrations.set_index("registration")[["pre_sent", "post_sent"]]
    assert flags.to_dict("index") == {
        sent.pk: {"pre_sent": True, "post_sent": True},
        refused.pk: {"pre_sent": True, "post_sent": False},
        unsent.pk: {"pre_sent": False, "post_sent": False},
    }


@pytest.mark.parametrize("step", [1, 1_000_000], ids=["dense ids", "ids far apart"])
def test_per_registration_finds_each_answer_rows_registration(step):
    """Each answer row's participant comes from its registration's row, found by id (through a
    table over dense ids, or a search among sparse ones); an id with no registration is missing."""
    import pandas as pd

    from evaluation.data import _per_registration

    ids = [5 * step, 6 * step, 9 * step]
    registrations = pd.DataFrame(
        {"registration": ids, "participant": pd.Categorical(["Pb", "Pa", "Pb"], categories=["Pa", "Pb"])}
    )
    wanted = pd.Series([9 * step, 5 * step, 7 * step, 6 * step, 2, 10 * step, 9 * step]).to_numpy()

    found = _per_registration(registrations, "participant", wanted)

    assert list(found.codes) == [1, 1, -1, 0, -1, -1, 1]  # (Pb, Pb, missing, Pa, missing, missing, Pb)
    assert list(found.categories) == ["Pa", "Pb"]


def test_load_frames_counts_each_sessions_places_by_status(builder):
    """Per session: places held (confirmed, attended, no-show), attended, no-shows and the
    waiting list; a session nobody registered for counts none; cancelled places count nowhere."""
    from attendees.enums import RegistrationStatus as Status

    full = builder.session("PIL-01")
    builder.session("PIL-02")
    for status in [Status.ATTENDED, Status.ATTENDED, Status.NO_SHOW, Status.CONFIRMED, Status.WAITLISTED]:
        factories.registration(session=full, status=status)
    factories.registration(session=full, status=Status.CANCELLED)

    sessions = load_frames(builder.programme).sessions.set_index("session")

    counts = sessions[["confirmed_at_start", "attended", "no_shows", "waitlisted"]].to_dict("index")
    assert counts == {
        "PIL-01": {"confirmed_at_start": 4, "attended": 2, "no_shows": 1, "waitlisted": 1},
        "PIL-02": {"confirmed_at_start": 0, "attended": 0, "no_shows": 0, "waitlisted": 0},
    }


def test_load_frames_counts_no_places_in_a_programme_without_registrations(builder):
    builder.session("PIL-01")

    sessions = load_frames(builder.programme).sessions

    assert sessions[["confirmed_at_start", "attended", "no_shows", "waitlisted"]].to_dict("records") == [
        {"confirmed_at_start": 0, "attended": 0, "no_shows": 0, "waitlisted": 0}
    ]


def test_load_frames_registrations_are_in_id_order_however_the_database_returns_them(builder):
    """The answers find their registration by id in the registrations frame, which is sorted by
    id. On PostgreSQL a row whose indexed status changes gets a new version at the end of its
    table, and a plain scan returns it last: the frame is in id order all the same."""
    from attendees.models import Registration

    session = builder.session("PIL-01")
    first, second, third = (builder.participant(session, Participant((2, 3), (3, 4))) for _ in range(3))
    Registration.objects.filter(pk=first.pk).update(status="no_show")  # (a new row version, last on disk)

    frames = load_frames(builder.programme)

    assert list(frames.registrations["registration"]) == [first.pk, second.pk, third.pk]
    keys = frames.registrations.set_index("registration")["participant"]
    assert set(frames.answers.groupby("participant", observed=True)["registration"].first().items()) == {
        (keys[registration.pk], registration.pk) for registration in (first, second, third)
    }
