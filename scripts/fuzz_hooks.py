"""schemathesis hooks of scripts/fuzz_api.sh (loaded through SCHEMATHESIS_HOOKS).

The OpenAPI document marks dates that cannot lie in the future with ``x-not-after: today``: OpenAPI 3.0 has
no keyword for a bound relative to today, so the generator cannot know it. This hook applies the
documented rule to generated request bodies — a future date becomes today — so that "valid data is
accepted" is checked against what the document really says. Nothing else is changed; invalid dates
(wrong format, not a date) are left as generated, so negative tests are untouched.
"""

import datetime

import schemathesis

_NOT_AFTER_TODAY: dict[int, frozenset[str]] = {}


def _fields(raw_schema) -> frozenset[str]:
    """Names of the properties marked ``x-not-after: today`` anywhere in the document."""
    key = id(raw_schema)
    if key not in _NOT_AFTER_TODAY:
        names: set[str] = set()

        def walk(node):
            if isinstance(node, dict):
                for name, value in (node.get("properties") or {}).items():
                    if isinstance(value, dict) and value.get("x-not-after") == "today":
                        names.add(name)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(raw_schema)
        _NOT_AFTER_TODAY[key] = frozenset(names)
    return _NOT_AFTER_TODAY[key]


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if not isinstance(case.body, dict):
        return
    # The earliest "today" on Earth (UTC-12): never after the server's today, whatever its time zone.
    today = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=12)).date()
    for name in _fields(case.operation.schema.raw_schema) & set(case.body):
        value = case.body[name]
        try:
            date = datetime.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            date = None
        if date is not None and date > today:
            case.body[name] = today.isoformat()
