"""Importing survey answers from CSV and XLSX: reading the file, every kind of bad row with its
message, all-or-nothing writes, re-imports, and the number of queries."""

import csv
import io
from dataclasses import dataclass

import pytest
from django.utils import timezone
from openpyxl import Workbook

from attendees.models import Person, Registration
from feedback import imports
from feedback.enums import ItemType, ResponseSource
from feedback.imports import ImportFileError, ImportRejected
from feedback.models import Answer, Item, Questionnaire, Response
from feedback.services import ensure_default_questionnaires
from summits.models import AuditEntry, Session
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = list(imports.COLUMNS.all)
CONFIDENCE = ["conf_overall", "conf_assurance"] + [f"conf_focus_{n}" for n in range(1, 7)]


@dataclass
class World:
    """A pilot session with default surveys: Jane and Omar attended, Kim has a confirmed place
    on it, and Lee was on the waiting list."""

    programme: object
    session: Session
    jane: Registration
    omar: Registration
    kim: Registration
    lee: Registration


def make_world(programme) -> World:
    ensure_default_questionnaires(programme=programme)
    session = factories.published_session(phase=factories.phase(programme=programme), code="PIL-POS-01")

    def place(name: str, status: str) -> Registration:
        person = factories.person(first_name=name.title(), email=f"{name}@example.nhs.uk")
        return factories.registration(session=session, person=person, status=status)

    return World(
        programme,
        session,
        jane=place("jane", "attended"),
        omar=place("omar", "attended"),
        kim=place("kim", "confirmed"),
        lee=place("lee", "waitlisted"),
    )


@pytest.fixture
def world(programme) -> World:
    return make_world(programme)


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(email="jane@example.nhs.uk", session="PIL-POS-01", survey="pre", question="conf_overall", value="4"):
    return [email, session, survey, question, value]


# Jane's pre survey (labels and numbers), and Omar's post survey answers of each type.
GOOD_ROWS = [
    row(question="conf_overall", value="Very confident"),
    row(question="conf_assurance", value="2"),
    row(email="Omar@Example.nhs.uk", survey="post", question="experience", value="good"),
    row(email="omar@example.nhs.uk", survey="post", question="recommend", value="9"),
    row(email="omar@example.nhs.uk", survey="post", question="digital_champion", value="Yes"),
    row(email="omar@example.nhs.uk", survey="post", question="do_differently", value="Ask about cyber risk"),
]


def check_rows(rows) -> imports.ResponsesImportPlan:
    return imports.check(imports.read_file(csv_bytes(rows), "answers.csv"))


def import_rows(rows, actor=None) -> imports.ResponsesImportPlan:
    return imports.apply(plan=check_rows(rows), actor=actor, source="answers.csv")


def errors(rows) -> list[str]:
    return [str(error) for error in check_rows(rows).errors]


# Reading the file ------------------------------------------------------------------------


def test_read_file_accepts_any_header_case_any_order_and_a_byte_order_mark():
    content = "\ufeffValue,QUESTION,Survey,Session,Email\n4,conf_overall,pre,PIL-POS-01,jane@example.nhs.uk\n"

    rows = imports.read_file(content.encode(), "answers.csv")

    assert [(r.number, r.values) for r in rows] == [
        (
            2,
            {
                "email": "jane@example.nhs.uk",
                "session": "PIL-POS-01",
                "survey": "pre",
                "question": "conf_overall",
                "value": "4",
            },
        )
    ]


def test_read_file_reads_an_excel_workbook_with_numbers():
    rows = imports.read_file(xlsx_bytes([row(value=4), [None] * 5, row(value="Yes")]), "answers.xlsx")

    assert [(r.number, r.values["value"]) for r in rows] == [(2, "4"), (4, "Yes")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"email,session,survey,question,value,comment\n",
            "The file has columns that cannot be imported: comment. "
            "The first row must name the columns email, session, survey, question, value",
        ),
        (
            b"email,session,survey,question\n",
            "The file is missing these columns: value. "
            "The first row must name the columns email, session, survey, question, value",
        ),
        (b"email,session,survey,question,value,Email\n", "The first row names these columns more than once: email"),
        (b"email,session,survey,question,value\n,,,,\n", "The file has a header row but no answers"),
        (b"", "The file is empty"),
    ],
)
def test_read_file_refuses_a_file_it_cannot_use(content, message):
    with pytest.raises(ImportFileError) as error:
        imports.read_file(content, "answers.csv")

    assert str(error.value) == message


