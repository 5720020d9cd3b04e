"""The django-axes section of the admin is in Chinese like the rest (issue 7, item 13)."""

import re

from django.test import Client

ENGLISH = re.compile(r"\b(Axes|Access attempts?|Access logs?|Access failures?|Attempt Time|IP Address|User Agent|"
                     r"Failed Logins|Attempt Remaining|Locked Out|Expiration|Status|Path)\b")


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_axes_section_and_lists_are_chinese(operator, users, client_for):
    # One failed sign-in, so the attempt list has a row with its computed columns.
    Client().post("/accounts/login/", {"username": "street_a", "password": "wrong"})
    client = client_for(operator)
    index = _visible_text(client.get("/admin/").content.decode())
    assert "登录锁定" in index and "登录尝试" in index and "登录日志" in index
    for url in ("/admin/axes/", "/admin/axes/accessattempt/", "/admin/axes/accesslog/",
                "/admin/axes/accessfailurelog/"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _visible_text(response.content.decode())
        assert not ENGLISH.search(text), (url, ENGLISH.findall(text))
    attempts = _visible_text(client.get("/admin/axes/accessattempt/").content.decode())
    assert "尝试时间" in attempts and "失败次数" in attempts and "次尝试机会" in attempts
