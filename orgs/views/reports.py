"""Annual report pages (年报): list, detail, filling in, workflow steps and attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.exceptions import ApplicationError
from governance.response_cache import cached_page
from governance.views import paginate, querystring_without_page
from governance.web import SortKey
from orgs import permissions, selectors, services
from orgs.audit import OrgsAudit
from orgs.exporting import EXPORT_CHUNK, REPORT_COLUMNS, list_export
from orgs.forms.lists import ReportListForm
from orgs.forms.workflow import (
    REPORT_FINANCE_FIELDS,
    AnnualReportForm,
    AttachmentForm,
    ReportReturnForm,
    ReportReviewForm,
)
from orgs.models import AnnualReport, ReportStatus
from orgs.views.helpers import (
    error_text,
    filtered_sorted,
    form_error_text,
    history,
    is_registry_staff,
    mark_report,
    organization_sort,
    organization_url,
    require,
    safe_next,
    service_errors,
    subnav,
    uses_registry,
)
from orgs.workflows import REPORT_WORKFLOW

REPORT_SORTS = {
    "organization": organization_sort(gettext_lazy("Organization")),
    "year": SortKey(gettext_lazy("Year"), "year"),
    "region": SortKey(gettext_lazy("Region"), "organization__region__path"),
    "due": SortKey(gettext_lazy("Due date"), "due_date"),
    "status": SortKey(gettext_lazy("Status"), "status"),
    "submitted": SortKey(gettext_lazy("Submitted"), "submitted_at"),
}


def _reports(request):
    """The list's form, filters and the filtered, sorted reports (the page and its export)."""
    return filtered_sorted(request, ReportListForm, selectors.annual_report_list, sorts=REPORT_SORTS, default="-year")


@login_required
@cached_page
def report_list(request):
    require(uses_registry(request.user))
    form, _filters, queryset, sorting = _reports(request)
    page = paginate(request, queryset)
    today = timezone.localdate()
    for report in page.object_list:
        report.is_overdue = report.due_date < today and report.status in (ReportStatus.OPEN, ReportStatus.RETURNED)
    return render(request, "orgs/workflow/report_list.html", {
        "form": form, "page": page, "query": querystring_without_page(request), "sorting": sorting,
        "subnav": subnav(request.user, "orgs:report-list"),
    })


@login_required
@require_GET
def report_export(request):
    """Every report of the filtered, sorted list as an Excel workbook, audited."""
    require(uses_registry(request.user))
    _form, filters, queryset, _sorting = _reports(request)
    return list_export(request, rows=queryset.iterator(chunk_size=EXPORT_CHUNK), columns=REPORT_COLUMNS,
                       title="年度报告", action=OrgsAudit.ANNUAL_REPORT_EXPORT, filters=filters,
                       object_repr=_("Annual report list export"))


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
        with service_errors(request, form) as outcome:
            services.annual_report_save(actor=request.user, report=report, **form.cleaned_data)
        if outcome.ok:
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
    with service_errors(request):
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
    return done


@login_required
@require_POST
def report_attachment(request, pk: int):
    report = selectors.annual_report_get_for_user(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
    else:
        with service_errors(request) as outcome:
            attachment = services.report_attachment_add(actor=request.user, report=report,
                                                        uploaded_file=form.cleaned_data["file"])
        if outcome.ok:
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
