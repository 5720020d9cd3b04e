"""Social-organization registry (社会组织登记管理). See DESIGN.md §4 "orgs/" and §6."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.tenancy import TenantOwnedModel


class OrgKind(models.TextChoices):
    """Kind of organization and the USCC type character (GB 32100-2015, authority 5 = civil affairs)."""

    ASSOCIATION = "association", _("Social association")  # 社会团体, type 1
    SERVICE_INSTITUTION = "service_institution", _("Social service institution")  # 民办非企业单位, type 2
    FOUNDATION = "foundation", _("Foundation")  # 基金会, type 3
    COMMUNITY_GROUP = "community_group", _("Filed community group")  # 社区社会组织 (备案), type 9 if coded


# USCC position-2 type characters allowed for each kind when the authority is 5 (civil affairs).
KIND_USCC_TYPES = {
    OrgKind.ASSOCIATION: {"1"},
    OrgKind.SERVICE_INSTITUTION: {"2"},
    OrgKind.FOUNDATION: {"3"},
    OrgKind.COMMUNITY_GROUP: {"9"},
}


class OrgStatus(models.TextChoices):
    PENDING = "pending", _("Filing under review")  # 备案审核中
    ACTIVE = "active", _("Active")  # 正常
    SUSPENDED = "suspended", _("Suspended")  # 停止活动
    DEREGISTERED = "deregistered", _("Deregistered")  # 注销
    REVOKED = "revoked", _("Revoked")  # 撤销登记
    REJECTED = "rejected", _("Filing rejected")  # 备案未通过


class ServiceDomain(models.TextChoices):
    ELDERLY = "elderly", _("Elderly care")  # 为老服务
    CHILDREN = "children", _("Children and youth")  # 儿童青少年
    DISABILITY = "disability", _("Disability support")  # 助残
    POVERTY = "poverty", _("Poverty relief")  # 帮困救助
    CULTURE_SPORTS = "culture_sports", _("Culture and sports")  # 文体
    LEGAL = "legal", _("Legal aid and mediation")  # 法律援助与调解
    ENVIRONMENT = "environment", _("Environment")  # 环保
    COMMUNITY = "community", _("Community affairs")  # 社区事务
    HEALTH = "health", _("Health")  # 卫生健康
    EDUCATION = "education", _("Education")  # 教育
    WOMEN_FAMILY = "women_family", _("Women and family")  # 妇女家庭
    VOLUNTEERING = "volunteering", _("Volunteering")  # 志愿服务
    OTHER = "other", _("Other")  # 其他


class FundingSource(models.TextChoices):
    GOVERNMENT = "government", _("Government purchase")  # 政府购买
    DONATIONS = "donations", _("Donations")  # 捐赠
    DUES = "dues", _("Membership dues")  # 会费
    SERVICES = "services", _("Service income")  # 服务收入
    OTHER = "other", _("Other")


class PartyCoverage(models.TextChoices):
    """Written by the party app through ``orgs.services.organization_set_party_coverage``."""

    UNKNOWN = "", _("Not recorded")
    OWN_BRANCH = "own_branch", _("Own Party branch")  # 单独建立
    JOINT_BRANCH = "joint_branch", _("Joint Party branch")  # 联合建立
    INSTRUCTOR = "instructor", _("Party-building instructor only")  # 党建指导员
    NONE = "none", _("Not covered")  # 未覆盖


class Organization(TenantOwnedModel):
    """A social organization in the registry (社会组织)."""

    region = models.ForeignKey("governance.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, null=True, blank=True,
                            help_text=_("18 characters, GB 32100-2015."))
    filing_number = models.CharField(_("filing number"), max_length=40, blank=True,
                                     help_text=_("For filed community groups without a credit code."))
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    established_date = models.DateField(_("established"), null=True, blank=True)
    registered_date = models.DateField(_("registered or filed"), null=True, blank=True,
                                       help_text=_("Date of registration or filing; grade eligibility counts from it."))
    supervising_unit = models.CharField(_("supervising unit"), max_length=200, blank=True)  # 业务主管单位
    status = models.CharField(_("status"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    staff_fulltime = models.PositiveIntegerField(_("full-time staff"), default=0)
    staff_social_workers = models.PositiveIntegerField(_("licensed social workers"), default=0)  # 持证社工
    retired_cadre_leaders = models.PositiveIntegerField(_("retired cadres as leaders"), default=0)  # 退休干部任职
    volunteers = models.PositiveIntegerField(_("volunteers"), default=0)
    funding_sources = models.JSONField(_("funding sources"), default=list, blank=True,
                                       help_text=_("Codes of FundingSource."))
    party_coverage = models.CharField(_("Party coverage"), max_length=16, choices=PartyCoverage.choices,
                                      blank=True, default=PartyCoverage.UNKNOWN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")
        ordering = ["name", "id"]
        constraints = [
            # The credit code is unique on the whole platform (a national identifier).
            models.UniqueConstraint(fields=["uscc"], condition=Q(uscc__isnull=False), name="org_unique_uscc"),
            models.UniqueConstraint(fields=["tenant", "filing_number"], condition=~Q(filing_number=""),
                                    name="org_unique_filing_number"),
        ]
        indexes = [
            models.Index(fields=["tenant", "region"], name="org_tenant_region_idx"),
            models.Index(fields=["tenant", "status", "kind"], name="org_tenant_status_kind_idx"),
            models.Index(fields=["tenant", "name"], name="org_tenant_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # The admin and every service share the GB 32100 / kind rules (orgs.validation).
        from django.core.exceptions import ValidationError

        from orgs.validation import identity_errors

        if self.uscc:
            self.uscc = self.uscc.strip().upper()
        errors = identity_errors(kind=self.kind, uscc=self.uscc, filing_number=self.filing_number,
                                 status=self.status)
        if errors:
            raise ValidationError(errors)

    @property
    def code(self) -> str:
        return self.uscc or self.filing_number


class OrganizationDomain(TenantOwnedModel):
    """Service domain of an organization (服务领域); one row per domain, so lists filter by it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("service domain"), max_length=32, choices=ServiceDomain.choices)

    class Meta:
        verbose_name = _("service domain")
        verbose_name_plural = _("service domains")
        constraints = [models.UniqueConstraint(fields=["organization", "domain"], name="org_domain_unique")]
        indexes = [models.Index(fields=["tenant", "domain"], name="org_domain_tenant_idx")]

    def __str__(self) -> str:
        return self.get_domain_display()

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region


