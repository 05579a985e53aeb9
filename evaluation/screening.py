"""Screening free text before an evaluator sees it (dashboard or export): email addresses, UK
phone numbers, NHS numbers, postcodes and the names of people and organisations known to the
system are replaced by markers such as "[name removed]".

Names are matched word by word against sets (not one giant regular expression), so screening
stays linear in the text whatever the number of people: a full name or a surname anywhere, a
first name when it is capitalised, an organisation's full name in any case.
"""

import re
from collections.abc import Iterable

DESCRIPTION = (
    "email addresses, UK phone numbers, NHS numbers, postcodes and the names of people and organisations "
    "known to the service are replaced by markers such as [name removed]."
)

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# Ten digits as 3-3-4 (an NHS number).
NHS_NUMBER = re.compile(r"(?<![\w+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\w)")
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,5}\)?(?:[\s-]?\d){6,8}(?!\w)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_][\w'’-]*")

NAME_REMOVED = "[name removed]"
ORGANISATION_REMOVED = "[organisation removed]"
# Phone numbers (which start 0 or +44) before NHS numbers, so "+44 113 496 0000" is one phone
# number; either way the digits are gone.
PATTERNS = [
    (EMAIL, "[email removed]"),
    (PHONE, "[phone number removed]"),
    (NHS_NUMBER, "[NHS number removed]"),
    (POSTCODE, "[postcode removed]"),
]
MAX_NAME_WORDS = 8
MIN_NAME_LENGTH = 2


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.casefold() for word in WORD.findall(text))


class Screen:
    """Callable: screen(text) → the text with contact details and known names replaced."""

    def __init__(self, people: Iterable[tuple[str, str]] = (), organisations: Iterable[str] = ()):
        self.names: dict[tuple[str, ...], str] = {}
        self.first_names: set[str] = set()
        for name in organisations:
            words = _words(name)
            if words:
                self.names[words] = ORGANISATION_REMOVED
        for first, last in people:
            full, surname = _words(f"{first} {last}"), _words(last)
            if full:
                self.names[full] = NAME_REMOVED
            if surname and len(" ".join(surname)) >= MIN_NAME_LENGTH:
                self.names.setdefault(surname, NAME_REMOVED)
            if len(first) >= MIN_NAME_LENGTH:
                self.first_names.add(first.strip().casefold())
        self.longest = min(max((len(words) for words in self.names), default=1), MAX_NAME_WORDS)

    def __call__(self, text: str) -> str:
        for pattern, marker in PATTERNS:
            text = pattern.sub(marker, text)
        return self._names(text)

    def _names(self, text: str) -> str:
        matches = list(WORD.finditer(text))
        words = [match.group().casefold() for match in matches]
        pieces, position, index = [], 0, 0
        while index < len(matches):
            for length in range(min(self.longest, len(matches) - index), 0, -1):
                marker = self.names.get(tuple(words[index : index + length]))
                if marker is None and length == 1 and matches[index].group()[0].isupper():
                    marker = NAME_REMOVED if words[index] in self.first_names else None
                if marker is not None:
                    start, end = matches[index].start(), matches[index + length - 1].end()
                    pieces += [text[position:start], marker]
                    position, index = end, index + length
                    break
            else:
                index += 1
        return "".join([*pieces, text[position:]])


def known_screen() -> Screen:
    """A screen for everyone and every organisation the service holds (people, facilitators,
    staff accounts)."""
    from django.contrib.auth import get_user_model

    from attendees.models import Organisation, Person
    from summits.models import Facilitator

    people = list(Person.objects.values_list("first_name", "last_name"))
    facilitators = list(Facilitator.objects.values_list("name", "organisation"))
    people += [tuple(name.rsplit(" ", 1)) if " " in name else ("", name) for name, _ in facilitators]
    people += list(get_user_model().objects.exclude(last_name="").values_list("first_name", "last_name"))
    organisations = [*Organisation.objects.values_list("name", flat=True), *(org for _, org in facilitators if org)]
    return Screen(people, organisations)
