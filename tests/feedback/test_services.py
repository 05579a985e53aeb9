"""Questionnaires and their versions, checking answers, submitting a response, and whether a link
can take answers now."""

import dataclasses
import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from attendees import services as attendee_services
from attendees.enums import RegistrationStatus
from feedback import queries, services
from feedback.enums import CONFIDENCE_LABELS, ItemPurpose, ItemType, ResponseSource, SurveyKind
from feedback.models import Answer, Item, Questionnaire, Response, SurveySchedule
from feedback.services import ItemDetails
from summits.models import AuditEntry
from tests import factories
from tests.feedback.conftest import PRE_ANSWERS

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

CONFIDENCE_CODES = [
    "conf_overall",
    "conf_assurance",
    "conf_focus_1",
    "conf_focus_2",
    "conf_focus_3",
    "conf_focus_4",
    "conf_focus_5",
    "conf_focus_6",
]
RETROSPECTIVE_CODES = [
    "retro_overall",
    "retro_assurance",
    "retro_focus_1",
    "retro_focus_2",
    "retro_focus_3",
    "retro_focus_4",
    "retro_focus_5",
    "retro_focus_6",
]
OVERALL_TEXT = "How confident are you in making decisions about data, information and technology?"


def codes(questionnaire: Questionnaire) -> list[str]:
    return list(questionnaire.items.order_by("order", "pk").values_list("code", flat=True))


def item_rows(questionnaire: Questionnaire) -> list[tuple]:
    """Everything about each question except which questionnaire holds it."""
    return list(
        questionnaire.items.order_by("order", "pk").values_list(
            "code",
            "order",
            "text",
            "hint",
            "type",
            "purpose",
            "required",
            "domain",
            "focus_area__number",
            "retrospective_of",
            "choices",
        )
    )


def versions(programme, kind: str) -> list[int]:
    return list(
        Questionnaire.objects.filter(programme=programme, kind=kind)
        .order_by("version")
        .values_list("version", flat=True)
    )


def fresh(link):
    """The link as the survey page loads it, with its registration and session."""
    return queries.survey_link(link.pk)


def text_item(code: str = "takeaway", **overrides) -> ItemDetails:
    values = {"code": code, "text": "What was most useful?", "type": ItemType.TEXT, "required": False}
    values.update(overrides)
    return ItemDetails(**values)


def details_of(item: Item, **changes) -> ItemDetails:
    values = {
        "code": item.code,
        "text": item.text,
        "type": item.type,
        "purpose": item.purpose,
        "required": item.required,
        "hint": item.hint,
        "domain": item.domain,
        "retrospective_of": item.retrospective_of,
        "choices": tuple(item.choices),
    }
    values.update(changes)
    return ItemDetails(**values)


# The default questionnaires --------------------------------------------------------------------


def test_ensure_default_questionnaires_makes_the_three_surveys_with_their_items_in_order(programme):
    made = services.ensure_default_questionnaires(programme=programme)

    assert sorted(made) == ["follow_up", "post", "pre"]
    assert [(q.kind, q.version, q.title) for q in made.values()] == [
        ("pre", 1, "Before the workshop"),
        ("post", 1, "After the workshop"),
        ("follow_up", 1, "Three months on"),
    ]
    assert codes(made[SurveyKind.PRE]) == CONFIDENCE_CODES
    assert codes(made[SurveyKind.POST]) == [
        *CONFIDENCE_CODES,
        "experience",
        "relevance",
        "recommend",
        *RETROSPECTIVE_CODES,
        "do_differently",
        "digital_champion",
    ]
    assert codes(made[SurveyKind.FOLLOW_UP]) == [*CONFIDENCE_CODES, "applied_since"]
    assert SurveySchedule.objects.filter(programme=programme).count() == 1


