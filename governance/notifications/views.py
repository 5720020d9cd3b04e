"""The inbox (收件箱), its top-bar badge and the notification settings: a user's own notifications only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.notifications import selectors, services
from governance.notifications.forms import InboxFilterForm, PreferencesForm
from governance.notifications.kinds import kind_label
from governance.views import paginate, querystring_without_page

# Tells the top-bar badge (hx-trigger="inboxChanged from:body") to fetch its count again.
CHANGED_TRIGGER = "inboxChanged"


def _inbox_user(request):
    """Inbox pages belong to a tenant's users; a platform operator has no inbox (404)."""
    if not request.user.tenant_id:
        raise Http404(_("Not found."))
    return request.user


def _filters(form: InboxFilterForm) -> dict:
    data = form.cleaned_data if form.is_valid() else {}
    return {"unread": True if data.get("show") == "unread" else None, "kind": data.get("kind") or ""}


def _label(rows) -> list:
    for row in rows:
        row.kind_label = kind_label(row.kind)
    return rows


def _list_context(request, user) -> dict:
    form = InboxFilterForm(request.GET or None)
    filters = _filters(form)
    page = paginate(request, selectors.notification_list(user=user, **filters))
    _label(page.object_list)
    return {"form": form, "page": page, "query": querystring_without_page(request),
            "show": "unread" if filters["unread"] else "all", "kind": filters["kind"],
            "unread_total": selectors.unread_count(user)}


@login_required
@require_GET
def inbox(request):
    user = _inbox_user(request)
    context = _list_context(request, user)
    template = "governance/notifications/_inbox_list.html" if request.htmx else "governance/notifications/inbox.html"
    return render(request, template, context)


def _changed(response: HttpResponse) -> HttpResponse:
    response["HX-Trigger"] = CHANGED_TRIGGER
    return response


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _read(request, pk: int):
    user = _inbox_user(request)
    return services.notification_mark_read(user=user, notification=selectors.notification_get_for_user(user=user,
                                                                                                         pk=pk))


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = _read(request, pk)
    if request.htmx:
        _label([notification])
        return _changed(render(request, "governance/notifications/_notification.html",
                               {"notification": notification, "query": request.POST.get("query", "")}))
    return redirect(_safe_next(request, "notifications:inbox"))


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark read and go to what the notification is about (its link is always a path of the platform)."""
    notification = _read(request, pk)
    return redirect(notification.url or "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    user = _inbox_user(request)
    count = services.notification_mark_all_read(user=user)
    if request.htmx:
        return _changed(render(request, "governance/notifications/_inbox_list.html", _list_context(request, user)))
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(_safe_next(request, "notifications:inbox"))


@login_required
@require_GET
def badge(request):
    """The top bar's unread count, fetched by htmx (pages keep their query budget)."""
    count = selectors.unread_count(request.user) if request.user.tenant_id else 0
    return render(request, "governance/notifications/_inbox_count.html", {"inbox_unread": count})


@login_required
def preferences(request):
    user = _inbox_user(request)
    initial = PreferencesForm.initial_from(selectors.preference_choices(user))
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.notification_preferences_set(actor=user, user=user, choices=form.choices())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if changes:
                messages.success(request, _("Notification settings saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("notifications:preferences")
    return render(request, "governance/notifications/preferences.html", {"form": form})
