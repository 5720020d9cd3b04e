"""Pages of tenders, bids, awards, contracts, risk flags and the organization portal (namespace ``projects``)."""

from django.urls import path

from projects.views import contracts, ocds, portal, tenders

urlpatterns = [
    path("tenders/", tenders.tender_list, name="tender-list"),
    path("tenders/export/", tenders.tender_export, name="tender-export"),
    path("applications/<int:application_pk>/tender/", tenders.tender_create, name="tender-create"),
    path("tenders/<int:pk>/", tenders.tender_detail, name="tender-detail"),
    path("tenders/<int:pk>/bids/<int:bid_pk>/qualify/", tenders.bid_qualify, name="bid-qualify"),
    path("tenders/<int:pk>/bids/<int:bid_pk>/evaluate/", tenders.bid_evaluate, name="bid-evaluate"),
    path("tenders/<int:pk>/award/", tenders.tender_award, name="tender-award"),
    path("tenders/<int:pk>/close/", tenders.tender_close, name="tender-close"),
    path("bids/<int:pk>/attachments/<int:attachment_pk>/", tenders.bid_attachment, name="bid-attachment"),
    path("bids/", tenders.bid_list, name="bid-list"),
    path("bids/export/", tenders.bid_export, name="bid-export"),
    path("awards/", tenders.award_list, name="award-list"),
    path("awards/export/", tenders.award_export, name="award-export"),
    path("awards/<int:pk>/cancel/", tenders.award_cancel, name="award-cancel"),
    path("awards/<int:award_pk>/contract/", contracts.contract_create, name="contract-create"),
    path("risks/", tenders.risk_list, name="risk-list"),
    path("contracts/", contracts.contract_list, name="contract-list"),
    path("contracts/export/", contracts.contract_export, name="contract-export"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/sign/", contracts.contract_sign, name="contract-sign"),
    path("contracts/<int:pk>/tranches/", contracts.contract_tranches, name="contract-tranches"),
    path("contracts/<int:pk>/tranches/<int:tranche_pk>/pay/", contracts.tranche_pay, name="tranche-pay"),
    path("contracts/<int:pk>/close/", contracts.contract_close, name="contract-close"),
    path("contracts/<int:pk>/ocds/", ocds.contract_ocds, name="contract-ocds"),
    path("contracts/<int:pk>/ocds/record/", ocds.contract_ocds, {"kind": "record"}, name="contract-ocds-record"),
    path("portal/calls/", portal.portal_calls, name="portal-calls"),
    path("portal/calls/<int:pk>/", portal.portal_call, name="portal-call"),
    path("portal/calls/<int:pk>/bid/<int:org_pk>/", portal.portal_bid_create, name="portal-bid-create"),
    path("portal/bids/", portal.portal_bids, name="portal-bids"),
    path("portal/bids/<int:pk>/", portal.portal_bid, name="portal-bid"),
    path("portal/bids/<int:pk>/edit/", portal.portal_bid_edit, name="portal-bid-edit"),
    path("portal/bids/<int:pk>/attachments/<int:attachment_pk>/", portal.portal_bid_attachment,
         name="portal-bid-attachment"),
    path("portal/bids/<int:pk>/withdraw/", portal.portal_bid_withdraw, name="portal-bid-withdraw"),
    path("portal/contracts/", portal.portal_contracts, name="portal-contracts"),
    path("portal/contracts/<int:pk>/", portal.portal_contract, name="portal-contract"),
]
