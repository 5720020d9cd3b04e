"""The inbox pages, the top-bar badge, the settings page, the API and the admin: own notifications only."""

from __future__ import annotations

import pytest

from governance.models import AuditEvent, Delivery, Notification, NotificationPreference
from governance.notifications import Message, notify_many
from governance.tenancy import tenant_context

KIND = "governance.import_failed"


def _notify(user, n=1, *, url="/regions/", title="通知"):
    with tenant_context(user.tenant):
        return notify_many([Message(recipients=[user], kind=KIND, title=f"{title}{i}", body="正文", url=url)
                            for i in range(n)])


# --- inbox page ------------------------------------------------------------------------------


def test_inbox_lists_own_notifications_unread_first(users, client_for):
    old = _notify(users["street_a"], 2, title="旧")
    _notify(users["street_a"], 1, title="新")
    _notify(users["community_a"], 1, title="别人的")
    with tenant_context(users["street_a"].tenant):
        Notification.objects.filter(pk=old[1].pk).update(read_at=old[1].created_at)
    response = client_for(users["street_a"]).get("/notifications/")
    assert response.status_code == 200
    titles = [row.title for row in response.context["page"].object_list]
    assert titles == ["新0", "旧0", "旧1"]  # unread first (newest first), then the read one
    assert response.context["unread_total"] == 2
    assert "别人的" not in response.content.decode()
    unread = client_for(users["street_a"]).get("/notifications/", {"show": "unread"})
    assert [row.title for row in unread.context["page"].object_list] == ["新0", "旧0"]


def test_inbox_empty_states_and_bad_filter(users, client_for):
    client = client_for(users["org_a"])
    page = client.get("/notifications/").content.decode()
    assert "inbox-list" in page and 'class="list-group mb-3 inbox"' not in page
    assert client.get("/notifications/", {"show": "unread"}).status_code == 200
    bad = client.get("/notifications/", {"show": "everything", "kind": "nope"})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_mark_read_is_post_only_and_other_users_get_404(users, client_for):
    row = _notify(users["street_a"])[0]
    owner, other, foreign = (client_for(users[name]) for name in ("street_a", "community_a", "street_b"))
    url = f"/notifications/{row.pk}/read/"
    assert owner.get(url).status_code == 405
    assert other.post(url).status_code == 404
    assert foreign.post(url).status_code == 404
    assert other.post(f"/notifications/{row.pk}/open/").status_code == 404
    with tenant_context(users["street_a"].tenant):
        assert Notification.objects.get(pk=row.pk).read_at is None
    response = owner.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    with tenant_context(users["street_a"].tenant):
        assert Notification.objects.get(pk=row.pk).read_at is not None