def test_ensure_default_questionnaires_confidence_items_are_word_for_word_the_same_in_every_survey(surveys):
    pre = item_rows(surveys[SurveyKind.PRE])

    assert item_rows(surveys[SurveyKind.POST])[: len(CONFIDENCE_CODES)] == pre
    assert item_rows(surveys[SurveyKind.FOLLOW_UP])[: len(CONFIDENCE_CODES)] == pre
    assert pre[0] == (
        "conf_overall",
        1,
        OVERALL_TEXT,
        "",
        ItemType.LIKERT,
        ItemPurpose.CONFIDENCE,
        True,
        "overall",
        None,
        "",
        CONFIDENCE_LABELS,
    )
    assert [row[8] for row in pre] == [None, None, 1, 2, 3, 4, 5, 6]


def test_ensure_default_questionnaires_retrospective_items_mirror_the_confidence_items(surveys):
    post = surveys[SurveyKind.POST]

    retro = post.items.get(code="retro_overall")

    assert (retro.text, retro.required, retro.retrospective_of, retro.domain) == (
        "Thinking back to before the workshop: How confident were you in making decisions about data, "
        "information and technology?",
        False,
        "conf_overall",
        "overall",
    )
    assert (
        list(
            post.items.filter(purpose=ItemPurpose.RETROSPECTIVE)
            .order_by("order")
            .values_list("retrospective_of", flat=True)
        )
        == CONFIDENCE_CODES
    )


def test_ensure_default_questionnaires_twice_makes_nothing_new(programme):
    first = services.ensure_default_questionnaires(programme=programme)

    second = services.ensure_default_questionnaires(programme=programme)

    assert {kind: q.pk for kind, q in second.items()} == {kind: q.pk for kind, q in first.items()}
    assert Questionnaire.objects.filter(programme=programme).count() == 3
    assert Item.objects.filter(questionnaire__programme=programme).count() == 8 + 21 + 9
    assert SurveySchedule.objects.filter(programme=programme).count() == 1


def test_ensure_default_questionnaires_keeps_the_current_version_of_an_edited_survey(
    programme, surveys, place, organiser
):
    factories.survey_response(registration=place, answers=PRE_ANSWERS)
    services.save_item(actor=organiser, questionnaire=surveys[SurveyKind.PRE], details=text_item())

    again = services.ensure_default_questionnaires(programme=programme)

    assert again[SurveyKind.PRE].version == 2
    assert versions(programme, SurveyKind.PRE) == [1, 2]


# Versions --------------------------------------------------------------------------------------


def test_save_item_before_any_response_edits_the_questionnaire_in_place(programme, surveys, organiser):
    pre = surveys[SurveyKind.PRE]
    item = pre.items.get(code="conf_overall")

    saved = services.save_item(
        actor=organiser, questionnaire=pre, item=item, details=details_of(item, text="How confident are you now?")
    )

    assert (saved.pk, saved.questionnaire_id, saved.text) == (item.pk, pre.pk, "How confident are you now?")
    assert versions(programme, SurveyKind.PRE) == [1]


def test_save_item_adds_a_question_at_the_end(surveys, organiser):
    pre = surveys[SurveyKind.PRE]

    saved = services.save_item(actor=organiser, questionnaire=pre, details=text_item())

    assert (saved.questionnaire_id, saved.order, saved.code, saved.required) == (pre.pk, 9, "takeaway", False)
    assert codes(pre) == [*CONFIDENCE_CODES, "takeaway"]


def test_save_item_after_a_response_makes_version_2_with_every_item_and_the_change(
    programme, surveys, place, organiser
):
    pre = surveys[SurveyKind.PRE]
    answered = factories.survey_response(registration=place, answers=PRE_ANSWERS)
    before = item_rows(pre)
    item = pre.items.get(code="conf_assurance")

    saved = services.save_item(
        actor=organiser,
        questionnaire=pre,
        item=item,
        details=details_of(item, text="How sure are you?", meaning=services.SAME_MEANING),
    )

    version_2 = Questionnaire.objects.get(programme=programme, kind=SurveyKind.PRE, version=2)
    assert saved.questionnaire_id == version_2.pk
    assert (version_2.title, version_2.introduction) == (pre.title, pre.introduction)
    assert item_rows(version_2) == [before[0], (*before[1][:2], "How sure are you?", *before[1][3:]), *before[2:]]
    assert item_rows(pre) == before
    answered.refresh_from_db()
    assert answered.questionnaire_id == pre.pk
    assert sorted(answered.answers.values_list("item__questionnaire__version", flat=True)) == [1] * 8


