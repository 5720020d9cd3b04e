"""The expert pool (评审专家库) and the relations experts declare (利益关系申报)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import NOTE_TEXT, bounded_text


class Expert(TenantOwnedModel):
    """An expert of the pool kept by ``region`` (drawn for applications under that region's programs).

    ``fields`` holds ``orgs.ServiceDomain`` codes; ``employer`` is set when the expert works for a
    registered organization (same-employer conflicts); ``user`` is the account they score with.
    """

    region = models.ForeignKey("governance.Region", verbose_name=_("pool region"), on_delete=models.PROTECT,
                               related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="expert_profiles")
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    employer = models.ForeignKey("orgs.Organization", verbose_name=_("employer organization"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    fields = models.JSONField(_("fields"), default=list, blank=True, help_text=_("Codes of service domains."))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    available = models.BooleanField(_("available"), default=True)
    unavailable_until = models.DateField(_("unavailable until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, **bounded_text(NOTE_TEXT))
    related_organizations = models.ManyToManyField("orgs.Organization", through="ExpertRelation",
                                                   verbose_name=_("declared relations"), related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], condition=Q(user__isnull=False),
                                    name="expert_unique_user"),
            # One person once per pool: two experts of the same name in a pool are told apart by their phone
            # (and a double submission of the form or the API cannot add the same expert twice).
            models.UniqueConstraint(fields=["tenant", "region", "name", "phone"], name="expert_unique_in_pool"),
        ]
        indexes = [
            models.Index(fields=["tenant", "region"], name="expert_tenant_region_idx"),
            models.Index(fields=["tenant", "available"], name="expert_tenant_available_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class RelationKind(models.TextChoices):
    EMPLOYED = "employed", _("Employed there")  # 在该机构任职
    FORMER_EMPLOYEE = "former_employee", _("Former employee")  # 曾任职
    BOARD_MEMBER = "board_member", _("Board or council member")  # 理事/监事
    CONSULTANT = "consultant", _("Paid adviser")  # 顾问
    FAMILY = "family", _("Relative works there")  # 近亲属任职
    OTHER = "other", _("Other interest")  # 其他利益关系


class ExpertRelation(TenantOwnedModel):
    """A relation with an organization, declared by the expert (``/projects/my/relations/``) or recorded by staff;
    the draw excludes the expert from applications of that organization (as applicant or likely bidder) and names
    the relation in the recorded exclusion. ``reason`` is the declarant's note."""

    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="relations")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="+")
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)
    reason = models.CharField(_("explanation"), max_length=500)
    declared_on = models.DateField(_("declared on"))

    class Meta:
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")
        ordering = ["expert", "id"]
        constraints = [models.UniqueConstraint(fields=["expert", "organization", "kind"],
                                               name="expert_relation_unique")]

    def __str__(self) -> str:
        return f"{self.expert} · {self.organization} · {self.get_kind_display()}"

    @property
    def audit_region(self):
        return self.expert.region
