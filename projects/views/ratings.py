"""Pages of resident satisfaction: the public rating page (short link, no account), and the staff pages of a
contract's survey (settings, QR code and A4 poster, one-time codes with a printable sheet and an export,
paper surveys, results per month or quarter) and of the tenant's default questions."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from governance.qr import qr_svg as core_qr_svg
from governance.request_context import client_ip
from governance.tenancy import tenant_context
from governance.views import paginate, querystring_without_page
from governance.web import error_text, service_errors
from projects import permissions_ratings as perms
from projects import selectors_ratings as selectors
from projects import selectors_tenders
from projects.forms_ratings import CodeBatchForm, DefaultQuestionsForm, PaperEntryForm, SurveySettingsForm
from projects.models.ratings import COMMENT_TEXT, RatingChannel
from projects.services import ratings as services
from projects.views.helpers import require

DEVICE_COOKIE = "rating_device"
DEVICE_SALT = "projects.ratings.device"
DEVICE_MAX_AGE = 365 * 86400
PRINT_LIMIT = 500


def public_url(request, survey) -> str:
    return request.build_absolute_uri(reverse("ratings:public", args=[survey.code]))


def qr_svg(url: str, *, scale: int = 6) -> str:
    return core_qr_svg(url, scale=scale, css_class="rating-qr")


# --- public ------------------------------------------------------------------------------------


def _device(request) -> str | None:
    return request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)


@require_http_methods(["GET", "POST"])
def public_rating(request, code):
    """The resident's page: no account; CSRF-protected form; a device cookie for the limits."""
    tenant = selectors.link_tenant(code)
    with tenant_context(tenant):
        survey = selectors.public_survey(code)
        questions = selectors.survey_questions(survey)
        error, status = None, 200
        values = {}
        if request.method == "POST":
            values = {str(q.pk): request.POST.get(f"q{q.pk}", "")[:2] for q in questions}
            # Bounded before the service sees it: the service refuses over-long comments with a message.
            comment = request.POST.get("comment", "")[:COMMENT_TEXT + 1]
            one_time = request.POST.get("code", "")[:20]
            with service_errors(request) as outcome:
                services.response_submit(survey=survey, answers=values, comment=comment, code=one_time,
                                         ip=client_ip(request), device=_device(request))
            if outcome.ok:
                return redirect("ratings:thanks", code=survey.code)
            error, status = outcome.error, 400
            # The message is on the page itself; drop the queued copy so it is not shown twice.
            list(messages.get_messages(request))
        context = {"survey": survey, "contract": survey.contract, "rows": [{"q": q, "selected": values.get(str(q.pk), "")} for q in questions], "code": request.POST.get("code", request.GET.get("c", ""))[:20],
                   "comment": request.POST.get("comment", "")[:COMMENT_TEXT], "comment_max": COMMENT_TEXT,
                   "error": error_text(error) if error is not None else ""}
        response = render(request, "projects/ratings/public.html", context, status=status)
    if _device(request) is None:
        response.set_signed_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), salt=DEVICE_SALT,
                                   max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax",
                                   secure=request.is_secure())
    return response


@require_GET
def public_thanks(request, code):
    tenant = selectors.link_tenant(code)
    with tenant_context(tenant):
        survey = selectors.public_survey(code)
        return render(request, "projects/ratings/thanks.html", {"survey": survey, "contract": survey.contract})


# --- staff -------------------------------------------------------------------------------------


@login_required
@require_GET
def survey_list(request):
    require(perms.can_view_ratings(request.user))
    filters = _survey_filters(request)
    page = paginate(request, selectors.survey_list(user=request.user, filters=filters))
    return render(request, "projects/ratings/survey_list.html", {
        "page": page, "filters": filters, "query": querystring_without_page(request),
        "can_edit_questions": perms.can_edit_default_questions(request.user)})


def _survey_filters(request) -> dict:
    return {"q": request.GET.get("q", "")[:100], "is_open": request.GET.get("is_open", "")}


