from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantManager, TenantOwnedModel, TenantQuerySet, get_current_tenant_id


class RegionLevel(models.IntegerChoices):
    """Levels of the jurisdiction tree (行政区划层级) and the digits of the code that identify them."""

    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    DISTRICT = 3, _("District/County")
    STREET = 4, _("Street/Town")
    COMMUNITY = 5, _("Community/Village")
    GRID = 6, _("Grid")
    BUILDING = 7, _("Building/Courtyard")


# Number of significant digits of an official code at each level (NBS rules; grids add 3 digits).
LEVEL_CODE_DIGITS = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12, 6: 15, 7: 18}


class RegionQuerySet(TenantQuerySet):
    """Bulk writes bypass the save/delete signals, so they bump the tenant's region version themselves: the
    cached roles carry each held subtree's region ids (governance.role_cache), which a new or moved region
    changes."""

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        _forget_regions({obj.tenant_id for obj in created})
        return created

    def update(self, **kwargs):
        tenant_id = get_current_tenant_id()
        tenant_ids = {tenant_id} if tenant_id is not None else set(self.values_list("tenant_id", flat=True))
        rows = super().update(**kwargs)
        if rows:
            _forget_regions(tenant_ids)
        return rows


def _forget_regions(tenant_ids) -> None:
    from governance import role_cache

    for tenant_id in tenant_ids:
        role_cache.forget_tenant_regions(tenant_id=tenant_id)


class RegionManager(TenantManager.from_queryset(RegionQuerySet)):
    pass


class Region(TenantOwnedModel):
    """A node of the jurisdiction tree (辖区节点).

    ``code`` is the official statistical division code, 12 digits (zero-padded above community level),
    15 for grids. ``path`` is the materialized path of significant code segments, e.g.
    ``4304/430405/430405001/``; "everything under this street" is ``path__startswith``.
    """

    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    code = models.CharField(_("division code"), max_length=18)
    name = models.CharField(_("name"), max_length=100)
    path = models.CharField(_("path"), max_length=255, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)

    objects = RegionManager()
    unscoped = models.Manager.from_queryset(RegionQuerySet)()  # noqa: DJ012

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="region_unique_code_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "path"], name="region_unique_path_per_tenant"),
        ]
        indexes = [
            models.Index(fields=["tenant", "parent", "name"], name="region_tenant_parent_idx"),
            models.Index(fields=["tenant", "level", "path"], name="region_tenant_level_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def short_code(self) -> str:
        return self.code[: LEVEL_CODE_DIGITS.get(self.level, len(self.code))]

    def is_within(self, other: "Region") -> bool:
        return self.tenant_id == other.tenant_id and self.path.startswith(other.path)

    @staticmethod
    def normalize_code(code: str, level: int) -> str:
        """Pad a short official code to 12 digits (grids and buildings keep their own length)."""
        code = code.strip()
        if level <= RegionLevel.COMMUNITY:
            return code.ljust(12, "0")
        return code
