"""Renewal reviews (续约评审) of contracts near their end, and the tenant's renewal settings.

A ``RenewalReview`` is created by the daily scan (``projects.services.renewals.renewals_scan``) for every
signed or completed contract ending within the tenant's window, once per contract (a unique constraint).
Its ``recommendation`` follows from the final evaluation's band, the three-year cap of MoF Order 102 over
the renewal chain and the organization's current status and credit lists, with ``reasons`` recording why;
while ``pending`` it is recomputed (daily, and when orgs signals a credit listing or a status change of the
organization). Staff then decide (``RENEWAL_WORKFLOW``): renew (the next contract is drawn up, linked to
this one), renew with conditions, re-tender (bidding reopens on the same task book) or not continue.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import NOTE_TEXT, bounded_text
from projects.models.contracts import Contract
from projects.models.evaluations import Evaluation
from projects.models.tenders import Tender


class Recommendation(models.TextChoices):
    RENEW = "renew", _("Renew")  # 续签
    RENEW_WITH_CONDITIONS = "renew_conditions", _("Renew with conditions")  # 有条件续签
    RETENDER = "retender", _("Re-tender")  # 重新招标


class RenewalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")  # 待决定
    RENEWED = "renewed", _("Renewed")  # 已续签
    RENEWED_WITH_CONDITIONS = "renewed_conditions", _("Renewed with conditions")  # 有条件续签
    RETENDERED = "retendered", _("Re-tendered")  # 重新招标
    NOT_CONTINUED = "not_continued", _("Not continued")  # 不再继续


class RenewalReview(TenantOwnedModel):
    """The renewal review of one contract (unique): the computed recommendation and the staff decision."""

    contract = models.OneToOneField(Contract, verbose_name=_("contract"), on_delete=models.PROTECT,
                                    related_name="renewal_review")
    status = models.CharField(_("status"), max_length=20, choices=RenewalStatus.choices,
                              default=RenewalStatus.PENDING)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices)
    # [{"code": ..., **parameters}], rendered in the reader's language by ``services.renewals.reason_texts``.
    reasons = models.JSONField(_("reasons"), default=list)
    evaluation = models.ForeignKey(Evaluation, verbose_name=_("final evaluation"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField(_("computed at"))
    conditions = models.TextField(_("conditions"), blank=True, **bounded_text(NOTE_TEXT))
    decision_note = models.TextField(_("decision note"), blank=True, **bounded_text(NOTE_TEXT))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    next_contract = models.OneToOneField(Contract, verbose_name=_("renewal contract"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="renewed_from_review")
    new_tender = models.OneToOneField(Tender, verbose_name=_("new tender"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="renewal_review")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("renewal review")
        verbose_name_plural = _("renewal reviews")
        ordering = ["contract__end_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_at__isnull=False),
                                   name="renewal_decided_has_date"),
            models.CheckConstraint(condition=~Q(status="renewed_conditions") | ~Q(conditions=""),
                                   name="renewal_conditions_given"),
            models.CheckConstraint(condition=~Q(status__in=["renewed", "renewed_conditions"])
                                   | Q(next_contract__isnull=False), name="renewal_renewed_has_contract"),
            models.CheckConstraint(condition=~Q(status="retendered") | Q(new_tender__isnull=False),
                                   name="renewal_retendered_has_tender"),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="renewal_tenant_status_idx")]

    def __str__(self) -> str:
        return f"{self.contract.number} · {self.get_status_display()}"

    @property
    def audit_region(self):
        return self.contract.region


class RenewalSettings(TenantOwnedModel):
    """One row per tenant (set in the admin); a tenant without a row uses the field defaults."""

    window_days = models.PositiveSmallIntegerField(
        _("review window (days before the contract ends)"), default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Contracts ending within this many days get a renewal review."))
    remind_days_before_end = models.PositiveSmallIntegerField(
        _("expiry reminder (days before the contract ends)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)])

    class Meta:
        verbose_name = _("renewal settings")
        verbose_name_plural = _("renewal settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="renewal_settings_one_per_tenant")]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class ReminderKind(models.TextChoices):
    CONTRACT_EXPIRING = "contract_expiring", _("Contract about to end")  # 协议即将到期
    EVALUATION_DUE = "evaluation_due", _("Evaluation due")  # 评估待完成


class ContractReminder(TenantOwnedModel):
    """A reminder sent by the daily run (``projects.services.reminders``): one per contract, kind and key
    (the evaluation kind for evaluations due), so a rerun or a retry never sends it twice."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    key = models.CharField(_("key"), max_length=20, blank=True)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("contract reminder")
        verbose_name_plural = _("contract reminders")
        ordering = ["-sent_on", "id"]
        constraints = [models.UniqueConstraint(fields=["contract", "kind", "key"], name="contract_reminder_once")]

    def __str__(self) -> str:
        return f"{self.contract_id} · {self.get_kind_display()} · {self.sent_on:%Y-%m-%d}"

    @property
    def audit_region(self):
        return self.contract.region
