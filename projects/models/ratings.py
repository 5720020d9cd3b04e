"""Resident satisfaction without accounts (居民满意度评价): a survey per contract, reached by a short link or QR
code, one-time codes per service event or household, online and paper responses with 1-5 stars per question.

``RatingLink`` is the only table read before a tenant is known: it maps the public short code to its tenant
(nothing else), so the public page can activate that tenant and read the survey under its row-level policy.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from projects.models.contracts import Contract

SHORT_CODE_LENGTH = 8  # base32: 40 bits, unguessable at the rate limits below
ONE_TIME_CODE_LENGTH = 10  # base32 without look-alikes: 50 bits
QUESTION_TEXT = 200
COMMENT_TEXT = 500
LABEL_TEXT = 100
MAX_QUESTIONS = 10


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Online, open")  # 线上（公开）
    CODE = "code", _("Online, one-time code")  # 线上（一次性评价码）
    PAPER = "paper", _("Paper survey")  # 纸质问卷


class DefaultRatingQuestion(TenantOwnedModel):
    """The tenant's default question set, copied into every new survey (editable by staff)."""

    text = models.CharField(_("question"), max_length=QUESTION_TEXT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("default rating question")
        verbose_name_plural = _("default rating questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class RatingSurvey(TenantOwnedModel):
    """The satisfaction survey of one contract (满意度评价)."""

    contract = models.OneToOneField(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                    related_name="rating_survey")
    code = models.CharField(_("short code"), max_length=SHORT_CODE_LENGTH, unique=True, editable=False)
    is_open = models.BooleanField(_("open for ratings"), default=True)
    allow_open_answers = models.BooleanField(
        _("accept ratings without a one-time code"), default=True,
        help_text=_("Without a code, limits per address and device and duplicate detection apply."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating survey")
        verbose_name_plural = _("rating surveys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.contract)

    @property
    def audit_region(self):
        return self.contract.region


class RatingQuestion(TenantOwnedModel):
    survey = models.ForeignKey(RatingSurvey, verbose_name=_("survey"), on_delete=models.CASCADE,
                               related_name="questions")
    text = models.CharField(_("question"), max_length=QUESTION_TEXT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rating question")
        verbose_name_plural = _("rating questions")
        ordering = ["survey", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="rating_question_position")]

    def __str__(self) -> str:
        return self.text

    @property
    def audit_region(self):
        return self.survey.contract.region


class RatingLink(models.Model):
    """Short code → tenant, for the public page only (not tenant-owned: it is read before a tenant is active)."""

    code = models.CharField(_("short code"), max_length=SHORT_CODE_LENGTH, primary_key=True)
    tenant = models.ForeignKey("governance.Tenant", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("rating short link")
        verbose_name_plural = _("rating short links")

    def __str__(self) -> str:
        return self.code


class RatingCode(TenantOwnedModel):
    """A one-time code (一次性评价码) for one service event or household; a response consumes it."""

    survey = models.ForeignKey(RatingSurvey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=ONE_TIME_CODE_LENGTH)
    label = models.CharField(_("service event or household"), max_length=LABEL_TEXT, blank=True)
    batch = models.PositiveIntegerField(_("batch"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time rating code")
        verbose_name_plural = _("one-time rating codes")
        ordering = ["survey", "batch", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="rating_code_unique")]
        indexes = [models.Index(fields=["survey", "batch"], name="rating_code_batch_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def audit_region(self):
        return self.survey.contract.region


class RatingResponse(TenantOwnedModel):
    """One resident's answers. ``one_time_code`` is unique: a code is counted once even under parallel use."""

    survey = models.ForeignKey(RatingSurvey, verbose_name=_("survey"), on_delete=models.CASCADE,
                               related_name="responses")
    channel = models.CharField(_("channel"), max_length=8, choices=RatingChannel.choices)
    one_time_code = models.OneToOneField(RatingCode, verbose_name=_("one-time code"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="response")
    rated_on = models.DateField(_("rated on"))
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_TEXT)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating response")
        verbose_name_plural = _("rating responses")
        ordering = ["-rated_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(channel="paper") | Q(entered_by__isnull=False),
                                   name="rating_paper_has_clerk"),
            models.CheckConstraint(condition=~Q(channel="code") | Q(one_time_code__isnull=False),
                                   name="rating_code_channel_has_code"),
        ]
        indexes = [models.Index(fields=["survey", "rated_on"], name="rating_response_period_idx")]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.rated_on}"

    @property
    def audit_region(self):
        return self.survey.contract.region


class RatingAnswer(TenantOwnedModel):
    response = models.ForeignKey(RatingResponse, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.ForeignKey(RatingQuestion, verbose_name=_("question"), on_delete=models.PROTECT,
                                 related_name="answers")
    stars = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("rating answer")
        verbose_name_plural = _("rating answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="rating_answer_once"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_answer_stars"),
        ]
