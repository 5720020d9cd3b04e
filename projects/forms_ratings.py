"""Forms of the staff pages of resident satisfaction (the public page reads its few fields itself)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.web import BootstrapFormMixin
from projects.models.ratings import COMMENT_TEXT, LABEL_TEXT, MAX_QUESTIONS, QUESTION_TEXT
from projects.services.ratings import MAX_CODES_PER_BATCH

STARS = [(n, "★" * n) for n in range(5, 0, -1)]
QUESTIONS_TEXT = (QUESTION_TEXT + 1) * MAX_QUESTIONS


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class QuestionLinesField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 5}))
        kwargs.setdefault("max_length", QUESTIONS_TEXT)
        kwargs.setdefault("help_text", _("One question per line; residents give each 1 to 5 stars."))
        super().__init__(**kwargs)

    def clean(self, value):
        return _lines(super().clean(value))


class DefaultQuestionsForm(BootstrapFormMixin, forms.Form):
    questions = QuestionLinesField(label=_("Default questions"))


class SurveySettingsForm(BootstrapFormMixin, forms.Form):
    is_open = forms.BooleanField(label=_("Open for ratings"), required=False)
    allow_open_answers = forms.BooleanField(label=_("Accept ratings without a one-time code"), required=False)
    questions = QuestionLinesField(label=_("Questions"))

    def __init__(self, *args, survey, questions, **kwargs):
        super().__init__(*args, initial={"is_open": survey.is_open, "allow_open_answers": survey.allow_open_answers,
                                         "questions": "\n".join(q.text for q in questions)}, **kwargs)


class CodeBatchForm(BootstrapFormMixin, forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=MAX_CODES_PER_BATCH, initial=50)
    label = forms.CharField(label=_("Service event or households"), max_length=LABEL_TEXT, required=False,
                            help_text=_("E.g. “重阳节敬老活动 2026-10-29” or “3号楼”."))


class PaperEntryForm(BootstrapFormMixin, forms.Form):
    rated_on = forms.DateField(label=_("Date on the paper survey"),
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    code = forms.CharField(label=_("One-time code on the sheet (if any)"), max_length=20, required=False)
    comment = forms.CharField(label=_("Comment"), max_length=COMMENT_TEXT, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rated_on"].initial = timezone.localdate()
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text, choices=STARS, coerce=int, widget=forms.RadioSelect)
        self.order_fields([f"q{q.pk}" for q in questions] + ["comment", "code", "rated_on"])

    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]

    def answers(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}
