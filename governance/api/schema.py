"""OpenAPI post-processing: the error envelope of every status an operation can answer.

drf-spectacular documents the success response and whatever a view lists by hand. Every operation can
also answer 400 (validation), 401 (no or bad credentials), 403 (not allowed), 404 (missing or outside
the jurisdiction, also an invalid page), 429 (throttled) and, when it takes a body, 409 (conflicts with
the object's current state), 413 (body too large) and 415 (not JSON): all with ``{"message", "extra"}``
as JSON (governance.api.errors). Documenting them here keeps that promise true for new endpoints too.
"""

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": 'The error envelope: a translated message and details (e.g. {"fields": {...}}).',
    "properties": {
        "message": {"type": "string"},
        "extra": {"type": "object", "additionalProperties": {}},
    },
    "required": ["message", "extra"],
}
ALWAYS = {
    "400": "Invalid request: validation errors are in extra.fields, a broken rule has its own message.",
    "401": "No credentials or invalid credentials.",
    "403": "Not allowed for this user.",
    "404": "Not found, outside your jurisdiction, or an invalid page.",
    "429": "Too many requests.",
}
WITH_BODY = {
    "409": "The request conflicts with the current state of the object (e.g. a workflow step not possible now).",
    "413": "The request body is too large.",
    "415": "The request body is not JSON.",
}
METHODS = {"get", "put", "post", "patch", "delete"}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    envelope = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            statuses = dict(ALWAYS)
            if method in {"put", "post", "patch"}:
                statuses.update(WITH_BODY)
            responses = operation.setdefault("responses", {})
            for code, description in statuses.items():
                documented = responses.setdefault(code, {})
                documented["content"] = envelope
                if not documented.get("description"):
                    documented["description"] = description
    return result
