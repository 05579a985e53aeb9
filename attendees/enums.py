from django.db import models
from django.db.models import TextChoices


class OrganisationType(models.TextChoices):
    ACUTE_TRUST = "acute_trust", "Acute trust"
    COMMUNITY_TRUST = "community_trust", "Community trust"
    MENTAL_HEALTH_TRUST = "mental_health_trust", "Mental health trust"
    AMBULANCE_TRUST = "ambulance_trust", "Ambulance trust"
    ICB = "icb", "CCG / ICB"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    CARE_PROVIDER = "care_provider", "Care provider"
    CHARITY = "charity", "Charity or voluntary organisation"
    GP_PRACTICE = "gp_practice", "GP practice or primary care network"
    NATIONAL_BODY = "national_body", "National body"
    OTHER = "other", "Other"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Not answered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITLISTED = "waitlisted", "Waiting list"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"


# Statuses that hold a place on the session (count against capacity).
HOLDS_A_PLACE = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW)
# Statuses of a live registration: at most one per person per session.
ACTIVE = (*HOLDS_A_PLACE, RegistrationStatus.WAITLISTED)


class StopRollout(TextChoices):
    """What a "stop" pilot decision does to the rollout sessions already published."""

    UNPUBLISH = "unpublish", "Make them drafts again"
    CANCEL = "cancel", "Cancel them"
