"""The django-axes admin section is in Chinese too (issue 7 item 13): axes ships no zh_Hans catalogue."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import translation


def test_axes_models_and_fields_are_translated():
    with translation.override("zh-hans"):
        assert str(AccessAttempt._meta.verbose_name_plural) == "登录尝试"
        assert str(AccessLog._meta.verbose_name_plural) == "访问日志"
        assert str(AccessFailureLog._meta.verbose_name_plural) == "登录失败记录"
        assert str(AccessAttempt._meta.get_field("ip_address").verbose_name) == "IP 地址"
        assert str(AccessAttempt._meta.get_field("failures_since_start").verbose_name) == "失败次数"


@pytest.mark.django_db
def test_operator_sees_the_axes_admin_in_chinese(operator, client):
    client.force_login(operator)
    page = client.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "登录尝试" in page.content.decode()
