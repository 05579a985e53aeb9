"""/admin/ is for superusers who signed in there with their password (django-axes guards that
login), never for organisers, evaluators or a code-only sign-in; admin edits are audit-logged;
organisers hold only the permissions their pages need; allauth's email pages are closed."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from summits.models import AuditEntry, Venue
from tests import factories
from tests.config.test_auth import CONFIRM_CODE, request_code

pytestmark = pytest.mark.django_db
PASSWORD = "a long admin passphrase 7"


@pytest.fixture
def superuser(db):
    user = get_user_model().objects.create_superuser("root", "root@example.nhs.uk", PASSWORD)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize("client_fixture", ["organiser_client", "evaluator_client"])
def test_organisers_and_evaluators_get_no_admin(request, client_fixture):
    client = request.getfixturevalue(client_fixture)

    response = client.get("/admin/")

    assert (response.status_code, response.url) == (302, "/admin/login/?next=/admin/")


def test_staff_flag_alone_gets_no_admin(client, organiser):
    organiser.is_staff = True
    organiser.save()
    client.force_login(organiser, backend="django.contrib.auth.backends.ModelBackend")

    assert client.get("/admin/").status_code == 302


def test_superuser_signed_in_by_code_alone_gets_no_admin(client, superuser):
    code = request_code(client, superuser.email)
    assert client.post(CONFIRM_CODE, {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(superuser.pk)

    response = client.get("/admin/")

    assert (response.status_code, response.url) == (302, "/admin/login/?next=/admin/")


def test_superuser_with_password_gets_the_admin(client, superuser):
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})

    assert (response.status_code, response.url) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_superuser_with_a_wrong_password_gets_no_admin(client, superuser):
    response = client.post("/admin/login/", {"username": "root", "password": "wrong"})

    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_admin_edits_are_audit_logged(client, superuser):
    client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    venue = factories.venue(name="Old Hall")

    response = client.post(
        f"/admin/summits/venue/{venue.pk}/change/",
        {"name": "New Hall", "town": venue.town, "region": venue.region, "address": "", "postcode": ""},
    )

    assert response.status_code == 302
    assert Venue.objects.get(pk=venue.pk).name == "New Hall"
    entry = AuditEntry.objects.get(action="admin.change")
    assert (entry.actor_email, entry.object_type, entry.object_id, entry.after) == (
        "root@example.nhs.uk",
        "venue",
        str(venue.pk),
        {"change": [{"changed": {"fields": ["Name"]}}]},
    )


def test_organiser_group_holds_only_what_its_pages_need(db):
    permissions = Group.objects.get(name="Organiser").permissions.values_list("content_type__app_label", "codename")

    assert sorted(permissions) == [("summits", "manage_programme"), ("summits", "view_outcomes")]


@pytest.mark.parametrize("url", ["/accounts/email/", "/accounts/email/verify/"])
def test_email_management_pages_are_closed(organiser_client, url):
    assert organiser_client.get(url).status_code == 404
    assert organiser_client.post(url, {"email": "someone@else.example", "action_add": ""}).status_code == 404
