import pytest

from feedback import services
from tests import factories

# Every answer a required question of the default pre survey needs, as numbers.
PRE_ANSWERS = {
    "conf_overall": 4,
    "conf_assurance": 3,
    "conf_focus_1": 2,
    "conf_focus_2": 3,
    "conf_focus_3": 4,
    "conf_focus_4": 5,
    "conf_focus_5": 1,
    "conf_focus_6": 3,
}


@pytest.fixture
def surveys(programme):
    """The programme's default pre, post and follow-up questionnaires, by kind."""
    return services.ensure_default_questionnaires(programme=programme)


@pytest.fixture
def phase(programme):
    return factories.phase(programme=programme)


@pytest.fixture
def session(phase):
    return factories.published_session(phase=phase, title="Making good digital decisions", code="PIL-HOW-01")


@pytest.fixture
def jane(db):
    return factories.person(first_name="Jane", last_name="Smith", email="jane.smith@example.nhs.uk")


@pytest.fixture
def omar(db):
    return factories.person(first_name="Omar", last_name="Khan", email="omar.khan@example.nhs.uk")


@pytest.fixture
def place(session, jane):
    """Jane's confirmed place on the upcoming session."""
    return factories.registration(session=session, person=jane)


@pytest.fixture
def pre_link(surveys, place):
    return factories.survey_link(registration=place, kind="pre")
