import django_filters
from django.utils.translation import gettext_lazy as _

from governance.api.filtering import IdFilter
from governance.models import Region, RegionLevel


class RegionFilter(django_filters.FilterSet):
    parent = IdFilter(field_name="parent_id", label=_("parent id"))
    level = django_filters.TypedChoiceFilter(choices=RegionLevel.choices, coerce=int, label=_("level"))
    code_prefix = django_filters.CharFilter(field_name="code", lookup_expr="startswith", label=_("code prefix"))
    within = IdFilter(method="filter_within", label=_("inside the subtree of region id"))
    search = django_filters.CharFilter(method="filter_search", label=_("name or code"))

    class Meta:
        model = Region
        fields = ["parent", "level", "code_prefix", "within", "search"]

    def filter_within(self, queryset, name, value):
        # Look the ancestor up in the user's whole scope (``self.queryset``), not in ``queryset``, which
        # other filters (e.g. ``level``) may already have narrowed to rows that exclude the ancestor.
        ancestor = self.queryset.filter(pk=value).values_list("path", flat=True).first()
        if ancestor is None:
            return queryset.none()
        return queryset.filter(path__startswith=ancestor)

    def filter_search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value))
