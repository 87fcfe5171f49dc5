"""Forms of the messaging admin. Each asks for a reason: every change to who may be texted
is audited with who made it and why."""

from __future__ import annotations

from django import forms

from messaging.phones import InvalidPhoneNumber, normalize_phone


class ReasonForm(forms.Form):
    """The intermediate page of an action: the reason, and the rows it applies to."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                             max_length=1000, help_text="Recorded in the audit history.")
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    action = forms.CharField(widget=forms.HiddenInput)


class OptOutNumberForm(forms.Form):
    phone = forms.CharField(max_length=40, help_text="Any usual spelling; US if no +code.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                             max_length=1000)

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(str(exc)) from None


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with a 'phone' column (and optionally 'reason'), or "
                                     "one number per line.")
