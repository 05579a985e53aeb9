from allauth.account import forms as allauth_forms
from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: organisers and evaluators are created by an admin or `create_staff`,
    and invited leaders (people the organisers imported) get theirs the first time they ask
    for a sign-in code (RequestLoginCodeForm below).
    Error messages are in NHS.UK style: say what happened and what to do."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": "The code is not right, or it has expired. Check the email we sent, or ask for a new code",
        "too_many_login_attempts": "Too many attempts to sign in. Wait a few minutes, then try again",
        "rate_limited": "You have asked for too many codes. Wait a minute, then try again",
        "unknown_email": "We do not have an account for this email address",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Sign-in codes and the other account emails go through the outbox like every
        other email (kind "other"), so they are counted, retried and never silently lost."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from outbox.mail import queue_email

        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        queue_email(message)


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """Asking for a code with a person's email creates their passwordless account first, so
    allauth finds it and sends the code. Anyone else gets allauth's usual answer (the same
    page, and an "unknown account" email), so the form never tells who is on our lists.

    Arriving by an invitation link does not sign anyone in: the link is a bearer token that
    is often forwarded (to a PA, a shared mailbox) and opened by mail scanners, so it may
    answer that one invitation but not open the person's other sessions and calendar feed.
    The emailed code proves the mailbox at the time of signing in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
            }
        )

    def clean_email(self) -> str:
        from attendees.services import ensure_person_account

        email = self.cleaned_data["email"]
        if email:
            ensure_person_account(email=email)
        return super().clean_email()


class ConfirmLoginCodeForm(allauth_forms.ConfirmLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = "Enter the sign-in code we emailed you"
