from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"), widget=forms.ClearableFileInput(attrs={
        "class": "form-control",
        "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))

    def add_error(self, field, error):
        super().add_error(field, error)
        if "file" in self.errors:
            self.fields["file"].widget.attrs["class"] = "form-control is-invalid"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook with the extension .xlsx "
                                          "(download the import template)."))
        return upload
