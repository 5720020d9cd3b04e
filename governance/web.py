"""Web helpers every app's HTML views share (HackSoft's single error handler, for views).

    with service_errors(request, form) as outcome:
        services.filing_submit(actor=request.user, ...)
    if outcome.ok:
        return redirect(...)
    return render(request, "...", {"form": form})   # the service's errors are on the form

A broken business rule (``ApplicationError``) or a field problem (``ValidationError``) becomes form
errors (field messages on their fields) or, without a form, one error message; the service's own
transaction has rolled back, so nothing changed. Anything else propagates (a real bug is a 500).

Sortable lists (clickable column headers, ``?sort=name`` / ``?sort=-name``):

    queryset, sorting = sort_queryset(request, queryset, allowed={
        "name": SortKey(_("Name"), "name_pinyin", "name"), "registered": SortKey(_("Registered"), "registered_date"),
    }, default="name")
    ...{"page": paginate(request, queryset), "sorting": sorting}
    {% load listing %}<th>…</th> → {% sortable_th sorting "name" %}   {% sort_menu sorting %} (phones)

Only the whitelisted keys sort (anything else is the default, never an error); empty values sort last in
both directions on every backend; the row id breaks ties so pages do not overlap.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from governance.exceptions import ApplicationError


def require_or_404(allowed: bool) -> None:
    """Forbidden and missing look the same (404), so ids of other tenants or subtrees leak nothing."""
    if not allowed:
        raise Http404(_("Not found."))


def error_text(exc: Exception) -> str:
    """One line for an error message (ApplicationError or ValidationError)."""
    if isinstance(exc, ApplicationError):
        return str(exc.message)
    if hasattr(exc, "error_dict"):
        return " ".join(message for field_messages in exc.message_dict.values() for message in field_messages)
    return " ".join(exc.messages)


def apply_errors(form, exc: Exception) -> None:
    """Put a service's error on the form: field messages on their fields, everything else on top."""
    if isinstance(exc, ApplicationError):
        form.add_error(None, str(exc.message))
        return
    if hasattr(exc, "error_dict"):
        for field, field_messages in exc.message_dict.items():
            target = field if field in form.fields else None
            if target is None and field.endswith("_id") and field[:-3] in form.fields:
                target = field[:-3]  # a foreign key's error (region_id) belongs on its field (region)
            for message in field_messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@dataclass
class Outcome:
    ok: bool = True
    error: Exception | None = None


@contextmanager
def service_errors(request, form=None) -> Iterator[Outcome]:
    """Turn a service's ApplicationError/ValidationError into form errors or an error message."""
    outcome = Outcome()
    try:
        yield outcome
    except (ApplicationError, ValidationError) as exc:
        outcome.ok, outcome.error = False, exc
        if form is not None:
            apply_errors(form, exc)
        else:
            messages.error(request, error_text(exc))


class BootstrapFormMixin:
    """Bootstrap 5 classes on every widget (form-control / form-select / form-check-input), and
    ``is-invalid`` on every field with an error, including errors a service added after validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self) -> None:
        """Also called again by forms that add fields after ``__init__``."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "").split()
            if css not in classes:
                widget.attrs["class"] = " ".join([*classes, css])

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", "").split():
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"


# --- sortable lists ------------------------------------------------------------------------------

SORT_PARAM = "sort"


@dataclass(frozen=True)
class SortKey:
    """A sortable column: its header label and the fields it orders by (ascending; ``-`` flips the sort)."""

    label: str
    fields: tuple[str, ...]

    def __init__(self, label, *fields: str):
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "fields", tuple(fields))


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    url: str  # the link of the header: this column, ascending unless it is sorted ascending now
    url_asc: str
    url_desc: str
    aria_sort: str  # "ascending", "descending" or "none" (WAI-ARIA aria-sort)
    active: bool
    descending: bool


@dataclass(frozen=True)
class Sorting:
    """The list's sort (``key`` such as ``name`` or ``-name``) and the links of its headers.

    The links keep every other query parameter (filters, search, page size) and drop ``page``: a new sort
    starts on the first page.
    """

    key: str
    columns: dict[str, SortColumn]
    param: str = SORT_PARAM

    @property
    def value(self) -> str:
        return self.key

    def __getitem__(self, name: str) -> SortColumn:
        return self.columns[name]


def _order(fields: tuple[str, ...], descending: bool) -> list:
    order = []
    for name in fields:
        flip = name.startswith("-")
        expression = F(name.lstrip("-"))
        # Empty values last in both directions (SQLite puts NULL first, PostgreSQL last, by default).
        order.append(expression.desc(nulls_last=True) if descending != flip else expression.asc(nulls_last=True))
    return order


def sort_key_from(request, allowed: dict, default: str, param: str = SORT_PARAM) -> str:
    """The ``?sort=`` value if it names a whitelisted column (``name`` or ``-name``), else ``default``."""
    raw = request.GET.get(param) or ""
    return raw if raw.removeprefix("-") in allowed and raw.count("-") <= 1 and not raw.endswith("-") else default


def sort_queryset(request, queryset: QuerySet, *, allowed: dict, default: str, param: str = SORT_PARAM,
                  tiebreak: str = "id") -> tuple[QuerySet, Sorting]:
    """``queryset`` ordered by the ``?sort=`` the user asked for (whitelisted in ``allowed``), and the headers.

    ``allowed`` maps a column key to a :class:`SortKey` (or a field name, or a tuple of field names);
    ``default`` is one of its keys, ``-`` for descending. An unknown key is the default, never a 500.
    """
    specs = {key: spec if isinstance(spec, SortKey) else SortKey("", *((spec,) if isinstance(spec, str) else spec))
             for key, spec in allowed.items()}
    assert default.removeprefix("-") in specs, f"default sort {default!r} is not among {sorted(specs)}"
    key = sort_key_from(request, specs, default, param)
    descending = key.startswith("-")
    name = key.removeprefix("-")
    ordered = queryset.order_by(*_order(specs[name].fields, descending), f"-{tiebreak}" if descending else tiebreak)
    params = request.GET.copy()
    params.pop("page", None)
    columns = {}
    for column, spec in specs.items():
        active = column == name
        params[param] = column
        url_asc = f"?{params.urlencode()}"
        params[param] = f"-{column}"
        url_desc = f"?{params.urlencode()}"
        aria = ("descending" if descending else "ascending") if active else "none"
        columns[column] = SortColumn(key=column, label=str(spec.label), url=url_desc if active and not descending
                                     else url_asc, url_asc=url_asc, url_desc=url_desc, aria_sort=aria,
                                     active=active, descending=active and descending)
    return ordered, Sorting(key=key, columns=columns, param=param)