def test_rewording_an_answered_confidence_item_asks_whether_it_means_the_same(surveys, place, organiser):
    pre = surveys[SurveyKind.PRE]
    factories.survey_response(registration=place, answers=PRE_ANSWERS)
    item = pre.items.get(code="conf_assurance")

    with pytest.raises(ValidationError) as raised:
        services.save_item(actor=organiser, questionnaire=pre, item=item, details=details_of(item, text="Sure?"))

    assert raised.value.message_dict == {
        "meaning": [
            "You changed the wording of a confidence question that people have answered. Say whether it still "
            "asks the same thing"
        ]
    }
    assert Questionnaire.objects.filter(kind=SurveyKind.PRE).count() == 1  # no version made


def test_a_new_meaning_needs_a_new_code(surveys, place, organiser):
    pre = surveys[SurveyKind.PRE]
    factories.survey_response(registration=place, answers=PRE_ANSWERS)
    item = pre.items.get(code="conf_assurance")
    new_meaning = details_of(item, text="How sure are you about cyber security?", meaning=services.NEW_MEANING)

    with pytest.raises(ValidationError) as raised:
        services.save_item(actor=organiser, questionnaire=pre, item=item, details=new_meaning)
    saved = services.save_item(
        actor=organiser, questionnaire=pre, item=item, details=dataclasses.replace(new_meaning, code="conf_cyber")
    )

    assert raised.value.message_dict == {
        "code": ["A question that asks something new needs a code that no other question has used"]
    }
    assert (saved.code, saved.questionnaire.version) == ("conf_cyber", 2)
    assert AuditEntry.objects.filter(action="questionnaire.item_saved").latest("pk").after["meaning"] == "new"


def test_changing_what_an_item_measures_needs_a_new_code(surveys, place, organiser):
    pre = surveys[SurveyKind.PRE]
    factories.survey_response(registration=place, answers=PRE_ANSWERS)
    item = pre.items.get(code="conf_assurance")

    with pytest.raises(ValidationError) as raised:
        services.save_item(actor=organiser, questionnaire=pre, item=item, details=details_of(item, domain="overall"))

    assert raised.value.message_dict == {
        "code": [
            "The code conf_assurance already measures something else in this programme (confidence (paired before "
            "and after), domain assurance). A question that measures something new needs a new code"
        ]
    }


def test_save_item_adding_after_a_response_leaves_version_1_as_it_was(programme, surveys, place, organiser):
    pre = surveys[SurveyKind.PRE]
    factories.survey_response(registration=place, answers=PRE_ANSWERS)

    saved = services.save_item(actor=organiser, questionnaire=pre, details=text_item())

    assert saved.questionnaire.version == 2
    assert codes(saved.questionnaire) == [*CONFIDENCE_CODES, "takeaway"]
    assert codes(pre) == CONFIDENCE_CODES


def test_save_item_on_an_unanswered_version_2_edits_it_in_place(programme, surveys, place, organiser):
    factories.survey_response(registration=place, answers=PRE_ANSWERS)
    version_2 = services.save_item(
        actor=organiser, questionnaire=surveys[SurveyKind.PRE], details=text_item()
    ).questionnaire

    services.save_item(actor=organiser, questionnaire=version_2, details=text_item("second", text="Anything else?"))

    assert versions(programme, SurveyKind.PRE) == [1, 2]
    assert codes(version_2) == [*CONFIDENCE_CODES, "takeaway", "second"]


