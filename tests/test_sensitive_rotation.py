"""Key rotation: rows under an old key are re-encrypted under the new one, after which the old key can go."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from governance.models import AuditEvent
from governance.sensitive import SensitiveDataError, generate_key
from governance.sensitive.keys import key_id, keyring
from governance.sensitive.rotation import sensitive_rotate
from governance.tenancy import all_tenants, tenant_context
from tests.sensitiveapp.factories import ID_A, ID_B, ID_C, make_person
from tests.sensitiveapp.models import Person

OLD, NEW = generate_key(), generate_key()
HASH_KEY = "h" * 40


def _raw_columns(column="id_number"):
    with all_tenants(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM sensitiveapp_person ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _all_people():
    with all_tenants():
        return list(Person.objects.order_by("pk"))


@pytest.fixture
def people_under_old_key(settings, tree_a, tree_b):
    settings.SENSITIVE_FIELD_KEYS, settings.SENSITIVE_HASH_KEY = [OLD], HASH_KEY
    made = [
        make_person(tree_a["tenant"], tree_a["street"], id_number=ID_A),
        make_person(tree_a["tenant"], tree_a["street2"], name="李四", id_number=ID_B, phone="", note="备注"),
        make_person(tree_b["tenant"], tree_b["street"], name="王五", id_number=ID_C),
    ]
    assert all(value.startswith(key_id(OLD) + ":") for value in _raw_columns())
    return made


def _rotate(**options):
    from io import StringIO

    out = StringIO()
    call_command("rotate_sensitive_keys", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_rotation_re_encrypts_every_row_and_the_old_key_can_then_go(people_under_old_key, settings, tree_a):
    settings.SENSITIVE_FIELD_KEYS = [NEW, OLD]
    assert [p.id_number for p in _all_people()] == [ID_A, ID_B, ID_C]  # the old key still decrypts
    before_hashes = _raw_columns("id_number_hash")

    output = _rotate(batch_size=2)

    assert f"current key id: {key_id(NEW)}" in output and "sensitiveapp.Person: 3 rows re-encrypted" in output
    for column in ("id_number", "name", "phone", "note"):
        assert all(v.startswith(key_id(NEW) + ":") for v in _raw_columns(column) if v), column
    assert _raw_columns("phone")[1] == "" and _raw_columns("note")[0] is None  # empty stays empty
    assert _raw_columns("id_number_hash") == before_hashes
    with all_tenants():
        events = list(AuditEvent.objects.filter(action="sensitive.rotated").order_by("tenant_id", "pk"))
    # Batches of two: tenant A's two rows in the first batch, tenant B's row in the second.
    assert [(e.tenant_id, e.changes["rows"]) for e in events] == [(tree_a["tenant"].pk, 2),
                                                                  (people_under_old_key[2].tenant_id, 1)]
    assert all(e.actor is None and e.changes["key_id"] == key_id(NEW) for e in events)

    settings.SENSITIVE_FIELD_KEYS = [NEW]  # the old key is gone
    people = _all_people()
    assert [p.id_number for p in people] == [ID_A, ID_B, ID_C] and people[1].note == "备注"
    with tenant_context(tree_a["tenant"]):
        assert Person.objects.get(id_number__matches=ID_B).pk == people_under_old_key[1].pk


def test_rotation_is_idempotent(people_under_old_key, settings):
    settings.SENSITIVE_FIELD_KEYS = [NEW, OLD]
    _rotate()
    ciphertexts = _raw_columns()
    assert "sensitiveapp.Person: 0 rows re-encrypted" in _rotate()
    assert _raw_columns() == ciphertexts
    with all_tenants():
        assert AuditEvent.objects.filter(action="sensitive.rotated").count() == 2  # one per tenant, first run


def test_dry_run_counts_and_changes_nothing(people_under_old_key, settings):
    settings.SENSITIVE_FIELD_KEYS = [NEW, OLD]
    before = _raw_columns()
    assert "sensitiveapp.Person: 3 rows to re-encrypt" in _rotate(dry_run=True)
    assert _raw_columns() == before


def test_without_the_old_key_the_rows_fail_clearly(people_under_old_key, settings):
    settings.SENSITIVE_FIELD_KEYS = [NEW]
    with pytest.raises(SensitiveDataError, match=f"key id {key_id(OLD)}, which is not in SENSITIVE_FIELD_KEYS"):
        _all_people()
    with pytest.raises(CommandError, match="3 rows could not be decrypted"):
        _rotate()


def test_a_tampered_row_is_reported_and_the_others_are_rotated(people_under_old_key, settings):
    settings.SENSITIVE_FIELD_KEYS = [NEW, OLD]
    target = people_under_old_key[1]
    with all_tenants(), connection.cursor() as cursor:
        cursor.execute("UPDATE sensitiveapp_person SET name = %s WHERE id = %s",
                       [f"{key_id(OLD)}:gAAAAABtampered", target.pk])
    with pytest.raises(CommandError, match="1 rows could not be decrypted"):
        _rotate()
    names = _raw_columns("name")
    assert names[1] == f"{key_id(OLD)}:gAAAAABtampered"
    assert names[0].startswith(key_id(NEW)) and names[2].startswith(key_id(NEW))


def test_rehash_after_a_new_hash_key(people_under_old_key, settings, tree_a):
    settings.SENSITIVE_HASH_KEY = "n" * 40
    with tenant_context(tree_a["tenant"]):
        assert not Person.objects.filter(id_number__matches=ID_A).exists()  # stored hashes use the old key
    assert "sensitiveapp.Person: 3 rows re-encrypted" in _rotate(rehash=True)
    with tenant_context(tree_a["tenant"]):
        assert Person.objects.get(id_number__matches=ID_A).pk == people_under_old_key[0].pk
        assert Person.objects.filter(phone__matches="13812345678").count() == 1


def test_rotation_queries_do_not_grow_with_the_rows_of_a_batch(settings, tree_a, django_assert_num_queries):
    settings.SENSITIVE_FIELD_KEYS = [OLD]
    ids = ["11010519491231002X", "430405199001011233", "430202198512120015", "110101199003074477",
           "110101199003075234", "110101199003070054"]
    for number in ids[:3]:
        make_person(tree_a["tenant"], tree_a["street"], id_number=number)
    # One batch (SAVEPOINT, SELECT, UPDATE, INSERT audit, RELEASE), then the empty SELECT that ends the
    # loop (SAVEPOINT, SELECT, RELEASE); on PostgreSQL each all_tenants() block adds two set_config().
    expected = 8 + (4 if connection.vendor == "postgresql" else 0)
    settings.SENSITIVE_FIELD_KEYS = [NEW, OLD]
    with django_assert_num_queries(expected):
        assert sensitive_rotate(batch_size=100)[0].rows == 3
    for number in ids[3:]:
        make_person(tree_a["tenant"], tree_a["street"], id_number=number)
    settings.SENSITIVE_FIELD_KEYS = [generate_key(), NEW, OLD]  # six rows under two old keys
    with django_assert_num_queries(expected):
        assert sensitive_rotate(batch_size=100)[0].rows == 6


@pytest.mark.postgres
def test_rotation_works_through_row_level_security(people_under_old_key, settings, tree_a, tree_b):
    """As the application role (no BYPASSRLS): the command sees every tenant's rows, a tenant sees its own."""
    settings.SENSITIVE_FIELD_KEYS = [NEW, OLD]
    assert "3 rows re-encrypted" in _rotate()
    with tenant_context(tree_b["tenant"]), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sensitiveapp_person WHERE id_number_hash = %s",
                       [keyring().hash(f"id_number:{ID_A}")])
        assert cursor.fetchone()[0] == 0  # tenant A's row, invisible to tenant B even by its hash
        cursor.execute("SELECT count(*) FROM sensitiveapp_person")
        assert cursor.fetchone()[0] == 1
    with tenant_context(tree_a["tenant"]):
        assert Person.objects.get(id_number__matches=ID_A).name == "张三"
