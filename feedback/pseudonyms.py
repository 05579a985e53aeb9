"""The pseudonymous participant key: the only way any export or evaluator page identifies a
person. A keyed hash (HMAC-SHA-256 with settings.PSEUDONYMISATION_KEY) of the person's id, so
the same person has the same key in every survey and report, and nobody without the key can
go from a key back to a person or test a guess."""

import hashlib
import hmac

from django.conf import settings

KEY_LENGTH = 16  # hex characters: 64 bits, no collisions in practice among a programme's people


def participant_key(person_id: int) -> str:
    digest = hmac.new(settings.PSEUDONYMISATION_KEY.encode(), f"person:{person_id}".encode(), hashlib.sha256)
    return "P" + digest.hexdigest()[:KEY_LENGTH]
