"""Sensitive fields at rest: encrypted column, keyed-hash lookup, masked values, clear errors on tampering."""

import hashlib

import pytest
from django import forms
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, connection, transaction
from django.template import Context, Template, TemplateSyntaxError

from governance.audit import snapshot
from governance.sensitive import SensitiveDataError, SensitiveValue, mask_value, sensitive_hash
from governance.sensitive.keys import keyring
from governance.sensitive.kinds import mask_id_number, mask_name, mask_phone, mask_text
from tests.sensitiveapp.factories import ID_A, ID_B, make_person
from tests.sensitiveapp.models import Person


def _raw(pk, columns="id_number, id_number_hash, name, phone, phone_hash"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM sensitiveapp_person WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def _set_raw(pk, column, value):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE sensitiveapp_person SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.fixture
def person(tree_a):
    return make_person(tree_a["tenant"], tree_a["street"])


# --- at rest -----------------------------------------------------------------------------------


def test_raw_columns_hold_no_clear_text_and_no_unkeyed_hash(person, tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]):
        id_cipher, id_hash, name_cipher, phone_cipher, phone_hash = _raw(person.pk)
    for cipher, clear in ((id_cipher, ID_A), (name_cipher, "张三"), (phone_cipher, "13812345678")):
        assert cipher.startswith(keyring().prefix)
        assert clear not in cipher and clear.lower() not in cipher.lower()
    assert "19491231" not in id_cipher and "5678" not in phone_cipher
    unkeyed = {hashlib.sha256(v.encode()).hexdigest() for v in (ID_A, ID_A.lower(), f"id_number:{ID_A}")}
    assert id_hash not in unkeyed and len(id_hash) == 64
    assert id_hash == sensitive_hash("id_number", ID_A) and phone_hash == sensitive_hash("phone", "13812345678")


def test_equal_values_encrypt_differently(tree_a, in_tenant):
    first = make_person(tree_a["tenant"], tree_a["street"], id_number=ID_A)
    second = make_person(tree_a["tenant"], tree_a["street"], id_number=ID_B, phone="13812345678")
    with in_tenant(tree_a["tenant"]):
        assert _raw(first.pk, "phone")[0] != _raw(second.pk, "phone")[0]
        assert _raw(first.pk, "phone_hash") == _raw(second.pk, "phone_hash")


def test_a_value_round_trips_normalised(tree_a, in_tenant):
    person = make_person(tree_a["tenant"], tree_a["street"], id_number=" 110105 19491231 002x ",
                         phone="+86 138-1234-5678")
    with in_tenant(tree_a["tenant"]):
        fresh = Person.objects.get(pk=person.pk)
    assert fresh.id_number == ID_A and fresh.phone == "13812345678" and fresh.name == "张三"
    assert fresh.id_number_hash == sensitive_hash("id_number", ID_A)


# --- lookup ------------------------------------------------------------------------------------


def test_lookup_by_keyed_hash(person, tree_a, tree_b, in_tenant):
    other = make_person(tree_b["tenant"], tree_b["street"], id_number=ID_A)  # the same number elsewhere
    with in_tenant(tree_a["tenant"]):
        assert list(Person.objects.filter(id_number__matches="11010519491231002x")) == [person]
        assert list(Person.objects.filter(id_number_hash=sensitive_hash("id_number", " 110105 19491231002X"))) \
            == [person]
        assert list(Person.objects.filter(phone__matches="+86 13812345678")) == [person]
        assert not Person.objects.filter(id_number__matches=ID_B).exists()
        assert not Person.objects.filter(id_number__matches="").exists()
    with in_tenant(tree_b["tenant"]):
        assert list(Person.objects.filter(id_number__matches=ID_A)) == [other]


def test_other_lookups_on_an_encrypted_column_are_refused(person, tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]):
        with pytest.raises(FieldError, match="id_number__matches"):
            Person.objects.filter(id_number=ID_A)
        with pytest.raises(FieldError, match="__icontains"):
            Person.objects.filter(id_number__icontains="1101")
        with pytest.raises(FieldError, match="no hash_field"):
            Person.objects.filter(name__matches="张三")
        assert Person.objects.filter(note__isnull=True).count() == 1