def test_save_item_on_an_old_version_is_refused(programme, surveys, place, organiser):
    pre = surveys[SurveyKind.PRE]
    factories.survey_response(registration=place, answers=PRE_ANSWERS)
    services.save_item(actor=organiser, questionnaire=pre, details=text_item())

    with pytest.raises(ValidationError) as refused:
        services.save_item(actor=organiser, questionnaire=pre, details=text_item("other"))

    assert refused.value.messages == ["This is an old version of the questionnaire. Edit the current version instead."]
    assert versions(programme, SurveyKind.PRE) == [1, 2]
    assert codes(pre) == CONFIDENCE_CODES


def test_save_item_with_a_code_already_used_is_refused(surveys, organiser):
    with pytest.raises(ValidationError) as refused:
        services.save_item(actor=organiser, questionnaire=surveys[SurveyKind.PRE], details=text_item("conf_overall"))

    assert refused.value.message_dict == {"code": ["Another question in this questionnaire already has this code"]}


def test_save_item_with_a_code_that_is_not_lower_case_letters_is_refused(surveys, organiser):
    pre = surveys[SurveyKind.PRE]

    with pytest.raises(ValidationError) as refused:
        services.save_item(actor=organiser, questionnaire=pre, details=text_item("Most useful!"))

    assert refused.value.message_dict == {
        "code": [
            "Enter a code of lower-case letters, numbers and underscores that starts with a letter, like conf_overall."
        ]
    }
    assert codes(pre) == CONFIDENCE_CODES


def test_remove_item_before_any_response_removes_it_in_place(programme, surveys, organiser):
    pre = surveys[SurveyKind.PRE]

    kept = services.remove_item(actor=organiser, item=pre.items.get(code="conf_focus_6"))

    assert kept.pk == pre.pk
    assert codes(pre) == CONFIDENCE_CODES[:-1]
    assert versions(programme, SurveyKind.PRE) == [1]


def test_remove_item_after_a_response_makes_version_2_without_it(programme, surveys, place, organiser):
    pre = surveys[SurveyKind.PRE]
    answered = factories.survey_response(registration=place, answers=PRE_ANSWERS)
    before = item_rows(pre)

    version_2 = services.remove_item(actor=organiser, item=pre.items.get(code="conf_focus_6"))

    assert (version_2.kind, version_2.version) == (SurveyKind.PRE, 2)
    assert item_rows(version_2) == before[:-1]
    assert item_rows(pre) == before
    assert Response.objects.get(pk=answered.pk).questionnaire_id == pre.pk


def test_remove_item_from_an_old_version_is_refused(surveys, place, organiser):
    pre = surveys[SurveyKind.PRE]
    factories.survey_response(registration=place, answers=PRE_ANSWERS)
    services.save_item(actor=organiser, questionnaire=pre, details=text_item())

    with pytest.raises(ValidationError) as refused:
        services.remove_item(actor=organiser, item=pre.items.get(code="conf_overall"))

    assert refused.value.messages == ["This is an old version of the questionnaire. Edit the current version instead."]
    assert codes(pre) == CONFIDENCE_CODES


