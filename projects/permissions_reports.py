"""Permission predicates of progress reports and tranche releases: ``(user, obj=None) -> bool``.

The supplier organization's members fill in and submit its contracts' reports; the buyer's staff (who
manage the contract) review them and release tranches; whoever may see the contract reads its reports.
Predicates never look at a status: the workflow does.
"""

from __future__ import annotations

from orgs.permissions import is_member
from projects.permissions_tenders import can_manage_contract, can_view_contract


def can_view_report(user, report=None) -> bool:
    return report is not None and can_view_contract(user, report.contract)


def can_edit_report(user, report=None) -> bool:
    return report is not None and is_member(user, report.contract.organization)


def can_review_report(user, report=None) -> bool:
    return report is not None and can_manage_contract(user, report.contract)


def can_release_tranche(user, tranche=None) -> bool:
    return tranche is not None and can_manage_contract(user, tranche.contract)
