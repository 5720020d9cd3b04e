"""``email_is_valid`` (the import's e-mail check) accepts exactly the addresses Django's validator accepts."""

import random
import string
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.imports import columns
from governance.imports.columns import email_is_valid


def django_accepts(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


_ATEXT = "-!#$%&'*+/=?^_`{}|~0123456789" + string.ascii_letters
_ALNUM = string.ascii_letters + string.digits


def _label(ends: str, inner: str):
    """One character of ``ends``, or one, up to 61 of ``inner``, and one again: a label of the fast path."""
    edge = st.sampled_from(ends)
    return st.one_of(edge, st.builds(lambda a, mid, b: a + mid + b, edge,
                                     st.text(alphabet=inner, max_size=61), edge))


# Every address of _PLAIN_EMAIL's language, built from its parts (far faster than st.from_regex with its
# look-arounds), long labels and long local parts included.
PLAIN_ADDRESSES = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    st.lists(st.text(alphabet=_ATEXT, min_size=1, max_size=70), min_size=1, max_size=4).map(".".join),
    st.lists(_label(_ALNUM, _ALNUM + "-"), min_size=1, max_size=3),
    _label(string.ascii_letters, string.ascii_letters + "-").filter(lambda tld: len(tld) >= 2),
)


@settings(max_examples=200, deadline=None)
@given(PLAIN_ADDRESSES)
def test_every_address_of_the_fast_path_is_one_django_accepts(value):
    """The soundness of the shortcut: its language is inside Django's, so it never accepts more."""
    assert columns._PLAIN_EMAIL.fullmatch(value)
    if len(value) <= 320:
        assert django_accepts(value), value


TRICKY = [
    "org1@example.org", "Org.Name+tag@Sub.Example.CN", "a@b.co", "a@localhost", "a@[127.0.0.1]", "a@[::1]",
    "a@[300.0.0.1]", '"quoted local"@example.org', '"a\\"b"@example.org', "a@例子.中国", "用户@example.org",
    "a@xn--fsqu00a.xn--fiqs8s", "a@b.c1", "a@b.c", "a@-b.cn", "a@b-.cn", "a@b.-cn", "a@b.cn-", "a@b..cn",
    "a@b.cn.", ".a@b.cn", "a.@b.cn", "a..b@b.cn", "a@b@c.cn", "@b.cn", "a@", "a", "", " a@b.cn", "a@b.cn ",
    "a@b.cn\n", "a\n@b.cn", "a@b.cn\r", "\u212a@b.cn", "a@\u212a.cn", "\u017f@b.cn", "a@b.\u0131o",
    "a@" + "b" * 63 + ".cn", "a@" + "b" * 64 + ".cn", "a@b." + "c" * 63, "a@b." + "c" * 64,
    "x" * 300 + "@example.org", "x" * 308 + "@example.org", "x" * 309 + "@example.org",
    "a@b.c-n", "a@1.2.3.4", "a@b.123", "a_b@c_d.cn", "a@b.cn\x00", "a@ｅｘａｍｐｌｅ.org",
]


def _mutations(rng: random.Random, seed: str) -> str:
    chars = list(seed)
    for _ in range(rng.randint(1, 3)):
        position = rng.randrange(len(chars) + 1)
        action = rng.random()
        piece = rng.choice("@.-_+\"[]\\ \n\u212a例Aa0" + "xn--")
        if action < 0.4:
            chars.insert(position, piece)
        elif action < 0.7 and chars:
            del chars[min(position, len(chars) - 1)]
        elif chars:
            chars[min(position, len(chars) - 1)] = piece
    return "".join(chars)


def test_tricky_and_mutated_addresses_get_the_same_answer_as_django():
    rng = random.Random(5)
    values = TRICKY + [_mutations(rng, rng.choice(TRICKY[:12])) for _ in range(5_000)]
    assert [value for value in values if email_is_valid(value) != django_accepts(value)] == []
    assert {email_is_valid(value) for value in values} == {True, False}


@pytest.mark.parametrize("value", ["org1@example.org", "Li.Na+import@mail.hengyang.gov.cn"])
def test_a_plain_address_does_not_go_through_the_validator(value):
    with mock.patch("django.core.validators.validate_email", side_effect=AssertionError("called")):
        assert email_is_valid(value)


@pytest.mark.parametrize("value", ["a@localhost", "a@例子.中国", "not-an-email"])
def test_anything_else_goes_through_the_validator(value):
    with mock.patch("django.core.validators.validate_email", side_effect=ValidationError("no")) as validator:
        assert not email_is_valid(value)
    validator.assert_called_once_with(value)