# Checking a question's details -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"type": ItemType.LIKERT, "choices": ("One", "Two", "Three", "Four")},
            {"choices": ["Enter a label for each of the 5 points, one per line"]},
        ),
        (
            {"type": ItemType.LIKERT, "choices": ("One", "Two", "Three", "Four", "  ")},
            {"choices": ["Enter a label for each of the 5 points, one per line"]},
        ),
        (
            {"type": ItemType.CHOICE, "choices": ("Only one", "")},
            {"choices": ["Enter at least 2 choices, one per line"]},
        ),
        (
            {"type": ItemType.SCALE_0_10, "purpose": ItemPurpose.CONFIDENCE, "domain": "overall"},
            {"type": ["Confidence questions use the 5-point scale"]},
        ),
        (
            {"type": ItemType.LIKERT, "purpose": ItemPurpose.CONFIDENCE, "choices": tuple(CONFIDENCE_LABELS)},
            {"domain": ["Enter what this confidence question measures, like overall or focus_3"]},
        ),
        (
            {
                "type": ItemType.LIKERT,
                "purpose": ItemPurpose.RETROSPECTIVE,
                "domain": "overall",
                "choices": tuple(CONFIDENCE_LABELS),
            },
            {"retrospective_of": ["Enter the code of the confidence question this looks back on"]},
        ),
        (
            {"type": ItemType.TEXT, "purpose": ItemPurpose.RETROSPECTIVE},
            {
                "type": ["Confidence questions use the 5-point scale"],
                "domain": ["Enter what this confidence question measures, like overall or focus_3"],
                "retrospective_of": ["Enter the code of the confidence question this looks back on"],
            },
        ),
    ],
)
def test_save_item_with_inconsistent_details_is_refused_and_changes_nothing(surveys, organiser, changes, errors):
    pre = surveys[SurveyKind.PRE]
    details = dataclasses.replace(text_item(), **changes)

    with pytest.raises(ValidationError) as refused:
        services.save_item(actor=organiser, questionnaire=pre, details=details)

    assert refused.value.message_dict == errors
    assert codes(pre) == CONFIDENCE_CODES


def test_save_item_stores_choices_without_blank_lines_or_spaces(surveys, organiser):
    saved = services.save_item(
        actor=organiser,
        questionnaire=surveys[SurveyKind.PRE],
        details=text_item("role", text="Your role", type=ItemType.CHOICE, choices=(" Chair ", "", "Director")),
    )

    assert saved.choices == ["Chair", "Director"]


# Checking answers ------------------------------------------------------------------------------


@pytest.fixture
def pre_items(surveys):
    return list(surveys[SurveyKind.PRE].items.all())


@pytest.fixture
def post_items(surveys):
    return list(surveys[SurveyKind.POST].items.all())


def test_check_answers_turns_numbers_into_values(pre_items):
    checked = services.check_answers(pre_items, {**PRE_ANSWERS, "conf_overall": "4", "conf_focus_1": " 2 "})

    assert checked == {code: (value, "") for code, value in PRE_ANSWERS.items()}


def test_check_answers_accepts_a_points_label_as_paper_forms_give_it(pre_items):
    checked = services.check_answers(
        pre_items, {**PRE_ANSWERS, "conf_overall": "Very confident", "conf_assurance": "not at all CONFIDENT"}
    )

    assert (checked["conf_overall"], checked["conf_assurance"]) == ((4, ""), (1, ""))


def test_check_answers_keeps_a_choices_label_as_its_text(surveys, organiser):
    item = services.save_item(
        actor=organiser,
        questionnaire=surveys[SurveyKind.PRE],
        details=text_item("role", text="Your role", type=ItemType.CHOICE, required=True, choices=("Chair", "Director")),
    )

    checked = services.check_answers([item], {"role": "director"})

    assert checked == {"role": (2, "Director")}


def test_check_answers_post_survey_scales_yes_no_and_text(post_items):
    answers = {
        **PRE_ANSWERS,
        "experience": 5,
        "relevance": "Very relevant",
        "recommend": 0,
        "retro_overall": 2,
        "do_differently": "  Ask for a clinical safety case  ",
        "digital_champion": "Yes",
    }

    checked = services.check_answers(post_items, answers)

    assert {code: checked[code] for code in ["experience", "relevance", "recommend", "retro_overall"]} == {
        "experience": (5, ""),
        "relevance": (4, ""),
        "recommend": (0, ""),
        "retro_overall": (2, ""),
    }
    assert checked["do_differently"] == (None, "Ask for a clinical safety case")
    assert checked["digital_champion"] == (1, "")
    assert "retro_assurance" not in checked


