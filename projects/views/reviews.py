"""The expert's own pages: their assignments, scoring (blind until submitted) and recusal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.views import paginate, querystring_without_page
from governance.web import service_errors
from projects import permissions, selectors, selectors_attachments, services
from projects.forms import RecuseForm, RelationForm, ScoreForm
from projects.models import AssignmentStatus
from projects.views.helpers import require


@login_required
def assignment_list(request):
    require(permissions.is_expert(request.user))
    status = request.GET.get("status") or ""
    queryset = selectors.my_assignments(user=request.user, filters={"status": status})
    return render(request, "projects/assignment_list.html", {
        "page": paginate(request, queryset), "query": querystring_without_page(request), "status": status,
        "statuses": AssignmentStatus.choices})


@login_required
def assignment_detail(request, pk):
    assignment = selectors.my_assignment_get(user=request.user, pk=pk)
    application = assignment.application
    criteria = list(application.program.review_template.criteria.all())
    form = ScoreForm(request.POST or None, criteria=criteria, existing=selectors.assignment_scores(assignment),
                     initial={"comment": assignment.comment})
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        with service_errors(request, form) as outcome:
            services.scores_save(actor=request.user, assignment=assignment, scores=form.rows(),
                                 comment=form.cleaned_data["comment"], submit=submit)
        if outcome.ok:
            messages.success(request, _("Scores submitted.") if submit else _("Scores saved as a draft."))
            return redirect("projects:assignment-detail", assignment.pk)
    return render(request, "projects/assignment_detail.html", {
        "assignment": assignment, "a": application, "form": form, "recuse_form": RecuseForm(),
        "indicators": list(application.indicators.all()), "budget_lines": list(application.budget_lines.all()),
        "peers": selectors.peer_scores(assignment=assignment),
        "attachments": list(selectors_attachments.application_attachment_list(application=application))
        if assignment.status != AssignmentStatus.RECUSED else [],
        "editable": assignment.status == AssignmentStatus.PENDING})


@login_required
@require_POST
def assignment_recuse(request, pk):
    assignment = selectors.my_assignment_get(user=request.user, pk=pk)
    form = RecuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("projects:assignment-detail", pk)
    with service_errors(request) as outcome:
        services.assignment_recuse(actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
    if outcome.ok:
        messages.success(request, _("You recused yourself; a replacement expert was drawn."))
        return redirect("projects:assignment-list")
    return redirect("projects:assignment-detail", pk)


@login_required
def my_relations(request):
    """The expert declares their own relations with organizations (the draw excludes them for those)."""
    require(permissions.is_expert(request.user))
    expert = selectors.my_expert_profile(user=request.user)
    form = RelationForm(request.POST or None)
    if request.method == "POST":
        require(expert is not None)
        if form.is_valid():
            with service_errors(request, form) as outcome:
                services.relation_declare(actor=request.user, expert=expert, **form.cleaned_data)
            if outcome.ok:
                messages.success(request, _("Relation declared."))
                return redirect("projects:my-relations")
    return render(request, "projects/my_relations.html", {
        "expert": expert, "form": form,
        "page": paginate(request, selectors.my_relations(user=request.user).only(
            "id", "kind", "reason", "declared_on", "organization__name").prefetch_related(None))})


@login_required
@require_POST
def my_relation_delete(request, pk):
    relation = selectors.my_relation_get(user=request.user, pk=pk)
    with service_errors(request) as outcome:
        services.relation_withdraw(actor=request.user, relation=relation)
    if outcome.ok:
        messages.success(request, _("Relation removed."))
    return redirect("projects:my-relations")
