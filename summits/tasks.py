"""Background tasks (Django's tasks API; `manage.py db_worker` runs them). Each takes ids,
loads what it needs and calls one function."""

from django_tasks import task

from summits import emails


@task()
def send_staff_welcome_email(user_id: int, role: str) -> None:
    emails.send_staff_welcome(user_id=user_id, role=role)
