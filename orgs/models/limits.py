"""Upper bounds of free text (issue 7: a 6,000,000-character summary reached the audit log).

A TextField's ``max_length`` only sizes the form widget and the API field; the validator makes
``full_clean()`` in every service refuse longer text too.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator

NOTE_TEXT = 2_000  # reasons, notes, review comments
LONG_TEXT = 10_000  # report sections written by the organization


def bounded_text(limit: int) -> dict:
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}