def test_check_answers_missing_required_answers(post_items):
    answers = {**PRE_ANSWERS, "experience": 5, "recommend": 9, "digital_champion": 0}
    del answers["conf_overall"]

    with pytest.raises(ValidationError) as refused:
        services.check_answers(post_items, {**answers, "relevance": "  "})

    assert refused.value.message_dict == {
        "conf_overall": [f"Select an answer to: {OVERALL_TEXT}"],
        "relevance": ["Select an answer to: How relevant was the workshop to your role?"],
    }


def test_check_answers_missing_required_text(surveys, organiser):
    item = services.save_item(actor=organiser, questionnaire=surveys[SurveyKind.PRE], details=text_item(required=True))

    with pytest.raises(ValidationError) as refused:
        services.check_answers([item], {})

    assert refused.value.message_dict == {"takeaway": ["Enter what was most useful"]}


@pytest.mark.parametrize(
    ("code", "answer", "message"),
    [
        ("conf_overall", 6, f"Select an answer from 1 to 5 for: {OVERALL_TEXT}"),
        ("conf_overall", 0, f"Select an answer from 1 to 5 for: {OVERALL_TEXT}"),
        ("conf_overall", "3.5", f"Select an answer from 1 to 5 for: {OVERALL_TEXT}"),
        ("conf_overall", "Quite confident", f"Select an answer from 1 to 5 for: {OVERALL_TEXT}"),
        ("conf_overall", "nan", f"Select an answer from 1 to 5 for: {OVERALL_TEXT}"),
        ("conf_overall", "inf", f"Select an answer from 1 to 5 for: {OVERALL_TEXT}"),
        (
            "recommend",
            11,
            "Select an answer from 0 to 10 for: How likely are you to recommend the workshop to a colleague?",
        ),
        (
            "digital_champion",
            2,
            "Select an answer from 0 to 1 for: Would you like to be a digital champion in your organisation?",
        ),
    ],
)
def test_check_answers_out_of_range(post_items, code, answer, message):
    answers = {**PRE_ANSWERS, "experience": 5, "relevance": 4, "recommend": 9, "digital_champion": 0}

    with pytest.raises(ValidationError) as refused:
        services.check_answers(post_items, {**answers, code: answer})

    assert refused.value.message_dict == {code: [message]}


def test_check_answers_unknown_code(pre_items):
    with pytest.raises(ValidationError) as refused:
        services.check_answers(pre_items, {**PRE_ANSWERS, "conf_focus_9": 3})

    assert refused.value.message_dict == {"conf_focus_9": ["There is no question conf_focus_9 in this survey"]}


# Submitting a response -------------------------------------------------------------------------


def answer_rows(response: Response) -> list[tuple]:
    return list(response.answers.order_by("item__order").values_list("item__code", "value", "text"))


def test_submit_response_saves_the_answers(surveys, pre_link, place):
    now = timezone.now()

    response = services.submit_response(
        link=fresh(pre_link), questionnaire=surveys[SurveyKind.PRE], answers=PRE_ANSWERS, now=now
    )

    assert (response.registration_id, response.kind, response.questionnaire_id, response.source) == (
        place.pk,
        SurveyKind.PRE,
        surveys[SurveyKind.PRE].pk,
        ResponseSource.WEB,
    )
    assert Response.objects.get().submitted_at == now
    assert answer_rows(response) == [(code, value, "") for code, value in PRE_ANSWERS.items()]


