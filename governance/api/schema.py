"""OpenAPI post-processing: the error envelope of every status an operation can answer.

drf-spectacular documents the success response and whatever a view lists by hand. Every operation can
also answer 400 (validation), 401 (no or bad credentials), 403 (not allowed), 404 (missing or outside
the jurisdiction, also an invalid page), 414 (query string too long), 429 (throttled) and, when it takes a body, 409 (conflicts with
the object's current state), 413 (body too large) and 415 (not JSON): all with ``{"message", "extra"}``
as JSON (governance.api.errors). Documenting them here keeps that promise true for new endpoints too.
"""

# Request components are named "…Request" (COMPONENT_SPLIT_REQUEST): their text fields get a pattern.
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
    "414": "The query string is too long (over MAX_QUERY_STRING_LENGTH characters).",
    "429": "Too many requests.",
}
WITH_BODY = {
    "409": "The request conflicts with the current state of the object (e.g. a workflow step not possible now).",
    "413": "The request body is too large.",
    "415": "The request body is not JSON.",
}
METHODS = {"get", "put", "post", "patch", "delete"}


NULL_SCHEMA = {"type": "object", "nullable": True, "enum": [None]}


def _nullable_references(node):
    """``{"allOf": [{"$ref": X}], "nullable": true}`` (drf-spectacular's nested ``allow_null``) → ``oneOf``.

    In OpenAPI 3.0 ``nullable`` does not lift the ``allOf`` constraint, so validators (and schemathesis)
    refuse the ``null`` the API really sends (``tenant`` of a platform operator in /me/).
    """
    if isinstance(node, dict):
        if node.get("nullable") is True and len(node.get("allOf", ())) == 1:
            reference = node.pop("allOf")[0]
            node["oneOf"] = [reference, dict(NULL_SCHEMA)]
        for value in node.values():
            _nullable_references(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_references(value)


NO_NUL = "^[^\\u0000]*$"
# What DRF's trimming (str.strip) removes, spelled out: ECMA's \s (the document's regex dialect) differs
# from Python's (U+0085, U+001C–U+001F are space to Python only).
_SPACE = "".join(f"\\u{code:04x}" for code in range(0x3001) if chr(code).isspace())
NOT_BLANK_NO_NUL = f"^[^\\u0000]*[^\\u0000{_SPACE}][^\\u0000]*$"


def _text_patterns(schema):
    """Free text the API accepts: no NUL anywhere (refused by DRF and the NUL middleware), and — for a
    required text (``minLength`` ≥ 1) — something other than whitespace, which DRF trims away."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
        schema["pattern"] = NOT_BLANK_NO_NUL if schema.get("minLength", 0) >= 1 else NO_NUL
    for key in ("properties",):
        for value in schema.get(key, {}).values():
            _text_patterns(value)
    if "items" in schema:
        _text_patterns(schema["items"])


def document_errors(result, generator, request, public):
    _nullable_references(result)
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _text_patterns(component)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query":
                    _text_patterns(parameter.get("schema"))
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    envelope = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            statuses = dict(ALWAYS)
            if method in {"put", "post", "patch"}:
                statuses.update(WITH_BODY)
            if method == "post" and "requestBody" in operation:
                # Every POST body here has required fields (drf-spectacular leaves a oneOf body optional).
                operation["requestBody"]["required"] = True
            responses = operation.setdefault("responses", {})
            for code, description in statuses.items():
                documented = responses.setdefault(code, {})
                documented["content"] = envelope
                if not documented.get("description"):
                    documented["description"] = description
    return result
