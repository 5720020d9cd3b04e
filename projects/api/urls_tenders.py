"""Tender, bid, award, contract and portal API under /api/v1/projects/."""

from django.urls import path

from projects.api import ocds
from projects.api import tenders as v

urlpatterns = [
    path("projects/tenders/", v.TenderListView.as_view(), name="api-tender-list"),
    path("projects/tenders/<int:pk>/", v.TenderDetailView.as_view(), name="api-tender-detail"),
    path("projects/tenders/<int:pk>/award/", v.TenderAwardView.as_view(), name="api-tender-award"),
    path("projects/bids/", v.BidListView.as_view(), name="api-bid-list"),
    path("projects/bids/<int:pk>/", v.BidDetailView.as_view(), name="api-bid-detail"),
    path("projects/bids/<int:pk>/qualify/", v.BidQualifyView.as_view(), name="api-bid-qualify"),
    path("projects/bids/<int:pk>/evaluate/", v.BidEvaluateView.as_view(), name="api-bid-evaluate"),
    path("projects/awards/", v.AwardListView.as_view(), name="api-award-list"),
    path("projects/awards/<int:pk>/contract/", v.AwardContractView.as_view(), name="api-award-contract"),
    path("projects/contracts/", v.ContractListView.as_view(), name="api-contract-list"),
    path("projects/contracts/<int:pk>/", v.ContractDetailView.as_view(), name="api-contract-detail"),
    path("projects/contracts/<int:pk>/sign/", v.ContractSignView.as_view(), name="api-contract-sign"),
    path("projects/contracts/<int:pk>/ocds/", ocds.ContractOcdsReleaseView.as_view(), name="api-contract-ocds"),
    path("projects/contracts/<int:pk>/ocds/record/", ocds.ContractOcdsRecordView.as_view(),
         name="api-contract-ocds-record"),
    path("projects/risks/", v.RiskFlagListView.as_view(), name="api-risk-list"),
    path("projects/portal/calls/", v.PortalCallListView.as_view(), name="api-portal-call-list"),
    path("projects/portal/calls/<int:pk>/", v.PortalCallDetailView.as_view(), name="api-portal-call-detail"),
    path("projects/portal/bids/", v.PortalBidListView.as_view(), name="api-portal-bid-list"),
    path("projects/portal/bids/<int:pk>/", v.PortalBidDetailView.as_view(), name="api-portal-bid-detail"),
    path("projects/portal/bids/<int:pk>/withdraw/", v.PortalBidWithdrawView.as_view(),
         name="api-portal-bid-withdraw"),
    path("projects/portal/contracts/", v.PortalContractListView.as_view(), name="api-portal-contract-list"),
    path("projects/portal/contracts/<int:pk>/", v.PortalContractDetailView.as_view(),
         name="api-portal-contract-detail"),
]
