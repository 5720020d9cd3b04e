"""Who projects notifies, and of what (governance.notifications); called inside the services' transactions.

* an application is submitted: street staff and tenant administrators over the program's region;
* it is decided (approved, returned, rejected): whoever created it;
* experts are drawn: each drawn expert with an account;
* every expert has submitted, or no replacement was left after a recusal: the program's staff.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.notifications import (
    Message,
    notify,
    notify_many,
    platform_language,
    register_notification_kind,
)
from governance.selectors import users_with_roles_over
from projects.models import ApplicationStatus
from projects.permissions import PROGRAM_ROLES

APPLICATION_TO_REVIEW = "projects.application_to_review"
APPLICATION_DECIDED = "projects.application_decided"
REVIEW_ASSIGNED = "projects.review_assigned"
REVIEW_COMPLETE = "projects.review_complete"


def register() -> None:
    register_notification_kind(APPLICATION_TO_REVIEW, gettext_lazy("An application awaits your review"), order=300)
    register_notification_kind(APPLICATION_DECIDED, gettext_lazy("Your application was decided"), order=301)
    register_notification_kind(REVIEW_ASSIGNED, gettext_lazy("You were drawn to review an application"), order=302)
    register_notification_kind(REVIEW_COMPLETE, gettext_lazy("The expert review of an application is complete"),
                               order=303)


def _url(application) -> str:
    return reverse("projects:application-detail", args=[application.pk])


def _program_staff(application):
    return users_with_roles_over(application.program.region, PROGRAM_ROLES).values_list("pk", flat=True)


def application_submitted(*, application, actor) -> None:
    with platform_language():
        title = _("Application %(number)s “%(title)s” awaits review") % {"number": application.number,
                                                                          "title": application.title}
        body = _("%(unit)s · %(program)s · %(amount)s yuan") % {
            "unit": application.region.name, "program": application.program.name,
            "amount": application.requested_amount}
    notify(recipients=_program_staff(application), kind=APPLICATION_TO_REVIEW, title=title, body=body,
           url=_url(application), obj=application, actor=actor)


def application_decided(*, application, actor) -> None:
    if application.created_by_id is None:
        return
    with platform_language():
        label = ApplicationStatus(application.status).label
        title = _("Application %(number)s: %(status)s") % {"number": application.number, "status": label}
        body = application.decision_reason
    notify(recipients=[application.created_by_id], kind=APPLICATION_DECIDED, title=title, body=body,
           url=_url(application), obj=application, actor=actor)


def experts_assigned(*, application, assignments, actor) -> None:
    from projects.models import Expert

    users = dict(Expert.objects.filter(pk__in=[a.expert_id for a in assignments], user__isnull=False)
                 .values_list("pk", "user_id"))
    with platform_language():
        title = _("You were drawn to review “%(title)s”") % {"title": application.title}
        body = _("Please score it, or declare a recusal if you have a conflict of interest.")
    notify_many([Message(recipients=[users[a.expert_id]], kind=REVIEW_ASSIGNED, title=title, body=body,
                         url=reverse("projects:assignment-detail", args=[a.pk]), obj=a)
                 for a in assignments if a.expert_id in users], actor=actor)


def review_complete(*, application, actor) -> None:
    with platform_language():
        title = _("Expert review of %(number)s is complete: %(score)s points") % {
            "number": application.number, "score": application.final_score}
        body = _("The experts disagree by %(spread)s points.") % {"spread": application.score_spread} \
            if application.spread_flagged else ""
    notify(recipients=_program_staff(application), kind=REVIEW_COMPLETE, title=title, body=body,
           url=_url(application), obj=application, actor=actor)


def redraw_failed(*, application, actor) -> None:
    with platform_language():
        title = _("No replacement expert is left for %(number)s") % {"number": application.number}
        body = _("An expert recused and every remaining expert has a conflict or is already drawn.")
    notify(recipients=_program_staff(application), kind=REVIEW_COMPLETE, title=title, body=body,
           url=_url(application), obj=application, actor=actor)
