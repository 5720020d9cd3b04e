"""Full view of sensitive fields: permitted roles only, every reveal audited; serializers and exports masked."""

import pytest
from rest_framework import serializers

from governance.models import AuditEvent
from governance.sensitive.permissions import can_reveal_sensitive
from governance.sensitive.serializers import SensitiveSerializerField
from governance.sensitive.services import SensitiveExport, SensitiveRevealDenied, sensitive_reveal
from governance.tenancy import all_tenants
from tests.sensitiveapp.factories import ID_A, ID_B, make_person
from tests.sensitiveapp.models import Person


def _events(action):
    with all_tenants():
        return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def person(tree_a):
    return make_person(tree_a["tenant"], tree_a["street"])


def _fresh(tenant, pk, in_tenant):
    with in_tenant(tenant):
        return Person.objects.select_related("region").get(pk=pk)


# --- the service -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin_a", "street_a"])
def test_a_permitted_role_sees_the_clear_text_and_one_audit_event_is_written(role, person, tree_a, users,
                                                                              in_tenant):
    with in_tenant(tree_a["tenant"]):
        value = sensitive_reveal(actor=users[role], obj=Person.objects.get(pk=person.pk), field="id_number")
    assert value == ID_A and isinstance(value, str)
    events = _events("sensitive.revealed")
    assert len(events) == 1
    event = events[0]
    assert event.actor == users[role] and event.tenant_id == tree_a["tenant"].pk
    assert event.object_id == str(person.pk) and event.changes == {"field": "id_number"}
    assert ID_A not in str(event.changes) + event.object_repr and event.object_repr == "张*"
    assert event.region_path == tree_a["street"].path


@pytest.mark.parametrize("role", ["street2_a", "community_a", "grid_a", "auditor_a", "org_a", "norole_a", "admin_b"])
def test_other_roles_are_refused_and_nothing_is_written(role, person, tree_a, users, in_tenant):
    with in_tenant(tree_a["tenant"]):
        obj = Person.objects.get(pk=person.pk)
        assert not can_reveal_sensitive(users[role], obj, "id_number")
        with pytest.raises(SensitiveRevealDenied) as info:
            sensitive_reveal(actor=users[role], obj=obj, field="id_number")
    assert info.value.status_code == 403 and info.value.extra == {"field": "id_number"}
    assert _events("sensitive.revealed") == []


def test_a_field_without_a_predicate_is_revealed_to_nobody(tree_a, users, in_tenant):
    person = make_person(tree_a["tenant"], tree_a["street"], note="走访记录：家中有老人")
    with in_tenant(tree_a["tenant"]):
        with pytest.raises(SensitiveRevealDenied):
            sensitive_reveal(actor=users["admin_a"], obj=Person.objects.get(pk=person.pk), field="note")
        with pytest.raises(ValueError, match="not a SensitiveField"):
            sensitive_reveal(actor=users["admin_a"], obj=Person.objects.get(pk=person.pk), field="region")
    assert _events("sensitive.revealed") == []


def test_the_platform_operator_is_never_admitted(person, operator, tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]):
        assert not can_reveal_sensitive(operator, Person.objects.get(pk=person.pk), "id_number")


# --- serializer --------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id_number = SensitiveSerializerField(kind="id_number")
    phone = SensitiveSerializerField(kind="phone")


class PersonModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["name", "id_number", "phone", "note"]


class _Request:
    def __init__(self, user):
        self.user = user


def test_serializer_output_is_masked_by_default(person, tree_a, users, in_tenant):
    obj = _fresh(tree_a["tenant"], person.pk, in_tenant)
    assert PersonSerializer(obj, context={"request": _Request(users["admin_a"])}).data == {
        "id_number": "110105********002X", "phone": "138****5678"}
    # A ModelSerializer that maps the model field to a plain CharField still prints the masked form.
    assert PersonModelSerializer(obj).data == {"name": "张*", "id_number": "110105********002X",
                                               "phone": "138****5678", "note": None}
    assert _events("sensitive.revealed") == []