def test_one_person_per_id_number_and_tenant(person, tree_a, tree_b, in_tenant):
    make_person(tree_b["tenant"], tree_b["street"], id_number=ID_A)  # another tenant may hold the same
    with pytest.raises(ValidationError), transaction.atomic():
        make_person(tree_a["tenant"], tree_a["street"], id_number=ID_A.lower())
    with pytest.raises(IntegrityError), in_tenant(tree_a["tenant"]):  # the hash is the constraint
        Person(region=tree_a["street"], name="李四", id_number=ID_A).save()


# --- masking -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("mask", "clear", "masked"), [
    (mask_id_number, "11010519491231002X", "110105********002X"),
    (mask_id_number, "110105491231002", "110105*****1002"),
    (mask_phone, "13812345678", "138****5678"),
    (mask_phone, "07348123456", "073****3456"),
    (mask_phone, "8123456", "***3456"),
    (mask_name, "张三", "张*"),
    (mask_name, "欧阳娜娜", "欧***"),
    (mask_name, "张", "*"),
    (mask_text, "广东路12号", "广****号"),
    (mask_text, "", ""),
])
def test_masks(mask, clear, masked):
    assert mask(clear) == masked


def test_a_value_prints_masked_everywhere(person, tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]):
        fresh = Person.objects.get(pk=person.pk)
        values = list(Person.objects.values_list("id_number", "phone"))
    assert str(fresh.id_number) == "110105********002X" and f"{fresh.phone}" == "138****5678"
    assert str(fresh) == "张*" and ID_A not in repr(fresh.id_number)
    assert [tuple(map(str, row)) for row in values] == [("110105********002X", "138****5678")]
    data = snapshot(fresh)  # what audit events would record
    assert data["id_number"] == "110105********002X" and data["name"] == "张*"
    assert ID_A not in str(data) and "13812345678" not in str(data)
    assert mask_value("13812345678", "phone") == "138****5678" and mask_value(None) == ""


def test_template_shows_masked_values_and_cannot_reach_the_clear_text(person, tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]):
        fresh = Person.objects.get(pk=person.pk)
    html = Template("{% load sensitive %}{{ p.id_number }}|{{ p.id_number|mask }}|{{ p.name }}|"
                    "{{ raw|mask:'phone' }}|{{ p.id_number.masked }}").render(
        Context({"p": fresh, "raw": "13912345678"}))
    assert html == "110105********002X|110105********002X|张*|139****5678|110105********002X"
    with pytest.raises(TemplateSyntaxError):
        Template("{{ p.id_number._clear }}")


def test_a_sensitive_value_refuses_pickling():
    import pickle

    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(SensitiveValue("id_number", ID_A))


def test_model_form_never_sends_the_stored_value_and_keeps_it_when_left_empty(person, tree_a, in_tenant):
    class PersonForm(forms.ModelForm):
        class Meta:
            model = Person
            fields = ["name", "id_number", "phone"]

    with in_tenant(tree_a["tenant"]):
        fresh = Person.objects.get(pk=person.pk)
        html = PersonForm(instance=fresh).as_p()
        assert ID_A not in html and "13812345678" not in html and "110105********002X" in html
        form = PersonForm({"name": "", "id_number": "", "phone": "13900000000"}, instance=fresh)
        assert form.is_valid(), form.errors
        form.save()
        saved = Person.objects.get(pk=person.pk)
    assert saved.id_number == ID_A and saved.name == "张三" and saved.phone == "13900000000"
    assert saved.phone_hash == sensitive_hash("phone", "13900000000")


def test_a_form_field_built_like_the_admin_does_still_hides_the_value(person, tree_a, in_tenant):
    from django.contrib.admin.widgets import AdminTextareaWidget

    field = Person._meta.get_field("name").formfield(widget=AdminTextareaWidget)
    with in_tenant(tree_a["tenant"]):
        fresh = Person.objects.get(pk=person.pk)
    html = field.widget.render("name", fresh.name)
    assert "张三" not in html and 'placeholder="张*"' in html and "<textarea" not in html
    Person._meta.get_field("name").save_form_data(fresh, "张*")  # the mask posted back changes nothing
    assert fresh.name == "张三"


# --- validation and saving ---------------------------------------------------------------------


