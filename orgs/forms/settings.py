"""The tenant administrator's registry settings (登记设置): the filing-number format."""

from __future__ import annotations

from django import forms

from governance.web import BootstrapFormMixin
from orgs.models import RegistrySettings
from orgs.numbering import FORMAT_MAX_LENGTH, PREFIX_MAX_LENGTH, format_errors


def _label(name: str) -> str:
    return RegistrySettings._meta.get_field(name).verbose_name


class RegistrySettingsForm(BootstrapFormMixin, forms.Form):
    filing_number_prefix = forms.CharField(label=_label("filing_number_prefix"), max_length=PREFIX_MAX_LENGTH,
                                           required=False,
                                           help_text=RegistrySettings._meta.get_field("filing_number_prefix").help_text)
    filing_number_format = forms.CharField(label=_label("filing_number_format"), max_length=FORMAT_MAX_LENGTH,
                                           help_text=RegistrySettings._meta.get_field("filing_number_format").help_text,
                                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    def clean(self):
        # The rules the service applies again (orgs.numbering.format_errors), here to show them on the field.
        cleaned = super().clean()
        if "filing_number_format" in cleaned and "filing_number_prefix" in cleaned:
            for error in format_errors(cleaned["filing_number_format"].strip(),
                                       cleaned["filing_number_prefix"].strip()):
                self.add_error("filing_number_format", error)
        return cleaned
