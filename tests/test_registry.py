"""The app registry of the core: audit labels, periodic-task sync, demo seeders in layer order."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from governance import registry
from governance.periodic import sync_periodic_tasks
from governance.workflows import Workflow

ROOT = Path(__file__).resolve().parent.parent
APPS = ("governance", "orgs", "projects", "grid", "party")


def _source_action_codes() -> set[str]:
    pattern = re.compile(r"""action\s*=\s*["']([a-z_]+\.[a-z_]+)["']""")
    codes = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            codes |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return codes


def _workflow_codes() -> set[str]:
    """Targets of every transition table declared in an app's ``workflows`` module."""
    import importlib

    codes = set()
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.workflows")
        except ModuleNotFoundError:
            continue
        for obj in vars(module).values():
            if isinstance(obj, Workflow):
                for targets in obj.transitions.values():
                    codes |= {f"{obj.name}.{to}" for to in targets}
    return codes


def test_every_audit_action_written_by_the_code_has_a_translated_label():
    workflow_codes = _workflow_codes()
    assert {"filing.filed", "annual_report.returned"} <= workflow_codes
    codes = _source_action_codes() | workflow_codes
    assert len(codes) > 30
    missing = sorted(code for code in codes if not registry.is_labelled(code))
    assert missing == [], "add these to the app's audit-action TextChoices"


def test_audit_labels_are_chinese_and_admin_actions_name_the_model():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert registry.audit_action_label("filing.submit") == "提交备案"
        assert registry.audit_action_label("organization.admin_change").startswith("在管理后台修改")
        assert "unknown.thing" in registry.audit_action_label("unknown.thing")


@pytest.mark.django_db
def test_audit_log_shows_labels_not_codes(tree_a, users, client_for):
    from governance import services
    from governance.tenancy import tenant_context

    with tenant_context(tree_a["tenant"]):
        services.region_update(actor=users["admin_a"], region=tree_a["community"], name="新名字社区")
    html = client_for(users["admin_a"]).get("/audit/").content.decode()
    assert "修改区划" in html
    assert ">region.update<" not in html
    # the action filter is a choice list of labels
    assert 'name="action" id="id_action"' in html and '<option value="region.update">修改区划</option>' in html


@pytest.mark.django_db
def test_periodic_tasks_are_synced_idempotently_and_admin_edits_are_kept(monkeypatch):
    from django_celery_beat.models import PeriodicTask

    name = "orgs: daily credit-list and grade rules"
    row = PeriodicTask.objects.get(name=name)  # synced by migrate
    assert row.task == "governance.for_each_tenant" and '"orgs.apply_credit_rules"' in row.kwargs
    assert row.crontab.hour == "2" and row.crontab.minute == "30"
    assert sync_periodic_tasks() == {"created": 0, "updated": 0, "disabled": 0}

    row.enabled = False
    row.crontab = None
    from django_celery_beat.models import IntervalSchedule

    row.interval = IntervalSchedule.objects.create(every=7, period=IntervalSchedule.DAYS)
    row.save()
    assert sync_periodic_tasks()["updated"] == 0
    row.refresh_from_db()
    assert row.interval.every == 7 and not row.enabled  # the administrator's choice stands

    monkeypatch.setattr(registry, "_periodic", dict(registry._periodic))
    registry.register_periodic_task(name, "orgs.apply_credit_rules", crontab={"minute": "0", "hour": "3"})
    registry.register_periodic_task("test: every minute", "governance.tenant_health", interval_seconds=60)
    assert sync_periodic_tasks() == {"created": 1, "updated": 1, "disabled": 0}
    row.refresh_from_db()
    assert row.crontab.hour == "3" and row.interval is None and not row.enabled
    del registry._periodic["test: every minute"]
    assert sync_periodic_tasks()["disabled"] == 1
    assert not PeriodicTask.objects.get(name="test: every minute").enabled


def test_a_periodic_task_needs_exactly_one_schedule():
    with pytest.raises(ValueError):
        registry.register_periodic_task("x", "y")


@pytest.mark.django_db
def test_seed_demo_runs_every_seeder_in_layer_order(monkeypatch):
    calls = []
    monkeypatch.setattr(registry, "_seeders", {})
    registry.register_seeder("upper", lambda *, scale, stdout: calls.append(("upper", scale)), layer=30)
    registry.register_seeder("lower", lambda *, scale, stdout: calls.append(("lower", scale)), layer=20)
    monkeypatch.setattr("governance.management.commands.seed_demo.seed_demo", lambda **kwargs: [])
    call_command("seed_demo", "--quiet", "--scale", "7")
    assert calls == [("lower", 7), ("upper", 7)]
    calls.clear()
    call_command("seed_demo", "--quiet", "--only", "upper")
    assert calls == [("upper", None)]
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", "--quiet", "--only", "nope")


def test_orgs_declares_its_seeder_and_todos():
    assert "orgs" in {seeder.name for seeder in registry.seeders()}
    assert {"orgs:list", "orgs:filing-list", "orgs:portal"} <= {entry.url_name for entry in registry.nav_entries()}


@pytest.mark.django_db
def test_phone_layout_has_an_offcanvas_sidebar(users, client_for):
    html = client_for(users["street_a"]).get("/").content.decode()
    assert 'class="offcanvas-lg offcanvas-start app-sidebar' in html
    assert 'data-bs-target="#sidebar"' in html