def test_serializer_reveals_only_what_the_context_asks_for_and_the_user_may(person, tree_a, users, in_tenant):
    obj = _fresh(tree_a["tenant"], person.pk, in_tenant)
    with in_tenant(tree_a["tenant"]):
        data = PersonSerializer(obj, context={"request": _Request(users["admin_a"]), "reveal": {"id_number"}}).data
        denied = PersonSerializer(obj, context={"request": _Request(users["community_a"]),
                                                "reveal": {"id_number", "phone"}}).data
    assert data == {"id_number": ID_A, "phone": "138****5678"}
    assert denied == {"id_number": "110105********002X", "phone": "138****5678"}
    assert [e.changes for e in _events("sensitive.revealed")] == [{"field": "id_number"}]


# --- through HTTP ------------------------------------------------------------------------------


@pytest.mark.urls("tests.sensitiveapp.urls")
def test_detail_api_masks_reveals_and_hides_other_tenants(tree_a, users, api_for):
    person = make_person(tree_a["tenant"], tree_a["community"])
    url = f"/api/v1/test-people/{person.pk}/"
    masked = api_for(users["community_a"]).get(url + "?reveal=id_number")
    assert masked.status_code == 200
    assert masked.json() == {"id": person.pk, "name": "张*", "id_number": "110105********002X", "phone": "138****5678"}
    assert _events("sensitive.revealed") == []
    full = api_for(users["street_a"]).get(url + "?reveal=id_number,phone,secret")
    assert full.status_code == 200
    assert full.json() == {"id": person.pk, "name": "张*", "id_number": ID_A, "phone": "13812345678"}
    assert sorted(e.changes["field"] for e in _events("sensitive.revealed")) == ["id_number", "phone"]
    for outsider in ("street2_a", "admin_b", "street_b"):  # another street, another tenant: the same 404
        assert api_for(users[outsider]).get(url + "?reveal=id_number").status_code == 404
    assert len(_events("sensitive.revealed")) == 2


# --- export ------------------------------------------------------------------------------------


def test_export_is_masked_unless_the_role_may_and_one_event_counts_what_went_out(tree_a, users, in_tenant):
    inside = make_person(tree_a["tenant"], tree_a["street"], id_number=ID_A)
    outside = make_person(tree_a["tenant"], tree_a["street2"], name="李四", id_number=ID_B, phone="13900001111")
    with in_tenant(tree_a["tenant"]):
        people = list(Person.objects.filter(pk__in=[inside.pk, outside.pk]).order_by("pk"))
        with SensitiveExport(actor=users["street_a"], reveal={"id_number"}) as export:
            rows = [[export.value(p, "name"), export.value(p, "id_number"), export.value(p, "phone")]
                    for p in people]
        with SensitiveExport(actor=users["community_a"], reveal={"id_number"}) as export:
            masked_rows = [[export.value(p, "id_number")] for p in people]
        plain = SensitiveExport(actor=users["admin_a"])  # nothing asked in full: no block needed
        assert plain.value(people[0], "id_number") == "110105********002X"
        with pytest.raises(RuntimeError, match="inside"):
            SensitiveExport(actor=users["admin_a"], reveal={"id_number"}).value(people[0], "id_number")
    # street_a may see its own street in full, not the other street's row.
    assert rows == [["张*", ID_A, "138****5678"], ["李*", "430405********1233", "139****1111"]]
    assert masked_rows == [["110105********002X"], ["430405********1233"]]
    events = _events("sensitive.exported")
    assert len(events) == 1 and events[0].actor == users["street_a"]
    assert events[0].changes == {"fields": {"id_number": 1}}


def test_an_export_that_fails_leaves_no_event(person, tree_a, users, in_tenant):
    with in_tenant(tree_a["tenant"]):
        obj = Person.objects.get(pk=person.pk)
        with pytest.raises(ZeroDivisionError), SensitiveExport(actor=users["admin_a"], reveal={"id_number"}) as ex:
            ex.value(obj, "id_number")
            1 / 0  # noqa: B018
    assert _events("sensitive.exported") == []
