"""Workflow pages of the registry: filings, annual reports, grades, credit lists and change requests.

Thin views: they validate input with a form, call one service or selector, and render. Objects are
fetched through the selectors' access functions, so "missing", "other tenant" and "outside your
jurisdiction" are the same 404. A page the user has no business opening is a 404 too; a workflow
step the user may not take on an object they can see is refused by the service with a message.
Broken business rules (ApplicationError) and field problems (ValidationError) are shown on the form
or as an error message, never as a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from governance.exceptions import ApplicationError
from governance.models.accounts import Role
from governance.views import paginate, querystring_without_page
from governance.workflows import status_history
from orgs import permissions, selectors, services
from orgs.forms.workflow import (
    REPORT_FINANCE_FIELDS,
    AnnualReportForm,
    AttachmentForm,
    CampaignOpenForm,
    ChangeRequestDecideForm,
    CreditAddForm,
    CreditFilterForm,
    CreditRectifyForm,
    CreditRemoveForm,
    FilingForm,
    FilingTransitionForm,
    GradeAwardForm,
    ReportFilterForm,
    ReportReturnForm,
    ReportReviewForm,
)
from orgs.models import (
    NO_RECTIFICATION_REASONS,
    AnnualReport,
    ChangeRequestStatus,
    CreditList,
    FilingStatus,
    Organization,
    ReportStatus,
)
from orgs.workflows import FILING_WORKFLOW, REPORT_WORKFLOW

REPORT_ACTIONS = ("submit", "return", "review")


# --- helpers (also used by orgs.views.portal) ---------------------------------------------------


def require(allowed: bool) -> None:
    if not allowed:
        raise Http404(_("Not found."))


def uses_registry(user) -> bool:
    """Staff who see a subtree of the registry, or organization users (who see their own organization)."""
    return permissions.has_any_role(user, permissions.VIEW_ROLES | {Role.ORG_USER})


def is_registry_staff(user) -> bool:
    return permissions.has_any_role(user, permissions.VIEW_ROLES)


def apply_errors(form, exc: Exception) -> None:
    """Put a service's error on the form: field messages on their fields, everything else on top."""
    if isinstance(exc, ApplicationError):
        form.add_error(None, str(exc.message))
        return
    if hasattr(exc, "error_dict"):
        for field, field_messages in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in field_messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def error_text(exc: Exception) -> str:
    """One line for an error message (ApplicationError or ValidationError)."""
    if isinstance(exc, ApplicationError):
        return str(exc.message)
    if hasattr(exc, "error_dict"):
        return " ".join(message for field_messages in exc.message_dict.values() for message in field_messages)
    return " ".join(exc.messages)


def _form_error_text(form) -> str:
    return " ".join(str(message) for field_messages in form.errors.values() for message in field_messages)


def safe_next(request, default: str) -> str:
    """``next`` from the POST when it points into this site, else ``default`` (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def organization_url(organization: Organization) -> str | None:
    """The registry's detail page, once the registry pages provide it."""
    try:
        return reverse("orgs:detail", args=[organization.pk])
    except NoReverseMatch:
        return None


def history(obj, choices) -> list:
    """Status changes of ``obj`` with display labels of both ends."""
    labels = dict(choices)
    rows = list(status_history(obj))
    for row in rows:
        row.from_label = labels.get(row.from_status, row.from_status)
        row.to_label = labels.get(row.to_status, row.to_status)
    return rows


def _display_value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return str(value)


