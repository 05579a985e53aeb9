from django.db import models


class PhaseKind(models.TextChoices):
    PILOT = "pilot", "Pilot"
    ROLLOUT = "rollout", "Rollout"


class Theme(models.TextChoices):
    POSSIBLE = "possible", "The possible"
    HOW_TO = "how_to", "How to"
    HOW_DID = "how_did", "How did"


THEME_DESCRIPTIONS = {
    Theme.POSSIBLE: "The art of the possible: transformative and assistive technology.",
    Theme.HOW_TO: "Practical decisions, assurance and the support available.",
    Theme.HOW_DID: "How others did it: case studies and lessons learned.",
}

# Short codes used in suggested session codes such as PIL-POS-01.
THEME_CODES = {Theme.POSSIBLE: "POS", Theme.HOW_TO: "HOW", Theme.HOW_DID: "DID"}
PHASE_CODES = {PhaseKind.PILOT: "PIL", PhaseKind.ROLLOUT: "ROL"}


class Region(models.TextChoices):
    """The seven NHS England regions."""

    EAST_OF_ENGLAND = "east_of_england", "East of England"
    LONDON = "london", "London"
    MIDLANDS = "midlands", "Midlands"
    NORTH_EAST_AND_YORKSHIRE = "north_east_and_yorkshire", "North East and Yorkshire"
    NORTH_WEST = "north_west", "North West"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


class PilotDecisionOutcome(models.TextChoices):
    GO = "go", "Go"
    GO_WITH_CHANGES = "go_with_changes", "Go with changes"
    STOP = "stop", "Stop"


ROLLOUT_ALLOWED_DECISIONS = frozenset({PilotDecisionOutcome.GO, PilotDecisionOutcome.GO_WITH_CHANGES})


class CostCategory(models.TextChoices):
    VENUE = "venue", "Venue hire"
    CATERING = "catering", "Catering"
    FACILITATION = "facilitation", "Facilitator fees"
    TRAVEL = "travel", "Travel and expenses"
    MATERIALS = "materials", "Materials"
    ONLINE = "online", "Online platform"
    OTHER = "other", "Other"


class SessionAccess(models.TextChoices):
    INVITATION_ONLY = "invitation_only", "Invitation only"
    OPEN_TO_GROUPS = "open_to_groups", "Open to its target leadership groups"
