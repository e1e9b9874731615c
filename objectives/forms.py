from datetime import datetime, time
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from headway.forms import PersonChoiceField, VersionedForm
from headway.people import in_name_order

from .models import (
    RETROSPECTIVE_LENGTH,
    CheckIn,
    KeyResult,
    Objective,
    Problem,
    Quarter,
    Team,
)
from .templatetags.objectives_charts import in_unit

# A text box that brings up a number pad: what was typed comes back to the server as it was,
# so that a mistake is explained next to the field, not silently blanked by the browser.
DECIMAL_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class StandingForm(VersionedForm):
    """A versioned form of something that counts in its team's standing (MovesStanding): an
    edit is a conditional update (headway.locking), which no `save()` sees, so the standing
    is stored again here, in the edit's transaction."""

    @transaction.atomic
    def save(self, commit=True):
        editing = "version" in self.fields
        saved = super().save(commit)
        if editing:
            saved.refresh_stored()
        return saved


class ObjectiveForm(StandingForm, forms.ModelForm):
    """Create or edit an objective."""

    class Meta:
        model = Objective
        fields = ["title", "problem", "serves", "owner", "status"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"owner": PersonChoiceField}
        help_texts = {
            "problem": _("Why it matters: the customer or business problem it solves."),
            "serves": _("Which of the organization's important problems this objective works on."),
        }

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        # The problems of the objective's quarter; one it already serves stays choosable.
        quarter = self.instance.quarter
        serving = Q(pk=self.instance.serves_id) if self.instance.serves_id else Q(pk__in=[])
        self.fields["serves"].queryset = Problem.objects.filter(
            Q(pk__in=Problem.objects.in_quarter(quarter)) | serving
        ).order_by("title")
        self.fields["serves"].empty_label = _("None of the organization's problems")
        self.fields["owner"].queryset = team.people()
        if not self.instance.pk:
            del self.fields["status"]


class KeyResultForm(StandingForm, forms.ModelForm):
    class Meta:
        model = KeyResult
        fields = [
            "description",
            "unit",
            "start_value",
            "target_value",
            "allows_any_percent",
            "owner",
        ]
        widgets = {"start_value": DECIMAL_INPUT, "target_value": DECIMAL_INPUT}
        field_classes = {"owner": PersonChoiceField}
        # Typed and shown the reader's way: 3,5 in French.
        localized_fields = ["start_value", "target_value"]
        help_texts = {
            "target_value": _("It may be below the start: reduce churn from 8% to 5%."),
            "unit": _("A yes/no milestone is done or not: its start and target are ignored."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_value"].required = False
        self.fields["target_value"].required = False
        # A key result's owner is one of its team's members.
        self.fields["owner"].queryset = in_name_order(
            get_user_model().objects.filter(memberships__team=self.instance.objective.team_id)
        )
        self.fields["owner"].empty_label = _("No owner of its own: the team's PM")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unit") == KeyResult.Unit.MILESTONE:
            cleaned["start_value"], cleaned["target_value"] = Decimal(0), Decimal(1)
            return cleaned
        for name in ("start_value", "target_value"):
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, _("Enter a number."))
        return cleaned


class CheckInForm(forms.Form):
    """This week's reading of one key result, or the correction of an earlier one
    (`check_in`). Milestones take yes or no. A value the key result makes unlikely (far
    beyond its start and target) is saved once the author confirms it."""

    MILESTONE_CHOICES = [("1", _("Yes, reached")), ("0", _("Not yet"))]

    value = forms.DecimalField(
        label=_("Value"), max_digits=14, decimal_places=2, widget=DECIMAL_INPUT, localize=True
    )
    confirmed = forms.BooleanField(label=_("Yes, this value is right"), required=False)
    confidence = forms.ChoiceField(
        label=_("Confidence"), choices=CheckIn.Confidence.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what moved, what is in the way."),
    )
    # A date input takes ISO dates only, whatever the language (French would write 25/11/2026).
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, key_result, author, check_in=None, **kwargs):
        self.key_result, self.author, self.check_in = key_result, author, check_in
        if check_in is not None:
            initial = {
                "value": check_in.value,
                "confidence": check_in.confidence,
                "comment": check_in.comment,
                "day": check_in.day,
            }
        else:
            initial = {
                "value": key_result.current_value,
                "confidence": getattr(key_result, "latest_confidence", None)
                or CheckIn.Confidence.ON_TRACK,
                "day": timezone.localdate(),
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        prefix = f"key-result-{key_result.pk}"
        self.auto_id = f"{prefix}-%s"
        if key_result.is_milestone:
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Reached?"),
                choices=self.MILESTONE_CHOICES,
                coerce=Decimal,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("A milestone is either reached (yes) or not (no).")
                },
            )
            self.initial["value"] = str(int(self.initial["value"]))
        else:
            self.fields["value"].widget.attrs["autofocus"] = True
            self.fields["value"].help_text = _("Start %(start)s, target %(target)s.") % {
                "start": in_unit(key_result.start_value, key_result),
                "target": in_unit(key_result.target_value, key_result),
            }

    @property
    def asks_confirmation(self):
        """The value is in doubt: the form shows the box that confirms it."""
        return self.has_error("value", code="doubtful")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        key_result = self.key_result
        self.instance = CheckIn(
            key_result=key_result,
            author=self.check_in.author if self.check_in else self.author,
            value=cleaned["value"],
            confidence=cleaned["confidence"],
            comment=cleaned["comment"],
            created_at=self.moment(cleaned["day"]),
        )
        try:
            self.instance.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error("day" if field == "created_at" else field, messages)
            return cleaned
        doubt = key_result.doubt_about(cleaned["value"])
        if doubt and not cleaned["confirmed"]:
            message = doubt % {
                "value": in_unit(cleaned["value"], key_result),
                "start": in_unit(key_result.start_value, key_result),
                "target": in_unit(key_result.target_value, key_result),
            }
            self.add_error(
                "value",
                ValidationError(
                    _("%(doubt)s Check it, or tick the box to save it as it is.")
                    % {"doubt": message},
                    code="doubtful",
                ),
            )
        return cleaned

    def moment(self, day):
        """When the reading was taken: a correction that keeps its day keeps its time."""
        if self.check_in is not None and day == self.check_in.day:
            return self.check_in.created_at
        return checked_at(day)

    def save(self):
        """Record the check-in, or correct `check_in` (the author stays; the correction is
        `author`'s, in the key result's history)."""
        if self.check_in is None:
            self.instance.save()
            return self.instance
        self.check_in.correct(
            self.author,
            value=self.instance.value,
            confidence=self.instance.confidence,
            comment=self.instance.comment,
            created_at=self.instance.created_at,
        )
        return self.check_in


