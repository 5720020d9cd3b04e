"""Core web helpers (governance.web): the Bootstrap form mixin and require_or_404."""

import pytest
from django import forms
from django.http import Http404

from governance.web import BootstrapFormMixin, apply_errors, require_or_404


class _Form(BootstrapFormMixin, forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A")])
    agree = forms.BooleanField(required=False)


def test_widgets_get_bootstrap_classes_and_errors_mark_the_field():
    form = _Form(data={"name": "", "kind": "a"})
    assert form.fields["name"].widget.attrs["class"] == "form-control"
    assert form.fields["kind"].widget.attrs["class"] == "form-select"
    assert form.fields["agree"].widget.attrs["class"] == "form-check-input"
    assert not form.is_valid()
    assert form.fields["name"].widget.attrs["class"].split() == ["form-control", "is-invalid"]
    assert "is-invalid" not in form.fields["kind"].widget.attrs["class"]
    # An error a service reports after validation marks its field too.
    apply_errors(form, forms.ValidationError({"kind": ["不可用。"]}))
    assert "is-invalid" in form.fields["kind"].widget.attrs["class"]
    assert 'aria-invalid="true"' in str(form["kind"])


def test_require_or_404():
    require_or_404(True)
    with pytest.raises(Http404):
        require_or_404(False)


def test_favicon_is_the_platform_icon(client):
    """Browsers ask every page without a <link rel=icon> (admin, API docs) for /favicon.ico: never a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
