"""Input that fuzzing found turning into server errors now gets a clear 400 page or a form
error: huge numbers in day, hour and target boxes, and NUL characters (which PostgreSQL refuses
in text) in a URL, a query string or a CSV cell. Runs on SQLite and on PostgreSQL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attendees.models import Person
from summits.models import Phase, Session
from tests import factories
from tests.summits.test_forms import YEAR, session_data

pytestmark = pytest.mark.django_db
HUGE = "9" * 30


@pytest.fixture
def pilot(programme):
    return factories.phase(programme=programme, starts_on=f"{YEAR}-01-01", ends_on=f"{YEAR}-12-31")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"date_day": HUGE}, "Date must be a real date"),
        ({"date_year": HUGE}, "Date must be a real date"),
        ({"start_time_hour": HUGE}, "Start time must be a real time on the 24-hour clock"),
        ({"end_time_minute": HUGE}, "End time must be a real time on the 24-hour clock"),
        ({"capacity": HUGE}, "Capacity must be 10,000 or fewer"),
    ],
)
def test_huge_numbers_in_the_session_form_are_form_errors(organiser_client, pilot, change, error):
    response = organiser_client.post("/organise/sessions/new/", session_data(pilot, **change))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Session.objects.count() == 0


def test_a_huge_phase_target_is_a_form_error(organiser_client, pilot):
    response = organiser_client.post(
        f"/organise/phases/{pilot.pk}/edit/",
        {
            "starts_on_day": "1",
            "starts_on_month": "1",
            "starts_on_year": str(YEAR),
            "ends_on_day": "31",
            "ends_on_month": "12",
            "ends_on_year": str(YEAR),
            "target_attendees": HUGE,
        },
    )

    assert response.status_code == 200
    assert "The target must be 1,000,000 or fewer" in response.content.decode()
    assert Phase.objects.get(pk=pilot.pk).target_attendees == pilot.target_attendees


def test_a_huge_survey_schedule_number_is_a_form_error(organiser_client, programme):
    pilot = factories.phase(programme=programme)
    organiser_client.post("/organise/surveys/set-up/", {"programme": programme.slug})

    response = organiser_client.post(
        f"/organise/surveys/schedule/?programme={programme.slug}",
        {
            "post_open_days": HUGE,
            "follow_up_enabled": "on",
            "follow_up_after_days": "90",
            "follow_up_open_days": "28",
            "reminder_hours_before_close": HUGE,
        },
    )

    assert pilot.pk
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ensure this value is less than or equal to 365." in content


@pytest.mark.parametrize(
    "url",
    [
        "/sessions/%00/",
        "/sessions/%00/calendar.ics",
        "/organise/?programme=%00",
        "/organise/pilot-decision/?programme=a%00b",
        "/organise/surveys/?programme=%00",
        "/evaluation/?programme=%00",
        "/organise/audit/?type=%00",
        "/organise/people/?q=%00",
        "/i/1/%00/",
        "/s/1/a%00/",
        "/calendar/%00.ics",
    ],
)
def test_a_nul_character_in_the_url_is_a_bad_request(organiser_client, programme, url):
    response = organiser_client.get(url)

    assert response.status_code == 400
    assert '<h1 class="nhsuk-heading-xl">Sorry, there is a problem with your request</h1>' in (
        response.content.decode()
    )


def test_a_nul_character_in_a_public_url_is_a_bad_request_for_anyone(client, db):
    assert client.get("/sessions/%00/").status_code == 400


def test_a_nul_character_in_a_form_field_is_a_form_error(organiser_client, pilot):
    response = organiser_client.post("/organise/sessions/new/", session_data(pilot, title="Bad\x00title"))

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


def test_a_nul_character_in_a_csv_cell_is_a_clear_import_error(organiser_client):
    upload = SimpleUploadedFile(
        "people.csv",
        b"first_name,last_name,email,job_title,organisation,organisation_type,region,leadership_groups\n"
        b"Ann,Bad\x00Name,ann@example.nhs.uk,Chair,Trust,acute_trust,london,\n",
        content_type="text/csv",
    )

    response = organiser_client.post("/organise/people/import/", {"file": upload}, follow=True)

    assert response.status_code == 200
    assert "The file contains a NUL character (row 2)" in response.content.decode()
    assert Person.objects.count() == 0