# Checking every row ----------------------------------------------------------------------


def test_good_rows_make_one_response_per_registration_and_survey(world):
    plan = check_rows(GOOD_ROWS)

    assert plan.errors == []
    assert plan.counts() == {"pre": 1, "post": 1, "follow_up": 0}
    assert [(a.row, a.registration_id, a.kind, a.value, a.text) for a in plan.answers] == [
        (2, world.jane.pk, "pre", 4, ""),
        (3, world.jane.pk, "pre", 2, ""),
        (4, world.omar.pk, "post", 4, ""),
        (5, world.omar.pk, "post", 9, ""),
        (6, world.omar.pk, "post", 1, ""),
        (7, world.omar.pk, "post", None, "Ask about cyber risk"),
    ]
    assert [(s.session, s.survey, s.responses, s.answers) for s in plan.summary] == [
        ("PIL-POS-01", "Pre survey", 1, 2),
        ("PIL-POS-01", "Post survey", 1, 4),
    ]
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row(email=""), "Row 2: missing email"),
        (row(session=""), "Row 2: missing session"),
        (row(survey="during"), "Row 2: unknown survey 'during': use pre, post or follow_up"),
        (row(email="nobody@example.nhs.uk"), "Row 2: unknown email address 'nobody@example.nhs.uk'"),
        (row(session="PIL-XXX-99"), "Row 2: unknown session 'PIL-XXX-99'"),
        (row(question="conf_everything"), "Row 2: unknown question 'conf_everything' in the pre survey"),
        (
            row(survey="follow_up", question="experience"),
            "Row 2: unknown question 'experience' in the follow-up survey",
        ),
        (
            row(email="kim@example.nhs.uk", survey="post", question="recommend", value="8"),
            "Row 2: the post survey is for people who attended PIL-POS-01; "
            "kim@example.nhs.uk is recorded as 'Confirmed'",
        ),
        (
            row(email="lee@example.nhs.uk"),
            "Row 2: the pre survey is for people with a place on PIL-POS-01; "
            "lee@example.nhs.uk is recorded as 'Waiting list'",
        ),
        (
            row(value="6"),
            "Row 2: value '6' is not an answer to conf_overall: give a number from 1 to 5 or one of "
            "Not at all confident, Slightly confident, Moderately confident, Very confident, Completely confident",
        ),
        (
            row(value="Very sure"),
            "Row 2: value 'Very sure' is not an answer to conf_overall: give a number from 1 to 5 or one of "
            "Not at all confident, Slightly confident, Moderately confident, Very confident, Completely confident",
        ),
        (
            row(email="omar@example.nhs.uk", survey="post", question="recommend", value="7.5"),
            "Row 2: value '7.5' is not an answer to recommend: give a whole number from 0 to 10",
        ),
        (
            row(email="omar@example.nhs.uk", survey="post", question="digital_champion", value="Maybe"),
            "Row 2: value 'Maybe' is not an answer to digital_champion: give a number from 0 to 1 or one of No, Yes",
        ),
    ],
)
def test_each_kind_of_bad_row_is_reported_with_its_row_and_reason(world, bad, message):
    assert errors([bad]) == [message]


def test_missing_values_are_each_reported(world):
    assert errors([["", "PIL-POS-01", "", "conf_overall", ""]]) == [
        "Row 2: missing email",
        "Row 2: missing survey",
        "Row 2: missing value",
    ]


