"""Background tasks for attendees' emails. Each takes ids, loads what it needs and calls one
function in attendees/emails.py. Every sender is idempotent where a retry could repeat it."""

from django_tasks import task

# How many invitation emails are loaded and sent at a time.
EMAIL_BATCH = 200


@task()
def send_invitation_emails(invitation_ids: list[int]) -> None:
    from attendees import emails

    for start in range(0, len(invitation_ids), EMAIL_BATCH):
        emails.send_invitations(invitation_ids=invitation_ids[start : start + EMAIL_BATCH])


@task()
def send_registration_email(registration_id: int) -> None:
    from attendees import emails

    emails.send_registration(registration_id=registration_id)


@task()
def send_promotion_email(registration_id: int) -> None:
    from attendees import emails

    emails.send_promotion(registration_id=registration_id)


@task()
def send_cancellation_email(registration_id: int) -> None:
    from attendees import emails

    emails.send_cancellation(registration_id=registration_id)


@task()
def send_session_update_emails(session_id: int) -> None:
    from attendees import emails

    emails.send_session_update(session_id=session_id)


@task()
def send_session_cancelled_emails(session_id: int) -> None:
    from attendees import emails

    emails.send_session_cancelled(session_id=session_id)
