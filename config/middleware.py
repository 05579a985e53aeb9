"""Two request-wide rules that no single view should have to remember.

- A NUL character anywhere in the path or the query string is a bad request (400): PostgreSQL
  refuses NUL in text, so it would otherwise become a server error wherever the value reaches a
  query (/sessions/%00/, ?programme=%00). Form fields already refuse it (Django's CharField).
- Pages opened by a secret link, and every page for a signed-in person (organisers' pages hold
  personal data; My sessions is personal), are sent with Cache-Control: no-store, so neither a
  shared proxy nor the browser's history keeps a copy.
"""

from django.utils.cache import add_never_cache_headers

from config.logging import is_secret_link
from config.views import bad_request


class RejectNulCharacters:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return bad_request(request)
        return self.get_response(request)


class NoStorePrivatePages:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        private = (user is not None and user.is_authenticated) or is_secret_link(request.path)
        if private and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