def test_submit_response_post_survey_saves_text_and_leaves_out_unanswered_optional_questions(surveys, session, jane):
    attended = factories.registration(session=session, person=jane, status=RegistrationStatus.ATTENDED)
    link = factories.survey_link(registration=attended, kind=SurveyKind.POST)
    answers = {
        **PRE_ANSWERS,
        "experience": 4,
        "relevance": 5,
        "recommend": 7,
        "retro_overall": 2,
        "do_differently": "Ask for the clinical safety case",
        "digital_champion": 1,
    }

    response = services.submit_response(link=fresh(link), questionnaire=surveys[SurveyKind.POST], answers=answers)

    assert answer_rows(response) == [
        *[(code, value, "") for code, value in PRE_ANSWERS.items()],
        ("experience", 4, ""),
        ("relevance", 5, ""),
        ("recommend", 7, ""),
        ("retro_overall", 2, ""),
        ("do_differently", None, "Ask for the clinical safety case"),
        ("digital_champion", 1, ""),
    ]


def test_submit_response_with_a_missing_answer_saves_nothing(surveys, pre_link):
    with pytest.raises(ValidationError) as refused:
        services.submit_response(
            link=fresh(pre_link), questionnaire=surveys[SurveyKind.PRE], answers={**PRE_ANSWERS, "conf_overall": ""}
        )

    assert list(refused.value.message_dict) == ["conf_overall"]
    assert (Response.objects.count(), Answer.objects.count()) == (0, 0)


def test_submit_response_a_second_time_is_refused_and_changes_nothing(surveys, pre_link):
    first = services.submit_response(link=fresh(pre_link), questionnaire=surveys[SurveyKind.PRE], answers=PRE_ANSWERS)

    with pytest.raises(services.SurveyUnavailable) as refused:
        services.submit_response(
            link=fresh(pre_link),
            questionnaire=surveys[SurveyKind.PRE],
            answers=dict.fromkeys(PRE_ANSWERS, 1),
        )

    assert (refused.value.code, refused.value.message) == (
        "answered",
        "You have already answered this survey. Thank you.",
    )
    assert list(Response.objects.values_list("pk", flat=True)) == [first.pk]
    assert answer_rows(first) == [(code, value, "") for code, value in PRE_ANSWERS.items()]


