"""A bounded run of the isolation probe (tests/probe/; scripts/probe_isolation.py runs it whole): seeded demo,
every kind of route probed as tenant B, as a street user outside the object's street and anonymously; malformed bodies
to forms and API writes. A deliberately leaky page shows the probe fails when isolation does."""

import pytest
from django.core.management import call_command


def _probe_module():
    import tests.probe

    return tests.probe


@pytest.fixture
def probe(db):
    module = _probe_module()
    call_command("seed_demo", "--communities-per-street", "1", "--grids-per-community", "1", "--scale", "12",
                 "--quiet")
    return module, module.build_world(per_model=2)


def test_bounded_probe_finds_no_leak_and_no_5xx(probe, settings):
    module, world = probe
    assert world.markers_a and world.markers_outside and len(world.samples) >= 8
    isolation = module.probe_isolation(world, max_routes=140)
    assert isolation.failures == []
    assert isolation.routes == 140 and isolation.object_routes >= 25 and isolation.probes >= 300

    def writes(route):  # the API's write routes and the forms of the registry, the core's pages
        return route.is_api or route.name.startswith(("orgs:", "notifications:", "imports:", "api-token"))

    bad = module.probe_bad_input(world, max_routes=25, only=writes)
    assert bad.failures == []
    assert bad.bad_input_routes >= 15 and bad.bad_input_probes >= 200


def test_probe_reports_a_page_that_shows_another_tenants_object(probe, settings):
    module, world = probe
    settings.ROOT_URLCONF = "tests.probe_leak_urls"
    result = module.probe_isolation(world, only=lambda route: route.name == "leak-org")
    assert result.object_routes == 1
    assert any(line.startswith("tenant B: GET /leak/orgs/") and "expected 404" in line for line in result.failures)
    assert any(line.startswith("anonymous: GET /leak/orgs/") for line in result.failures)
    assert any("shows tenant A's" in line for line in result.failures)
