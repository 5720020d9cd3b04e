"""Web helpers every app's HTML views share (HackSoft's single error handler, for views).

    with service_errors(request, form) as outcome:
        services.filing_submit(actor=request.user, ...)
    if outcome.ok:
        return redirect(...)
    return render(request, "...", {"form": form})   # the service's errors are on the form

A broken business rule (``ApplicationError``) or a field problem (``ValidationError``) becomes form
errors (field messages on their fields) or, without a form, one error message; the service's own
transaction has rolled back, so nothing changed. Anything else propagates (a real bug is a 500).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
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
