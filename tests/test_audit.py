"""Audit log: every core service records who did what, before/after, from where; failures record nothing."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import PASSWORD, make_user
from governance import services
from governance.exceptions import ApplicationError
from governance.models import (
    AuditEvent,
    Region,
    RegionLevel,
    Role,
    RoleAssignment,
    StatusChange,
    Tenant,
    User,
)
from governance.request_context import RequestInfo, reset_request_info, set_request_info
from governance.tenancy import all_tenants, tenant_context
from governance.workflows import Workflow, status_history

REQUEST = RequestInfo(request_id="req-0123456789abcdef", ip_address="203.0.113.7")


@pytest.fixture
def request_info():
    token = set_request_info(REQUEST)
    yield REQUEST
    reset_request_info(token)


def _events(tenant, **filters):
    with tenant_context(tenant):
        return list(AuditEvent.objects.filter(**filters).order_by("id"))


def _event_count(tenant):
    with tenant_context(tenant):
        return AuditEvent.objects.count()


def _assert_event(event, *, actor, tenant, action, obj, request=REQUEST):
    assert event.tenant_id == tenant.pk
    assert event.action == action
    assert event.actor_id == (actor.pk if actor else None)
    assert event.actor_repr == (str(actor) if actor else "system")
    assert event.content_type == ContentType.objects.get_for_model(obj)
    assert event.object_id == str(obj.pk)
    assert event.object_repr == str(obj)
    assert event.request_id == request.request_id
    assert event.ip_address == request.ip_address
    assert event.created_at is not None


# --- one service, the expected events ---------------------------------------------------------


def test_tenant_create_audits(operator, request_info):
    with all_tenants():
        tenant = services.tenant_create(actor=operator, name="湘潭市民政局", slug="xiangtan", root_code="4303",
                                        root_name="湘潭市", root_level=RegionLevel.CITY)
    (event,) = _events(tenant)
    _assert_event(event, actor=operator, tenant=tenant, action="tenant.create", obj=tenant)
    assert event.changes["name"] == "湘潭市民政局"
    assert event.changes["slug"] == "xiangtan"
    assert event.changes["root_code"] == "4303"
    with tenant_context(tenant):
        root = services.tenant_root(tenant)
    assert (root.code, root.path, root.level) == ("430300000000", "4303/", RegionLevel.CITY)


def test_tenant_create_refuses_non_operator_and_bad_code(users, tree_a):
    before = Tenant.objects.count()
    with all_tenants():
        with pytest.raises(ApplicationError):
            services.tenant_create(actor=users["admin_a"], name="x", slug="x", root_code="4303",
                                   root_name="x", root_level=RegionLevel.CITY)
        with pytest.raises(ValidationError):
            services.tenant_create(actor=None, name="y", slug="y", root_code="43a3",
                                   root_name="y", root_level=RegionLevel.CITY)
        assert AuditEvent.objects.filter(action="tenant.create").count() == 2  # the fixtures' tenants only
    assert Tenant.objects.count() == before


def test_region_create_audits(users, tree_a, request_info):
    tenant, actor = tree_a["tenant"], users["admin_a"]
    before = _event_count(tenant)
    with tenant_context(tenant):
        region = services.region_create(actor=actor, parent=tree_a["street"], level=RegionLevel.COMMUNITY,
                                        code="430405001003", name=" 幸福社区 ")
    events = _events(tenant, id__gt=0)[before:]
    assert len(events) == 1
    event = events[0]
    _assert_event(event, actor=actor, tenant=tenant, action="region.create", obj=region)
    assert event.region_path == region.path == "4304/430405/430405001/430405001003/"
    assert event.changes["name"] == "幸福社区"
    assert event.changes["code"] == "430405001003"
    assert event.changes["parent"] == tree_a["street"].pk
    assert region.depth == tree_a["street"].depth + 1


def test_region_update_audits_before_and_after(users, tree_a, request_info):
    tenant, actor, street = tree_a["tenant"], users["street_a"], tree_a["street"]
    before = _event_count(tenant)
    with tenant_context(tenant):
        services.region_update(actor=actor, region=street, name="广东路街道办事处")
        services.region_update(actor=actor, region=street, name="广东路街道办事处")  # unchanged: no event
    events = _events(tenant)[before:]
    assert len(events) == 1
    _assert_event(events[0], actor=actor, tenant=tenant, action="region.update", obj=street)
    assert events[0].changes == {"name": ["广东路街道", "广东路街道办事处"]}


def test_user_create_audits(users, tree_a, request_info):
    tenant, actor = tree_a["tenant"], users["admin_a"]
    before = _event_count(tenant)
    with tenant_context(tenant):
        user = services.user_create(actor=actor, tenant=tenant, username="new_worker", password=PASSWORD,
                                    display_name="新网格员", email="w@example.com")
    events = _events(tenant)[before:]
    assert len(events) == 1
    _assert_event(events[0], actor=actor, tenant=tenant, action="user.create", obj=user)
    assert events[0].changes == {"username": "new_worker", "display_name": "新网格员",
                                 "email": "w@example.com", "is_staff": False}
    assert "password" not in str(events[0].changes)
    assert user.check_password(PASSWORD)


def test_role_assign_and_revoke_audit(users, tree_a, request_info):
    tenant, actor, target = tree_a["tenant"], users["admin_a"], users["norole_a"]
    before = _event_count(tenant)
    with tenant_context(tenant):
        assignment = services.role_assign(actor=actor, user=target, region=tree_a["community2"],
                                          role=Role.COMMUNITY_STAFF)
        again = services.role_assign(actor=actor, user=target, region=tree_a["community2"],
                                     role=Role.COMMUNITY_STAFF)
        assert again.pk == assignment.pk
        assignment_pk = assignment.pk
        services.role_revoke(actor=actor, assignment=assignment)
        assert not RoleAssignment.objects.filter(pk=assignment_pk).exists()
    events = _events(tenant)[before:]
    assert [e.action for e in events] == ["role.assign", "role.revoke"]
    expected = {"user": "norole_a", "region": "430405002001", "role": "community_staff"}
    for event in events:
        assert event.tenant_id == tenant.pk and event.actor_id == actor.pk
        assert event.object_id == str(assignment_pk)
        assert event.content_type == ContentType.objects.get_for_model(RoleAssignment)
        assert event.changes == expected
        assert event.region_path == tree_a["community2"].path
        assert (event.request_id, event.ip_address) == (REQUEST.request_id, REQUEST.ip_address)


def test_role_assign_takes_effect_immediately(users, tree_a, client_for):
    target = users["norole_a"]
    client = client_for(target)
    assert client.get(f"/regions/{tree_a['community2'].pk}/").status_code == 404
    with tenant_context(tree_a["tenant"]):
        services.role_assign(actor=users["admin_a"], user=target, region=tree_a["community2"],
                             role=Role.COMMUNITY_STAFF)
    assert client.get(f"/regions/{tree_a['community2'].pk}/").status_code == 200


def _write_divisions(directory):
    (directory / "areas.csv").write_text(
        "code,name,cityCode,provinceCode\n430405,珠晖区,4304,43\n430499,测试区,4304,43\n430203,芦淞区,4302,43\n",
        encoding="utf-8",
    )
    (directory / "streets.csv").write_text(
        "code,name,areaCode,provinceCode,cityCode\n"
        "430405001,广东路街道,430405,43,4304\n"
        "430405002,东风路街道（新）,430405,43,4304\n"
        "430499001,测试街道,430499,43,4304\n"
        "430203001,建设街道,430203,43,4302\n",
        encoding="utf-8",
    )


def test_divisions_load_audits_once_and_is_idempotent(users, tree_a, tmp_path, request_info):
    _write_divisions(tmp_path)
    tenant, actor = tree_a["tenant"], users["admin_a"]
    before = _event_count(tenant)
    with tenant_context(tenant):
        result = services.divisions_load(actor=actor, tenant=tenant, directory=tmp_path)
        assert (result.created, result.updated, result.unchanged) == (2, 1, 2)
        assert Region.objects.get(code="430499001000").path == "4304/430499/430499001/"
        assert Region.objects.get(code="430405002000").name == "东风路街道（新）"
        assert not Region.objects.filter(code__startswith="430203").exists()
        again = services.divisions_load(actor=actor, tenant=tenant, directory=tmp_path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    events = _events(tenant)[before:]
    assert len(events) == 1
    _assert_event(events[0], actor=actor, tenant=tenant, action="region.load_divisions", obj=tree_a["root"])
    assert events[0].changes == {"created": 2, "updated": 1, "source": tmp_path.name}


def test_divisions_load_rejects_malformed_rows_atomically(users, tree_a, tmp_path):
    _write_divisions(tmp_path)
    with (tmp_path / "streets.csv").open("a", encoding="utf-8") as handle:
        handle.write("43040500X,坏行,430405,43,4304\n")
    tenant = tree_a["tenant"]
    before = _event_count(tenant)
    with tenant_context(tenant):
        count = Region.objects.count()
        with pytest.raises(ApplicationError):
            services.divisions_load(actor=users["admin_a"], tenant=tenant, directory=tmp_path)
        assert Region.objects.count() == count
        assert not Region.objects.filter(code="430499000000").exists()
    assert _event_count(tenant) == before


# --- failed calls write nothing ---------------------------------------------------------------


def _region_create(tree, **kwargs):
    params = {"actor": None, "parent": tree["street"], "level": RegionLevel.COMMUNITY,
              "code": "430405001009", "name": "新社区"}
    params.update(kwargs)
    return lambda: services.region_create(**params)


FAILURES = {
    "code_not_under_parent": (lambda t, u: _region_create(t, code="430405002009"), ApplicationError),
    "child_at_higher_level": (lambda t, u: _region_create(t, level=RegionLevel.DISTRICT, code="430499"),
                              ApplicationError),
    "child_at_same_level": (lambda t, u: _region_create(t, level=RegionLevel.STREET, code="430405001"),
                            ApplicationError),
    "empty_name": (lambda t, u: _region_create(t, name="   "), ValidationError),
    "duplicate_code": (lambda t, u: _region_create(t, code="430405001001"), ValidationError),
    "rename_to_empty": (lambda t, u: lambda: services.region_update(actor=None, region=t["street"], name=""),
                        ValidationError),
    "role_across_tenants": (lambda t, u: lambda: services.role_assign(
        actor=None, user=u["admin_b"], region=t["street"], role=Role.STREET_STAFF), ApplicationError),
    "unknown_role": (lambda t, u: lambda: services.role_assign(
        actor=None, user=u["norole_a"], region=t["street"], role="superhero"), ApplicationError),
    "weak_password": (lambda t, u: lambda: services.user_create(
        actor=None, tenant=t["tenant"], username="weak", password="123"), ValidationError),
    "duplicate_username": (lambda t, u: lambda: services.user_create(
        actor=None, tenant=t["tenant"], username="street_a", password=PASSWORD), ValidationError),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_failed_service_call_writes_nothing(users, tree_a, case):
    build, error = FAILURES[case]
    tenant = tree_a["tenant"]
    with tenant_context(tenant):
        counts = (AuditEvent.objects.count(), Region.objects.count(), RoleAssignment.objects.count())
        users_before = User.objects.count()
        with pytest.raises(error):
            build(tree_a, users)()
        assert (AuditEvent.objects.count(), Region.objects.count(), RoleAssignment.objects.count()) == counts
        assert User.objects.count() == users_before
        tree_a["street"].refresh_from_db()
        assert tree_a["street"].name == "广东路街道"


def test_service_refuses_to_run_in_another_tenants_scope(users, tree_a, tree_b):
    with tenant_context(tree_b["tenant"]):
        before = AuditEvent.objects.count()
        with pytest.raises(ApplicationError):
            services.region_create(actor=None, parent=tree_a["street"], level=RegionLevel.COMMUNITY,
                                   code="430405001009", name="越权社区")
        with pytest.raises(ApplicationError):
            services.region_update(actor=None, region=tree_a["street"], name="越权")
        with pytest.raises(ApplicationError):
            services.user_create(actor=None, tenant=tree_a["tenant"], username="intruder", password=PASSWORD)
        assert AuditEvent.objects.count() == before
    with all_tenants():
        assert not Region.objects.filter(code="430405001009").exists()
        assert not User.objects.filter(username="intruder").exists()
    # With no scope at all the services refuse as well.
    with pytest.raises(ApplicationError):
        services.region_update(actor=None, region=tree_a["street"], name="无租户")


# --- append-only ------------------------------------------------------------------------------


def test_audit_events_cannot_be_changed_or_deleted_through_the_model(users, tree_a):
    with tenant_context(tree_a["tenant"]):
        event = AuditEvent.objects.first()
        event.action = "forged"
        with pytest.raises(RuntimeError):
            event.save()
        with pytest.raises(RuntimeError):
            event.delete()
        fresh = AuditEvent.objects.get(pk=event.pk)
    assert fresh.action != "forged"


def test_audit_record_needs_a_transaction_and_a_tenant(users, tree_a):
    from governance.audit import audit_record

    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x")  # pytest-django's test transaction is not the service's
    with tenant_context(tree_a["tenant"]), pytest.raises(RuntimeError):
        audit_record(actor=None, action="x")  # no tenant from object, actor or argument


# --- through HTTP: request id and IP ----------------------------------------------------------


def test_admin_change_records_request_id_and_ip(users, tree_a, client_for):
    street = tree_a["street"]
    response = client_for(users["admin_a"]).post(
        f"/admin/governance/region/{street.pk}/change/",
        {"parent": tree_a["district"].pk, "level": street.level, "code": street.code, "name": "广东路街道（改）"},
        HTTP_X_REQUEST_ID="abc-123", REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["X-Request-ID"] == "abc-123"
    (event,) = _events(tree_a["tenant"], action="region.admin_change")
    assert event.actor_id == users["admin_a"].pk
    assert event.changes["name"] == ["广东路街道", "广东路街道（改）"]
    assert (event.request_id, event.ip_address) == ("abc-123", "198.51.100.4")
    assert event.region_path == street.path


def _rename_street_via_admin(client, tree, name, **headers):
    street = tree["street"]
    return client.post(f"/admin/governance/region/{street.pk}/change/", {"name": name}, **headers)


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "6.6.6.6", "198.51.100.4"),  # no proxy configured: a client's header is not believed
    (1, "6.6.6.6, 192.0.2.10", "192.0.2.10"),  # one proxy: the entry it appended
    (2, "6.6.6.6, 192.0.2.10, 10.0.0.2", "192.0.2.10"),
    (1, "not-an-ip", None),  # garbage is dropped, not stored (and no 500 on PostgreSQL's inet column)
    (0, "", "198.51.100.4"),
])
def test_audit_ip_trusts_only_configured_proxies(users, tree_a, client_for, settings, proxies, forwarded,
                                                   expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": "198.51.100.4"}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    response = _rename_street_via_admin(client_for(users["admin_a"]), tree_a, "广东路街道（改）", **headers)
    assert response.status_code == 302
    (event,) = _events(tree_a["tenant"], action="region.admin_change")
    assert event.ip_address == expected


def test_every_response_has_a_request_id(client, db):
    response = client.get("/accounts/login/")
    assert len(response["X-Request-ID"]) == 32
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id; drop")
    assert response["X-Request-ID"] != "bad id; drop"


def test_admin_add_role_assignment_across_tenants_is_refused(users, tree_a, client_for):
    response = client_for(users["admin_a"]).post(
        "/admin/governance/roleassignment/add/",
        {"user": users["admin_b"].pk, "region": tree_a["street"].pk, "role": Role.STREET_STAFF},
    )
    assert response.status_code == 200  # the form again, with an error
    assert response.context["adminform"].form.errors.get("user")
    with tenant_context(tree_a["tenant"]):
        assert not RoleAssignment.objects.filter(user=users["admin_b"]).exists()


# --- workflows --------------------------------------------------------------------------------


def _is_street_staff(user, obj):
    from governance.selectors import user_roles

    return Role.STREET_STAFF in user_roles(user)


@pytest.fixture
def rename_flow():
    """A tiny workflow over an existing model: a community's name moves through fixed values."""
    return Workflow(
        name="rename",
        field="name",
        transitions={
            "建设社区": {"建设社区（筹）": _is_street_staff, "撤销": _is_street_staff},
            "建设社区（筹）": {"建设社区": _is_street_staff},
        },
        note_required={"撤销"},
    )


