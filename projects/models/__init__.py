"""Purchased-service projects (政府购买服务项目), one module per entity. See DESIGN.md §4 "projects/", §6, §9.

Every model and choice class is re-exported here: callers write ``from projects.models import X``.
"""

from projects.models.applications import (
    Aggregation,
    Application,
    ApplicationAttachment,
    ApplicationCosigner,
    ApplicationStatus,
    BudgetCategory,
    BudgetLine,
    ConsultationOutcome,
    Direction,
    Indicator,
    IndicatorKind,
    ResidentConsultation,
)
from projects.models.contracts import (
    MAX_CONTINUOUS_TERM_MONTHS,
    MAX_TERM_MONTHS,
    Contract,
    ContractIndicator,
    ContractStatus,
    PaymentTranche,
    TrancheStatus,
    TrancheTrigger,
)
from projects.models.evaluations import (  # noqa: F401  (re-exported; evaluations)
    WEIGHT_FIELDS,
    Evaluation,
    EvaluationBand,
    EvaluationKind,
    EvaluationSettings,
    EvaluationStatus,
    ExpertScore,
)
from projects.models.experts import Expert, ExpertRelation, RelationKind
from projects.models.programs import (
    FundingProgram,
    ProgramKind,
    ProgramStatus,
    ReviewCriterion,
    ReviewTemplate,
)
from projects.models.ratings import (  # noqa: F401  (re-exported; resident satisfaction)
    DefaultRatingQuestion,
    RatingAnswer,
    RatingChannel,
    RatingCode,
    RatingLink,
    RatingQuestion,
    RatingResponse,
    RatingSurvey,
)
from projects.models.renewals import (  # noqa: F401  (re-exported; renewal reviews)
    ContractReminder,
    Recommendation,
    ReminderKind,
    RenewalReview,
    RenewalSettings,
    RenewalStatus,
)
from projects.models.reports import (  # noqa: F401  (re-exported; progress reports and payments)
    IndicatorActual,
    ProgressReport,
    ReportEvidence,
    ReportExpenditure,
    ReportKind,
    ReportSettings,
    ReportStatus,
    TranchePayment,
)
from projects.models.reviews import (
    AssignmentStatus,
    DrawPurpose,
    ReviewAssignment,
    ReviewDraw,
    ReviewScore,
)
from projects.models.tenders import (
    Award,
    AwardStatus,
    Bid,
    BidAttachment,
    BidEvaluation,
    BidStatus,
    Tender,
    TenderStatus,
)

__all__ = [
    "MAX_CONTINUOUS_TERM_MONTHS", "MAX_TERM_MONTHS", "Aggregation", "Application", "ApplicationAttachment",
    "ApplicationCosigner", "ApplicationStatus", "AssignmentStatus", "Award", "AwardStatus", "Bid",
    "BidAttachment", "BidEvaluation", "BidStatus", "BudgetCategory", "BudgetLine", "ConsultationOutcome",
    "Contract", "ContractIndicator", "ContractStatus", "Direction", "DrawPurpose", "Expert", "ExpertRelation",
    "FundingProgram", "Indicator", "IndicatorKind", "PaymentTranche", "ProgramKind", "ProgramStatus",
    "RelationKind", "ResidentConsultation", "ReviewAssignment", "ReviewCriterion", "ReviewDraw", "ReviewScore",
    "ReviewTemplate", "Tender", "TenderStatus", "TrancheStatus", "TrancheTrigger",
]
