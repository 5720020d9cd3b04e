"""Evaluation grades (等级评估) and the tenant's score bands."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import NOTE_TEXT, bounded_text
from orgs.models.organizations import Organization


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
    note = models.TextField(_("note"), blank=True, **bounded_text(NOTE_TEXT))
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("awarded by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("evaluation grade")
        verbose_name_plural = _("evaluation grades")
        ordering = ["-awarded_date", "-id"]
        indexes = [models.Index(fields=["tenant", "status", "expires_date"], name="grade_tenant_status_idx")]
        constraints = [
            # At most one valid grade per organization, whatever the concurrency of awards.
            models.UniqueConstraint(fields=["organization"], condition=models.Q(status="valid"),
                                    name="grade_one_valid_per_org"),
        ]

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
