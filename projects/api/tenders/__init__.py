"""API of tenders, bids, evaluations and awards, contracts (staff), and the organization portal's calls, bids and
contracts; one module per entity.

Explicit serializers (OCDS-like names), fast lists (``.values()`` rows), thin views over
``projects.selectors_tenders`` and ``projects.services.tenders`` / ``contracts``.
"""

from projects.api.tenders.awards import (
    AwardListView,
    BidEvaluateView,
    TenderAwardView,
)
from projects.api.tenders.bids import (
    BidDetailView,
    BidListView,
    BidQualifyView,
)
from projects.api.tenders.contracts import (
    AwardContractView,
    ContractDetailView,
    ContractListView,
    ContractSignView,
)
from projects.api.tenders.portal import (
    PortalBidDetailView,
    PortalBidListView,
    PortalBidWithdrawView,
    PortalCallDetailView,
    PortalCallListView,
    PortalContractDetailView,
    PortalContractListView,
)
from projects.api.tenders.risks import RiskFlagListView
from projects.api.tenders.tenders import (
    TenderDetailView,
    TenderListView,
)

__all__ = [
    "TenderListView",
    "TenderDetailView",
    "BidListView",
    "BidDetailView",
    "BidQualifyView",
    "TenderAwardView",
    "BidEvaluateView",
    "AwardListView",
    "AwardContractView",
    "ContractListView",
    "ContractDetailView",
    "ContractSignView",
    "PortalCallListView",
    "PortalCallDetailView",
    "PortalBidListView",
    "PortalBidDetailView",
    "PortalBidWithdrawView",
    "PortalContractListView",
    "PortalContractDetailView",
    "RiskFlagListView",
]