def test_person_without_a_registration_on_the_session_is_reported(world):
    other = factories.published_session(phase=world.session.phase, code="PIL-HOW-01")
    factories.person(email="sam@example.nhs.uk")

    assert errors([row(session=other.code), row(email="sam@example.nhs.uk")]) == [
        "Row 2: jane@example.nhs.uk has no registration on PIL-HOW-01",
        "Row 3: sam@example.nhs.uk has no registration on PIL-POS-01",
    ]


def test_second_answer_to_the_same_question_reports_the_later_row_naming_the_earlier(world):
    rows = [row(), row(question="conf_assurance"), row(email="JANE@example.nhs.uk", session="pil-pos-01", value="5")]

    assert errors(rows) == [
        "Row 4: second answer to conf_overall in the pre survey for jane@example.nhs.uk on PIL-POS-01: also on row 2"
    ]


def test_survey_already_answered_is_reported_on_every_row(world):
    import_rows([row(question=code, value="3") for code in CONFIDENCE])

    assert errors([row(question="conf_focus_1"), row(question="conf_focus_2")]) == [
        "Row 2: jane@example.nhs.uk has already answered the pre survey for PIL-POS-01: imports never replace answers",
        "Row 3: jane@example.nhs.uk has already answered the pre survey for PIL-POS-01: imports never replace answers",
    ]


def test_questions_come_from_the_current_version_of_the_survey(world):
    pre = Questionnaire.objects.get(programme=world.programme, kind="pre")
    newer = Questionnaire.objects.create(programme=world.programme, kind="pre", version=2, title=pre.title)
    Item.objects.create(questionnaire=newer, code="conf_new", text="How confident?", type=ItemType.YES_NO)

    plan = check_rows([row(question="conf_new", value="no"), row(question="conf_overall")])

    assert [str(error) for error in plan.errors] == ["Row 3: unknown question 'conf_overall' in the pre survey"]
    assert plan.responses == {(world.jane.pk, "pre"): newer.pk}


def test_a_programme_without_surveys_has_no_questions(db):
    session = factories.published_session(code="ROL-POS-01")
    factories.registration(session=session, person=factories.person(email="jo@example.nhs.uk"), status="attended")

    assert errors([row(email="jo@example.nhs.uk", session="ROL-POS-01")]) == [
        "Row 2: unknown question 'conf_overall' in the pre survey"
    ]


def test_a_cancelled_place_followed_by_a_new_one_answers_with_the_new_one(world):
    cancelled = factories.registration(session=world.session, person=factories.person(email="ann@example.nhs.uk"))
    Registration.objects.filter(pk=cancelled.pk).update(status="cancelled")
    again = factories.registration(session=world.session, person=cancelled.person, status="attended")

    plan = check_rows([row(email="ann@example.nhs.uk", survey="post", question="recommend", value="10")])

    assert (plan.errors, list(plan.responses)) == ([], [(again.pk, "post")])


def test_every_bad_row_is_reported_in_row_order(world):
    rows = [row(value="9"), *GOOD_ROWS[1:], row(email="x@example.nhs.uk"), row(survey="")]

    assert errors(rows) == [
        "Row 2: value '9' is not an answer to conf_overall: give a number from 1 to 5 or one of "
        "Not at all confident, Slightly confident, Moderately confident, Very confident, Completely confident",
        "Row 8: unknown email address 'x@example.nhs.uk'",
        "Row 9: missing survey",
    ]


def test_report_gives_the_counts_then_every_bad_row(world):
    plan = check_rows([*GOOD_ROWS, row(session="NOPE")])

    assert plan.report() == [
        "Rows read: 7",
        "Responses to add: 2 (pre 1, post 1, follow_up 0)",
        "Answers to add: 6",
        "Bad rows: 1",
        "Row 8: unknown session 'NOPE'",
    ]


# Writing ----------------------------------------------------------------------------------


