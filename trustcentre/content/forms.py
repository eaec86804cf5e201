from django import forms

from trustcentre.content.models import Control, FaqEntry

REVIEW_FIELDS = ["owner", "next_review_on"]


class ControlForm(forms.ModelForm):
    class Meta:
        model = Control
        fields = ["group", "title", "description", "order", *REVIEW_FIELDS]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "next_review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class FaqEntryForm(forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["category", "question", "answer", "order", *REVIEW_FIELDS]
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 6}),
            "next_review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


EDITABLE = {"control": ControlForm, "faq": FaqEntryForm}
