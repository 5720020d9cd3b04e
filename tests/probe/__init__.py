"""Isolation probe: every URL of the project requested by people who must not see tenant A's objects.
The command line is ``scripts/probe_isolation.py``; ``tests/test_isolation_probe.py`` runs a bounded version.

    .venv/bin/python scripts/probe_isolation.py [--max-routes N] [--skip-bad-input] [-v]

Builds a throwaway database (a SQLite file under /tmp, or the scratch database of DATABASE_URL: it is
migrated and seeded), seeds the demo (two tenants, Hengyang = A and Zhuzhou = B, one user per role, every
app's demo data through ``seed_demo``), then walks every URL pattern (``django.urls`` resolvers: pages,
downloads and exports, the admin's changelist/add/change/history/delete pages, API lists and details).
A route's object arguments (``<int:pk>``, ``<path:object_id>``, ...) are filled with ids of tenant A's
objects, found by calibration: the first id of a model whose page tenant A's administrator can open (an
id that does not exist must give that administrator a 404, else the argument is not an object id).

Each route is then requested (GET; POST with an empty body where GET is not allowed) as

* (a) tenant B's administrator: an object route must be a 404, and no page may contain tenant A's data;
* (b) a street user of tenant A, with an object outside their street: a 404 (or the admin's redirect to
  its login for a user who is not staff), and no page may show an outside organization;
* (c) an anonymous client: a redirect to a login page, 401/403/404, and no content of tenant A.

"Content of tenant A" means the names of A's organizations, its tenant name and the region names only A
has (and, for (b), the names of organizations outside the user's street), looked for in HTML, JSON and
inside .xlsx downloads. The bad-input probe then POSTs (and PUTs/PATCHes on the API) malformed bodies to
every route as A's administrator, with the field names read from the route's own form or JSON: NUL
characters, 100,000-character strings, deeply nested JSON, wrong types, a body that is not JSON. None may
be a 5xx. Totals (routes, probes, failures) are printed; the exit status is 1 when anything failed.

``tests/test_isolation_probe.py`` runs a bounded version on both backends.
"""

from __future__ import annotations

from tests.probe.bad_input import probe_bad_input
from tests.probe.isolation import Result, probe_isolation
from tests.probe.world import World, build_world


def seed() -> None:
    from django.core.management import call_command

    call_command("seed_demo", "--communities-per-street", "1", "--grids-per-community", "1", "--scale", "40",
                 "--quiet")


__all__ = ["Result", "World", "build_world", "probe_bad_input", "probe_isolation", "seed"]
