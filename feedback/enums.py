from django.db import models


class SurveyKind(models.TextChoices):
    PRE = "pre", "Pre survey"
    POST = "post", "Post survey"
    FOLLOW_UP = "follow_up", "Follow-up survey"


class ItemType(models.TextChoices):
    """How a question is answered."""

    LIKERT = "likert", "5-point scale with labelled points"
    SCALE_0_10 = "scale_0_10", "0 to 10 scale"
    YES_NO = "yes_no", "Yes or no"
    CHOICE = "choice", "Single choice"
    TEXT = "text", "Free text"


class ItemPurpose(models.TextChoices):
    """What an answer is used for: pairing, reaction, the champions list, or nothing special."""

    CONFIDENCE = "confidence", "Confidence (paired before and after)"
    RETROSPECTIVE = "retrospective", "Retrospective confidence before the workshop (then-test)"
    EXPERIENCE = "experience", "Overall experience"
    RELEVANCE = "relevance", "Relevance to the role"
    RECOMMEND = "recommend", "Likelihood to recommend"
    CHAMPION = "champion", "Volunteering as a digital champion"
    ACTION = "action", "What they will do differently"
    APPLIED = "applied", "What they have applied since"
    OTHER = "other", "Other question"


class ResponseSource(models.TextChoices):
    WEB = "web", "Answered online"
    IMPORT = "import", "Imported"


# Labelled points of the 5-point scales, lowest first (value 1 … 5).
CONFIDENCE_LABELS = [
    "Not at all confident",
    "Slightly confident",
    "Moderately confident",
    "Very confident",
    "Completely confident",
]
EXPERIENCE_LABELS = ["Very poor", "Poor", "Neither good nor poor", "Good", "Very good"]
RELEVANCE_LABELS = [
    "Not at all relevant",
    "Slightly relevant",
    "Moderately relevant",
    "Very relevant",
    "Extremely relevant",
]
YES_NO_LABELS = ["No", "Yes"]  # stored as 0 and 1