def change_rows(change_request) -> list[dict]:
    """``[{field, label, current, requested}]`` of a change request, with the fields' labels."""
    rows = []
    for name, pair in (change_request.changes or {}).items():
        try:
            label = capfirst(Organization._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name
        current, requested = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        rows.append({"field": name, "label": label, "current": _display_value(current),
                     "requested": _display_value(requested)})
    return rows


def key_field_labels() -> str:
    """Labels of the fields an organization changes only with staff approval, for explanations."""
    return "、".join(str(capfirst(Organization._meta.get_field(name).verbose_name))
                    for name in services.PORTAL_KEY_FIELDS)


SUBNAV = (
    # (url name, label, who sees it: "staff", "registry" (staff and organization users) or "org")
    ("orgs:list", gettext_lazy("Organizations"), "staff"),
    ("orgs:filing-list", gettext_lazy("Filings"), "registry"),
    ("orgs:report-list", gettext_lazy("Annual reports"), "registry"),
    ("orgs:campaign-list", gettext_lazy("Campaigns"), "staff"),
    ("orgs:credit-list", gettext_lazy("Credit lists"), "registry"),
    ("orgs:change-request-list", gettext_lazy("Change requests"), "staff"),
    ("orgs:portal", gettext_lazy("Our organization"), "org"),
)


def subnav(user, active: str) -> list[dict]:
    """Tabs linking the registry's workflow pages, limited to the ones the user may open."""
    allowed = {"staff": is_registry_staff(user), "registry": uses_registry(user),
               "org": permissions.is_org_user(user)}
    items = []
    for name, label, audience in SUBNAV:
        if not allowed[audience]:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": name == active})
    return items


def mark_credit_actions(user, record) -> None:
    """Which rectification / removal buttons ``user`` gets on ``record`` (the services check again)."""
    rectifiable = (
        record.list_type == CreditList.ABNORMAL and record.reason not in NO_RECTIFICATION_REASONS
        and record.rectification_verified_on is None
        and (record.removed_on is None or record.moved_to_id is not None)
    )
    manages = permissions.can_manage_credit(user, record.organization)
    record.apply_as_member = permissions.is_member(user, record.organization)
    record.show_apply = (rectifiable and record.rectification_applied_on is None
                         and permissions.can_apply_rectification(user, record))
    record.show_verify = rectifiable and record.rectification_applied_on is not None and manages
    record.show_remove = record.removed_on is None and manages


def mark_report(user, report: AnnualReport, today) -> None:
    report.is_overdue = report.due_date < today and report.status in (ReportStatus.OPEN, ReportStatus.RETURNED)
    report.show_edit = permissions.can_edit_report(user, report)
    report.show_submit = REPORT_WORKFLOW.can(report, ReportStatus.SUBMITTED, user)


def status_tabs(request, queryset, choices) -> tuple[str, list[dict]]:
    """The ``?status=`` asked for (or "") and one tab per status with its count (one grouped query)."""
    status = request.GET.get("status") or ""
    if status not in choices.values:
        status = ""
    counts = {row["status"]: row["n"] for row in queryset.values("status").annotate(n=Count("id")).order_by()}
    tabs = [{"code": "", "label": _("All"), "count": sum(counts.values()), "active": not status}]
    tabs += [{"code": code, "label": label, "count": counts.get(code, 0), "active": status == code}
             for code, label in choices.choices]
    return status, tabs


# --- filings ---------------------------------------------------------------------------------


@login_required
def filing_list(request):
    require(uses_registry(request.user))
    status, tabs = status_tabs(request, selectors.filing_list(user=request.user), FilingStatus)
    page = paginate(request, selectors.filing_list(user=request.user, status=status or None))
    for filing in page.object_list:
        filing.needs_action = bool(FILING_WORKFLOW.allowed_targets(filing, request.user))
    return render(request, "orgs/workflow/filing_list.html", {
        "page": page, "tabs": tabs, "status": status, "query": querystring_without_page(request),
        "can_submit": permissions.can_submit_filing(request.user),
        "subnav": subnav(request.user, "orgs:filing-list"),
    })


@login_required
def filing_create(request):
    require(permissions.can_submit_filing(request.user))
    form = FilingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        region = fields.pop("region")
        domains = fields.pop("domains")
        try:
            filing = services.filing_submit(actor=request.user, region=region, domains=domains, **fields)
        except (ApplicationError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Filing application submitted. The community reviews it next."))
            return redirect("orgs:filing-detail", filing.pk)
    return render(request, "orgs/workflow/filing_form.html", {"form": form})


FILING_BUTTONS = {
    FilingStatus.COMMUNITY_APPROVED: {"label": gettext_lazy("Approve (community review)"), "css": "btn-success"},
    FilingStatus.FILED: {"label": gettext_lazy("Approve filing (street)"), "css": "btn-success"},
}


@login_required
def filing_detail(request, pk: int):
    filing = selectors.filing_get_for_user(user=request.user, pk=pk)
    targets = FILING_WORKFLOW.allowed_targets(filing, request.user)
    approvals = [{"to": to, **FILING_BUTTONS[to]} for to in targets if to in FILING_BUTTONS]
    org = filing.organization
    return render(request, "orgs/workflow/filing_detail.html", {
        "filing": filing, "org": org, "domains": list(org.domains.all()),
        "approvals": approvals, "can_reject": FilingStatus.REJECTED in targets,
        "history": history(filing, FilingStatus.choices), "org_url": organization_url(org),
    })


@login_required
@require_POST
def filing_transition(request, pk: int):
    filing = selectors.filing_get_for_user(user=request.user, pk=pk)
    form = FilingTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This step is not possible."))
        return redirect("orgs:filing-detail", filing.pk)
    to = form.cleaned_data["to"]
    try:
        services.filing_transition(actor=request.user, filing=filing, to=to, note=form.cleaned_data["note"])
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        if to == FilingStatus.FILED:
            messages.success(request, _("Filed. The organization is active with filing number %(number)s.")
                             % {"number": filing.organization.filing_number})
        elif to == FilingStatus.REJECTED:
            messages.success(request, _("The filing was rejected; the applicant sees the reason."))
        else:
            messages.success(request, _("Approved by the community; the street office decides next."))
    return redirect("orgs:filing-detail", filing.pk)


# --- annual report campaigns -------------------------------------------------------------------


def _campaign_page(request, form):
    require(is_registry_staff(request.user))
    campaigns = list(selectors.campaign_list(user=request.user))
    reports = selectors.annual_report_list(user=request.user)
    by_year: dict[int, dict] = {}
    for row in reports.values("year", "status").annotate(n=Count("id")).order_by():
        by_year.setdefault(row["year"], {})[row["status"]] = row["n"]
    overdue = {
        row["year"]: row["n"]
        for row in selectors.annual_report_list(user=request.user, filters={"overdue": "1"})
        .values("year").annotate(n=Count("id")).order_by()
    }
    for campaign in campaigns:
        counts = by_year.get(campaign.year, {})
        campaign.status_counts = [{"code": code, "label": label, "count": counts.get(code, 0)}
                                  for code, label in ReportStatus.choices]
        campaign.total_in_scope = sum(counts.values())
        campaign.overdue_count = overdue.get(campaign.year, 0)
    return render(request, "orgs/workflow/campaign_list.html", {
        "campaigns": campaigns, "form": form, "today": timezone.localdate(),
        "can_open": permissions.can_open_campaign(request.user),
        "subnav": subnav(request.user, "orgs:campaign-list"),
    })


@login_required
def campaign_list(request):
    form = CampaignOpenForm() if permissions.can_open_campaign(request.user) else None
    return _campaign_page(request, form)


@login_required
@require_POST
def campaign_open(request):
    require(permissions.can_open_campaign(request.user))
    form = CampaignOpenForm(request.POST)
    if form.is_valid():
        year, due_date = form.cleaned_data["year"], form.cleaned_data["due_date"]
        try:
            campaign = services.campaign_open(actor=request.user, year=year, due_date=due_date)
        except (ApplicationError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            opened = getattr(campaign, "reports_opened", 0)
            if opened:
                messages.success(request, ngettext(
                    "Campaign %(year)s is open: %(count)d new annual report was opened.",
                    "Campaign %(year)s is open: %(count)d new annual reports were opened.", opened,
                ) % {"year": campaign.year, "count": opened})
            else:
                messages.info(request, _("Campaign %(year)s is already open; every active organization has its "
                                         "report, so no new report was opened.") % {"year": campaign.year})
            if campaign.due_date != due_date:
                messages.info(request, _("The campaign for %(year)s keeps its due date %(date)s.")
                              % {"year": campaign.year, "date": campaign.due_date.isoformat()})
            return redirect("orgs:campaign-list")
    return _campaign_page(request, form)


# --- annual reports --------------------------------------------------------------------------


@login_required
def report_list(request):
    require(uses_registry(request.user))
    form = ReportFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.annual_report_list(user=request.user, filters=filters))
    today = timezone.localdate()
    for report in page.object_list:
        report.is_overdue = report.due_date < today and report.status in (ReportStatus.OPEN, ReportStatus.RETURNED)
    return render(request, "orgs/workflow/report_list.html", {
        "form": form, "page": page, "query": querystring_without_page(request),
        "subnav": subnav(request.user, "orgs:report-list"),
    })


def _finance_rows(report: AnnualReport) -> list[tuple[str, object]]:
    return [(capfirst(AnnualReport._meta.get_field(name).verbose_name), getattr(report, name))
            for name in REPORT_FINANCE_FIELDS]


@login_required
def report_detail(request, pk: int):
    report = selectors.annual_report_get_for_user(user=request.user, pk=pk)
    user = request.user
    mark_report(user, report, timezone.localdate())
    targets = REPORT_WORKFLOW.allowed_targets(report, user)
    finances = _finance_rows(report)
    return render(request, "orgs/workflow/report_detail.html", {
        "report": report, "org": report.organization,
        "income_rows": finances[:5], "other_rows": finances[5:],
        "attachments": list(report.attachments.select_related("uploaded_by").order_by("id")),
        "history": history(report, ReportStatus.choices),
        "can_return": ReportStatus.RETURNED in targets, "can_review": ReportStatus.REVIEWED in targets,
        "review_form": ReportReviewForm(), "attachment_form": AttachmentForm(),
        "org_url": organization_url(report.organization) if is_registry_staff(user) else None,
        "accept": ",".join(f".{ext}" for ext in sorted(services.ATTACHMENT_EXTENSIONS)),
    })


@login_required
def report_edit(request, pk: int):
    report = selectors.annual_report_get_for_user(user=request.user, pk=pk)
    if report.status not in (ReportStatus.OPEN, ReportStatus.RETURNED):
        messages.error(request, _("This annual report can no longer be changed."))
        return redirect("orgs:report-detail", report.pk)
    require(permissions.can_edit_report(request.user, report))
    form = AnnualReportForm(request.POST or None, initial=AnnualReportForm.initial_for(report))
    if request.method == "POST" and form.is_valid():
        try:
            services.annual_report_save(actor=request.user, report=report, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            if "submit" not in request.POST:
                messages.success(request, _("Annual report saved. Submit it when it is complete."))
                return redirect("orgs:report-detail", report.pk)
            try:
                services.annual_report_submit(actor=request.user, report=report)
            except (ApplicationError, ValidationError) as exc:
                messages.error(request, _("Saved, but not submitted: %(error)s") % {"error": error_text(exc)})
            else:
                messages.success(request, _("Annual report saved and submitted for review."))
            return redirect("orgs:report-detail", report.pk)
    return render(request, "orgs/workflow/report_form.html", {"form": form, "report": report,
                                                              "org": report.organization})


@login_required
@require_POST
def report_action(request, pk: int, action: str):
    report = selectors.annual_report_get_for_user(user=request.user, pk=pk)
    done = redirect(safe_next(request, reverse("orgs:report-detail", args=[report.pk])))
    try:
        if action == "submit":
            services.annual_report_submit(actor=request.user, report=report)
            messages.success(request, _("Annual report submitted for review."))
        elif action == "return":
            form = ReportReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Please say what needs correcting."))
                return done
            services.annual_report_return(actor=request.user, report=report, note=form.cleaned_data["note"])
            messages.success(request, _("Annual report returned to the organization for correction."))
        else:
            form = ReportReviewForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose a conclusion."))
                return done
            services.annual_report_review(actor=request.user, report=report, **form.cleaned_data)
            messages.success(request, _("Annual report reviewed: %(conclusion)s.")
                             % {"conclusion": report.get_conclusion_display()})
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    return done


@login_required
@require_POST
def report_attachment(request, pk: int):
    report = selectors.annual_report_get_for_user(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_error_text(form))
    else:
        try:
            attachment = services.report_attachment_add(actor=request.user, report=report,
                                                        uploaded_file=form.cleaned_data["file"])
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Attachment “%(name)s” uploaded.") % {"name": attachment.name})
    return redirect(reverse("orgs:report-detail", args=[report.pk]) + "#attachments")


@login_required
def report_attachment_download(request, pk: int, attachment_pk: int):
    """Attachments are served only through the report's access check (never as public media)."""
    from django.http import FileResponse

    report = selectors.annual_report_get_for_user(user=request.user, pk=pk)
    attachment = report.attachments.filter(pk=attachment_pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


# --- evaluation grades -----------------------------------------------------------------------


def _parse_score(value) -> int | None:
    try:
        score = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return score if 0 <= score <= 1000 else None


def _band_rows(bands: dict[str, int]) -> list[dict]:
    """``[{grade, low, high}]`` from the lower bounds, best grade first."""
    rows, high = [], 1000
    for grade, low in sorted(bands.items(), key=lambda item: -item[1]):
        rows.append({"grade": grade, "low": low, "high": high})
        high = max(low - 1, 0)
    return rows


@login_required
def grade_award(request, org_pk: int):
    org = selectors.organization_get_for_user(user=request.user, pk=org_pk)
    require(permissions.can_award_grade(request.user, org))
    if request.method == "GET" and request.htmx and "score" in request.GET:
        score = _parse_score(request.GET.get("score"))
        grade = selectors.grade_for_score(tenant=request.tenant, score=score) if score is not None else None
        return render(request, "orgs/workflow/_grade_preview.html", {"grade": grade, "score": score})
    form = GradeAwardForm(request.POST or None)
    valid = request.method == "POST" and form.is_valid()
    on_date = (getattr(form, "cleaned_data", None) or {}).get("awarded_date") or timezone.localdate()
    if valid:
        try:
            grade = services.grade_award(actor=request.user, organization=org, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Grade %(grade)s awarded (score %(score)s), valid until %(date)s.")
                             % {"grade": grade.grade, "score": grade.score, "date": grade.expires_date.isoformat()})
            return redirect(organization_url(org) or reverse("orgs:grade-award", args=[org.pk]))
    preview_score = _parse_score(form["score"].value()) if form.is_bound else None
    return render(request, "orgs/workflow/grade_award.html", {
        "form": form, "org": org, "org_url": organization_url(org),
        "reasons": selectors.grade_eligibility(organization=org, on_date=on_date), "on_date": on_date,
        "bands": _band_rows(selectors.grade_bands(tenant=request.tenant)),
        "grades": list(org.grades.order_by("-awarded_date", "-id")[:10]),
        "preview_score": preview_score,
        "preview_grade": (selectors.grade_for_score(tenant=request.tenant, score=preview_score)
                          if preview_score is not None else None),
    })


# --- credit lists ----------------------------------------------------------------------------


@login_required
def credit_list(request):
    require(uses_registry(request.user))
    form = CreditFilterForm(request.GET or None)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    page = paginate(request, selectors.credit_record_list(user=request.user, filters=filters))
    for record in page.object_list:
        mark_credit_actions(request.user, record)
    return render(request, "orgs/workflow/credit_list.html", {
        "form": form, "page": page, "query": querystring_without_page(request),
        "today": timezone.localdate(), "next": request.get_full_path(),
        "subnav": subnav(request.user, "orgs:credit-list"),
    })


@login_required
def credit_add(request, org_pk: int):
    org = selectors.organization_get_for_user(user=request.user, pk=org_pk)
    require(permissions.can_manage_credit(request.user, org))
    if request.method == "GET" and request.htmx and "list_type" in request.GET:
        form = CreditAddForm(initial={"list_type": request.GET["list_type"]})
        return render(request, "orgs/workflow/_credit_reason.html", {"field": form["reason"]})
    initial = {"list_type": request.GET.get("list_type") or CreditList.ABNORMAL.value}
    form = CreditAddForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.credit_add(actor=request.user, organization=org, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(org)s was put on the %(list)s.")
                             % {"org": org.name, "list": record.get_list_type_display()})
            return redirect(organization_url(org) or reverse("orgs:credit-list"))
    return render(request, "orgs/workflow/credit_form.html", {"form": form, "org": org,
                                                              "org_url": organization_url(org)})


@login_required
def credit_remove(request, pk: int):
    record = selectors.credit_record_get_for_user(user=request.user, pk=pk)
    require(permissions.can_manage_credit(request.user, record.organization))
    form = CreditRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_remove(actor=request.user, record=record, removed_on=form.cleaned_data["removed_on"],
                                   reason=form.cleaned_data["reason"])
        except (ApplicationError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The entry was removed from the %(list)s.")
                             % {"list": record.get_list_type_display()})
            return redirect(reverse("orgs:credit-list"))
    return render(request, "orgs/workflow/credit_remove.html", {
        "form": form, "record": record, "org": record.organization, "org_url": organization_url(record.organization),
    })


@login_required
@require_POST
def credit_rectify(request, pk: int):
    record = selectors.credit_record_get_for_user(user=request.user, pk=pk)
    default = reverse("orgs:credit-list") if is_registry_staff(request.user) else reverse("orgs:portal")
    done = redirect(safe_next(request, default))
    form = CreditRectifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This step is not possible."))
        return done
    date = form.cleaned_data["date"]
    try:
        if form.cleaned_data["action"] == "apply":
            services.credit_apply_rectification(actor=request.user, record=record, applied_on=date)
            messages.success(request, _("Removal applied for. The office verifies the rectification; the entry is "
                                        "removed within 5 working days after verification."))
        else:
            services.credit_verify_rectification(actor=request.user, record=record, verified_on=date)
            messages.success(request, _("Rectification verified; the daily job removes the entry."))
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    return done


# --- change requests from the portal -----------------------------------------------------------


@login_required
def change_request_list(request):
    require(is_registry_staff(request.user))
    status, tabs = status_tabs(request, selectors.change_request_list(user=request.user), ChangeRequestStatus)
    queryset = selectors.change_request_list(user=request.user, status=status or None).order_by(
        Case(When(status=ChangeRequestStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "-requested_at", "-id",
    )
    page = paginate(request, queryset)
    for change_request in page.object_list:
        change_request.rows = change_rows(change_request)
        change_request.can_decide = (change_request.status == ChangeRequestStatus.PENDING
                                     and permissions.can_decide_change_request(request.user, change_request))
    return render(request, "orgs/workflow/change_request_list.html", {
        "page": page, "tabs": tabs, "status": status, "query": querystring_without_page(request),
        "next": request.get_full_path(), "key_fields": key_field_labels(),
        "subnav": subnav(request.user, "orgs:change-request-list"),
    })


@login_required
@require_POST
def change_request_decide(request, pk: int):
    change_request = selectors.change_request_get_for_user(user=request.user, pk=pk)
    default = reverse("orgs:change-request-list") if is_registry_staff(request.user) else reverse("orgs:portal")
    done = redirect(safe_next(request, default))
    form = ChangeRequestDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error_text(form))
        return done
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.change_request_decide(actor=request.user, change_request=change_request, approve=approve,
                                       note=form.cleaned_data["note"])
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        if approve:
            messages.success(request, _("Change approved: the data of %(org)s was updated.")
                             % {"org": change_request.organization.name})
        else:
            messages.success(request, _("Change rejected; the organization sees the reason."))
    return done
