"""Names sort by pinyin (governance.pinyin): 阿 < 北 < 成 on SQLite and PostgreSQL alike, kept by the services."""

from __future__ import annotations

import importlib

from django.db import connection
from django.urls import reverse

from governance.pinyin import pinyin_sort_key
from governance.tenancy import tenant_context
from orgs import selectors, services
from orgs.models import Organization, OrgKind
from orgs.tests.factories import OrganizationFactory


def _create(tree, user, name):
    return services.organization_create(actor=user, region=tree["community"], name=name,
                                        kind=OrgKind.COMMUNITY_GROUP, legal_representative="王芳",
                                        filing_number=f"F-{pinyin_sort_key(name)}")


def test_sort_key_orders_like_a_dictionary():
    assert pinyin_sort_key("阿") < pinyin_sort_key("北") < pinyin_sort_key("成")
    assert pinyin_sort_key("西安") < pinyin_sort_key("先")  # xi-an before xian
    assert pinyin_sort_key("银行") == "yin2hang2"  # a polyphonic character reads as in its phrase
    assert pinyin_sort_key("ＡＢ社区·1") == "abshe4qu11"  # full width folded, punctuation dropped
    assert pinyin_sort_key("") == "" and set(pinyin_sort_key("衡阳市（南岳）")) <= set("abcdefghijklmnopqrstuvwxyz0123456789")


def test_services_keep_the_key_and_lists_sort_by_pinyin(tree_a, users, is_postgres):
    admin = users["admin_a"]
    with tenant_context(tree_a["tenant"]):
        cheng = _create(tree_a, admin, "成才青少年服务社")
        _create(tree_a, admin, "北斗志愿队")
        _create(tree_a, admin, "阿姨互助会")
        assert cheng.name_pinyin == pinyin_sort_key("成才青少年服务社")
        names = list(selectors.organization_list(user=admin).values_list("name", flat=True))
        assert names == ["阿姨互助会", "北斗志愿队", "成才青少年服务社"], connection.vendor
        descending = selectors.organization_list(user=admin, filters={"ordering": "-name"})
        assert list(descending.values_list("name", flat=True)) == names[::-1]
        # A rename through the service moves the organization in the list.
        services.organization_update(actor=admin, organization=cheng, name="艾草手工坊")
        cheng.refresh_from_db()
        assert cheng.name_pinyin == pinyin_sort_key("艾草手工坊")
        names = list(selectors.organization_list(user=admin).values_list("name", flat=True))
        assert names == ["阿姨互助会", "艾草手工坊", "北斗志愿队"]


def test_list_page_sorts_names_by_pinyin(tree_a, users, client_for):
    admin = users["admin_a"]
    with tenant_context(tree_a["tenant"]):
        for name in ("成才青少年服务社", "北斗志愿队", "阿姨互助会"):
            _create(tree_a, admin, name)
    page = client_for(admin).get(reverse("orgs:list")).content.decode()
    assert page.index("阿姨互助会") < page.index("北斗志愿队") < page.index("成才青少年服务社")
    page = client_for(admin).get(reverse("orgs:list"), {"sort": "-name"}).content.decode()
    assert page.index("成才青少年服务社") < page.index("北斗志愿队") < page.index("阿姨互助会")


def test_migration_backfills_the_key(tree_a):
    migration = importlib.import_module("orgs.migrations.0007_organization_name_pinyin")
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], name="北斗志愿队", name_pinyin="")

        class Editor:
            pass

        editor = Editor()
        editor.connection = connection
        migration.backfill(None, editor)
        assert Organization.objects.get(pk=org.pk).name_pinyin == "bei3dou3zhi4yuan4dui4"
