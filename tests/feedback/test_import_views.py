"""The organisers' pages for importing survey answers: who may open them, upload, preview with
the row report, confirm."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from feedback.models import Answer, Response
from summits.models import AuditEntry
from tests import factories
from tests.feedback.test_imports import GOOD_ROWS, csv_bytes, make_world, row, xlsx_bytes

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/code/"
PAGES = ["feedback:responses-import", "feedback:responses-import-confirm"]


@pytest.fixture
def world(programme):
    return make_world(programme)


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def upload(client, content: bytes, name: str = "answers.csv"):
    return client.post(reverse("feedback:responses-import"), {"file": SimpleUploadedFile(name, content)})


def page_url(name: str) -> str:
    kwargs = {"token": "a-token"} if name == "feedback:responses-import-confirm" else {}
    return reverse(name, kwargs=kwargs)


# Who may open the pages ---------------------------------------------------------------------


def test_every_import_url_is_covered():
    from feedback.views.imports import urlpatterns

    assert {f"feedback:{pattern.name}" for pattern in urlpatterns} == set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_import_page_sends_anonymous_people_to_sign_in(client, name):
    url = page_url(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next={url}"


@pytest.fixture(params=["evaluator", "no role"])
def wrong_role_client(request, client, evaluator):
    user = evaluator if request.param == "evaluator" else factories.staff_user("attendee@example.nhs.uk")
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_import_page_refuses_other_roles(wrong_role_client, world, name):
    assert wrong_role_client.get(page_url(name)).status_code == 403


def test_import_upload_refuses_posts_from_other_roles(wrong_role_client, world):
    response = upload(wrong_role_client, csv_bytes(GOOD_ROWS))

    assert response.status_code == 403


def test_import_confirm_refuses_posts_from_other_roles(organiser_client, client, evaluator, world):
    confirm_url = upload(organiser_client, csv_bytes(GOOD_ROWS)).url
    client.force_login(evaluator)

    response = client.post(confirm_url)

    assert response.status_code == 403
    assert Response.objects.count() == 0


def test_upload_page_opens_for_organisers(organiser_client):
    response = organiser_client.get(reverse("feedback:responses-import"))

    assertContains(response, '<h1 class="nhsuk-heading-xl">Import survey answers</h1>', html=True)


# Upload, preview, confirm ---------------------------------------------------------------------


def test_upload_goes_to_a_preview_of_what_will_be_added(organiser_client, world):
    response = upload(organiser_client, csv_bytes(GOOD_ROWS))

    assert response.status_code == 302
    preview = organiser_client.get(response.url)
    plan = preview.context["plan"]
    assert (plan.response_count, len(plan.answers), plan.errors) == (2, 6, [])
    assertContains(preview, '<button class="nhsuk-button" type="submit">Import 2 responses</button>', html=True)
    assertContains(
        preview,
        '<tr class="nhsuk-table__row"><td class="nhsuk-table__cell">PIL-POS-01</td>'
        '<td class="nhsuk-table__cell">Post survey</td>'
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">1</td>'
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">4</td></tr>',
        html=True,
    )
    assert Response.objects.count() == 0


def test_confirm_imports_and_says_how_many(organiser_client, organiser, world):
    confirm_url = upload(organiser_client, csv_bytes(GOOD_ROWS)).url

    response = organiser_client.post(confirm_url)

    assert response.status_code == 302
    assert response.url == reverse("feedback:responses-import")
    assert flash(response) == ["Imported answers.csv: 2 responses with 6 answers"]
    assert (Response.objects.count(), Answer.objects.count()) == (2, 6)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.after["responses"]) == (organiser, "responses.import", 2)


def test_confirm_twice_does_not_import_again(organiser_client, world):
    confirm_url = upload(organiser_client, csv_bytes(GOOD_ROWS)).url
    organiser_client.post(confirm_url)

    response = organiser_client.post(confirm_url)

    assert response.url == reverse("feedback:responses-import")
    assert flash(response) == [
        "Imported answers.csv: 2 responses with 6 answers",
        "That upload has expired or cannot be found. Upload the file again",
    ]
    assert AuditEntry.objects.count() == 1


def test_another_organisers_upload_cannot_be_seen(organiser_client, client, world):
    confirm_url = upload(organiser_client, csv_bytes(GOOD_ROWS)).url
    client.force_login(factories.staff_user("other.organiser@example.nhs.uk", role="organiser"))

    response = client.post(confirm_url)

    assert response.url == reverse("feedback:responses-import")
    assert Response.objects.count() == 0


def test_an_excel_workbook_imports_through_the_pages(organiser_client, world):
    confirm_url = upload(organiser_client, xlsx_bytes(GOOD_ROWS), "answers.xlsx").url

    organiser_client.post(confirm_url)

    assert (Response.objects.count(), Answer.objects.count()) == (2, 6)


def test_preview_of_a_file_with_bad_rows_lists_them_and_offers_no_import(organiser_client, world):
    rows = [*GOOD_ROWS, row(email="nobody@example.nhs.uk"), row(question="conf_assurance", value="3")]

    preview = organiser_client.get(upload(organiser_client, csv_bytes(rows)).url)

    assert [str(error) for error in preview.context["plan"].errors] == [
        "Row 8: unknown email address 'nobody@example.nhs.uk'",
        "Row 9: second answer to conf_assurance in the pre survey for jane@example.nhs.uk on PIL-POS-01: also on row 3",
    ]
    assertContains(
        preview,
        "2 rows of answers.csv have problems. Nothing will be imported until the file is fixed and uploaded again.",
    )
    assertContains(
        preview, "<td class=\"nhsuk-table__cell\">unknown email address 'nobody@example.nhs.uk'</td>", html=True
    )
    assertNotContains(preview, 'type="submit"')


def test_preview_of_a_file_already_imported_reports_every_row(organiser_client, world):
    organiser_client.post(upload(organiser_client, csv_bytes(GOOD_ROWS)).url)

    preview = organiser_client.get(upload(organiser_client, csv_bytes(GOOD_ROWS)).url)

    assert preview.context["plan"].bad_row_count == 6
    assertContains(preview, "6 rows of answers.csv have problems.")
    assertNotContains(preview, 'type="submit"')


def test_confirm_of_a_file_with_bad_rows_writes_nothing(organiser_client, world):
    confirm_url = upload(organiser_client, csv_bytes([*GOOD_ROWS, row(session="NOPE")])).url

    response = organiser_client.post(confirm_url)

    assert response.status_code == 200
    assert [str(error) for error in response.context["plan"].errors] == ["Row 8: unknown session 'NOPE'"]
    assert (Response.objects.count(), Answer.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"email,session,survey,question,value,notes\n",
            "answers.csv",
            "The file has columns that cannot be imported: notes.",
        ),
        (b"not a spreadsheet", "answers.pdf", "The selected file must be a CSV or an Excel workbook (.xlsx)"),
        (b"", "answers.csv", "The selected file is empty"),
    ],
)
def test_upload_of_a_file_that_cannot_be_used_shows_why(organiser_client, content, name, message):
    response = upload(organiser_client, content, name)

    assert response.status_code == 200
    assertContains(response, message)


def test_preview_lists_the_first_thousand_problems_and_counts_them_all(organiser_client, world):
    rows = [row(email=f"nobody{n}@example.nhs.uk") for n in range(1001)]

    preview = organiser_client.get(upload(organiser_client, csv_bytes(rows)).url)

    assert (preview.context["plan"].bad_row_count, len(preview.context["errors"])) == (1001, 1000)
    assertContains(preview, "<p>The first 1,000 of 1,001 problems.</p>", html=True)
    assertContains(preview, "1,001 rows of answers.csv have problems.")
