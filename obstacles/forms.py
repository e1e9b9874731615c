from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from headway.dates import PLANNING_HORIZON, validate_plannable
from headway.forms import ChoicesReadTogether, PersonChoiceField, QuickSelect, VersionedForm
from headway.people import NAME_ORDER, display_name, in_name_order
from objectives.models import Objective, Problem, Quarter, Team

from .models import Decision, LeaderRequest, Obstacle


class ObstacleForm(VersionedForm, forms.ModelForm):
    """Log or edit an obstacle. The fields shown follow the kind: a dependency or platform
    obstacle names the blocking team, a stakeholder concern a decide-by date. What the kind
    does not need is kept as hidden input, so switching kinds back and forth loses nothing.
    """

    class Meta:
        model = Obstacle
        fields = [
            "team",
            "title",
            "kind",
            "blocking_team",
            "decide_by",
            "description",
            "threatened_objectives",
            "severity",
            "is_urgent",
            "help_wanted",
            "help_detail",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "decide_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "threatened_objectives": forms.CheckboxSelectMultiple,
        }
        labels = {"is_urgent": _("Urgent: tell the leader now, do not wait for the 1:1")}
        help_texts = {
            "title": _("One line a leader understands at a glance."),
            "blocking_team": _("The team this obstacle waits on."),
            "decide_by": _("When the decision is needed at the latest."),
            "description": _("What happens, since when, and what it puts at risk."),
            "help_detail": _("In one sentence: what would remove it."),
        }

    # Fields shown only for some kinds; the others are shown for every kind.
    KIND_FIELDS = {"blocking_team": Obstacle.NEEDS_BLOCKING_TEAM, "decide_by": ("stakeholder",)}
    KIND_MESSAGES = {
        "blocking_team": _("Name the team this obstacle waits on."),
        "decide_by": _("Say by when the decision is needed."),
    }

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams
            self.fields["team"].empty_label = None
        team = self.chosen_team()
        self.fields["blocking_team"].queryset = Team.objects.active().exclude(
            pk=getattr(team, "pk", None)
        )
        self.fields["blocking_team"].empty_label = _("Choose the team")
        self.fields["kind"].choices = [("", _("Choose a kind")), *Obstacle.Kind.choices]
        self.fields["kind"].widget.attrs["autofocus"] = not self.instance.pk
        self.fields["title"].widget.attrs["autofocus"] = bool(self.instance.pk)
        quarter = Quarter.objects.current()
        self.fields["threatened_objectives"].queryset = Objective.objects.filter(
            team=team, quarter=quarter
        ).counted()
        # All of one quarter, which the help text names: their titles tell them apart.
        self.fields["threatened_objectives"].label_from_instance = lambda o: o.title
        self.fields["threatened_objectives"].help_text = (
            _("The team's objectives for %s.") % quarter if quarter else ""
        )
        self.fields["help_wanted"].label = _("Help wanted from the leader")
        today = timezone.localdate()
        self.fields["decide_by"].widget.attrs.update(
            min=today.isoformat(), max=(today + PLANNING_HORIZON).isoformat()
        )
        self.kind = self["kind"].value() or (self.instance.kind if self.instance.pk else "")
        for name, kinds in self.KIND_FIELDS.items():
            self.fields[name].required = self.kind in kinds
            self.fields[name].error_messages["required"] = self.KIND_MESSAGES[name]
            if self.kind and self.kind not in kinds:
                self.fields[name].widget = forms.HiddenInput()

    @classmethod
    def refreshed(cls, data, **kwargs):
        """The form again for what was typed, with the fields of the chosen kind and team,
        and no error yet: the user has not sent it."""
        bound = cls(data, **kwargs)
        typed = {name: bound[name].data for name in bound.fields}
        return cls(None, initial={**kwargs.pop("initial", {}), **typed}, **kwargs)

    def chosen_team(self):
        if self.instance.team_id:
            return self.instance.team
        if "team" not in self.fields:
            return None
        try:
            return self.fields["team"].clean(self["team"].value())
        except forms.ValidationError:
            return self.fields["team"].queryset.first()

    def visible_kind_fields(self):
        return [self[name] for name in self.KIND_FIELDS if not self[name].is_hidden]

    def clean_decide_by(self):
        """A decision is due from today to a year ahead; a date already saved stays as it is,
        even once passed (the obstacle then shows it overdue)."""
        decide_by = self.cleaned_data["decide_by"]
        if decide_by != self.instance.decide_by and not self["decide_by"].is_hidden:
            validate_plannable(decide_by)
        return decide_by

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") not in Obstacle.NEEDS_BLOCKING_TEAM:
            cleaned["blocking_team"] = None
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The model's rules repeat the message of a required field left empty: say it once.
        for name, errors in self._errors.items():
            self._errors[name] = self.error_class(list(dict.fromkeys(errors)))

    def details(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data.pop("team", None)
        return data, data.pop("threatened_objectives")

    def log(self, by):
        fields, objectives = self.details()
        return Obstacle.log(
            team=self.cleaned_data["team"], by=by, threatened_objectives=objectives, **fields
        )

    def save_edit(self, by):
        """Save the edit; raises headway.locking.Conflict if someone changed it meanwhile."""
        fields, objectives = self.details()
        self.instance.edit(by, self.based_on, threatened_objectives=objectives, **fields)
        return self.instance


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=Obstacle.Status.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to resolve, accept as a risk or withdraw: how did it end?"),
    )

    def __init__(self, *args, obstacle, **kwargs):
        kwargs.setdefault("initial", {"version": obstacle.version})
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = self.statuses_from(obstacle)
        self.auto_id = "status-%s"

    @staticmethod
    def statuses_from(obstacle):
        """The statuses an obstacle may move to: all but its own."""
        return [
            (value, label) for value, label in Obstacle.Status.choices if value != obstacle.status
        ]

    def with_conflict(self, current):
        self.fields["status"].choices = self.statuses_from(current)
        return super().with_conflict(current)

    def clean(self):
        cleaned = super().clean()
        closing = cleaned.get("status") in Obstacle.CLOSED_STATUSES
        if closing and not cleaned.get("resolution", "").strip():
            self.add_error(
                "resolution", _("Say how it ended: what was done, or why it is accepted.")
            )
        return cleaned