def test_import_writes_one_imported_response_per_survey_with_its_answers(world, organiser):
    before = timezone.now()

    import_rows(GOOD_ROWS, actor=organiser)

    current = {q.kind: q for q in Questionnaire.objects.all()}
    responses = list(Response.objects.order_by("kind").values_list("registration", "kind", "questionnaire", "source"))
    assert responses == [
        (world.omar.pk, "post", current["post"].pk, ResponseSource.IMPORT),
        (world.jane.pk, "pre", current["pre"].pk, ResponseSource.IMPORT),
    ]
    assert all(response.submitted_at >= before for response in Response.objects.all())
    answers = Answer.objects.order_by("response__kind", "item__order").values_list(
        "response__kind", "item__code", "value", "text"
    )
    assert list(answers) == [
        ("post", "experience", 4, ""),
        ("post", "recommend", 9, ""),
        ("post", "do_differently", None, "Ask about cyber risk"),
        ("post", "digital_champion", 1, ""),
        ("pre", "conf_overall", 4, ""),
        ("pre", "conf_assurance", 2, ""),
    ]


def test_import_records_one_audit_entry_with_the_counts(world, organiser):
    import_rows(GOOD_ROWS, actor=organiser)

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_repr) == (
        organiser,
        "responses.import",
        "questionnaire",
        "Import of survey answers from answers.csv",
    )
    assert entry.after == {
        "file": "answers.csv",
        "rows": 6,
        "responses": 2,
        "answers": 6,
        "pre": 1,
        "post": 1,
        "follow_up": 0,
    }


def test_import_writes_nothing_when_any_row_is_bad(world):
    plan = check_rows(GOOD_ROWS)
    Person.objects.filter(email="omar@example.nhs.uk").update(email="omar.k@example.nhs.uk")

    with pytest.raises(ImportRejected) as rejected:
        imports.apply(plan=plan, actor=None)

    assert [str(error) for error in rejected.value.plan.errors] == [
        "Row 4: unknown email address 'Omar@Example.nhs.uk'",
        "Row 5: unknown email address 'omar@example.nhs.uk'",
        "Row 6: unknown email address 'omar@example.nhs.uk'",
        "Row 7: unknown email address 'omar@example.nhs.uk'",
    ]
    assert (Response.objects.count(), Answer.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_reimporting_the_same_file_reports_every_row_as_already_answered(world):
    import_rows(GOOD_ROWS)

    plan = check_rows(GOOD_ROWS)

    assert plan.bad_row_count == len(GOOD_ROWS)
    assert [error.message.split(":")[0] for error in plan.errors] == [
        "jane@example.nhs.uk has already answered the pre survey for PIL-POS-01",
    ] * 2 + ["omar@example.nhs.uk has already answered the post survey for PIL-POS-01"] * 4
    assert (Response.objects.count(), Answer.objects.count()) == (2, 6)


def test_an_answer_given_online_is_never_replaced(world):
    Response.objects.create(
        registration=world.jane,
        kind="pre",
        questionnaire=Questionnaire.objects.get(kind="pre"),
        submitted_at=timezone.now(),
    )

    with pytest.raises(ImportRejected):
        import_rows(GOOD_ROWS)

    assert Response.objects.get().source == ResponseSource.WEB


# Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_checking_makes_the_same_number_of_queries_for_1_and_3_rows(world, django_assert_num_queries, count):
    rows = [row(question=code) for code in CONFIDENCE[:count]]
    source = imports.read_file(csv_bytes(rows), "answers.csv")

    # people, sessions, registrations, questionnaires, questions, responses already given
    with django_assert_num_queries(6):
        plan = imports.check(source)

    assert (plan.errors, len(plan.answers)) == ([], count)


def test_checking_many_people_and_sessions_makes_no_more_queries(programme, django_assert_num_queries):
    world = make_world(programme)
    others = [factories.published_session(phase=world.session.phase) for _ in range(3)]
    rows = []
    for session in others:
        for n in range(5):
            person = factories.person(email=f"p{session.pk}.{n}@example.nhs.uk")
            factories.registration(session=session, person=person, status="attended")
            rows += [row(email=person.email, session=session.code, survey="post", question=code) for code in CONFIDENCE]
    source = imports.read_file(csv_bytes(rows), "answers.csv")

    with django_assert_num_queries(6):
        plan = imports.check(source)

    assert (plan.errors, plan.response_count, len(plan.answers)) == ([], 15, 120)
