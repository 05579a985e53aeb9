"""The organisers' survey pages: who may open them, response rates, the people to chase (never
their answers), digital champions, questionnaire versions, the survey schedule, and query
counts on every list page."""

import csv
import datetime
import importlib.util
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from feedback import emails as feedback_emails
from feedback import services
from feedback.models import Answer, Item, Questionnaire, Response, SurveyLink, SurveySchedule
from outbox.enums import MessageKind, MessageState
from outbox.models import Message
from summits.models import AuditEntry
from tests import factories
from tests.factories import london

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year + 1
SIGN_IN = "/accounts/login/code/"
FREE_TEXT = "Ask the board for a data protection impact assessment on every new system"


# Helpers --------------------------------------------------------------------------------------


def sent_link(registration, kind: str, *, sent: bool = True) -> SurveyLink:
    now = timezone.now()
    return SurveyLink.objects.create(
        registration=registration,
        kind=kind,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=14),
        sent_at=now if sent else None,
    )


def answered(registration, kind: str, answers: dict, questionnaire: Questionnaire | None = None) -> Response:
    """A response with answers by item code: numbers for scales and yes/no, strings for free text."""
    if questionnaire is None:
        questionnaire = (
            Questionnaire.objects.filter(programme_id=registration.session.phase.programme_id, kind=kind)
            .order_by("-version")
            .first()
        )
    response = Response.objects.create(
        registration=registration, kind=kind, questionnaire=questionnaire, submitted_at=timezone.now()
    )
    items = {item.code: item for item in questionnaire.items.all()}
    Answer.objects.bulk_create(
        Answer(
            response=response,
            item=items[code],
            value=None if isinstance(value, str) else value,
            text=value if isinstance(value, str) else "",
        )
        for code, value in answers.items()
    )
    return response


def person(first: str, last: str, **overrides):
    return factories.person(
        first_name=first, last_name=last, email=f"{first}.{last}@example.nhs.uk".lower(), **overrides
    )


@pytest.fixture
def defaults(programme):
    """The programme's default questionnaires (and survey schedule), by kind."""
    return services.ensure_default_questionnaires(programme=programme)


@pytest.fixture
def pilot(programme):
    return factories.phase(programme=programme, starts_on=datetime.date(YEAR, 1, 1), ends_on=datetime.date(YEAR, 6, 30))


# Permissions on every survey page -------------------------------------------------------------


@pytest.fixture
def objects(programme, defaults, pilot):
    session = factories.published_session(phase=pilot, code="PIL-POS-01", starts_at=london(YEAR, 3, 10, 9))
    registration = factories.registration(session=session, status="attended")
    return {
        "session": session,
        "questionnaire": defaults["pre"],
        "item": defaults["pre"].items.get(code="conf_overall"),
        "registration": registration,
    }


GET_PAGES = [
    "feedback:surveys-overview",
    "feedback:surveys-session",
    "feedback:surveys-champions",
    "feedback:surveys-champions-csv",
    "feedback:surveys-questionnaires",
    "feedback:surveys-questionnaire",
    "feedback:surveys-item-add",
    "feedback:surveys-item-change",
    "feedback:surveys-item-remove",
    "feedback:surveys-schedule",
]
POST_ONLY = ["feedback:surveys-set-up"]


