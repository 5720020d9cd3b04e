"""Audit actions of tenders, bids, awards and contracts (code → translated label)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TendersAudit(models.TextChoices):
    TENDER_OPEN = "tender.open", _("Open tender")
    TENDER_PLANNING = "tender.planning", _("Tender prepared")
    TENDER_ACTIVE = "tender.active", _("Tender open for bids")
    TENDER_COMPLETE = "tender.complete", _("Tender awarded")
    TENDER_UNSUCCESSFUL = "tender.unsuccessful", _("Tender unsuccessful")
    TENDER_CANCELLED = "tender.cancelled", _("Cancel tender")
    TENDER_EXPORT = "tender.export", _("Export tenders")
    BID_PENDING = "bid.pending", _("Submit bid")
    BID_UPDATE = "bid.update", _("Change bid")
    BID_VALID = "bid.valid", _("Bid found valid")
    BID_DISQUALIFIED = "bid.disqualified", _("Disqualify bid")
    BID_WITHDRAWN = "bid.withdrawn", _("Withdraw bid")
    BID_EVALUATE = "bid.evaluate", _("Evaluate bid")
    BID_EXPORT = "bid.export", _("Export bids")
    AWARD_PENDING = "award.pending", _("Award tender (standstill period)")
    AWARD_ACTIVE = "award.active", _("Award in force")
    AWARD_CANCELLED = "award.cancelled", _("Cancel award")
    AWARD_EXPORT = "award.export", _("Export awards")
    CONTRACT_CREATE = "contract.create", _("Draw up contract")
    CONTRACT_PENDING = "contract.pending", _("Contract drawn up")
    CONTRACT_ACTIVE = "contract.active", _("Sign contract")
    CONTRACT_CANCELLED = "contract.cancelled", _("Cancel contract")
    CONTRACT_TERMINATED = "contract.terminated", _("Contract completed")
    CONTRACT_TRANCHES = "contract.tranches", _("Change payment tranches")
    CONTRACT_EXPORT = "contract.export", _("Export contracts")
    CONTRACT_OCDS_EXPORT = "contract.ocds_export", _("Download contract as OCDS")
    RISK_EXPORT = "risk.export", _("Export risk flags")
    TRANCHE_PAID = "tranche.paid", _("Record tranche payment")
    TENDERS_SEED_DEMO = "tenders.seed_demo", _("Create demo tenders and contracts")
