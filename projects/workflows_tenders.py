"""State machines of tenders, bids, awards and contracts, in OCDS 1.1 statuses (governance.workflows).

Tender: active (open for bids) → complete (awarded) / unsuccessful (no acceptable bid) / cancelled.
Bid: pending → valid / disqualified (the buyer, after the bid window) ; pending/valid → withdrawn (the bidder).
Award: pending (standstill period, 公示期) → active (the contract is drawn up) / cancelled.
Contract: pending (drawn up) → active (signed) → terminated (completed) ; pending → cancelled.
"""

from __future__ import annotations

from governance.workflows import Workflow
from projects.models import Award, AwardStatus, Bid, BidStatus, Contract, ContractStatus, Tender, TenderStatus
from projects.permissions_tenders import (
    can_decide_bid,
    can_manage_award,
    can_manage_contract,
    can_manage_tender,
    can_withdraw_bid,
)

TENDER_WORKFLOW = Workflow(
    name="tender",
    model=Tender,
    transitions={
        TenderStatus.PLANNING: {TenderStatus.ACTIVE: can_manage_tender, TenderStatus.CANCELLED: can_manage_tender},
        TenderStatus.ACTIVE: {
            TenderStatus.COMPLETE: can_manage_tender,
            TenderStatus.UNSUCCESSFUL: can_manage_tender,
            TenderStatus.CANCELLED: can_manage_tender,
        },
        # An award cancelled during the standstill period reopens the evaluation.
        TenderStatus.COMPLETE: {TenderStatus.ACTIVE: can_manage_tender},
    },
    note_required={TenderStatus.UNSUCCESSFUL, TenderStatus.CANCELLED},
)

BID_WORKFLOW = Workflow(
    name="bid",
    model=Bid,
    transitions={
        BidStatus.PENDING: {
            BidStatus.VALID: can_decide_bid,
            BidStatus.DISQUALIFIED: can_decide_bid,
            BidStatus.WITHDRAWN: can_withdraw_bid,
        },
        BidStatus.VALID: {BidStatus.DISQUALIFIED: can_decide_bid, BidStatus.WITHDRAWN: can_withdraw_bid},
    },
    note_required={BidStatus.DISQUALIFIED},
)

AWARD_WORKFLOW = Workflow(
    name="award",
    model=Award,
    transitions={
        AwardStatus.PENDING: {AwardStatus.ACTIVE: can_manage_award, AwardStatus.CANCELLED: can_manage_award},
    },
    note_required={AwardStatus.CANCELLED},
)

CONTRACT_WORKFLOW = Workflow(
    name="contract",
    model=Contract,
    transitions={
        ContractStatus.PENDING: {ContractStatus.ACTIVE: can_manage_contract,
                                 ContractStatus.CANCELLED: can_manage_contract},
        ContractStatus.ACTIVE: {ContractStatus.TERMINATED: can_manage_contract},
    },
    note_required={ContractStatus.CANCELLED},
)