def test_workflow_transition_records_status_change_and_audit(users, tree_a, rename_flow, request_info,
                                                             django_capture_on_commit_callbacks):
    community, actor = tree_a["community"], users["street_a"]
    seen = []
    rename_flow.on_commit.append(lambda obj, old, new: seen.append((obj.pk, old, new)))
    with tenant_context(tree_a["tenant"]):
        assert rename_flow.allowed_targets(community, actor) == ["建设社区（筹）", "撤销"]
        assert rename_flow.allowed_targets(community, users["community_a"]) == []
        with django_capture_on_commit_callbacks(execute=True):
            change = rename_flow.transition(obj=community, to="建设社区（筹）", actor=actor, note=" 试点 ")
        community.refresh_from_db()
        assert community.name == "建设社区（筹）"
        assert (change.from_status, change.to_status, change.workflow, change.note) == (
            "建设社区", "建设社区（筹）", "rename", "试点")
        assert change.actor_id == actor.pk and change.tenant_id == tree_a["tenant"].pk
        assert list(status_history(community)) == [change]
        event = AuditEvent.objects.get(action="rename.建设社区（筹）")
    assert seen == [(community.pk, "建设社区", "建设社区（筹）")]
    _assert_event(event, actor=actor, tenant=tree_a["tenant"], action="rename.建设社区（筹）", obj=community)
    assert event.changes == {"name": ["建设社区", "建设社区（筹）"], "note": "试点"}