class OrgMembership(TenantOwnedModel):
    """Links an organization user (role org_user) to the organization they act for in the portal."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="org_memberships")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="memberships")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization user")
        verbose_name_plural = _("organization users")
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="org_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region


class FilingStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting community review")  # 待社区审核
    COMMUNITY_APPROVED = "community_approved", _("Community approved, awaiting street approval")  # 待街道审批
    FILED = "filed", _("Filed")  # 已备案
    REJECTED = "rejected", _("Rejected")  # 已驳回


class Filing(TenantOwnedModel):
    """Filing application of a community group (社区社会组织备案)."""

    organization = models.OneToOneField(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                        related_name="filing")
    status = models.CharField(_("status"), max_length=24, choices=FilingStatus.choices,
                              default=FilingStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["tenant", "status"], name="filing_tenant_status_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_status_display()}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region


class InspectionCampaign(TenantOwnedModel):
    """Yearly annual-report campaign (年检/年报工作): opens a report for every active organization."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    due_date = models.DateField(_("due date"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("annual report campaign")
        verbose_name_plural = _("annual report campaigns")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="campaign_unique_year")]

    def __str__(self) -> str:
        return str(self.year)


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open, not submitted")  # 待填报
    SUBMITTED = "submitted", _("Submitted, awaiting review")  # 待审核
    RETURNED = "returned", _("Returned for correction")  # 退回修改
    REVIEWED = "reviewed", _("Reviewed")  # 已审核


class Conclusion(models.TextChoices):
    QUALIFIED = "qualified", _("Qualified")  # 合格
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")  # 基本合格
    UNQUALIFIED = "unqualified", _("Unqualified")  # 不合格


