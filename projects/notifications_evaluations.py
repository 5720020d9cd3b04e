"""Who evaluation steps notify (governance.notifications).

* an evaluation is published: the supplier organization's members, with the score and band (the buyer's
  staff see evaluations awaiting publication in their 待办, not as notifications: the daily run would
  otherwise notify for every recomputation).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.notifications import notify, platform_language, register_notification_kind
from orgs.notifications import members_of

EVALUATION_PUBLISHED = "projects.evaluation_published"


def register() -> None:
    register_notification_kind(EVALUATION_PUBLISHED, gettext_lazy("An evaluation of your contract was published"),
                               order=340)


def evaluation_published(*, evaluation, actor) -> None:
    contract = evaluation.contract
    with platform_language():
        title = _("%(kind)s of contract %(number)s: %(score)s points, %(band)s") % {
            "kind": evaluation.get_kind_display(), "number": contract.number, "score": evaluation.score,
            "band": evaluation.get_band_display()}
    notify(recipients=members_of([contract.organization_id]).get(contract.organization_id, []),
           kind=EVALUATION_PUBLISHED, title=title,
           url=reverse("projects:portal-evaluation", args=[evaluation.pk]), obj=evaluation, actor=actor)