@pytest.mark.parametrize("case", ["invalid_transition", "forbidden_actor", "missing_note", "stale_object"])
def test_workflow_refusals_change_nothing(users, tree_a, rename_flow, case):
    community = tree_a["community"]
    actor, to, note = users["street_a"], "建设社区（筹）", ""
    if case == "invalid_transition":
        to = "随便"
    elif case == "forbidden_actor":
        actor = users["community_a"]
    elif case == "missing_note":
        to = "撤销"
    with tenant_context(tree_a["tenant"]):
        if case == "stale_object":
            # Someone else moved it already: the stored status decides, not the caller's copy.
            rename_flow.transition(obj=Region.objects.get(pk=community.pk), to=to, actor=actor)
            to = "撤销"
            note = "重复"
            community.name = "建设社区"
            counts = (StatusChange.objects.count(), AuditEvent.objects.count())
            with pytest.raises(ApplicationError):
                rename_flow.transition(obj=community, to="建设社区（筹）", actor=actor, note=note)
            assert (StatusChange.objects.count(), AuditEvent.objects.count()) == counts
            assert Region.objects.get(pk=community.pk).name == "建设社区（筹）"
            return
        counts = (StatusChange.objects.count(), AuditEvent.objects.count())
        with pytest.raises(ApplicationError) as excinfo:
            rename_flow.transition(obj=community, to=to, actor=actor, note=note)
        assert str(excinfo.value)
        assert (StatusChange.objects.count(), AuditEvent.objects.count()) == counts
        assert Region.objects.get(pk=community.pk).name == "建设社区"


