from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: organisers and evaluators are created by an admin or `create_staff`,
    and attendees get their account from their invitation (a later capability)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