def survey_url(name: str, objects: dict) -> str:
    kwargs = {
        "feedback:surveys-session": {"pk": objects["session"].pk},
        "feedback:surveys-questionnaire": {"pk": objects["questionnaire"].pk},
        "feedback:surveys-item-add": {"pk": objects["questionnaire"].pk},
        "feedback:surveys-item-change": {"pk": objects["item"].pk},
        "feedback:surveys-item-remove": {"pk": objects["item"].pk},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def test_every_organiser_survey_url_is_covered():
    from feedback.urls import urlpatterns

    names = {f"feedback:{p.name}" for p in urlpatterns if str(p.pattern).startswith("organise/")}
    # The import pages have their own tests.
    if importlib.util.find_spec("feedback.views.imports") is not None:
        from feedback.views import imports

        names -= {f"feedback:{p.name}" for p in imports.urlpatterns}

    assert names == set(GET_PAGES) | set(POST_ONLY)


@pytest.mark.parametrize("name", GET_PAGES + POST_ONLY)
def test_survey_page_sends_anonymous_people_to_sign_in(client, objects, name):
    url = survey_url(name, objects)

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response.url == f"{SIGN_IN}?next={url}"
    assert Questionnaire.objects.count() == 3
    assert Item.objects.filter(questionnaire=objects["questionnaire"]).count() == 8


@pytest.fixture(params=["evaluator", "board member"])
def wrong_role_client(request, client, evaluator):
    if request.param == "evaluator":
        user = evaluator
    else:
        user = factories.staff_user("board.member@example.nhs.uk")
        factories.person(first_name="Bea", last_name="Board", email="board.member@example.nhs.uk", user=user)
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", GET_PAGES + POST_ONLY)
def test_survey_page_refuses_other_roles(wrong_role_client, objects, name):
    url = survey_url(name, objects)

    get = wrong_role_client.get(url)
    post = wrong_role_client.post(url, {"text": "Changed", "code": "conf_overall", "type": "text"})

    assert (get.status_code, post.status_code) == (403, 403)
    assertNotContains(get, "PIL-POS-01", status_code=403)
    assert Questionnaire.objects.count() == 3
    assert Item.objects.filter(questionnaire=objects["questionnaire"]).count() == 8
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("name", GET_PAGES)
def test_survey_page_opens_for_organisers(organiser_client, objects, name):
    response = organiser_client.get(survey_url(name, objects))

    assert response.status_code == 200


@pytest.mark.parametrize("name", POST_ONLY)
def test_survey_action_refuses_get(organiser_client, objects, name):
    response = organiser_client.get(survey_url(name, objects))

    assert response.status_code == 405


def test_session_detail_links_to_its_survey_responses(organiser_client, objects):
    session = objects["session"]

    response = organiser_client.get(reverse("summits:session-detail", kwargs={"pk": session.pk}))

    url = reverse("feedback:surveys-session", kwargs={"pk": session.pk})
    assertContains(response, f'<a class="nhsuk-link" href="{url}">Survey responses</a>', html=True)


def test_header_has_a_surveys_link_for_organisers_only(organiser, evaluator, objects):
    url = reverse("feedback:surveys-overview")
    organiser_client, evaluator_client = Client(), Client()
    organiser_client.force_login(organiser)
    evaluator_client.force_login(evaluator)

    assertContains(organiser_client.get(reverse("summits:dashboard")), f'href="{url}"', count=1)
    assertNotContains(evaluator_client.get(reverse("evaluation:home")), f'href="{url}"')


# Response rates -------------------------------------------------------------------------------


@pytest.fixture
def rates(defaults, pilot):
    """Session A: pre 2 of 3 answered, post 1 of 3; session B: pre 0 of 1, and a link not sent yet."""
    a = factories.published_session(phase=pilot, code="PIL-POS-01", title="The possible", starts_at=london(YEAR, 3, 10))
    b = factories.published_session(phase=pilot, code="PIL-HOW-01", title="How to", starts_at=london(YEAR, 4, 14))
    ada, ben, cy = person("Ada", "Lovelace"), person("Ben", "Okri"), person("Cy", "Twombly")
    places = [factories.registration(session=a, person=p, status="attended") for p in (ada, ben, cy)]
    for place in places:
        sent_link(place, "pre")
        sent_link(place, "post")
    answered(places[0], "pre", {"conf_overall": 2})
    answered(places[1], "pre", {"conf_overall": 3})
    answered(
        places[0], "post", {"conf_overall": 4, "experience": 5, "do_differently": FREE_TEXT, "digital_champion": 1}
    )
    dee = person("Dee", "Hughes")
    place_b = factories.registration(session=b, person=dee)
    sent_link(place_b, "pre")
    sent_link(factories.registration(session=b), "post", sent=False)
    return {"a": a, "b": b, "ada": ada, "ben": ben, "cy": cy, "dee": dee}


def test_overview_counts_each_survey_across_the_programme(organiser_client, rates):
    response = organiser_client.get(reverse("feedback:surveys-overview"))

    counts = [(c.kind, c.sent, c.answered, c.percent) for c in response.context["counts"]]
    assert counts == [("pre", 4, 2, 50.0), ("post", 3, 1, 33.3), ("follow_up", 0, 0, None)]
    assertContains(
        response,
        '<tr class="nhsuk-table__row" id="rate-post"><th scope="row" class="nhsuk-table__header">Post survey</th>'
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">3</td>'
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">1</td>'
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">33.3%</td></tr>',
        html=True,
    )


def test_overview_lists_each_session_with_its_counts_and_link(organiser_client, rates):
    response = organiser_client.get(reverse("feedback:surveys-overview"))

    rows = [
        (row.session.code, [(c.sent, c.answered, c.percent) for c in row.counts])
        for row in response.context["sessions"]
    ]
    assert rows == [
        ("PIL-POS-01", [(3, 2, 66.7), (3, 1, 33.3), (0, 0, None)]),
        ("PIL-HOW-01", [(1, 0, 0.0), (0, 0, None), (0, 0, None)]),
    ]
    a_url = reverse("feedback:surveys-session", kwargs={"pk": rates["a"].pk})
    assertContains(
        response,
        f'<tr class="nhsuk-table__row" id="session-{rates["a"].pk}">'
        f'<td class="nhsuk-table__cell"><a class="nhsuk-link" href="{a_url}">PIL-POS-01</a><br>'
        '<span class="nhsuk-body-s">The possible</span></td>'
        f'<td class="nhsuk-table__cell">10 Mar {YEAR}</td>'
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">2 of 3 (66.7%)</td>'
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">1 of 3 (33.3%)</td>'
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">None sent</td></tr>',
        html=True,
    )


def test_overview_links_to_champions_questionnaires_schedule_and_import(organiser_client, programme, rates):
    response = organiser_client.get(reverse("feedback:surveys-overview"))

    query = f"?programme={programme.slug}"
    for name in ("feedback:surveys-champions", "feedback:surveys-questionnaires", "feedback:surveys-schedule"):
        assertContains(response, f'href="{reverse(name)}{query}"', count=1)
    assertContains(response, f'href="{reverse("feedback:responses-import")}"', count=1)
    assertNotContains(response, "Set up the surveys")


def test_overview_offers_to_set_up_surveys_that_are_not_set_up(organiser_client, programme):
    response = organiser_client.get(reverse("feedback:surveys-overview"))

    assertContains(response, "Set up the surveys")


def test_set_up_creates_the_default_questionnaires_and_schedule(organiser_client, programme):
    url = reverse("feedback:surveys-set-up") + f"?programme={programme.slug}"

    response = organiser_client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("feedback:surveys-questionnaires") + f"?programme={programme.slug}"
    kinds = sorted(Questionnaire.objects.filter(programme=programme).values_list("kind", "version"))
    assert kinds == [("follow_up", 1), ("post", 1), ("pre", 1)]
    assert SurveySchedule.objects.filter(programme=programme).count() == 1


def test_overview_without_a_programme_says_so(organiser_client):
    response = organiser_client.get(reverse("feedback:surveys-overview"))

    assertContains(response, "There is no programme yet.")


def test_session_page_counts_and_lists_who_to_chase(organiser_client, rates):
    response = organiser_client.get(reverse("feedback:surveys-session", kwargs={"pk": rates["a"].pk}))

    counts = [(c.kind, c.sent, c.answered, c.percent) for c in response.context["counts"]]
    assert counts == [("pre", 3, 2, 66.7), ("post", 3, 1, 33.3), ("follow_up", 0, 0, None)]
    chase = {
        count.kind: [link.registration.person.full_name for link in people]
        for count, people in response.context["surveys"]
    }
    assert chase == {"pre": ["Cy Twombly"], "post": ["Ben Okri", "Cy Twombly"], "follow_up": []}
    assertContains(response, "Pre survey: not answered (1)")
    assertContains(response, "Post survey: not answered (2)")
    assertContains(response, '<a class="nhsuk-link" href="mailto:cy.twombly@example.nhs.uk">', count=2)
    assertContains(response, rates["cy"].organisation.name, count=2)


def test_session_page_shows_no_answers(organiser_client, rates):
    response = organiser_client.get(reverse("feedback:surveys-session", kwargs={"pk": rates["a"].pk}))

    # Ada answered both surveys: her free text, her "Very good" and her confidence labels stay hidden.
    assertNotContains(response, FREE_TEXT)
    assertNotContains(response, "Very good")
    assertNotContains(response, "confident")
    assertNotContains(response, "Slightly")


def test_session_page_lists_its_digital_champions(organiser_client, rates):
    response = organiser_client.get(reverse("feedback:surveys-session", kwargs={"pk": rates["a"].pk}))

    assert [r.person.full_name for r in response.context["champions"]] == ["Ada Lovelace"]
    assertContains(response, "Digital champions (1)")
    assertContains(response, '<a class="nhsuk-link" href="mailto:ada.lovelace@example.nhs.uk">', count=1)


def test_session_page_of_another_session_has_no_champions(organiser_client, rates):
    response = organiser_client.get(reverse("feedback:surveys-session", kwargs={"pk": rates["b"].pk}))

    assert response.context["champions"] == []
    assertNotContains(response, "Ada Lovelace")


def test_session_page_404s_for_an_unknown_session(organiser_client):
    assert organiser_client.get(reverse("feedback:surveys-session", kwargs={"pk": 999999})).status_code == 404


# Digital champions ----------------------------------------------------------------------------


@pytest.fixture
def champions(defaults, pilot):
    a = factories.published_session(phase=pilot, code="PIL-POS-01", starts_at=london(YEAR, 3, 10))
    b = factories.published_session(phase=pilot, code="PIL-HOW-01", starts_at=london(YEAR, 4, 14))
    zoe = person("Zoe", "Adams", job_title="Chief nurse", organisation=factories.organisation(name="Leeds NHS Trust"))
    sam = person("Sam", "Patel", job_title='=HYPERLINK("http://evil")', organisation=None)
    no = person("Noel", "Nolan")
    answered(factories.registration(session=b, person=zoe, status="attended"), "post", {"digital_champion": 1})
    answered(factories.registration(session=a, person=sam, status="attended"), "post", {"digital_champion": 1})
    answered(factories.registration(session=a, person=no, status="attended"), "post", {"digital_champion": 0})
    return {"a": a, "b": b}


def test_champions_list_shows_people_who_said_yes(organiser_client, champions):
    response = organiser_client.get(reverse("feedback:surveys-champions"))

    rows = [(r.person.full_name, r.session.code) for r in response.context["champions"]]
    assert rows == [("Zoe Adams", "PIL-HOW-01"), ("Sam Patel", "PIL-POS-01")]
    assertContains(response, '<td class="nhsuk-table__cell">Chief nurse</td>', html=True)
    assertContains(response, '<td class="nhsuk-table__cell">Leeds NHS Trust</td>', html=True)
    assertNotContains(response, "Noel Nolan")


def test_champions_csv_has_one_row_per_champion_with_formulas_defused(organiser_client, programme, champions):
    response = organiser_client.get(reverse("feedback:surveys-champions-csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{programme.slug}-digital-champions.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    a, b = champions["a"], champions["b"]
    assert rows == [
        ["Name", "Job title", "Organisation", "Email", "Session", "Session date"],
        [
            "Zoe Adams",
            "Chief nurse",
            "Leeds NHS Trust",
            "zoe.adams@example.nhs.uk",
            f"PIL-HOW-01: {b.title}",
            f"{YEAR}-04-14",
        ],
        [
            "Sam Patel",
            '\'=HYPERLINK("http://evil")',
            "",
            "sam.patel@example.nhs.uk",
            f"PIL-POS-01: {a.title}",
            f"{YEAR}-03-10",
        ],
    ]


def test_champions_csv_without_a_programme_is_404(organiser_client):
    assert organiser_client.get(reverse("feedback:surveys-champions-csv")).status_code == 404


# Questionnaires ---------------------------------------------------------------------------------


def test_questionnaire_list_shows_each_current_version(organiser_client, defaults, pilot):
    answered(factories.registration(session=factories.session(phase=pilot)), "pre", {"conf_overall": 3})

    response = organiser_client.get(reverse("feedback:surveys-questionnaires"))

    rows = [(q.kind, q.version, q.item_count, q.response_count) for q in response.context["questionnaires"]]
    assert rows == [("follow_up", 1, 9, 0), ("post", 1, 21, 0), ("pre", 1, 8, 1)]


def test_questionnaire_detail_lists_items_in_order(organiser_client, defaults):
    response = organiser_client.get(reverse("feedback:surveys-questionnaire", kwargs={"pk": defaults["pre"].pk}))

    codes = [item.code for item in response.context["items"]]
    assert codes == ["conf_overall", "conf_assurance"] + [f"conf_focus_{n}" for n in range(1, 7)]
    assertContains(response, "Add a question")
    assertNotContains(response, "People have answered this version")


def item_data(**overrides) -> dict:
    data = {
        "text": "How confident are you about procuring digital services?",
        "hint": "",
        "code": "conf_procurement",
        "type": "likert",
        "choices": "Not at all\nSlightly\nModerately\nVery\nCompletely",
        "purpose": "confidence",
        "domain": "procurement",
        "retrospective_of": "",
        "required": "on",
    }
    data.update(overrides)
    return data


def test_changing_an_unanswered_questionnaire_changes_it_in_place(organiser_client, defaults):
    pre = defaults["pre"]
    item = pre.items.get(code="conf_overall")

    response = organiser_client.post(
        reverse("feedback:surveys-item-change", kwargs={"pk": item.pk}),
        item_data(code="conf_overall", domain="overall", text="How confident are you now?"),
    )

    assert response.status_code == 302
    assert response.url == reverse("feedback:surveys-questionnaire", kwargs={"pk": pre.pk})
    assert list(Questionnaire.objects.filter(kind="pre").values_list("version", flat=True)) == [1]
    item.refresh_from_db()
    assert (item.questionnaire_id, item.text, item.choices[0]) == (pre.pk, "How confident are you now?", "Not at all")
    assert AuditEntry.objects.get().action == "questionnaire.item_saved"


def test_adding_to_an_answered_questionnaire_makes_the_next_version(organiser_client, defaults, pilot):
    pre = defaults["pre"]
    old_response = answered(factories.registration(session=factories.session(phase=pilot)), "pre", {"conf_overall": 3})
    detail = organiser_client.get(reverse("feedback:surveys-questionnaire", kwargs={"pk": pre.pk}))
    assertContains(
        detail,
        "People have answered this version, so your change makes version 2; "
        "earlier answers keep the wording they answered.",
    )

    response = organiser_client.post(reverse("feedback:surveys-item-add", kwargs={"pk": pre.pk}), item_data())

    new = Questionnaire.objects.get(kind="pre", version=2)
    assert response.status_code == 302
    assert response.url == reverse("feedback:surveys-questionnaire", kwargs={"pk": new.pk})
    assert list(Questionnaire.objects.filter(kind="pre").order_by("version").values_list("version", flat=True)) == [
        1,
        2,
    ]
    assert (pre.items.count(), new.items.count()) == (8, 9)
    assert new.items.order_by("-order").first().code == "conf_procurement"
    old_response.refresh_from_db()
    assert old_response.questionnaire_id == pre.pk
    assert old_response.answers.get().item.questionnaire.version == 1


def test_removing_from_an_answered_questionnaire_makes_the_next_version(organiser_client, defaults, pilot):
    pre = defaults["pre"]
    answered(factories.registration(session=factories.session(phase=pilot)), "pre", {"conf_overall": 3})
    item = pre.items.get(code="conf_focus_6")
    confirm = organiser_client.get(reverse("feedback:surveys-item-remove", kwargs={"pk": item.pk}))
    assertContains(confirm, "Remove question conf_focus_6?")

    response = organiser_client.post(reverse("feedback:surveys-item-remove", kwargs={"pk": item.pk}))

    new = Questionnaire.objects.get(kind="pre", version=2)
    assert response.url == reverse("feedback:surveys-questionnaire", kwargs={"pk": new.pk})
    assert (pre.items.filter(code="conf_focus_6").count(), new.items.filter(code="conf_focus_6").count()) == (1, 0)
    assert new.items.count() == 7


def test_removing_from_an_unanswered_questionnaire_removes_in_place(organiser_client, defaults):
    pre = defaults["pre"]
    item = pre.items.get(code="conf_focus_6")

    response = organiser_client.post(reverse("feedback:surveys-item-remove", kwargs={"pk": item.pk}))

    assert response.url == reverse("feedback:surveys-questionnaire", kwargs={"pk": pre.pk})
    assert list(Questionnaire.objects.filter(kind="pre").values_list("version", flat=True)) == [1]
    assert pre.items.count() == 7


def test_old_version_is_read_only(organiser_client, defaults, pilot):
    pre = defaults["pre"]
    answered(factories.registration(session=factories.session(phase=pilot)), "pre", {"conf_overall": 3})
    services.save_item(
        actor=None,
        questionnaire=pre,
        details=services.ItemDetails(code="extra", text="Anything else?", type="text", required=False),
    )
    item = pre.items.get(code="conf_overall")

    detail = organiser_client.get(reverse("feedback:surveys-questionnaire", kwargs={"pk": pre.pk}))

    assert detail.context["current"] is False
    assertNotContains(detail, "Add a question")
    assertNotContains(detail, reverse("feedback:surveys-item-change", kwargs={"pk": item.pk}))
    versions = [(v.version, v.response_count) for v in detail.context["versions"]]
    assert versions == [(2, 0), (1, 1)]
    assert organiser_client.get(reverse("feedback:surveys-item-change", kwargs={"pk": item.pk})).status_code == 404
    assert organiser_client.post(reverse("feedback:surveys-item-remove", kwargs={"pk": item.pk})).status_code == 404
    assert pre.items.count() == 8


def test_service_error_is_shown_with_what_was_typed(organiser_client, defaults):
    pre = defaults["pre"]

    response = organiser_client.post(
        reverse("feedback:surveys-item-add", kwargs={"pk": pre.pk}), item_data(choices="Low\nHigh")
    )

    assert response.status_code == 200
    assertContains(response, '<div class="nhsuk-error-summary"', count=1)
    assertContains(
        response, '<a href="#id_choices">Enter a label for each of the 5 points, one per line</a>', html=True
    )
    assertContains(response, 'value="How confident are you about procuring digital services?"')
    assertContains(response, ">\nLow\nHigh</textarea>")
    assert pre.items.count() == 8


def test_duplicate_code_is_refused_with_what_was_typed(organiser_client, defaults):
    pre = defaults["pre"]

    response = organiser_client.post(
        reverse("feedback:surveys-item-add", kwargs={"pk": pre.pk}), item_data(code="conf_overall")
    )

    assertContains(
        response,
        '<a href="#id_code">Another question in this questionnaire already has this code</a>',
        html=True,
    )
    assertContains(response, 'value="conf_overall"')
    assert pre.items.count() == 8


def test_form_error_is_shown_with_what_was_typed(organiser_client, defaults):
    pre = defaults["pre"]

    response = organiser_client.post(
        reverse("feedback:surveys-item-add", kwargs={"pk": pre.pk}), item_data(text="", code="Bad Code")
    )

    assertContains(response, '<a href="#id_text">Enter the question</a>', html=True)
    assertContains(response, 'value="Bad Code"')
    assert pre.items.count() == 8


def test_rewording_an_answered_confidence_item_asks_about_its_meaning(organiser_client, defaults, pilot):
    pre = defaults["pre"]
    session = factories.session(phase=pilot)
    factories.survey_response(
        registration=factories.registration(session=session), answers={"conf_assurance": 3}, questionnaire=pre
    )
    item = pre.items.get(code="conf_assurance")
    data = item_data(code="conf_assurance", domain="assurance", text="How sure are you about assurance?")
    path = reverse("feedback:surveys-item-change", kwargs={"pk": item.pk})

    asked = organiser_client.post(path, data)
    saved = organiser_client.post(path, data | {"meaning": "same"})

    assertContains(
        asked,
        '<a href="#id_meaning_0">You changed the wording of a confidence question that people have answered. Say '
        "whether it still asks the same thing</a>",
        html=True,
    )
    assertContains(asked, 'value="How sure are you about assurance?"')
    assert saved.status_code == 302
    assert pre.items.get(code="conf_assurance").text == item.text  # version 1 keeps its wording
    assert Item.objects.filter(code="conf_assurance", questionnaire__version=2).get().text == (
        "How sure are you about assurance?"
    )


def test_change_form_starts_with_the_item_and_its_choices(organiser_client, defaults):
    item = defaults["post"].items.get(code="experience")

    response = organiser_client.get(reverse("feedback:surveys-item-change", kwargs={"pk": item.pk}))

    assert response.context["form"].initial["choices"] == "Very poor\nPoor\nNeither good nor poor\nGood\nVery good"
    assertContains(response, 'value="Overall, how was your experience of the workshop?"')


# The survey schedule ----------------------------------------------------------------------------


SCHEDULE = {
    "post_open_days": "21",
    "follow_up_enabled": "on",
    "follow_up_after_days": "120",
    "follow_up_open_days": "28",
    "reminder_hours_before_close": "48",
}


def test_schedule_change_is_saved_and_audited(organiser_client, programme, defaults):
    response = organiser_client.post(reverse("feedback:surveys-schedule"), SCHEDULE)

    assert response.status_code == 302
    assert response.url == reverse("feedback:surveys-schedule") + f"?programme={programme.slug}"
    schedule = SurveySchedule.objects.get(programme=programme)
    saved = (schedule.post_open_days, schedule.follow_up_enabled, schedule.follow_up_after_days)
    assert saved == (21, True, 120)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.before, entry.after) == (
        "survey_schedule.update",
        "surveyschedule",
        {"post_open_days": 14, "follow_up_after_days": 90},
        {"post_open_days": 21, "follow_up_after_days": 120},
    )


def test_schedule_can_turn_the_follow_up_off(organiser_client, programme, defaults):
    data = {key: value for key, value in SCHEDULE.items() if key != "follow_up_enabled"}

    organiser_client.post(reverse("feedback:surveys-schedule"), data)

    assert SurveySchedule.objects.get(programme=programme).follow_up_enabled is False


def test_schedule_error_keeps_what_was_typed(organiser_client, programme, defaults):
    response = organiser_client.post(reverse("feedback:surveys-schedule"), {**SCHEDULE, "post_open_days": "0"})

    assert response.status_code == 200
    assertContains(response, '<div class="nhsuk-error-summary"', count=1)
    assertContains(response, 'name="post_open_days" value="0"')
    assert SurveySchedule.objects.get(programme=programme).post_open_days == 14
    assert AuditEntry.objects.count() == 0


def test_update_survey_schedule_with_no_change_records_nothing(organiser, defaults, programme):
    schedule = SurveySchedule.objects.get(programme=programme)

    services.update_survey_schedule(actor=organiser, schedule=schedule, post_open_days=14)

    assert AuditEntry.objects.count() == 0


def test_schedule_page_offers_set_up_when_there_is_no_schedule(organiser_client, programme):
    response = organiser_client.get(reverse("feedback:surveys-schedule"))

    assertContains(response, "Set up the surveys")
    assert organiser_client.post(reverse("feedback:surveys-schedule"), SCHEDULE).status_code == 404


# Query counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3])
def test_overview_query_count_does_not_grow(organiser_client, defaults, pilot, django_assert_num_queries, size):
    for _ in range(size):
        place = factories.registration(session=factories.session(phase=pilot), status="attended")
        sent_link(place, "pre")
        sent_link(place, "post")
        answered(place, "pre", {"conf_overall": 3})

    with django_assert_num_queries(9):
        response = organiser_client.get(reverse("feedback:surveys-overview"))

    assert len(response.context["sessions"]) == size


@pytest.mark.parametrize("size", [1, 3])
def test_session_page_query_count_does_not_grow(organiser_client, defaults, pilot, django_assert_num_queries, size):
    session = factories.session(phase=pilot)
    for _ in range(size):
        place = factories.registration(session=session, status="attended")
        sent_link(place, "pre")
        sent_link(place, "post")
        champion = factories.registration(session=session, status="attended")
        answered(champion, "post", {"digital_champion": 1})

    with django_assert_num_queries(10):
        response = organiser_client.get(reverse("feedback:surveys-session", kwargs={"pk": session.pk}))

    assert len(response.context["champions"]) == size


@pytest.mark.parametrize("size", [1, 3])
def test_champions_query_count_does_not_grow(organiser_client, defaults, pilot, django_assert_num_queries, size):
    for _ in range(size):
        answered(factories.registration(session=factories.session(phase=pilot)), "post", {"digital_champion": 1})

    with django_assert_num_queries(7):
        response = organiser_client.get(reverse("feedback:surveys-champions"))
    with django_assert_num_queries(6):
        csv_response = organiser_client.get(reverse("feedback:surveys-champions-csv"))

    assert len(response.context["champions"]) == size
    assert len(csv_response.content.decode().splitlines()) == size + 1


@pytest.mark.parametrize("size", [1, 3])
def test_questionnaire_list_query_count_does_not_grow(organiser_client, programme, django_assert_num_queries, size):
    for kind in ["pre", "post", "follow_up"][:size]:
        questionnaire = Questionnaire.objects.create(programme=programme, kind=kind, title=kind)
        Item.objects.create(questionnaire=questionnaire, code="q", text="Anything?", type="text")

    with django_assert_num_queries(8):
        response = organiser_client.get(reverse("feedback:surveys-questionnaires"))

    assert len(response.context["questionnaires"]) == size


@pytest.mark.parametrize("size", [1, 3])
def test_questionnaire_detail_query_count_does_not_grow(
    organiser_client, programme, pilot, django_assert_num_queries, size
):
    for version in range(1, size + 1):
        questionnaire = Questionnaire.objects.create(programme=programme, kind="pre", title="Pre", version=version)
    for n in range(size):
        Item.objects.create(questionnaire=questionnaire, code=f"q{n}", order=n, text="Anything?", type="text")

    with django_assert_num_queries(8):
        response = organiser_client.get(reverse("feedback:surveys-questionnaire", kwargs={"pk": questionnaire.pk}))

    assert (len(response.context["items"]), len(response.context["versions"])) == (size, size)


def test_a_survey_link_the_mail_server_refused_is_neither_counted_nor_chased(organiser_client, rates):
    """A 5xx for Cy's post-survey email fails its outbox row: Cy never got the link, so the
    post survey counts 2 sent (not 3) and only Ben is left to chase."""
    cy_post = SurveyLink.objects.get(registration__person=rates["cy"], kind="post")
    feedback_emails.queue(MessageKind.SURVEY_LINK, link_ids=[cy_post.pk])
    refused = Message.objects.get(kind=MessageKind.SURVEY_LINK, about_id=cy_post.pk)
    Message.objects.filter(pk=refused.pk).update(state=MessageState.FAILED, last_error="550 no such user")

    response = organiser_client.get(reverse("feedback:surveys-session", kwargs={"pk": rates["a"].pk}))

    counts = [(c.kind, c.sent, c.answered, c.percent) for c in response.context["counts"]]
    assert counts == [("pre", 3, 2, 66.7), ("post", 2, 1, 50.0), ("follow_up", 0, 0, None)]
    chase = {
        count.kind: [link.registration.person.full_name for link in people]
        for count, people in response.context["surveys"]
    }
    assert chase == {"pre": ["Cy Twombly"], "post": ["Ben Okri"], "follow_up": []}
