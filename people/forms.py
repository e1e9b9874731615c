from django import forms
from django.utils.translation import gettext_lazy as _

from headway.forms import QuickSelect

from .models import Person

# The largest CSV file accepted: 200 people take about 15 KB.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def successor_field(label):
    """A choice among the people who can take work over (set by HandoverForm)."""
    return forms.ModelChoiceField(
        Person.objects.none(),
        required=False,
        widget=QuickSelect,
        label=label,
        empty_label=_("Leave them as they are"),
    )


class HandoverForm(forms.Form):
    """Who takes over what a person owns: one successor per kind of work, all in one go."""

    obstacles_to = successor_field(_("New owner of these obstacles"))
    objectives_to = successor_field(_("New owner of these objectives"))
    key_results_to = successor_field(_("Who checks in on these key results now"))
    key_results_to_pm = forms.BooleanField(
        required=False,
        label=_("Nobody of their own: each team's PM checks in on them"),
    )
    series_to = successor_field(_("Who takes their place in these 1:1s"))
    end_series = forms.BooleanField(
        required=False,
        label=_("Nobody: end these series (the other person keeps the open action items)"),
    )

    def __init__(self, *args, work, **kwargs):
        super().__init__(*args, **kwargs)
        self.work = work
        successors = Person.objects.successors().exclude(pk=work.person.pk)
        # Read once for the three lists (each would run its own query); the queryset still
        # checks what is posted.
        options = [(person.pk, str(person)) for person in successors]
        for name in ("obstacles_to", "objectives_to", "key_results_to", "series_to"):
            field = self.fields[name]
            field.queryset = successors
            field.choices = [("", field.empty_label), *options]
        if not work.obstacles:
            del self.fields["obstacles_to"]
        if not work.objectives:
            del self.fields["objectives_to"]
        if not work.key_results:
            del self.fields["key_results_to"], self.fields["key_results_to_pm"]
        if not work.series:
            del self.fields["series_to"], self.fields["end_series"]

    def clean(self):
        data = super().clean()
        owner = data.get("key_results_to")
        if owner and data.get("key_results_to_pm"):
            self.add_error(
                "key_results_to_pm", _("Either someone checks in on them, or each team's PM does.")
            )
        elif owner and (outside := self.work.key_results_outside(owner)):
            self.add_error(
                "key_results_to",
                _(
                    "%(name)s is not a member of %(teams)s: a key result's owner is a member "
                    "of its team."
                )
                % {
                    "name": owner,
                    "teams": ", ".join(sorted({kr.objective.team.name for kr in outside})),
                },
            )
        successor = data.get("series_to")
        if successor and data.get("end_series"):
            self.add_error("end_series", _("Either someone takes their place, or the series end."))
        elif successor and (clashes := self.work.series_clashes(successor)):
            self.add_error(
                "series_to",
                _("%(name)s is already the other person in %(count)d of these series.")
                % {"name": successor, "count": len(clashes)},
            )
        if not any(data.get(name) for name in self.fields):
            raise forms.ValidationError(_("Choose who takes over something first."))
        return data


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: name, email, team, role, team_leader. UTF-8, commas or semicolons."),
    )
    remove_missing = forms.BooleanField(
        required=False,
        label=_("The file lists every team of the people in it"),
        help_text=_("They leave the teams the file does not list them in."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB: split it."))
        return upload


class RosterConfirmForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput)
