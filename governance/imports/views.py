"""Pages of every importer: upload, template, progress/result, error report, history.

Thin views: the importer's permission predicate decides who may open them (404 otherwise, as for every
page a user may not see), jobs are fetched through ``import_job_get_for_user`` (tenant, owner or tenant
administrator, importer permission), and files are streamed only after that check.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from governance.exceptions import ApplicationError
from governance.imports import selectors
from governance.imports.exporting import XLSX_CONTENT_TYPE, attachment_header
from governance.imports.forms import ImportForm
from governance.imports.importer import get_importer, importer_for_user_or_404
from governance.imports.services import import_job_create
from governance.imports.workbooks import build_template
from governance.views import paginate, querystring_without_page
from governance.web import SortKey, sort_queryset

HISTORY_PAGE_SIZE = 20


def _importer_context(importer) -> dict:
    return {
        "importer": importer,
        "back_url": reverse(importer.back_url) if importer.back_url else "",
        "max_rows": importer.max_rows,
        "max_mb": importer.max_upload_bytes // 1024 // 1024,
    }


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, key: str):
    importer = importer_for_user_or_404(key, request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(actor=request.user, tenant=request.tenant, importer=importer,
                                    uploaded_file=form.cleaned_data["file"])
        except ValidationError as exc:
            problems = exc.message_dict.get("file", exc.messages) if hasattr(exc, "error_dict") else exc.messages
            for message in problems:
                form.add_error("file", message)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.info(request, _("File uploaded."))
            return redirect("imports:status", pk=job.pk)
    recent = selectors.import_job_list(user=request.user, importer=importer.key)[:5]
    return render(request, "governance/imports/upload.html",
                  {**_importer_context(importer), "form": form, "recent": recent})


@login_required
@require_GET
def template(request, key: str):
    importer = importer_for_user_or_404(key, request.user)
    response = HttpResponse(build_template(importer), content_type=XLSX_CONTENT_TYPE)
    name = str(importer.template_filename or _("%(what)s import template") % {"what": importer.label})
    response["Content-Disposition"] = attachment_header(name + ".xlsx")
    return response


HISTORY_SORTS = {
    "uploaded": SortKey(gettext_lazy("Uploaded"), "created_at"),
    "file": SortKey(gettext_lazy("File"), "original_name"),
    "status": SortKey(gettext_lazy("Status"), "status"),
    "rows": SortKey(gettext_lazy("Rows"), "total_rows"),
    "imported": SortKey(gettext_lazy("Imported"), "imported_rows"),
    "problems": SortKey(gettext_lazy("Problems"), "error_count"),
}


@login_required
@require_GET
def history(request, key: str):
    importer = importer_for_user_or_404(key, request.user)
    queryset, sorting = sort_queryset(request, selectors.import_job_list(user=request.user, importer=importer.key),
                                      allowed=HISTORY_SORTS, default="-uploaded")
    page = paginate(request, queryset, per_page=HISTORY_PAGE_SIZE)
    return render(request, "governance/imports/history.html",
                  {**_importer_context(importer), "page": page, "sorting": sorting,
                   "query": querystring_without_page(request)})


def _status_context(job) -> dict:
    importer = get_importer(job.importer)
    rows_url = ""
    if importer.rows_url:
        rows_url = reverse(importer.rows_url) + (f"?{importer.rows_url_query}" if importer.rows_url_query else "")
    imported_message = importer.imported_message(job.imported_rows) if importer.imported_message else (
        _("%(n)d rows were imported.") % {"n": job.imported_rows})
    return {**_importer_context(importer), "job": job, "final": job.is_final, "rows_url": rows_url,
            "imported_message": imported_message}


@login_required
@require_GET
def job_status(request, pk: int):
    job = selectors.import_job_get_for_user(user=request.user, pk=pk)
    context = _status_context(job)
    if request.htmx and not request.htmx.boosted:
        return render(request, "governance/imports/_progress.html", context)
    return render(request, "governance/imports/status.html", context)


@login_required
@require_GET
def job_report(request, pk: int):
    job = selectors.import_job_get_for_user(user=request.user, pk=pk)
    if not job.error_report:
        raise Http404(_("Not found."))
    try:
        handle = job.error_report.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Not found.")) from exc
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    stem = (job.original_name or "import").rsplit(".", 1)[0]
    response["Content-Disposition"] = attachment_header(_("%(name)s error report") % {"name": stem} + ".xlsx")
    return response
