import importlib
import os

import pytest

# Live-server browser tests call the ORM from Playwright's event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Commands some tests run in a child process (manage.py …) are local development runs: the test
# process itself has its own defaults (settings.TESTING), but a child without DEBUG would be
# production and refuse to start without the production settings.
os.environ.setdefault("DEBUG", "true")

from tests import factories  # noqa: E402


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://workshops.example.nhs.uk"
    settings.SITE_DOMAIN = "workshops.example.nhs.uk"


@pytest.fixture
def organiser(db):
    return factories.staff_user("organiser@example.nhs.uk", role="organiser")


@pytest.fixture
def evaluator(db):
    return factories.staff_user("evaluator@example.nhs.uk", role="evaluator")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def evaluator_client(client, evaluator):
    client.force_login(evaluator)
    return client


@pytest.fixture
def programme(db):
    return factories.programme()


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests (live server, threads) empty the database after each test, taking
    the focus areas and roles that migrations seed: put them back the way the migration does.
    (serialized_rollback cannot be used: once Playwright runs its event loop, Django's
    connection objects are new ones that never saw the serialized copy.)"""
    from django.apps import apps

    seed = importlib.import_module("summits.migrations.0002_focus_areas_and_roles")
    seed.seed_focus_areas(apps, None)
    seed.grant_role_permissions(apps)  # the flush's post_migrate has re-created the permissions