# --- the audit log page -----------------------------------------------------------------------


@pytest.fixture
def events(users, tree_a):
    """Some events by named actors in two streets of tenant A."""
    with tenant_context(tree_a["tenant"]):
        services.region_update(actor=users["street_a"], region=tree_a["community"], name="建设社区一")
        services.region_update(actor=users["street2_a"], region=tree_a["community2"], name="光明社区一")
        services.region_create(actor=users["admin_a"], parent=tree_a["root"], level=RegionLevel.DISTRICT,
                               code="430406", name="雁峰区")
    return tree_a


def _listed(response):
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_audit_log_admin_sees_all_events(events, users, client_for):
    listed = _listed(client_for(users["admin_a"]).get("/audit/"))
    with tenant_context(events["tenant"]):
        assert len(listed) == min(AuditEvent.objects.count(), 50)
    assert {e.tenant_id for e in listed} == {events["tenant"].pk}
    assert "region.update" in {e.action for e in listed}


def test_audit_log_auditor_sees_only_their_district(events, users, client_for):
    listed = _listed(client_for(users["auditor_a"]).get("/audit/", {"page": 1}))
    assert listed
    assert all(e.region_path.startswith(events["district"].path) for e in listed)
    assert "雁峰区" not in {e.object_repr for e in listed}
    assert {"建设社区一", "光明社区一"} <= {e.object_repr for e in listed}