class AnnualReport(TenantOwnedModel):
    """Annual inspection / annual report of one organization for one year (年检/年报)."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="annual_reports")
    campaign = models.ForeignKey(InspectionCampaign, verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    income_government = models.DecimalField(_("income from government purchase"), max_digits=14, decimal_places=2,
                                            default=0, validators=[MinValueValidator(0)])
    income_donations = models.DecimalField(_("income from donations"), max_digits=14, decimal_places=2, default=0,
                                           validators=[MinValueValidator(0)])
    income_dues = models.DecimalField(_("income from dues"), max_digits=14, decimal_places=2, default=0,
                                      validators=[MinValueValidator(0)])
    income_services = models.DecimalField(_("income from services"), max_digits=14, decimal_places=2, default=0,
                                          validators=[MinValueValidator(0)])
    income_other = models.DecimalField(_("other income"), max_digits=14, decimal_places=2, default=0,
                                       validators=[MinValueValidator(0)])
    spending = models.DecimalField(_("spending"), max_digits=14, decimal_places=2, default=0,
                                   validators=[MinValueValidator(0)])
    net_assets = models.DecimalField(_("net assets"), max_digits=14, decimal_places=2, default=0)
    activities_summary = models.TextField(_("activities summary"), blank=True)
    party_building_report = models.TextField(_("Party-building report"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=24, choices=Conclusion.choices, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "organization__name"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="report_unique_org_year")]
        indexes = [models.Index(fields=["tenant", "status", "due_date"], name="report_tenant_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.year}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region

    @property
    def total_income(self):
        return (self.income_government + self.income_donations + self.income_dues + self.income_services
                + self.income_other)


class ReportAttachment(TenantOwnedModel):
    report = models.ForeignKey(AnnualReport, verbose_name=_("annual report"), on_delete=models.CASCADE,
                               related_name="attachments")
    file = models.FileField(_("file"), upload_to="orgs/reports/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.report.organization.region


class Grade(models.TextChoices):
    A5 = "5A", "5A"
    A4 = "4A", "4A"
    A3 = "3A", "3A"
    A2 = "2A", "2A"
    A1 = "1A", "1A"


GRADE_VALIDITY_YEARS = 5
DEFAULT_GRADE_BANDS = {"5A": 900, "4A": 800, "3A": 700, "2A": 600, "1A": 0}


class GradeBand(TenantOwnedModel):
    """Tenant-configured lower bound of each grade on the 1,000-point scale (等级评估分数段)."""

    grade = models.CharField(_("grade"), max_length=2, choices=Grade.choices)
    min_score = models.PositiveSmallIntegerField(_("minimum score"), validators=[MaxValueValidator(1000)])

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["-min_score"]
        constraints = [models.UniqueConstraint(fields=["tenant", "grade"], name="grade_band_unique")]

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class GradeStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", pgettext_lazy("grade status", "Revoked")


class EvaluationGrade(TenantOwnedModel):
    """Evaluation grade 5A..1A (等级评估), valid 5 years."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="grades")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(1000)])
    grade = models.CharField(_("grade"), max_length=2, choices=Grade.choices)
    awarded_date = models.DateField(_("awarded"))
    expires_date = models.DateField(_("expires"))
    status = models.CharField(_("status"), max_length=16, choices=GradeStatus.choices, default=GradeStatus.VALID)
    expiry_flagged_on = models.DateField(_("expiry flagged on"), null=True, blank=True,
                                         help_text=_("Set by the daily job when the grade is about to expire."))
    note = models.TextField(_("note"), blank=True)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("awarded by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("evaluation grade")
        verbose_name_plural = _("evaluation grades")
        ordering = ["-awarded_date", "-id"]
        indexes = [models.Index(fields=["tenant", "status", "expires_date"], name="grade_tenant_status_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.grade} ({self.awarded_date:%Y})"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region

    @staticmethod
    def expiry_for(awarded: datetime.date) -> datetime.date:
        try:
            return awarded.replace(year=awarded.year + GRADE_VALIDITY_YEARS)
        except ValueError:  # 29 February
            return awarded.replace(year=awarded.year + GRADE_VALIDITY_YEARS, day=28)


class CreditList(models.TextChoices):
    ABNORMAL = "abnormal", _("Abnormal activities list")  # 活动异常名录
    SERIOUS = "serious", _("Serious dishonesty list")  # 严重违法失信名单


class CreditReason(models.TextChoices):
    """Entry reasons of MCA Order 60 (2018), DESIGN.md §6."""

    # abnormal-activities list
    ANNUAL_REPORT_OVERDUE = "annual_report_overdue", _("Annual report not filed as required")
    PARTY_ORG_NOT_SET = "party_org_not_set", _("Party organization not set up as required")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification not completed on time")
    UNREACHABLE = "unreachable", _("Unreachable at the registered address")
    WARNING_OR_SMALL_FINE = "warning_small_fine", _("Warning or fine under ¥50,000")
    # serious-dishonesty list
    ABNORMAL_TWO_YEARS = "abnormal_two_years", _("Two full years on the abnormal list")
    FRAUD_REVOKED = "fraud_revoked", _("Registration change obtained by fraud and revoked")
    SUSPENSION_ORDERED = "suspension_ordered", _("Ordered to suspend activities")
    LARGE_FINE = "large_fine", _("Fine of ¥50,000 or more")
    REPEATED_PENALTIES = "repeated_penalties", _("Two or more warnings or small fines within 3 years")
    COURT_DEFAULTER = "court_defaulter", _("Listed by a court as a defaulter")
    REGISTRATION_REVOKED = "registration_revoked", _("Registration revoked")


ABNORMAL_REASONS = frozenset({
    CreditReason.ANNUAL_REPORT_OVERDUE, CreditReason.PARTY_ORG_NOT_SET, CreditReason.RECTIFICATION_OVERDUE,
    CreditReason.UNREACHABLE, CreditReason.WARNING_OR_SMALL_FINE,
})
SERIOUS_REASONS = frozenset(set(CreditReason.values) - {r.value for r in ABNORMAL_REASONS})
# Abnormal reasons that need no rectification: removed 6 months after the latest listing.
NO_RECTIFICATION_REASONS = frozenset({CreditReason.WARNING_OR_SMALL_FINE})


class CreditSource(models.TextChoices):
    AUTOMATIC = "auto", _("Daily rules job")
    MANUAL = "manual", _("Entered by staff")


class CreditRecord(TenantOwnedModel):
    """An entry on a credit list (信用记录); active while ``removed_on`` is empty."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="credit_records")
    list_type = models.CharField(_("list"), max_length=16, choices=CreditList.choices)
    reason = models.CharField(_("reason"), max_length=32, choices=CreditReason.choices)
    source = models.CharField(_("source"), max_length=8, choices=CreditSource.choices, default=CreditSource.MANUAL)
    listed_on = models.DateField(_("listed on"))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)  # 决定书文号
    note = models.TextField(_("note"), blank=True)
    annual_report = models.ForeignKey(AnnualReport, verbose_name=_("annual report"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="credit_records")
    rectification_applied_on = models.DateField(_("rectification applied on"), null=True, blank=True)
    rectification_verified_on = models.DateField(_("rectification verified on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.TextField(_("removal reason"), blank=True)
    moved_to = models.ForeignKey("self", verbose_name=_("moved to"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="moved_from")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("removed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-listed_on", "-id"]
        constraints = [
            # One active automatic entry per overdue report: the daily job can run twice safely.
            models.UniqueConstraint(fields=["annual_report"],
                                    condition=Q(removed_on__isnull=True, annual_report__isnull=False),
                                    name="credit_one_active_per_report"),
        ]
        indexes = [
            models.Index(fields=["tenant", "list_type", "removed_on"], name="credit_tenant_list_idx"),
            models.Index(fields=["tenant", "organization", "removed_on"], name="credit_tenant_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_list_type_display()} · {self.get_reason_display()}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region

    @property
    def is_active(self) -> bool:
        return self.removed_on is None


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class OrgChangeRequest(TenantOwnedModel):
    """A change of key fields requested by an organization user in the portal, approved by staff."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="change_requests")
    changes = models.JSONField(_("requested changes"), default=dict, help_text=_("{field: [current, requested]}"))
    status = models.CharField(_("status"), max_length=16, choices=ChangeRequestStatus.choices,
                              default=ChangeRequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_status_display()}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed, nothing imported")


class ImportJob(TenantOwnedModel):
    """An Excel import of organizations: all rows or none, with a downloadable error report."""

    file = models.FileField(_("file"), upload_to="orgs/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    imported_rows = models.PositiveIntegerField(_("imported rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True,
                              help_text=_("First errors as [{row, column, message}]; the full list is in the report."))
    error_report = models.FileField(_("error report"), upload_to="orgs/imports/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} · {self.get_status_display()}"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