def checked_at(day):
    """Now for a check-in made today; noon of the day for one recorded afterwards."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))


def leaders():
    """The people who may own a problem: those leading an active team."""
    return in_name_order(
        get_user_model().objects.filter(pk__in=Team.objects.active().values("leader"))
    )


class ProblemForm(forms.ModelForm):
    """One of the organization's important problems: what it is, why it matters, which leader
    owns it and for which quarters."""

    class Meta:
        model = Problem
        fields = ["title", "why_it_matters", "owner", "first_quarter", "last_quarter"]
        field_classes = {"owner": PersonChoiceField}
        widgets = {"why_it_matters": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "title": _("A problem, not a solution: what stands between customers and value."),
            "why_it_matters": _("What it costs the customers and the business today."),
            "owner": _("The leader who owns it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = leaders()
        quarters = Quarter.objects.order_by("start")
        self.fields["first_quarter"].queryset = quarters
        self.fields["last_quarter"].queryset = quarters
        self.fields["last_quarter"].empty_label = _("Ongoing")


GRADES = [
    (Objective.Status.ACHIEVED, Objective.Status.ACHIEVED.label),
    (Objective.Status.MISSED, Objective.Status.MISSED.label),
    (Objective.Status.DROPPED, Objective.Status.DROPPED.label),
]


class ObjectiveGradeForm(forms.Form):
    """One objective's grade when its team closes the quarter; `objective` comes with its
    progress (with_progress), which the final score starts from."""

    status = forms.ChoiceField(label=_("Outcome"), choices=GRADES, widget=forms.RadioSelect)
    final_score = forms.DecimalField(
        label=_("Final score"),
        min_value=0,
        max_value=1,
        max_digits=3,
        decimal_places=2,
        localize=True,
        widget=DECIMAL_INPUT,
        help_text=_("From 0 to 1; its key results' progress to start with."),
    )
    retrospective = forms.CharField(
        label=_("Retrospective"),
        max_length=RETROSPECTIVE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences: what happened, what the team learned."),
    )
    carry_over = forms.BooleanField(label=_("Carry it over into the next quarter"), required=False)

    def __init__(self, *args, objective, next_quarter, **kwargs):
        self.objective, self.next_quarter = objective, next_quarter
        progress = objective.progress if objective.progress is not None else Decimal(0)
        if objective.status != Objective.Status.ACTIVE:
            status = objective.status
        else:
            status = Objective.Status.ACHIEVED if progress >= 1 else Objective.Status.MISSED
        initial = {
            "status": status,
            "final_score": objective.final_score
            if objective.final_score is not None
            else round(Decimal(progress), 2),
            "retrospective": objective.retrospective,
            # A missed objective usually goes on; a dropped one was let go on purpose.
            "carry_over": status == Objective.Status.MISSED and not self.already_carried,
        }
        super().__init__(*args, prefix=f"objective-{objective.pk}", initial=initial, **kwargs)
        if self.already_carried:  # when the quarter is closed again after a reopening
            del self.fields["carry_over"]

    @property
    def already_carried(self):
        """Needs carried_into in select_related, as the closing page reads it."""
        return hasattr(self.objective, "carried_into")

    def clean(self):
        data = super().clean()
        if data.get("carry_over"):
            if data.get("status") == Objective.Status.ACHIEVED:
                self.add_error("carry_over", _("An achieved objective is not carried over."))
            elif self.next_quarter is None:
                self.add_error(
                    "carry_over",
                    _("There is no next quarter yet: an administrator needs to create it first."),
                )
        return data

    @property
    def grade(self):
        data = self.cleaned_data
        return data["status"], data["final_score"], data["retrospective"].strip()


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen it?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the quarter's history, with your name."),
    )


class NextQuarterForm(forms.ModelForm):
    """The next quarter, prefilled with the next calendar quarter; an overlap is refused."""

    class Meta:
        model = Quarter
        fields = ["label", "start", "end"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
