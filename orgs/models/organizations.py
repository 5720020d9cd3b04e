"""Organizations (社会组织), their service domains and portal users."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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


# Written only by orgs.services.list_flags (see Organization.save).
LIST_COLUMNS = frozenset({"valid_grade", "valid_grade_until", "on_abnormal_list", "on_serious_list"})


class Organization(TenantOwnedModel):
    """A social organization in the registry (社会组织)."""

    region = models.ForeignKey("governance.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    name = models.CharField(_("name"), max_length=200)
    # Written with the name by the services (governance.pinyin): lists sort by it on every backend.
    name_pinyin = models.CharField(_("name (pinyin sort key)"), max_length=255, blank=True, editable=False)
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
    # List columns (issue 8): copies of the valid evaluation grade and of the active credit-list entries, kept by
    # orgs.services.list_flags.organization_refresh_flags in the services that change them (checked daily), so
    # a list reads them from the row instead of running sub-queries per row. ``current_grade`` in selectors
    # is ``valid_grade`` while ``valid_grade_until`` is in the future.
    valid_grade = models.CharField(_("valid evaluation grade"), max_length=2, blank=True, editable=False)
    valid_grade_until = models.DateField(_("valid grade expires"), null=True, blank=True, editable=False)
    on_abnormal_list = models.BooleanField(_("on the abnormal activities list"), default=False, editable=False)
    on_serious_list = models.BooleanField(_("on the serious dishonesty list"), default=False, editable=False)
    # Residents' satisfaction with the organization's purchased services (seed 003): per contract the latest
    # published evaluation's satisfaction, averaged weighted by its number of ratings; kept by
    # orgs.services.performance in the transaction that records a published evaluation.
    satisfaction_mean = models.DecimalField(_("resident satisfaction (mean)"), max_digits=5, decimal_places=2,
                                            null=True, blank=True, editable=False)
    satisfaction_ratings = models.PositiveIntegerField(_("ratings behind the satisfaction"), default=0,
                                                       editable=False)
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
            # One filing under review per name: parallel double submissions lose in the database.
            models.UniqueConstraint(fields=["tenant", "name"], condition=Q(status="pending"),
                                    name="org_unique_pending_name"),
        ]
        indexes = [
            models.Index(fields=["tenant", "region"], name="org_tenant_region_idx"),
            models.Index(fields=["tenant", "status", "kind"], name="org_tenant_status_kind_idx"),
            models.Index(fields=["tenant", "name"], name="org_tenant_name_idx"),
            models.Index(fields=["tenant", "name_pinyin"], name="org_tenant_name_pinyin_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A full save of a loaded row leaves the list columns alone: only organization_refresh_flags writes them,
        # so an instance read before a grade or credit change cannot write the old values back.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name not in LIST_COLUMNS]
        super().save(*args, **kwargs)

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