class OwnerForm(VersionedForm):
    owner = PersonChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, obstacle, user, **kwargs):
        kwargs.setdefault("initial", {"version": obstacle.version, "owner": obstacle.owner_id})
        super().__init__(*args, **kwargs)
        # Whoever may change the obstacle may take it on, from inside the team or not.
        self.fields["owner"].queryset = in_name_order(
            obstacle.team.people() | get_user_model().objects.filter(pk=user.pk)
        )
        self.fields["owner"].empty_label = _("Nobody yet")
        self.auto_id = "owner-%s"


class UrgencyForm(VersionedForm):
    is_urgent = forms.BooleanField(label=_("Urgent"), required=False)

    def __init__(self, *args, obstacle, **kwargs):
        kwargs.setdefault("initial", {"version": obstacle.version})
        super().__init__(*args, **kwargs)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Write a comment first.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = "comment-%s"


# The version of what the log's filters list (teams, quarters, problems, the obstacles'
# owners, the teams' leaders, their names), which the database changes with any of them
# (obstacles migration 0016).
FILTER_LISTS_VERSION = "SELECT max(version) FROM obstacles_filter_lists"


class LogFilterForm(forms.Form):
    """The log's filters, read from the query string: a filtered log is a URL to share."""

    STATUS_CHOICES = [
        ("active", _("Open or in progress")),
        *Obstacle.Status.choices,
        ("closed", _("Closed (any way)")),
        ("all", _("Any status")),
    ]
    URGENCY_CHOICES = [("", _("Urgent or not")), ("urgent", _("Urgent")), ("no", _("Not urgent"))]
    ASKS_CHOICES = [
        ("", _("Anyone or no one")),
        ("me", _("Me, as the team's leader")),
        ("waiting", _("My teams, as the team they wait on")),
    ]
    SORT_CHOICES = [
        ("", _("Urgent and severe first")),
        ("oldest", _("Oldest first")),
        ("newest", _("Newest first")),
        ("activity", _("Latest activity first")),
    ]
    SORTS = {
        "oldest": ["opened_at", "pk"],
        "newest": ["-opened_at", "-pk"],
        "activity": ["-last_activity_at", "-pk"],
    }

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words in titles, descriptions and comments."),
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.only("slug", "name").order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All teams"),
        widget=QuickSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *Obstacle.Kind.choices],
        required=False,
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False, widget=QuickSelect
    )
    blocking = forms.ModelChoiceField(
        label=_("Blocked by"),
        queryset=Team.objects.only("slug", "name").order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any team or none"),
        widget=QuickSelect,
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=URGENCY_CHOICES, required=False, widget=QuickSelect
    )
    asks = forms.ChoiceField(
        label=_("Asking for"),
        choices=ASKS_CHOICES,
        required=False,
        widget=QuickSelect,
        help_text=_(
            "Urgent, asking for help, or a decision due soon, in the teams you lead; or "
            "waiting on a team you lead."
        ),
    )
    quarter = forms.ModelChoiceField(
        label=_("Quarter"),
        queryset=Quarter.objects.order_by("-start"),
        to_field_name="label",
        required=False,
        empty_label=_("Any time"),
        widget=QuickSelect,
    )
    logged = forms.ModelChoiceField(
        label=_("Logged in"),
        queryset=Quarter.objects.order_by("-start"),
        to_field_name="label",
        required=False,
        empty_label=_("Any time"),
        widget=QuickSelect,
    )
    removed = forms.ModelChoiceField(
        label=_("Removed in"),
        queryset=Quarter.objects.order_by("-start"),
        to_field_name="label",
        required=False,
        empty_label=_("Any time"),
        widget=QuickSelect,
        help_text=_("Resolved during the quarter."),
    )
    problem = forms.ModelChoiceField(
        label=_("Problem"),
        queryset=Problem.objects.only("title").order_by("title"),
        required=False,
        empty_label=_("Any problem or none"),
        widget=QuickSelect,
        help_text=_("Threatening objectives that serve it (in the quarter, if one is chosen)."),
    )
    owner = PersonChoiceField(
        label=_("Owner"),
        # A semi-join (IN) rather than a DISTINCT over the join: the database reads the
        # owners' index instead of every obstacle row (64 ms down to 2 at 50,000 obstacles).
        queryset=get_user_model().objects.filter(pk__in=Obstacle.objects.values("owner")),
        required=False,
        empty_label=_("Anyone"),
        widget=QuickSelect,
    )
    # What the obstacles asked of their team's leader, and how the leader answered: the rows
    # behind the quarter review's leadership figures.
    leader = PersonChoiceField(
        label=_("Team's leader"),
        queryset=get_user_model().objects.filter(pk__in=Team.objects.values("leader")),
        required=False,
        empty_label=_("Any leader"),
        widget=QuickSelect,
    )
    asked = forms.ChoiceField(
        label=_("Asked of the leader"),
        choices=[("", _("Anything or nothing")), *LeaderRequest.choices],
        required=False,
        widget=QuickSelect,
        help_text=_("By someone other than the team's leader."),
    )
    asked_in = forms.ModelChoiceField(
        label=_("Asked in"),
        queryset=Quarter.objects.order_by("-start"),
        to_field_name="label",
        required=False,
        empty_label=_("Any time"),
        widget=QuickSelect,
    )
    acted = forms.ChoiceField(
        label=_("Leader's first action"),
        choices=[("", _("Taken or not")), ("yes", _("Taken")), ("no", _("Not taken yet"))],
        required=False,
        widget=QuickSelect,
        help_text=_("Since the request chosen in “Asked of the leader”."),
    )
    decision = forms.ChoiceField(
        label=_("Decision by a date"),
        choices=[("", _("Any or none")), ("due", _("Any decision")), *Decision.choices],
        required=False,
        widget=QuickSelect,
    )
    due_in = forms.ModelChoiceField(
        label=_("Decision due in"),
        queryset=Quarter.objects.order_by("-start"),
        to_field_name="label",
        required=False,
        empty_label=_("Any time"),
        widget=QuickSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort"), choices=SORT_CHOICES, required=False, widget=QuickSelect
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        fields = self.fields
        # Every list to choose from read in one round trip when the form is drawn, and only
        # when something it shows has changed since this process last read it.
        together = ChoicesReadTogether(version=FILTER_LISTS_VERSION)
        for name in ("owner", "leader"):
            fields[name].queryset = in_name_order(fields[name].queryset)
            together.add(fields[name], columns=NAME_ORDER, label=display_name)
        # The team filters list the same teams, the quarter filters the same quarters.
        together.add(fields["team"], fields["blocking"], columns=["name"])
        quarters = [fields[name] for name in ("quarter", "logged", "removed", "asked_in", "due_in")]
        together.add(*quarters, columns=["label"])
        together.add(fields["problem"], columns=["title"])

    def filter(self, obstacles):
        """`obstacles` narrowed and sorted by the valid filters (invalid ones are ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or "active"
        if status == "active":
            obstacles = obstacles.active()
        elif status == "closed":
            obstacles = obstacles.closed()
        elif status != "all":
            obstacles = obstacles.filter(status=status)
        exact = {
            "team": "team",
            "kind": "kind",
            "blocking": "blocking_team",
            "owner": "owner",
            "leader": "team__leader",
        }
        for name, lookup in exact.items():
            if data.get(name):
                obstacles = obstacles.filter(**{lookup: data[name]})
        if data.get("urgency"):
            obstacles = obstacles.filter(is_urgent=data["urgency"] == "urgent")
        if data.get("asks") == "me" and self.user is not None:
            obstacles = obstacles.needing_leader(self.user)
        elif data.get("asks") == "waiting" and self.user is not None:
            obstacles = obstacles.waiting_on_teams_led_by(self.user)
        if data.get("quarter"):
            obstacles = obstacles.for_quarter(data["quarter"])
        if data.get("logged"):
            obstacles = obstacles.logged_in(data["logged"])
        if data.get("removed"):
            obstacles = obstacles.removed_in(data["removed"])
        if data.get("asked"):
            obstacles = obstacles.asking_leader(data["asked"], data.get("asked_in"))
            if data.get("acted"):
                obstacles = obstacles.filter(leader_acted_at__isnull=data["acted"] == "no")
        if data.get("decision"):
            obstacles = obstacles.decisions(data.get("due_in"))
            if data["decision"] != "due":
                obstacles = obstacles.filter(decision=data["decision"])
        if data.get("problem"):
            serving = Objective.objects.filter(serves=data["problem"])
            if data.get("quarter"):
                serving = serving.filter(quarter=data["quarter"])
            obstacles = obstacles.threatening(serving)
        obstacles = obstacles.search(data.get("q"))
        if data.get("sort") in self.SORTS:
            obstacles = obstacles.order_by(*self.SORTS[data["sort"]])
        return obstacles
