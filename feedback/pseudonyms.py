"""The pseudonymous participant key: the only way any export or evaluator page identifies a
person. A keyed hash (HMAC-SHA-256 with settings.PSEUDONYMISATION_KEY) of the person's id, so
the same person has the same key in every survey and report, and nobody without the key can
go from a key back to a person or test a guess."""

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings

KEY_LENGTH = 16  # hex characters: 64 bits, no collisions in practice among a programme's people


def participant_key(person_id: int) -> str:
    return participant_keys([person_id])[person_id]


def participant_keys(person_ids: Iterable[int]) -> dict[int, str]:
    """The keys of many people at once: the HMAC is keyed once and copied per person."""
    keyed = hmac.new(settings.PSEUDONYMISATION_KEY.encode(), digestmod=hashlib.sha256)
    keys = {}
    for person_id in person_ids:
        digest = keyed.copy()
        digest.update(f"person:{person_id}".encode())
        keys[person_id] = "P" + digest.hexdigest()[:KEY_LENGTH]
    return keys
