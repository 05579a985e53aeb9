"""The evaluators' home page: who may see it, what it shows, and its query count."""

import csv
import datetime
import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from evaluation.criteria import ensure_default_criteria
from evaluation.enums import Metric
from evaluation.models import SuccessCriterion
from evaluation.reports.formatting import format_value
from summits.enums import PhaseKind, SessionStatus
from summits.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

HOME = "/evaluation/"
PDFTOTEXT = "/usr/bin/pdftotext"


def test_evaluation_home_url():
    assert reverse("evaluation:home") == HOME


def test_evaluation_home_sends_anonymous_people_to_sign_in(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/code/?next={HOME}"


def test_evaluation_home_refuses_a_user_without_a_role(client):
    client.force_login(factories.staff_user("attendee@example.nhs.uk"))

    response = client.get(HOME)

    assert response.status_code == 403


def test_evaluation_home_opens_for_evaluators(evaluator_client):
    response = evaluator_client.get(HOME)

    assert response.status_code == 200


def test_evaluation_home_opens_for_organisers(organiser_client):
    response = organiser_client.get(HOME)

    assert response.status_code == 200


def test_evaluation_home_shows_each_phase_with_its_counts(evaluator_client, programme):
    now = timezone.now()
    pilot = factories.phase(programme=programme, kind=PhaseKind.PILOT, target_attendees=150)
    factories.published_session(phase=pilot, starts_at=now - datetime.timedelta(days=10), capacity=30)
    factories.published_session(phase=pilot, starts_at=now + datetime.timedelta(days=10), capacity=25)
    factories.session(
        phase=pilot,
        starts_at=now + datetime.timedelta(days=12),
        capacity=99,
        status=SessionStatus.CANCELLED,
        cancellation_reason="Snow",
    )

    response = evaluator_client.get(HOME)

    (phase,) = response.context["phases"]
    assert (
        phase.programme,
        phase.kind,
        phase.target_attendees,
        phase.places,
        phase.sessions_held,
        phase.sessions_planned,
        phase.sessions_cancelled,
    ) == (programme, "pilot", 150, 55, 1, 1, 1)


def test_evaluation_home_never_shows_organiser_navigation_to_evaluators(evaluator_client):
    response = evaluator_client.get(HOME)

    assert response.context["is_evaluator"] is True
    assert response.context["is_organiser"] is False


def _count(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_evaluation_home_queries_do_not_grow_with_phases(evaluator_client):
    """One phase, then three (phases are one of each kind per programme, so two programmes)."""
    first = factories.programme()
    factories.phase(programme=first, kind=PhaseKind.PILOT)
    factories.pilot_decision(programme=first)
    factories.published_session(phase=first.phases.get())
    at_one = _count(evaluator_client)

    factories.phase(programme=first, kind=PhaseKind.ROLLOUT)
    second = factories.programme()
    factories.phase(programme=second, kind=PhaseKind.PILOT)
    factories.published_session(phase=second.phases.get())
    at_three = _count(evaluator_client)

    assert at_three == at_one


# --- who may open every evaluation page ----------------------------------------------------------


@pytest.fixture
def small(db):
    """A programme with one pilot session and one criterion, but no answers: quick to report on."""
    programme = factories.programme(slug="small")
    factories.published_session(phase=factories.phase(programme=programme, kind=PhaseKind.PILOT), code="PIL-01")
    criterion = SuccessCriterion.objects.create(
        programme=programme, metric=Metric.ATTENDANCE_RATE, threshold=Decimal("75"), phase=PhaseKind.PILOT, order=1
    )
    return programme, criterion


def _urls(criterion) -> list[tuple[str, str, str]]:
    """(URL name, method, path) for every evaluation page."""
    q = f"?programme={criterion.programme.slug}"
    return [
        ("home", "get", reverse("evaluation:home") + q),
        ("pilot", "get", reverse("evaluation:pilot") + q),
        ("criterion-add", "get", reverse("evaluation:criterion-add") + q),
        ("criteria-defaults", "post", reverse("evaluation:criteria-defaults") + q),
        ("criterion-edit", "get", reverse("evaluation:criterion-edit", args=[criterion.pk])),
        ("criterion-delete", "get", reverse("evaluation:criterion-delete", args=[criterion.pk])),
        ("export", "get", reverse("evaluation:export", args=["pdf"]) + q),
        ("export", "get", reverse("evaluation:export", args=["xlsx"]) + q),
        ("export", "get", reverse("evaluation:export", args=["csv"]) + q),
    ]


def _extract_urls(programme) -> list[tuple[str, str, str]]:
    """The research-extract pages: a permission of their own, which no role has by default."""
    return [
        ("extracts", "get", reverse("evaluation:extracts") + f"?programme={programme.slug}"),
        ("extracts", "post", reverse("evaluation:extracts") + f"?programme={programme.slug}"),
        ("extract-download", "get", reverse("evaluation:extract-download", args=[1])),
    ]


def test_every_evaluation_url_is_in_the_permission_lists(small):
    from evaluation.urls import urlpatterns

    assert sorted({pattern.name for pattern in urlpatterns}) == sorted(
        {name for name, *_ in _urls(small[1]) + _extract_urls(small[0])}
    )


@pytest.mark.parametrize("role", ["evaluator", "organiser", None])
def test_research_extract_pages_refuse_every_role_without_the_permission(client, small, role):
    client.force_login(factories.staff_user("someone@example.nhs.uk", role=role))

    results = [(path, getattr(client, method)(path).status_code) for _, method, path in _extract_urls(small[0])]

    assert results == [(path, 403) for _, _, path in _extract_urls(small[0])]


def test_research_extract_pages_send_anonymous_people_to_sign_in(client, small):
    results = [(path, getattr(client, method)(path)) for _, method, path in _extract_urls(small[0])]

    assert [(path, r.status_code, r.url) for path, r in results] == [
        (path, 302, "/accounts/login/code/?next=" + quote(path, safe="/")) for path, _ in results
    ]


def test_every_evaluation_page_sends_anonymous_people_to_sign_in(client, small):
    results = [(path, getattr(client, method)(path)) for _, method, path in _urls(small[1])]

    assert [(path, r.status_code, r.url) for path, r in results] == [
        (path, 302, "/accounts/login/code/?next=" + quote(path, safe="/")) for path, _ in results
    ]


def test_every_evaluation_page_refuses_a_board_member(client, small):
    user = factories.staff_user("board.member@example.nhs.uk")
    factories.person(user=user, email="board.member@example.nhs.uk")
    client.force_login(user)

    results = [(path, getattr(client, method)(path).status_code) for _, method, path in _urls(small[1])]

    assert results == [(path, 403) for _, _, path in _urls(small[1])]
    assert SuccessCriterion.objects.count() == 1


@pytest.mark.parametrize("role", ["evaluator", "organiser"])
def test_every_evaluation_page_opens_for_evaluators_and_organisers(client, small, role):
    client.force_login(factories.staff_user(f"{role}@example.nhs.uk", role=role))

    results = [(path, getattr(client, method)(path).status_code) for _, method, path in _urls(small[1])]

    expected = [(path, 302 if method == "post" else 200) for _, method, path in _urls(small[1])]
    assert results == expected


def test_export_of_an_unknown_format_is_not_found(evaluator_client, small):
    response = evaluator_client.get(reverse("evaluation:export", args=["docx"]) + "?programme=small")

    assert response.status_code == 404


def test_dashboard_without_programmes(evaluator_client):
    response = evaluator_client.get(HOME)

    assert response.status_code == 200
    assert response.context["programme"] is None
    assert "There are no programmes yet." in response.text


# --- the dashboard and its filters -------------------------------------------------------------


def test_dashboard_filter_form_lists_groups_and_sessions(evaluator_client, standard):
    response = evaluator_client.get(HOME + "?programme=dlw-2026-27&phase=pilot&group=Integrated+care+boards")

    form = response.context["form"]
    assert list(form.fields["group"].choices) == [
        ("", "All leadership groups"),
        ("Acute trust boards", "Acute trust boards"),
        ("Integrated care boards", "Integrated care boards"),
    ]
    assert list(form.fields["session"].choices) == [
        ("", "All sessions"),
        ("PIL-01", "PIL-01: Workshop PIL-01"),
        ("PIL-02", "PIL-02: Workshop PIL-02"),
        ("ROL-01", "ROL-01: Workshop ROL-01"),
    ]
    assert response.context["report"].selection == "Pilot, Integrated care boards"
    assert "Showing: <strong>Pilot, Integrated care boards</strong>." in response.text
    assert response.context["export_query"] == "programme=dlw-2026-27&phase=pilot&group=Integrated+care+boards"


def test_dashboard_reports_an_invalid_filter_and_keeps_the_others(evaluator_client, standard):
    response = evaluator_client.get(HOME + "?programme=dlw-2026-27&phase=neither&theme=how_to&focus_area=focus_99")

    assert response.context["report"].selection == "Whole programme, How to"
    assert response.context["form"].errors == {
        "phase": ["Select a phase from the list: the one asked for is not in this programme"],
        "focus_area": ["Select a focus area from the list: the one asked for is not in this programme"],
    }
    assert "<title>Error: Outcomes" in response.text
    assert (
        '<li><a href="#id_phase">Select a phase from the list: the one asked for is not in this programme</a></li>'
        in response.text
    )


def test_dashboard_focus_area_filter(evaluator_client, standard):
    area = factories.focus_area(3)
    standard.pil_02.focus_areas.add(area)

    response = evaluator_client.get(HOME + "?programme=dlw-2026-27&focus_area=focus_3")

    report = response.context["report"]
    assert report.selection == "Whole programme, focus area 3"
    headlines = {headline.label: headline.text for headline in report.headlines}
    assert headlines["People with a pair"] == "10"  # PIL-02's 8 people, shown rounded
    assert [row["session"] for row in report.table("sessions").rows] == ["PIL-02"]


def test_pilot_page_shows_the_recommendation_and_criteria(evaluator_client, standard):
    ensure_default_criteria(programme=standard.programme)

    response = evaluator_client.get(reverse("evaluation:pilot") + "?programme=dlw-2026-27")

    assert response.context["report"].selection == "Pilot"
    assert "Recommendation: Go</h2>" in response.text
    assert [c.result for c in response.context["report"].criteria] == ["met"] * 7
    assert response.context["can_manage"] is False


def _respondents(count: int):
    from tests.evaluation.conftest import EvaluationBuilder, Participant

    builder = EvaluationBuilder.create(slug=f"size-{count}")
    session = builder.session("PIL-01", cost="100.00")
    group = factories.leadership_group(name=f"Group {count}")
    builder.participants(session, [Participant((2, 3 + n % 2), comment="Useful") for n in range(count)], groups=[group])
    ensure_default_criteria(programme=builder.programme)
    return builder.programme


# 28 for the report (one of them the focus areas the filter offers), plus 4 (people, facilitators, staff
# and organisations) whose names the free text is screened for: a fixed number, whatever the rows.
DASHBOARD_QUERIES = 30


def test_dashboard_query_count_with_10_respondents(evaluator_client, django_assert_num_queries):
    programme = _respondents(10)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = evaluator_client.get(HOME + f"?programme={programme.slug}")
    assert response.context["report"].headlines[0].text == "10"


def test_dashboard_query_count_with_30_respondents(evaluator_client, django_assert_num_queries):
    programme = _respondents(30)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = evaluator_client.get(HOME + f"?programme={programme.slug}")
    assert response.context["report"].headlines[0].text == "30"


# --- success criteria: add, change, remove ---------------------------------------------------------

ADD = reverse("evaluation:criterion-add")


def _post(client, path, **values):
    data = {
        "metric": "pct_improved",
        "comparator": "gte",
        "threshold": "65",
        "phase": "pilot",
        "scope": "overall",
        "judged_on": "point",
    }
    return client.post(path, data | values)


def test_criterion_add_page(evaluator_client, small):
    response = evaluator_client.get(ADD + "?programme=small")

    assert response.status_code == 200
    assert response.context["criterion"] is None
    assert "<title>Add a success criterion" in response.text


def test_criterion_add_with_a_bad_threshold_shows_the_error_and_keeps_the_input(evaluator_client, small):
    response = _post(evaluator_client, ADD + "?programme=small", threshold="150")

    assert response.status_code == 200
    assert response.context["form"].errors == {"threshold": ["Enter a percentage from 0 to 100"]}
    assert "<title>Error: Add a success criterion" in response.text
    assert '<h2 class="nhsuk-error-summary__heading">There is a problem</h2>' in response.text
    assert '<li><a href="#id_threshold">Enter a percentage from 0 to 100</a></li>' in response.text
    assert 'name="threshold" value="150"' in response.text
    assert SuccessCriterion.objects.count() == 1


def test_criterion_add_saves_and_returns_to_the_pilot(evaluator_client, evaluator, small):
    response = _post(evaluator_client, ADD + "?programme=small")

    assert response.status_code == 302
    assert response.url == "/evaluation/pilot/?programme=small"
    created = SuccessCriterion.objects.get(metric="pct_improved")
    assert (created.programme, created.threshold, created.phase, created.scope, created.order) == (
        small[0],
        Decimal("65.00"),
        "pilot",
        "overall",
        2,
    )
    entry = AuditEntry.objects.get(action="criterion.created")
    assert (entry.actor, entry.object_repr) == (
        evaluator,
        f"People whose confidence reliably improved (%) ({small[0]})",
    )
    page = evaluator_client.get(response.url)
    assert "Success criterion saved: People whose confidence reliably improved (%)" in page.text


def test_criterion_add_met_with_confidence(evaluator_client, small):
    response = _post(evaluator_client, ADD + "?programme=small", judged_on="confident")

    assert response.status_code == 302
    assert SuccessCriterion.objects.get(metric="pct_improved").judged_on == "confident"


def test_criterion_add_with_confidence_on_a_cost_shows_the_error(evaluator_client, small):
    response = _post(
        evaluator_client, ADD + "?programme=small", metric="cost_per_attendee", comparator="lte", judged_on="confident"
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "judged_on": ["This measure has no confidence interval: judge it on its point estimate"]
    }
    assert '<li><a href="#id_judged_on_0">This measure has no confidence interval' in response.text


def test_criterion_add_refuses_a_second_criterion_on_the_same_selection(evaluator_client, small):
    response = _post(evaluator_client, ADD + "?programme=small", metric="attendance_rate")

    assert response.context["form"].errors == {
        "metric": ["The programme already has a criterion on this measure for this phase and scope"]
    }
    assert SuccessCriterion.objects.count() == 1


def test_criterion_edit_changes_the_threshold(evaluator_client, small):
    _, criterion = small
    path = reverse("evaluation:criterion-edit", args=[criterion.pk])

    page = evaluator_client.get(path)
    response = _post(evaluator_client, path, metric="attendance_rate", threshold="80.5")

    assert page.context["form"].initial["threshold"] == Decimal("75.00")
    assert response.status_code == 302
    assert response.url == "/evaluation/pilot/?programme=small"
    criterion.refresh_from_db()
    assert criterion.threshold == Decimal("80.50")
    assert AuditEntry.objects.get(action="criterion.changed").before["threshold"] == "75.00"


def test_criterion_edit_with_a_bad_threshold_changes_nothing(evaluator_client, small):
    _, criterion = small
    path = reverse("evaluation:criterion-edit", args=[criterion.pk])

    response = _post(evaluator_client, path, metric="attendance_rate", threshold="-1")

    assert response.context["form"].errors == {"threshold": ["Enter a percentage from 0 to 100"]}
    assert 'name="threshold" value="-1"' in response.text
    criterion.refresh_from_db()
    assert criterion.threshold == Decimal("75.00")


def test_criterion_delete_asks_then_removes(evaluator_client, small):
    _, criterion = small
    path = reverse("evaluation:criterion-delete", args=[criterion.pk])

    page = evaluator_client.get(path)
    response = evaluator_client.post(path)

    assert "Remove this success criterion?" in page.text
    assert response.status_code == 302
    assert response.url == "/evaluation/pilot/?programme=small"
    assert SuccessCriterion.objects.count() == 0
    assert AuditEntry.objects.filter(action="criterion.deleted").count() == 1


def test_criteria_defaults_adds_the_suggested_criteria_once(evaluator_client, small):
    path = reverse("evaluation:criteria-defaults") + "?programme=small"

    first = evaluator_client.post(path, follow=True)
    second = evaluator_client.post(path, follow=True)

    # The programme's own attendance criterion is one of the seven.
    assert SuccessCriterion.objects.filter(programme=small[0]).count() == 7
    assert "6 suggested criteria added" in first.text
    assert "The programme already has every suggested criterion" in second.text


# --- exports ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("export_format", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv; charset=utf-8"),
    ],
)
def test_export_content_type_and_filename(evaluator_client, small, export_format, content_type):
    response = evaluator_client.get(
        reverse("evaluation:export", args=[export_format]) + "?programme=small&phase=pilot&session=PIL-01"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="small-outcomes-pilot-pil-01.{export_format}"'
    assert response["Cache-Control"] == "private, no-store"


MEAN_CHANGE = "Mean change in overall confidence"


def _dashboard_figures(html: str, names: list[str]) -> tuple[str, list[str]]:
    (headline,) = re.findall(
        rf'<dt class="nhsuk-summary-list__key">{MEAN_CHANGE}</dt>\s*'
        r'<dd class="nhsuk-summary-list__value"><strong>([^<]+)</strong>',
        html,
    )
    values = []
    for name in names:
        (value,) = re.findall(
            rf"<span>{re.escape(escape(name))}</span></th>\s*"
            r'<td role="cell" class="nhsuk-table__cell">.*?</td>\s*'
            r'<td role="cell" class="nhsuk-table__cell nhsuk-table__cell--numeric">'
            r'<span class="nhsuk-table__heading" aria-hidden="true">Value </span><span>([^<]+)</span></td>',
            html,
        )
        values.append(value)
    return headline, values


def _csv_figures(content: bytes) -> tuple[str, list[str]]:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    (headline,) = [r["value"] for r in rows if r["section"] == "summary" and r["measure"] == MEAN_CHANGE]
    return headline, [r["value"] for r in rows if r["section"] == "criteria" and r["metric"] == "value"]


def _xlsx_figures(content: bytes) -> tuple[str, list[str]]:
    """Numbers are stored as numbers: read back through their number format."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    (headline,) = [row[1] for row in workbook["Summary"].iter_rows() if row and row[0].value == MEAN_CHANGE]
    criteria = [row[2] for row in list(workbook["Criteria"].iter_rows())[1:]]
    return _as_shown(headline), [_as_shown(cell) for cell in criteria]


def _as_shown(cell) -> str:
    formats = {'0.0"%"': "percent", "+0.00;-0.00;0.00": "signed", "£#,##0.00": "money"}
    return format_value(cell.value, formats[cell.number_format]) if cell.data_type == "n" else cell.value


def _pdf_figures(content: bytes, tmp_path) -> tuple[str, list[str]]:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    (headline,) = re.findall(rf"^\s*{MEAN_CHANGE}\s+(\S+)\s+95% CI", text, re.MULTILINE)
    # The criteria table, which may run over a page, up to the next section.
    section = re.split(r"^\s*Charts\s*$", text.split("Success criteria", 1)[1], maxsplit=1, flags=re.MULTILINE)[0]
    criteria = re.findall(r"(\S+)\s+[≥≤] \S+\s+(?:Met|Not met|Not enough data)", section)
    return headline, criteria


def test_dashboard_and_the_three_exports_agree(evaluator_client, standard, tmp_path):
    ensure_default_criteria(programme=standard.programme)
    SuccessCriterion.objects.filter(metric=Metric.ATTENDANCE_RATE).update(threshold=Decimal("95"))
    names = [c.name for c in SuccessCriterion.objects.order_by("order")]
    query = "?programme=dlw-2026-27&phase=pilot"

    html = evaluator_client.get(HOME + query).text
    exports = {
        export_format: evaluator_client.get(reverse("evaluation:export", args=[export_format]) + query).content
        for export_format in ("pdf", "xlsx", "csv")
    }

    # Judged on the exact figures (65.0%, 90.9%, 90.0%, 60.0%), shown from the rounded counts: 13 of 20
    # reliably improved shows as 15 / 20, 20 of 22 attended as 20 / 20, 18 of 20 rated good as 20 / 20.
    expected = ("+0.75", ["+0.75", "75.0%", "100.0%", "100.0%", "100.0%", "£100.00", "50.0%"])
    assert _dashboard_figures(html, names) == expected
    assert _csv_figures(exports["csv"]) == expected
    assert _xlsx_figures(exports["xlsx"]) == expected
    assert exports["pdf"].startswith(b"%PDF-")
    if not Path(PDFTOTEXT).exists():
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils), so the PDF's text is not checked")
    assert _pdf_figures(exports["pdf"], tmp_path) == expected
    assert "Recommendation: Go with changes</h2>" in html


def test_organisers_get_the_same_disclosure_controlled_dashboard_as_evaluators(client, standard):
    query = HOME + "?programme=dlw-2026-27&group=Integrated care boards"
    seen = {}
    for role in ("evaluator", "organiser"):
        client.force_login(factories.staff_user(f"{role}@example.nhs.uk", role=role))
        report = client.get(query).context["report"]
        seen[role] = ([(t.slug, t.rows) for t in report.tables], [h.text for h in report.headlines])

    assert seen["organiser"] == seen["evaluator"]
    reach = dict(seen["organiser"][0])["reach"]
    assert [(row["group"], row["attended"]) for row in reach if row["group"] == "Integrated care boards"] == [
        ("Integrated care boards", 10)
    ]