def test_submit_response_when_another_submission_got_there_first_is_refused(surveys, pre_link, place):
    """The second of two submissions: the other one's response is already in the database."""
    theirs = factories.survey_response(registration=place, answers={"conf_overall": 2})

    with pytest.raises(services.SurveyUnavailable) as refused:
        services.submit_response(link=fresh(pre_link), questionnaire=surveys[SurveyKind.PRE], answers=PRE_ANSWERS)

    assert refused.value.code == "answered"
    assert list(Response.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert answer_rows(theirs) == [("conf_overall", 2, "")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
def test_submit_response_two_at_once_saves_one_and_refuses_the_other(programme, pre_link):
    """Both pass the "already answered?" check before either commits: the unique constraint
    refuses the second insert, and the service turns that into "answered"."""
    questionnaire = Questionnaire.objects.get(programme=programme, kind=SurveyKind.PRE)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(value: int):
        from django.db import connection as thread_connection

        try:
            link = fresh(pre_link)
            barrier.wait()
            services.submit_response(link=link, questionnaire=questionnaire, answers=dict.fromkeys(PRE_ANSWERS, value))
            outcomes.append("ok")
        except services.SurveyUnavailable as refused:
            outcomes.append(refused.code)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit, args=(value,)) for value in (1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["answered", "ok"]
    (response,) = Response.objects.all()
    assert len({value for _, value, _ in answer_rows(response)}) == 1
    assert response.answers.count() == 8


# Whether a link can take answers now -----------------------------------------------------------


def test_link_problem_none_for_an_open_link(pre_link):
    assert services.link_problem(fresh(pre_link)) is None


def test_link_problem_answered(pre_link, place):
    factories.survey_response(registration=place, answers=PRE_ANSWERS)

    problem = services.link_problem(fresh(pre_link))

    assert (problem.code, problem.message) == ("answered", "You have already answered this survey. Thank you.")


def test_link_problem_session_cancelled(pre_link, session, organiser):
    attendee_services.cancel_session(actor=organiser, session=session, reason="The venue flooded")

    problem = services.link_problem(fresh(pre_link))

    assert (problem.code, problem.message) == (
        "session_cancelled",
        "This session was cancelled, so there is nothing to answer.",
    )


def test_link_problem_pre_survey_after_cancelling_the_place(pre_link, place):
    attendee_services.cancel_registration(registration=place)

    problem = services.link_problem(fresh(pre_link))

    assert (problem.code, problem.message) == (
        "no_place",
        "This survey is for people with a place on the session, and your place was cancelled.",
    )


@pytest.mark.parametrize("status", [RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW])
def test_link_problem_pre_survey_is_open_to_anyone_who_held_a_place(session, surveys, jane, status):
    registration = factories.registration(session=session, person=jane, status=status)
    link = factories.survey_link(registration=registration, kind=SurveyKind.PRE)

    assert services.link_problem(fresh(link)) is None


def test_link_problem_post_survey_for_a_no_show(session, surveys, jane):
    no_show = factories.registration(session=session, person=jane, status=RegistrationStatus.NO_SHOW)
    link = factories.survey_link(registration=no_show, kind=SurveyKind.POST)

    problem = services.link_problem(fresh(link))

    assert (problem.code, problem.message) == ("no_place", "This survey is for people who attended the session.")


def test_link_problem_not_open_yet(session, surveys, jane):
    attended = factories.registration(session=session, person=jane, status=RegistrationStatus.ATTENDED)
    opens = factories.london(2031, 3, 4, 14, 5)
    link = factories.survey_link(
        registration=attended, kind=SurveyKind.FOLLOW_UP, opens_at=opens, closes_at=opens + 28 * DAY
    )

    problem = services.link_problem(fresh(link), now=opens - datetime.timedelta(minutes=1))

    assert (problem.code, problem.message) == ("not_open", "This survey opens on 4 March 2031 at 2:05pm.")
    assert services.link_problem(fresh(link), now=opens) is None


def test_link_problem_post_survey_closed(session, surveys, jane):
    attended = factories.registration(session=session, person=jane, status=RegistrationStatus.ATTENDED)
    closes = factories.london(2031, 3, 18, 9, 0)
    link = factories.survey_link(
        registration=attended, kind=SurveyKind.POST, opens_at=closes - 14 * DAY, closes_at=closes
    )

    problem = services.link_problem(fresh(link), now=closes)

    assert (problem.code, problem.message) == ("closed", "This survey closed on 18 March 2031 at 9:00am.")
    assert services.link_problem(fresh(link), now=closes - datetime.timedelta(seconds=1)) is None


def test_link_problem_pre_survey_closes_when_the_session_starts(surveys, phase, jane):
    starts = factories.london(2027, 2, 4, 13, 30)
    session = factories.published_session(phase=phase, starts_at=starts)
    link = factories.survey_link(registration=factories.registration(session=session, person=jane))

    problem = services.link_problem(fresh(link), now=starts)

    assert (problem.code, problem.message) == ("closed", "This survey closed on 4 February 2027 at 1:30pm.")
    assert services.link_problem(fresh(link), now=starts - datetime.timedelta(seconds=1)) is None


def test_link_problem_pre_survey_opens_again_when_the_session_moves_later(surveys, phase, jane, organiser):
    starts = factories.london(2027, 2, 4, 13, 30)
    session = factories.published_session(phase=phase, starts_at=starts)
    link = factories.survey_link(registration=factories.registration(session=session, person=jane))
    after_the_old_start = starts + HOUR
    assert services.link_problem(fresh(link), now=after_the_old_start).code == "closed"

    attendee_services.reschedule_session(
        actor=organiser, session=session, starts_at=starts + 7 * DAY, ends_at=starts + 7 * DAY + 3 * HOUR
    )

    assert services.link_problem(fresh(link), now=after_the_old_start) is None
    assert services.closes_at(fresh(link)) == starts + 7 * DAY
    assert services.link_problem(fresh(link), now=starts + 7 * DAY).code == "closed"
