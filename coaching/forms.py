from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from headway.dates import PLANNING_HORIZON, validate_plannable
from headway.forms import ChoicesReadTogether, PersonChoiceField, QuickSelect, VersionedForm
from headway.people import NAME_ORDER, display_name, in_name_order
from objectives.models import Team
from obstacles.models import Obstacle

from .markdown import render_markdown
from .models import ActionItem, Learning, OneOnOne, TalkingPoint


class TalkingPointForm(forms.ModelForm):
    # Several forms share a page: each has its own ids.
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "talking_point_%s")
        super().__init__(*args, **kwargs)

    class Meta:
        model = TalkingPoint
        fields = ["text"]
        labels = {"text": _("Add a talking point")}


class NotesForm(VersionedForm):
    """A 1:1's shared or private notes (`which`), saved as they are typed."""

    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, one_on_one, which, **kwargs):
        field = OneOnOne.NOTES[which]
        self.one_on_one, self.which = one_on_one, which
        self.stored_as = {"text": field, "version": f"{field}_version"}
        kwargs.setdefault(
            "initial",
            {
                "text": getattr(one_on_one, field),
                "version": getattr(one_on_one, f"{field}_version"),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["text"].label = capfirst(OneOnOne._meta.get_field(field).verbose_name)

    @property
    def preview(self):
        """The notes as HTML, for the preview under the editor: as rendered when they were
        saved, or the text sent, rendered now, when it was not saved (a conflict)."""
        text = self["text"].value() or ""
        if text == getattr(self.one_on_one, self.stored_as["text"]):
            return self.one_on_one.notes_as_html(self.which)
        return render_markdown(text)

    def save(self):
        """Save the notes; raises headway.locking.Conflict if someone saved them meanwhile.
        The form then carries the new version: the next save, as the person keeps typing, is
        based on it."""
        self.one_on_one.save_notes(self.which, self.cleaned_data["text"], self.based_on)
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = self._stored(self.one_on_one, "version")


class ScheduleForm(forms.ModelForm):
    """Move a coming 1:1: from today to a year ahead, after the pair's last one held."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "schedule_%s")
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["scheduled_for"].widget.attrs.update(
            min=f"{today.isoformat()}T00:00", max=f"{(today + PLANNING_HORIZON).isoformat()}T23:59"
        )

    def clean_scheduled_for(self):
        scheduled_for = self.cleaned_data["scheduled_for"]
        validate_plannable(scheduled_for)
        return scheduled_for

    class Meta:
        model = OneOnOne
        fields = ["scheduled_for"]
        widgets = {
            "scheduled_for": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        }


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_date", "obstacle"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            # Every 1:1 page shows this form, with an option for each active obstacle.
            "obstacle": QuickSelect,
        }
        field_classes = {"owner": PersonChoiceField}

    def __init__(self, *args, one_on_one, **kwargs):
        kwargs.setdefault("auto_id", "action_item_%s")
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(pk__in=[one_on_one.leader_id, one_on_one.pm_id])
        self.fields["owner"].queryset = in_name_order(people)
        self.fields["owner"].initial = one_on_one.leader_id
        self.fields["obstacle"].queryset = Obstacle.objects.filter(
            team_id=one_on_one.team_id
        ).active()
        self.fields["obstacle"].required = False
        # Every 1:1 page shows both: their options as plain rows, read in one round trip.
        together = ChoicesReadTogether()
        together.add(self.fields["owner"], columns=NAME_ORDER, label=display_name)
        together.add(self.fields["obstacle"], columns=["title"])
        today = timezone.localdate()
        self.fields["due_date"].widget.attrs.update(
            min=today.isoformat(), max=(today + PLANNING_HORIZON).isoformat()
        )

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        validate_plannable(due_date)
        return due_date


class LearningForm(forms.ModelForm):
    class Meta:
        model = Learning
        fields = ["title", "body", "source_team", "for_everyone", "teams"]
        widgets = {"teams": forms.CheckboxSelectMultiple}

    def __init__(self, *args, source_teams, **kwargs):
        """`source_teams`: the teams whose learnings the author may record."""
        super().__init__(*args, **kwargs)
        self.fields["source_team"].queryset = source_teams
        self.fields["teams"].queryset = Team.objects.active()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("for_everyone") and not cleaned.get("teams"):
            self.add_error(
                "teams",
                _("Choose the teams this learning should reach, or share it with every team."),
            )
        return cleaned


class ShareLearningForm(forms.ModelForm):
    class Meta:
        model = Learning
        fields = ["for_everyone", "teams"]
        widgets = {"teams": forms.CheckboxSelectMultiple}
        labels = {"teams": _("Share with these teams too")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.active()


class MoveSeriesForm(forms.Form):
    """Where an admin moves a 1:1 series on request: to another team."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.active())