def test_mark_read_with_htmx_returns_the_row_and_refreshes_the_badge(users, client_for):
    row = _notify(users["street_a"])[0]
    response = client_for(users["street_a"]).post(f"/notifications/{row.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "inboxChanged"
    html = response.content.decode()
    assert f'id="notification-{row.pk}"' in html and "inbox-unread" not in html


def test_open_marks_read_and_follows_the_link(users, client_for):
    row = _notify(users["street_a"], url="/regions/")[0]
    response = client_for(users["street_a"]).post(f"/notifications/{row.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/regions/"
    with tenant_context(users["street_a"].tenant):
        assert Notification.objects.get(pk=row.pk).is_read


def test_mark_all_read_touches_only_own_rows(users, client_for):
    _notify(users["street_a"], 3)
    _notify(users["community_a"], 2)
    client = client_for(users["street_a"])
    response = client.post("/notifications/read-all/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.context["unread_total"] == 0
    with tenant_context(users["street_a"].tenant):
        assert Notification.objects.filter(read_at__isnull=True).count() == 2
    assert client.get("/notifications/read-all/").status_code == 405


def test_csrf_is_required_for_mark_read(users):
    from django.test import Client

    row = _notify(users["street_a"])[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["street_a"])
    assert client.post(f"/notifications/{row.pk}/read/").status_code == 403


def test_badge_counts_unread_and_every_page_links_the_inbox(users, client_for):
    _notify(users["street_a"], 3)
    client = client_for(users["street_a"])
    badge = client.get("/notifications/badge/").content.decode()
    assert ">3<" in badge and 'id="inbox-badge"' in badge
    home = client.get("/regions/").content.decode()
    assert 'href="/notifications/"' in home and 'hx-get="/notifications/badge/"' in home
    assert 'href="/notifications/settings/"' in home  # the user menu


def test_badge_and_inbox_for_platform_operator(operator, client_for):
    client = client_for(operator)
    assert client.get("/notifications/").status_code == 404
    assert ">0<" not in client.get("/notifications/badge/").content.decode()


def test_inbox_needs_sign_in(client):
    assert client.get("/notifications/").status_code == 302


# --- settings page ---------------------------------------------------------------------------


def test_settings_page_saves_choices_and_audits(users, client_for):
    client = client_for(users["org_a"])
    page = client.get("/notifications/settings/")
    assert page.status_code == 200 and f"kind:{KIND}" in page.content.decode()
    response = client.post("/notifications/settings/", {"default": Delivery.DIGEST, f"kind:{KIND}": Delivery.OFF})
    assert response.status_code == 302
    with tenant_context(users["org_a"].tenant):
        assert dict(NotificationPreference.objects.filter(user=users["org_a"]).values_list("kind", "delivery")) == {
            "": Delivery.DIGEST, KIND: Delivery.OFF}
        assert AuditEvent.objects.filter(action="notification_preference.update", actor=users["org_a"]).count() == 1


def test_settings_page_refuses_unknown_choice(users, client_for):
    response = client_for(users["org_a"]).post("/notifications/settings/", {"default": "hourly"})
    assert response.status_code == 200 and response.context["form"].errors
    with tenant_context(users["org_a"].tenant):
        assert not NotificationPreference.objects.exists()


# --- API -------------------------------------------------------------------------------------


def test_api_lists_own_notifications_with_filter(users, api_for):
    rows = _notify(users["street_a"], 3)
    _notify(users["community_a"], 2)
    client = api_for(users["street_a"])
    data = client.get("/api/v1/notifications/").json()
    assert data["count"] == 3
    first = data["results"][0]
    assert set(first) == {"id", "kind", "kind_label", "title", "body", "url", "object_type", "object_id",
                          "created_at", "read_at", "is_read"}
    assert first["kind_label"] != KIND
    assert client.post(f"/api/v1/notifications/{rows[0].pk}/read/").json()["is_read"] is True
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 2
    assert client.get("/api/v1/notifications/", {"unread": "false"}).json()["count"] == 1
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


@pytest.mark.parametrize("params", [{"unread": "maybe"}, {"unread": ""}, {"kind": "no.such_kind"}])
def test_api_refuses_bad_filters(users, api_for, params):
    response = api_for(users["street_a"]).get("/api/v1/notifications/", params)
    assert response.status_code == 400 and "message" in response.json()


@pytest.mark.parametrize("username", ["community_a", "street_b"])
def test_api_mark_read_of_another_users_notification_is_404(users, api_for, username):
    row = _notify(users["street_a"])[0]
    response = api_for(users[username]).post(f"/api/v1/notifications/{row.pk}/read/")
    assert response.status_code == 404
    assert api_for(users[username]).get("/api/v1/notifications/").json()["count"] == 0
    with tenant_context(users["street_a"].tenant):
        assert Notification.objects.get(pk=row.pk).read_at is None


def test_api_schema_documents_the_notification_endpoints(users, api_for):
    schema = api_for(users["admin_a"]).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/notifications/", "/api/v1/notifications/{id}/read/", "/api/v1/notifications/read-all/",
                 "/api/v1/notifications/unread-count/"):
        assert path in schema
    assert "NotificationOutput" in schema


# --- query counts: exact, the same at two sizes (root conftest's query_budget) ----------------
# session, user, tenant, the request's savepoint pair, then the page's own: count, rows, unread count, roles
# of the sidebar; the API: token, savepoint pair, count, rows.


def test_inbox_page_query_count_is_exact(users, client_for, query_budget):
    client = client_for(users["street_a"])
    query_budget(lambda n: _notify(users["street_a"], n), lambda: client.get("/notifications/"), expected=7,
                 rows=lambda response: len(response.context["page"].object_list))


@pytest.mark.parametrize("page_size", [5, 50])
def test_notification_api_query_count_is_exact(users, api_for, page_size, query_budget):
    client = api_for(users["street_a"])
    query_budget(lambda n: _notify(users["street_a"], n),
                 lambda: client.get("/api/v1/notifications/", {"page_size": page_size}), expected=4,
                 rows=lambda response: len(response.json()["results"]))


# --- admin -----------------------------------------------------------------------------------


def test_admin_is_tenant_scoped_and_read_only(users, client_for):
    row_a = _notify(users["street_a"])[0]
    row_b = _notify(users["street_b"])[0]
    admin_a = client_for(users["admin_a"])
    listing = admin_a.get("/admin/governance/notification/")
    assert listing.status_code == 200
    assert [obj.pk for obj in listing.context["cl"].result_list] == [row_a.pk]
    assert admin_a.get(f"/admin/governance/notification/{row_b.pk}/change/").status_code == 404
    assert admin_a.get("/admin/governance/notification/add/").status_code == 403
    view = admin_a.get(f"/admin/governance/notification/{row_a.pk}/change/")
    assert view.status_code == 200 and not view.context["has_change_permission"]
