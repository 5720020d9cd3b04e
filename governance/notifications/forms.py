"""Forms of the inbox filter and the notification settings page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import Delivery
from governance.notifications.kinds import kind_choices, notification_kinds

SELECT = {"class": "form-select"}
SHOW_CHOICES = [("all", _("All")), ("unread", _("Unread"))]
KIND_FIELD_PREFIX = "kind:"


class InboxFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]


class PreferencesForm(forms.Form):
    """One select for every kind, and one for the default of every kind."""

    default = forms.ChoiceField(
        label=_("All notifications"), required=False, widget=forms.Select(attrs=SELECT),
        choices=[("", _("The default of each kind")), *Delivery.choices],
        help_text=_("Applies to every kind below that is left on “Use the general setting”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in notification_kinds():
            self.fields[KIND_FIELD_PREFIX + kind.key] = forms.ChoiceField(
                label=kind.label, required=False, widget=forms.Select(attrs=SELECT),
                choices=[("", _("Use the general setting")), *Delivery.choices],
                help_text=_("Default: %(default)s") % {"default": Delivery(kind.default).label},
            )

    @classmethod
    def initial_from(cls, choices: dict[str, str]) -> dict[str, str]:
        initial = {"default": choices.get("", "")}
        initial.update({KIND_FIELD_PREFIX + kind: value for kind, value in choices.items() if kind})
        return initial

    def kind_fields(self):
        return [self[name] for name in self.fields if name.startswith(KIND_FIELD_PREFIX)]

    def choices(self) -> dict[str, str]:
        """``{kind or "": delivery or ""}`` for the service."""
        data = {"": self.cleaned_data.get("default") or ""}
        for name in self.fields:
            if name.startswith(KIND_FIELD_PREFIX):
                data[name[len(KIND_FIELD_PREFIX):]] = self.cleaned_data.get(name) or ""
        return data
