from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.email import send_templated_email


def send_staff_welcome(*, user_id: int, role: str) -> None:
    """Tells a new organiser or evaluator that they have access and how to sign in."""
    user = get_user_model().objects.get(pk=user_id)
    send_templated_email(
        name="staff_welcome",
        to=[user.email],
        context={
            "role": role,
            "sign_in_url": settings.SITE_URL + reverse("account_request_login_code"),
            "email": user.email,
        },
    )
