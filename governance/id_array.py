"""``column IN (ids)`` with the ids as one parameter, for long literal id lists (the jurisdiction scope).

Django renders ``field__in=[...]`` as one placeholder per id: thousands of parameters, past SQLite's limit
(999 on old builds, 32,766 since 3.32) and a long statement for PostgreSQL to parse. ``IdIn`` sends the list
as a single parameter instead: ``column = ANY(%s::bigint[])`` on PostgreSQL (psycopg adapts the list to an
array) and ``column IN (SELECT value FROM json_each(%s))`` on SQLite (the ids as one JSON text).

    queryset.filter(region__in_ids=[3, 5, 8])        # registered on every field, joins promoted as for __in
    queryset.filter(IdIn(F("region"), [3, 5, 8]))     # or as an expression
"""

from __future__ import annotations

import json

from django.db.models import Field, ForeignObject, Lookup


class IdIn(Lookup):
    lookup_name = "in_ids"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def __init__(self, lhs, ids):
        super().__init__(lhs, tuple(int(pk) for pk in ids))

    def get_prep_lookup(self):
        return self.rhs

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs_sql} = ANY(%s::bigint[])", (*lhs_params, list(self.rhs))
        # lhs_sql is the compiled column (quoted names), the ids are a parameter.
        return f"{lhs_sql} IN (SELECT value FROM json_each(%s))", (*lhs_params, json.dumps(self.rhs))  # noqa: S608


Field.register_lookup(IdIn)
ForeignObject.register_lookup(IdIn)  # related fields keep lookups of their own