@pytest.mark.parametrize("username", ["street_a", "community_a", "grid_a", "expert_a", "org_a", "party_a",
                                      "norole_a"])
def test_audit_log_is_404_without_the_role(events, users, client_for, username):
    response = client_for(users[username]).get("/audit/")
    assert response.status_code == 404
    assert "建设社区一".encode() not in response.content


def test_audit_log_of_other_tenant_shows_none_of_a(events, users, client_for):
    listed = _listed(client_for(users["admin_b"]).get("/audit/"))
    assert listed
    assert {e.tenant_id for e in listed} == {users["admin_b"].tenant_id}
    content = client_for(users["admin_b"]).get("/audit/", {"action": "region.update"}).content.decode()
    assert "建设社区一" not in content and "street_a" not in content


def test_audit_log_filters(events, users, client_for):
    client = client_for(users["admin_a"])
    listed = _listed(client.get("/audit/", {"action": "region.update"}))
    assert {e.object_repr for e in listed} == {"建设社区一", "光明社区一"}
    listed = _listed(client.get("/audit/", {"actor": "STREET2"}))
    assert [e.object_repr for e in listed] == ["光明社区一"]
    listed = _listed(client.get("/audit/", {"q": "雁峰"}))
    assert [e.action for e in listed] == ["region.create"]
    role_type = ContentType.objects.get_for_model(RoleAssignment)
    listed = _listed(client.get("/audit/", {"object_type": role_type.pk}))
    assert listed and {e.action for e in listed} == {"role.assign"}
    today = timezone.localdate()
    listed = _listed(client.get("/audit/", {"date_from": today.isoformat(), "date_to": today.isoformat(),
                                             "action": "region.update"}))
    assert len(listed) == 2
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert _listed(client.get("/audit/", {"date_from": tomorrow})) == []
    assert _listed(client.get("/audit/", {"date_to": yesterday})) == []
    # A malformed filter is ignored rather than a server error.
    response = client.get("/audit/", {"date_from": "not-a-date"})
    assert response.status_code == 200