@login_required
@require_GET
def survey_export(request):
    """The surveys of the list (same filters) with their response counts and mean stars, as an audited download."""
    from governance.imports.exporting import ExportColumn, export_filename, export_response

    require(perms.can_view_ratings(request.user))
    filters = _survey_filters(request)
    columns = [ExportColumn("协议编号", lambda s: s.contract.number, 18), ExportColumn("标题", lambda s: s.contract.title, 32),
               ExportColumn("服务方", lambda s: s.contract.organization.name, 28),
               ExportColumn("评价人次", "response_count", 10),
               ExportColumn("平均星级", lambda s: round(s.mean_stars, 2) if s.mean_stars is not None else None, 10),
               ExportColumn("最近评价", lambda s: s.last_rated.isoformat() if s.last_rated else "", 12),
               ExportColumn("状态", lambda s: "开放" if s.is_open else "已关闭", 8)]
    rows = selectors.survey_list(user=request.user, filters=filters).iterator(chunk_size=500)
    return export_response(actor=request.user, rows=rows, columns=columns,
                           filename=export_filename(_("Resident satisfaction")), action="rating.surveys_export",
                           filters=filters, sheet_title="居民满意度")


@login_required
@require_http_methods(["GET", "POST"])
def contract_ratings(request, contract_pk):
    """The contract's survey: open it, settings and questions, links, results per period."""
    contract = selectors_tenders.contract_get_for_user(user=request.user, pk=contract_pk)
    require(perms.can_view_survey_of(request.user, contract))
    survey = selectors.survey_of_contract(contract)
    can_manage = perms.can_manage_survey(request.user, contract)
    if survey is None:
        if request.method == "POST":
            require(can_manage)
            with service_errors(request) as outcome:
                services.survey_open(actor=request.user, contract=contract,
                                     allow_open_answers=request.POST.get("allow_open_answers") == "on")
            if outcome.ok:
                messages.success(request, _("The rating survey is open."))
            return redirect("ratings:contract", contract_pk=contract.pk)
        return render(request, "projects/ratings/contract.html", {"contract": contract, "survey": None,
                                                                  "can_manage": can_manage})
    questions = selectors.survey_questions(survey)
    form = SurveySettingsForm(request.POST or None, survey=survey, questions=questions)
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            with service_errors(request, form) as outcome:
                services.survey_update(actor=request.user, survey=survey, is_open=form.cleaned_data["is_open"],
                                       allow_open_answers=form.cleaned_data["allow_open_answers"],
                                       questions=form.cleaned_data["questions"])
            if outcome.ok:
                messages.success(request, _("Survey settings saved."))
                return redirect("ratings:contract", contract_pk=contract.pk)
    granularity = request.GET.get("by") if request.GET.get("by") in selectors.GRANULARITIES else "month"
    url = public_url(request, survey)
    return render(request, "projects/ratings/contract.html", {
        "contract": contract, "survey": survey, "questions": questions, "form": form, "can_manage": can_manage,
        "can_collect": perms.can_collect_ratings(request.user, contract), "public_url": url, "qr": qr_svg(url),
        "granularity": granularity, "periods": selectors.satisfaction_by_period(survey, granularity)})


def _survey(request, pk, predicate=perms.can_view_survey_of):
    survey = selectors.survey_get_for_user(user=request.user, pk=pk)
    require(predicate(request.user, survey.contract))
    return survey


@login_required
@require_GET
def survey_poster(request, pk):
    survey = _survey(request, pk, perms.can_collect_ratings)
    url = public_url(request, survey)
    return render(request, "projects/ratings/poster.html", {"survey": survey, "contract": survey.contract,
                                                            "public_url": url, "qr": qr_svg(url, scale=12)})


