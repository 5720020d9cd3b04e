"""State machine of renewal reviews (governance.workflows): pending → renewed / renewed with conditions /
re-tendered / not continued, decided by the buyer's staff. A decision is final."""

from __future__ import annotations

from governance.workflows import Workflow
from projects.models.renewals import RenewalReview, RenewalStatus
from projects.permissions_renewals import can_decide_renewal

RENEWAL_WORKFLOW = Workflow(
    name="renewal",
    model=RenewalReview,
    transitions={RenewalStatus.PENDING: {
        RenewalStatus.RENEWED: can_decide_renewal,
        RenewalStatus.RENEWED_WITH_CONDITIONS: can_decide_renewal,
        RenewalStatus.RETENDERED: can_decide_renewal,
        RenewalStatus.NOT_CONTINUED: can_decide_renewal,
    }},
    note_required={RenewalStatus.RENEWED_WITH_CONDITIONS, RenewalStatus.NOT_CONTINUED},
)