def test_invalid_values_are_validation_errors(tree_a):
    with pytest.raises(ValidationError) as info:
        make_person(tree_a["tenant"], tree_a["street"], id_number="110105194912310021", phone="12")
    assert set(info.value.message_dict) == {"id_number", "phone"}


def test_update_fields_must_name_the_hash_too(person, tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]):
        fresh = Person.objects.get(pk=person.pk)
        fresh.id_number = ID_B
        with pytest.raises(ValueError, match="id_number_hash"):
            fresh.save(update_fields=["id_number"])
        fresh.save(update_fields=["id_number", "id_number_hash"])
        assert Person.objects.filter(id_number__matches=ID_B).get() == fresh


def test_bulk_update_keeps_the_hash_in_step(person, tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]):
        fresh = Person.objects.get(pk=person.pk)
        fresh.id_number = ID_B
        Person.objects.bulk_update([fresh], ["id_number", "id_number_hash"])
        assert Person.objects.get(id_number__matches=ID_B).pk == person.pk


# --- tampering ---------------------------------------------------------------------------------


def test_altered_ciphertext_is_a_clear_error_not_garbage(person, tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]):
        cipher = _raw(person.pk, "id_number")[0]
        flipped = cipher[:-6] + ("A" if cipher[-6] != "A" else "B") + cipher[-5:]
        _set_raw(person.pk, "id_number", flipped)
        with pytest.raises(SensitiveDataError, match=r"sensitiveapp\.Person\.id_number.*integrity check"):
            Person.objects.get(pk=person.pk)
        _set_raw(person.pk, "id_number", ID_A)  # clear text written behind the platform's back
        with pytest.raises(SensitiveDataError, match="not an encrypted value"):
            Person.objects.get(pk=person.pk)
        _set_raw(person.pk, "id_number", "0badc0de:" + cipher.split(":", 1)[1])
        with pytest.raises(SensitiveDataError, match="key id 0badc0de, which is not in SENSITIVE_FIELD_KEYS"):
            Person.objects.get(pk=person.pk)
        # The other columns of the row are still readable on their own.
        assert str(Person.objects.values_list("phone", flat=True).get(pk=person.pk)) == "138****5678"


# --- declaration checks and keys ----------------------------------------------------------------


def test_system_checks_catch_a_misdeclared_field():
    from django.db import models
    from django.test.utils import isolate_apps

    from governance.sensitive import SensitiveField

    with isolate_apps("tests.sensitiveapp"):
        class Broken(models.Model):
            indexed = SensitiveField(db_index=True)
            orphan = SensitiveField(kind="phone", hash_field="missing")

            class Meta:
                app_label = "sensitiveapp"

            def __str__(self):
                return "broken"

        ids = {error.id for field in Broken._meta.fields for error in field.check()}
    assert ids == {"governance.E101", "governance.E102"}


@pytest.mark.parametrize(("keys", "hash_key", "message"), [
    ([], "h" * 40, "at least one Fernet key"),
    (["x" * 44], "h" * 40, "entry 1 is not a Fernet key"),
    (["KEY", "KEY"], "h" * 40, "the same key twice"),
    (["KEY"], "short", "at least 32 characters"),
    (["KEY"], "KEY", "must differ"),
])
def test_unusable_keys_are_refused(keys, hash_key, message):
    from django.core.exceptions import ImproperlyConfigured

    from governance.sensitive.keys import generate_key, validate_key_settings

    key = generate_key()
    keys = [key if k == "KEY" else k for k in keys]
    with pytest.raises(ImproperlyConfigured, match=message):
        validate_key_settings(keys, key if hash_key == "KEY" else hash_key)


def test_keys_come_from_the_settings_and_the_first_encrypts(settings):
    from governance.sensitive.keys import generate_key, key_id

    first, second = generate_key(), generate_key()
    settings.SENSITIVE_FIELD_KEYS, settings.SENSITIVE_HASH_KEY = [first, second], "k" * 40
    ring = keyring()
    assert ring.current_id == key_id(first) and set(ring.fernets) == {key_id(first), key_id(second)}
    assert ring.encrypt("x").startswith(key_id(first) + ":")
    assert sensitive_hash("phone", "13812345678") != sensitive_hash("id_number", "13812345678")
    settings.SENSITIVE_HASH_KEY = "j" * 40
    assert keyring().hash("a") != ring.hash("a")
