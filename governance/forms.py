from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from governance.models import RegionLevel


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. After 5 failed attempts the account is locked for 30 minutes."),
        "inactive": _("This account is inactive."),
    }


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("What the token is for, e.g. the script or system that uses it."),
                           widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))


class RegionFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False)
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *RegionLevel.choices], coerce=int, required=False,
        empty_value=None,
    )


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Object or request id"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False)
    object_type = forms.ModelChoiceField(label=_("Object type"), queryset=ContentType.objects.none(), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from governance.registry import audit_action_choices

        choices = sorted(((code, str(label)) for code, label in audit_action_choices()), key=lambda c: c[1])
        self.fields["action"].choices = [("", _("All actions")), *choices]
        self.fields["object_type"].queryset = ContentType.objects.filter(
            app_label__in=["governance", "orgs", "projects", "grid", "party"]
        ).order_by("app_label", "model")
        self.fields["object_type"].label_from_instance = lambda ct: str(ct.model_class()._meta.verbose_name) if ct.model_class() else ct.model