@login_required
@require_GET
def survey_qr(request, pk):
    survey = _survey(request, pk)
    response = HttpResponse(qr_svg(public_url(request, survey)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="rating-{survey.code}.svg"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def code_list(request, pk):
    survey = _survey(request, pk, perms.can_collect_ratings)
    form = CodeBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as outcome:
            rows = services.codes_generate(actor=request.user, survey=survey, count=form.cleaned_data["count"],
                                           label=form.cleaned_data["label"])
        if outcome.ok:
            messages.success(request, _("%(n)s one-time codes generated (batch %(batch)s).")
                             % {"n": len(rows), "batch": rows[0].batch})
            return redirect("ratings:codes", pk=survey.pk)
    filters = {"used": request.GET.get("used", ""), "batch": request.GET.get("batch", "")[:6]}
    return render(request, "projects/ratings/codes.html", {
        "survey": survey, "contract": survey.contract, "form": form, "filters": filters,
        "batches": selectors.code_batches(survey), "query": querystring_without_page(request),
        "page": paginate(request, selectors.code_list(survey=survey, filters=filters))})


@login_required
@require_GET
def code_print(request, pk):
    """A printable sheet of one batch: each code with its own QR code (the link carries the code)."""
    survey = _survey(request, pk, perms.can_collect_ratings)
    filters = {"batch": request.GET.get("batch", "")[:6], "used": "0"}
    url = public_url(request, survey)
    cards = [{"code": row.code, "label": row.label, "qr": qr_svg(f"{url}?c={row.code}", scale=3)}
             for row in selectors.code_list(survey=survey, filters=filters)[:PRINT_LIMIT]]
    return render(request, "projects/ratings/code_sheet.html", {"survey": survey, "contract": survey.contract,
                                                                "cards": cards, "public_url": url})


@login_required
@require_GET
def code_export(request, pk):
    from governance.imports.exporting import ExportColumn, export_filename, export_response

    survey = _survey(request, pk, perms.can_collect_ratings)
    filters = {"used": request.GET.get("used", ""), "batch": request.GET.get("batch", "")[:6]}
    url = public_url(request, survey)
    columns = [ExportColumn("批次", "batch", 8), ExportColumn("评价码", "code", 14),
               ExportColumn("服务场次/住户", "label", 24), ExportColumn("评价链接", lambda c: f"{url}?c={c.code}", 48),
               ExportColumn("已使用", lambda c: "是" if c.used_at else "否", 8)]
    return export_response(actor=request.user, rows=selectors.code_list(survey=survey, filters=filters).iterator(
        chunk_size=500), columns=columns, filename=export_filename(_("One-time rating codes")),
        action="rating.codes_export", filters={**filters, "survey": survey.pk}, sheet_title="评价码",
        object_repr=str(survey))


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request, pk):
    survey = _survey(request, pk, perms.can_collect_ratings)
    questions = selectors.survey_questions(survey)
    form = PaperEntryForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as outcome:
            services.paper_response_enter(actor=request.user, survey=survey, answers=form.answers(),
                                          comment=form.cleaned_data["comment"],
                                          rated_on=form.cleaned_data["rated_on"], code=form.cleaned_data["code"])
        if outcome.ok:
            messages.success(request, _("Paper survey entered."))
            return redirect("ratings:paper", pk=survey.pk)
    return render(request, "projects/ratings/paper.html", {
        "survey": survey, "contract": survey.contract, "form": form,
        "recent": selectors.recent_paper_entries(survey), "paper": RatingChannel.PAPER})


@login_required
@require_http_methods(["GET", "POST"])
def default_questions(request):
    require(perms.can_edit_default_questions(request.user))
    form = DefaultQuestionsForm(request.POST or None,
                                initial={"questions": "\n".join(services.default_question_texts())})
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as outcome:
            services.default_questions_set(actor=request.user, texts=form.cleaned_data["questions"])
        if outcome.ok:
            messages.success(request, _("Default questions saved; new surveys use them."))
            return redirect("ratings:questions")
    return render(request, "projects/ratings/questions.html", {"form": form})
