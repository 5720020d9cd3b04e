"""Social-organization registry (社会组织登记管理), one module per entity. See DESIGN.md §4 "orgs/" and §6.

Every model, choice class and constant is re-exported here: callers write ``from orgs.models import X``.
"""

from orgs.models.annual_reports import (
    AnnualReport,
    Conclusion,
    InspectionCampaign,
    ReportAttachment,
    ReportStatus,
)
from orgs.models.change_requests import ChangeRequestStatus, OrgChangeRequest
from orgs.models.credit import (
    ABNORMAL_REASONS,
    NO_RECTIFICATION_REASONS,
    SERIOUS_REASONS,
    CreditExitApplication,
    CreditExitStatus,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
)
from orgs.models.filings import Filing, FilingStatus
from orgs.models.grades import (
    DEFAULT_GRADE_BANDS,
    GRADE_VALIDITY_YEARS,
    EvaluationGrade,
    Grade,
    GradeBand,
    GradeStatus,
)
from orgs.models.numbering import FilingNumberCounter, RegistrySettings
from orgs.models.organizations import (
    KIND_USCC_TYPES,
    FundingSource,
    Organization,
    OrganizationDomain,
    OrgKind,
    OrgMembership,
    OrgStatus,
    PartyCoverage,
    ServiceDomain,
)
from orgs.models.performance import PerformanceBand, PerformanceKind, PerformanceRecord

__all__ = [
    "ABNORMAL_REASONS", "DEFAULT_GRADE_BANDS", "GRADE_VALIDITY_YEARS", "KIND_USCC_TYPES",
    "NO_RECTIFICATION_REASONS", "SERIOUS_REASONS", "AnnualReport", "ChangeRequestStatus", "Conclusion",
    "CreditExitApplication", "CreditExitStatus", "CreditList", "CreditReason", "CreditRecord", "CreditSource", "EvaluationGrade", "Filing", "FilingStatus",
    "FundingSource", "Grade", "GradeBand", "GradeStatus", "InspectionCampaign",
    "OrgChangeRequest", "OrgKind", "OrgMembership", "OrgStatus", "Organization", "OrganizationDomain",
    "PartyCoverage", "ReportAttachment", "ReportStatus", "ServiceDomain",
    "FilingNumberCounter", "RegistrySettings", "PerformanceBand", "PerformanceKind", "PerformanceRecord",
]
