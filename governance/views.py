"""Core pages: home dashboard, jurisdiction tree, audit log, password change."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from governance import dashboard, selectors, services
from governance.forms import ApiTokenForm, AuditFilterForm, RegionFilterForm
from governance.models import RegionLevel
from governance.permissions import can_see_personal_data_in_audit, can_view_audit_log
from governance.sensitive import mask_personal_changes
from governance.web import SortKey, sort_queryset

PAGE_SIZE = 20


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A Django page for ``?page=`` (out-of-range pages show the last page, never an error)."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _ancestors(user, region):
    """Ancestors with a flag telling whether the user may open them (above their scope: plain text)."""
    paths = selectors.user_region_paths(user, roles=selectors._all_roles())
    return [(node, any(node.path.startswith(p) for p in paths)) for node in selectors.region_ancestors(region)]


@login_required
def home(request):
    target = dashboard.home_redirect(request)
    if target:
        return redirect(target)
    context = dashboard.home_context(request)
    return render(request, "governance/home.html", context)


@login_required
@require_GET
def nav_badges(request):
    """The sidebar's badge counts, fetched by htmx after the page loaded (pages stay at their query budget)."""
    from governance.context_processors import nav_badge_counts

    badges = sorted(nav_badge_counts(request.user).items())
    return render(request, "governance/_nav_badges.html", {"badges": badges})


@login_required
def region_list(request):
    form = RegionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    parent = None
    if request.GET.get("parent"):
        parent = selectors.region_get_for_user(user=request.user, pk=request.GET["parent"])
    queryset = selectors.region_list(
        user=request.user, parent=parent, level=filters.get("level"), search=filters.get("q") or ""
    ).select_related("parent")
    if parent is None and not filters.get("q") and not filters.get("level"):
        # Without a filter show the top of the user's jurisdiction rather than thousands of rows.
        queryset = queryset.filter(path__in=selectors.user_region_paths(request.user, roles=selectors._all_roles()))
    page = paginate(request, queryset)
    template = "governance/_region_rows.html" if request.htmx else "governance/region_list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "parent": parent, "query": querystring_without_page(request),
         "ancestors": _ancestors(request.user, parent) if parent else []},
    )


@login_required
@require_GET
def region_picker(request):
    """Fragments of the cascading region picker (governance.regions_picker), fetched by htmx:
    ``?parent=<id>`` the next select (empty when the level was cleared or has no children),
    ``?selected=<id>`` the whole chain of a search hit, ``?q=<text>`` the search hits with their path.
    A node outside the user's jurisdiction or tenant is a 404."""
    from governance import regions_picker as picker

    options = picker.PickerOptions.from_query(request.GET)
    top_blank, blank = picker.blank_labels(options.optional)
    context = {"picker": {"id": options.field_id, "url": request.path, "top_blank": top_blank, "blank": blank}}
    scope = {"user": request.user, "roles": options.roles, "max_level": options.max_level}
    if "q" in request.GET:
        hits = picker.picker_search(text=request.GET["q"], **scope)
        return render(request, "includes/region_picker_results.html",
                      {**context, "hits": hits, "searched": bool(request.GET["q"].strip())})
    if request.GET.get("selected"):
        region = picker.picker_region(pk=request.GET["selected"], **scope)
        context["picker"].update(value=region.pk, top=picker.picker_levels(region=region, **scope))
        return render(request, "includes/region_picker_cascade.html", context)
    if not request.GET.get("parent"):
        return HttpResponse("")
    parent = picker.picker_region(pk=request.GET["parent"], **scope)
    children = picker.picker_children(parent=parent, max_level=options.max_level)
    level = picker.Level(options=children, up=parent.pk) if children else None
    return render(request, "includes/region_picker_level.html", {**context, "level": level})


@login_required
def region_detail(request, pk: int):
    region = selectors.region_get_for_user(user=request.user, pk=pk)
    children = paginate(request, region.children.order_by("code"))
    counts = selectors.region_counts(region)
    level_counts = [(RegionLevel(level).label, counts[level]) for level in sorted(counts)]
    return render(
        request,
        "governance/region_detail.html",
        {"region": region, "page": children, "level_counts": level_counts,
         "ancestors": _ancestors(request.user, region), "query": ""},
    )


AUDIT_SORTS = {
    "time": SortKey(gettext_lazy("Time"), "created_at"),
    "actor": SortKey(gettext_lazy("Actor"), "actor_repr"),
    "action": SortKey(gettext_lazy("Action"), "action"),
    "object": SortKey(gettext_lazy("Object"), "object_repr"),
}


def _audit_events(request):
    """The log's form, its valid filters and the filtered, sorted events (the page and its export)."""
    if not can_view_audit_log(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    if filters.get("object_type"):
        filters["object_type"] = filters["object_type"].pk
    queryset = selectors.audit_event_list(user=request.user, filters=filters)
    queryset, sorting = sort_queryset(request, queryset, allowed=AUDIT_SORTS, default="-time")
    return form, filters, queryset, sorting


@login_required
def audit_list(request):
    form, _filters, queryset, sorting = _audit_events(request)
    page = paginate(request, queryset, per_page=50)
    if not can_see_personal_data_in_audit(request.user):
        page.object_list = list(page.object_list)
        for event in page.object_list:
            event.changes = mask_personal_changes(event.changes or {})
    return render(request, "governance/audit_list.html",
                  {"form": form, "page": page, "query": querystring_without_page(request), "sorting": sorting})


def _marked(event, mask: bool):
    event.mask_personal = mask
    return event


@login_required
@require_GET
def audit_export(request):
    """Every event of the filtered, sorted log as an Excel workbook; the export is an audit event too."""
    from governance.audit_exporting import AUDIT_COLUMNS
    from governance.imports.exporting import EXPORT_CHUNK, export_filename, export_response

    _form, filters, queryset, sorting = _audit_events(request)
    audited = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in filters.items()}
    with translation.override(settings.LANGUAGE_CODE):  # Chinese action labels whatever the UI language
        mask = not can_see_personal_data_in_audit(request.user)
        rows = (_marked(event, mask) for event in queryset.iterator(chunk_size=EXPORT_CHUNK))
        return export_response(actor=request.user, rows=rows,
                               columns=AUDIT_COLUMNS, filename=export_filename("审计日志"), action="audit.export",
                               filters={**audited, "sort": sorting.key}, sheet_title="审计日志",
                               object_repr=_("Audit log export"))


@login_required
@never_cache
def api_tokens(request):
    """The user's own API tokens: create one with a name, revoke one.

    A new key is shown in this response only (no redirect, no message: both would carry it to a
    later request, and the server keeps only its hash); ``never_cache`` keeps it out of caches.
    """
    form = ApiTokenForm(request.POST or None)
    created = created_key = None
    if request.method == "POST" and form.is_valid():
        created, created_key = services.api_token_create(actor=request.user, user=request.user,
                                                         name=form.cleaned_data["name"])
        form = ApiTokenForm()
    page = paginate(request, selectors.api_token_list(user=request.user))
    return render(request, "governance/api_tokens.html", {
        "form": form, "page": page, "created": created, "created_key": created_key,
        "expiry_days": settings.API_TOKEN_EXPIRY_DAYS, "query": "",
    })


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = selectors.api_token_get_for_user(user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("api-tokens")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDone(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lock-out (AXES_LOCKOUT_CALLABLE): the API keeps its ``{"message", "extra"}`` envelope."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"message": _("Too many failed sign-in attempts"), "extra": {"locked_out": True}}, status=429
        )
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat()})
