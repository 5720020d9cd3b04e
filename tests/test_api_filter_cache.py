"""Selector filters validate with a form class built once per process (governance.api.filtering, issue 8)."""

import pytest

from governance.api import filtering
from orgs.filters import OrganizationFilter

pytestmark = pytest.mark.django_db


def test_the_form_class_is_built_once_and_still_refuses_bad_values(users, api_for, monkeypatch):
    api = api_for(users["admin_a"])
    assert api.get("/api/v1/orgs/", {"kind": "community_group"}).status_code == 200
    form_class, blank_refused = filtering._STATIC_FORMS[OrganizationFilter]
    assert "kind" in blank_refused and "q" not in blank_refused

    def refuse(self):
        raise AssertionError("the form class is built again")

    monkeypatch.setattr(OrganizationFilter, "get_form_class", refuse)
    assert api.get("/api/v1/orgs/", {"kind": "service_institution", "q": ""}).status_code == 200
    bad = api.get("/api/v1/orgs/", {"kind": "nope"})
    assert bad.status_code == 400 and "kind" in bad.json()["extra"]["fields"]
    blank = api.get("/api/v1/orgs/", {"kind": ""})
    assert blank.status_code == 400 and blank.json()["extra"]["fields"]["kind"] == ["此参数不能为空。"]
    assert filtering._STATIC_FORMS[OrganizationFilter][0] is form_class