def test_audit_log_auditor_filters_stay_in_scope(events, users, client_for):
    listed = _listed(client_for(users["auditor_a"]).get("/audit/", {"action": "region.create"}))
    assert "雁峰区" not in {e.object_repr for e in listed}


def test_auditor_at_tenant_root_sees_tenant_wide_events(users, tree_a, client_for):
    auditor = make_user(tree_a["tenant"], "auditor_root", Role.AUDITOR, tree_a["root"])
    listed = _listed(client_for(auditor).get("/audit/", {"action": "user.create"}))
    assert listed  # user events have no region; only the root's auditors see them
    listed = _listed(client_for(users["auditor_a"]).get("/audit/", {"action": "user.create"}))
    assert listed == []


def test_audit_rows_refuse_bulk_update_and_delete_and_survive_user_deletion(tree_a, users):
    from governance.models import AuditEvent, User
    from governance.tenancy import all_tenants, tenant_context

    with tenant_context(tree_a["tenant"]):
        actor = users["street2_a"]
        event = AuditEvent.objects.create(tenant=tree_a["tenant"], actor=actor, actor_repr=str(actor),
                                          action="test.event")
        with pytest.raises(RuntimeError):
            AuditEvent.objects.filter(pk=event.pk).update(action="forged")
        with pytest.raises(RuntimeError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(RuntimeError):
            AuditEvent.unscoped.filter(pk=event.pk).update(action="forged")
    with all_tenants():
        actor_pk = actor.pk
        User.objects.get(pk=actor_pk).delete()
        kept = AuditEvent.objects.get(pk=event.pk)
    assert kept.action == "test.event"
    assert kept.actor_id == actor_pk  # history is not rewritten when the account goes
