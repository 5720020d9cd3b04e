"""Expert review: seeded draws (随机抽取), assignments and per-criterion scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import NOTE_TEXT, bounded_text
from projects.models.applications import Application
from projects.models.experts import Expert
from projects.models.programs import SCORE, ReviewCriterion


class DrawPurpose(models.TextChoices):
    INITIAL = "initial", _("Initial draw")  # 初次抽取
    REDRAW = "redraw", _("Redraw after recusal")  # 回避补抽


class ReviewDraw(TenantOwnedModel):
    """One seeded random draw of experts for an application.

    Re-running ``projects.services.draw.draw_experts(seed, pool_snapshot, count)`` on the stored seed and
    snapshot gives ``result`` again; ``exclusions`` lists each excluded expert with its reasons.
    """

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="draws")
    round = models.PositiveSmallIntegerField(_("round"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=DrawPurpose.choices, default=DrawPurpose.INITIAL)
    seed = models.CharField(_("seed"), max_length=64)
    algorithm = models.CharField(_("algorithm"), max_length=32, default="sha256-rank-v1")
    requested = models.PositiveSmallIntegerField(_("experts requested"))
    pool_snapshot = models.JSONField(blank=True, verbose_name=_("pool snapshot"), default=list)
    exclusions = models.JSONField(blank=True, verbose_name=_("exclusions"), default=list)
    result = models.JSONField(blank=True, verbose_name=_("result"), default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert draw")
        verbose_name_plural = _("expert draws")
        ordering = ["application", "round"]
        constraints = [models.UniqueConstraint(fields=["application", "round"], name="draw_unique_round")]

    def __str__(self) -> str:
        return f"{self.application} · #{self.round}"

    @property
    def audit_region(self):
        return self.application.region


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting scores")  # 待评分
    SUBMITTED = "submitted", _("Scores submitted")  # 已提交
    RECUSED = "recused", _("Recused")  # 已回避


class ReviewAssignment(TenantOwnedModel):
    """An expert drawn for an application; scores are hidden from the other experts until they submit."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="assignments")
    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="assignments")
    draw = models.ForeignKey(ReviewDraw, verbose_name=_("draw"), on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(_("status"), max_length=16, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.PENDING)
    recused_reason = models.TextField(_("recusal reason"), blank=True, **bounded_text(NOTE_TEXT))
    comment = models.TextField(_("overall comment"), blank=True, **bounded_text(NOTE_TEXT))
    weighted_score = models.DecimalField(_("weighted score"), **SCORE, null=True, blank=True)
    # weighted_score − the application's final (trimmed-mean) score, set when the scores are aggregated: the
    # staff risk list flags experts far from it repeatedly (projects.selectors_tenders.outlying_experts).
    deviation = models.DecimalField(_("deviation from the final score"), **SCORE, null=True, blank=True,
                                    editable=False)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="assignment_unique_expert"),
            models.CheckConstraint(condition=~Q(status="recused") | ~Q(recused_reason=""),
                                   name="assignment_recusal_has_reason"),
        ]
        indexes = [models.Index(fields=["tenant", "expert", "status"], name="assignment_expert_status_idx")]

    def __str__(self) -> str:
        return f"{self.application} · {self.expert}"

    @property
    def audit_region(self):
        return self.application.region


class ReviewScore(TenantOwnedModel):
    """One expert's score on one criterion; an empty score means n/a (excluded, never counted as 0)."""

    assignment = models.ForeignKey(ReviewAssignment, verbose_name=_("assignment"), on_delete=models.CASCADE,
                                   related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT,
                                  related_name="+")
    score = models.DecimalField(_("score"), **SCORE, null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["assignment", "criterion__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique_criterion"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0), name="score_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score if self.score is not None else 'n/a'}"

    @property
    def audit_region(self):
        return self.assignment.application.region
