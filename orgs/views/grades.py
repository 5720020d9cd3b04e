"""Evaluation grade pages (等级评估): awarding a grade with a live preview of the band."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs import permissions, selectors, services
from orgs.forms.workflow import GradeAwardForm
from orgs.views.helpers import organization_url, require, service_errors


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
        with service_errors(request, form) as outcome:
            grade = services.grade_award(actor=request.user, organization=org, **form.cleaned_data)
        if outcome.ok:
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
