import functools
import html
import itertools
import logging
from datetime import time

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import (
    BadRequest,
    EmptyResultSet,
    FieldDoesNotExist,
    ValidationError,
)
from django.db.models.utils import create_namedtuple_class
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils import formats, translation
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .locking import save_if_unchanged
from .models import EmailKind, Preference, Weekday, time_zone_names
from .people import display_name
from .sso import provider_name
from .stored import fetch_each
from .throttling import SignInThrottle

logger = logging.getLogger(__name__)


class ThrottledSignInMixin:
    """Refuses every sign-in attempt, right or wrong, once too many have failed."""

    throttled_message = ngettext_lazy(
        "Too many failed sign-in attempts. Signing in is paused: wait %(minutes)d minute "
        "and try again, or reset your password.",
        "Too many failed sign-in attempts. Signing in is paused: wait %(minutes)d minutes "
        "and try again, or reset your password.",
        "minutes",
    )

    def clean(self):
        throttle = SignInThrottle(self.request, self.data.get("username") or "")
        if not throttle.attempt():
            logger.warning("sign-in refused: too many failed attempts")
            raise ValidationError(
                self.throttled_message,
                code="throttled",
                params={"minutes": settings.SIGNIN_LOCKOUT_MINUTES},
            )
        # A wrong password raises here, and its attempt stays counted.
        cleaned_data = super().clean()
        if self.get_user() is None:
            throttle.not_checked()
        else:
            throttle.succeeded()
        return cleaned_data


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if settings.SSO_ONLY:
            # The same words for a wrong password and for someone who may not use one, so
            # that the page tells nobody which accounts are administrators'.
            self.error_messages = {
                **self.error_messages,
                "invalid_login": _(
                    "Wrong username or password. Only administrators sign in with a password "
                    "here; everyone else signs in with %(provider)s."
                ),
            }

    def get_invalid_login_error(self):
        if not settings.SSO_ONLY:
            return super().get_invalid_login_error()
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"provider": provider_name()},
        )


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass


class RecipientLanguagePasswordResetForm(PasswordResetForm):
    """Django's password reset, its e-mail written in the language the account's owner chose
    (headway.models.Preference); without a choice, in the language of the page the reset
    was asked from, which the person asking for it reads."""

    def get_users(self, email):
        """In SSO-only mode, only superusers have a password to reset (the way in when the
        identity provider is down); everyone else signs in through the provider."""
        users = super().get_users(email)
        if settings.SSO_ONLY:
            return (user for user in users if user.is_superuser)
        return users

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        default = translation.get_language()
        language = Preference.objects.language_to_write_to(context["user"], default)
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of one person, each labelled by their display name (headway.people), not by
    their username."""

    def label_from_instance(self, obj):
        return display_name(obj)


class VersionedForm(forms.Form):
    """A form that changes something versioned (headway.locking), used as the first base:
    `class ObjectiveForm(VersionedForm, forms.ModelForm)`.

    It carries, hidden, the version its input was based on. That version is required: a post
    without it, or with anything but a whole number, is a bad request (400), never a save over
    whatever is stored. A model form takes the version of its instance (and has none while it
    creates one); another form is given `initial={"version": ...}`.

    When the save raises `Conflict`, `with_conflict(current)` keeps the user's input, bases it
    on the stored version, and `theirs` lists the values saved meanwhile: the page answers 409
    and shows both (templates/includes/conflict.html).
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    # A field whose name is not that of the attribute it edits: {"field": "attribute"}.
    stored_as = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is None:
            del self.fields["version"]  # nothing is stored yet: nothing to conflict with
        elif instance is not None:
            self.fields["version"].initial = instance.version

    def full_clean(self):
        super().full_clean()
        if "version" in self._errors:
            raise BadRequest("The version a change is based on is missing or not a number.")

    def save(self, commit=True):
        """A model form's edit, saved only if nobody saved it since (else Conflict)."""
        if "version" not in self.fields:
            return super().save(commit)
        fields = [name for name in self.fields if name != "version"]
        save_if_unchanged(self.instance, self.cleaned_data["version"], fields)
        return self.instance

    def with_conflict(self, current):
        """This form after a Conflict: the user's input kept, now based on the version of
        `current` (the thing as stored), so that saving it again knowingly replaces theirs."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = self._stored(current, "version")
        self.conflict = current
        return self

    @property
    def based_on(self):
        """The version the user's input was based on."""
        return self.cleaned_data["version"]

    def theirs(self):
        """After a conflict, the stored value of each field shown, as (label, text)."""
        return [
            (self[name].label, self._shown(self.conflict, name))
            for name, field in self.fields.items()
            if not field.widget.is_hidden
        ]

    def _stored(self, current, name):
        return getattr(current, self.stored_as.get(name, name))

    def _shown(self, current, name):
        field, value = self.fields[name], self._stored(current, name)
        attribute = self.stored_as.get(name, name)
        try:
            choices = current._meta.get_field(attribute).choices
        except FieldDoesNotExist:
            choices = None
        if choices:
            return getattr(current, f"get_{attribute}_display")()
        if isinstance(field, forms.ModelMultipleChoiceField):
            value = ", ".join(field.label_from_instance(item) for item in value.all())
        elif isinstance(field, forms.ModelChoiceField) and value is not None:
            value = field.label_from_instance(value)
        elif isinstance(field, forms.BooleanField):
            value = _("yes") if value else _("no")
        return "—" if value in (None, "") else formats.localize(value)


class QuickSelect(forms.Select):
    """A <select> written in Python rather than through a template per <option>.

    Django renders every option with its own template: a filter listing hundreds of teams
    and people spent ~65 ms of a 120 ms page on it (bench/results.md). Same HTML, same
    attributes (id, aria-describedby, required...), values and labels escaped (option_tags).
    """

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(self.choices, ChoicesReadOnce):
            # Options written once per process for the rows read (ChoicesReadTogether).
            return format_html(
                '<select name="{}"{}>{}</select>',
                name,
                flatatt(self.build_attrs(self.attrs, attrs)),
                self.choices.option_tags(self.format_value(value)),
            )
        # Not list(): a model choice field's len() is a query of its own.
        choices = [choice for choice in self.choices]
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            # Groups of options are rare enough to leave to Django's templates.
            return super().render(name, value, attrs, renderer)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            option_tags(choices, self.format_value(value)),
        )


def option_tags(choices, chosen):
    """The <option> of each (value, label) of `choices`, the first whose value is among
    `chosen` (strings) selected, as Django's Select does; values and labels escaped. Written
    as strings, without Django's dictionary per option: 700 options in about 1 ms."""
    options = []
    for value, label in choices:
        value = "" if value is None else str(value)
        selected = value in chosen
        if selected:
            chosen = ()
        options.append(option_tag(value, label, selected))
    return mark_safe("".join(options))  # noqa: S308 (each value and label escaped)


def option_tag(value, label, selected=False):
    """One <option> (`value` a string), its value and label escaped."""
    return (
        f'<option value="{escaped(value)}"{" selected" if selected else ""}>'
        f"{escaped(label)}</option>"
    )


def escaped(text):
    """`text` escaped for HTML unless it is already safe: Django's conditional_escape without
    its check for lazy arguments, for what is called once per option or per mark of a chart
    (a number, such as a coordinate, is written as it is: nothing in it to escape)."""
    if type(text) in NUMBERS:
        return str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


NUMBERS = {int, float}


def read_choices_once(*fields, columns, label=None):
    """Gives model choice fields over the same queryset one list of choices, each field with
    its own empty label, read when the first of them is rendered: in one query of `columns`
    only, each row labelled by `label(row)` (else by its one column). Django reads them as a
    model instance each, through a server-side cursor: 3 ms instead of 1 for the log's
    filters at 200 teams."""
    ChoicesReadTogether().add(*fields, columns=columns, label=label)


class ChoicesReadTogether:
    """Several lists of choices (`add`, as `read_choices_once` takes them) read together, in
    one round trip to the database, when the first field of any of them is rendered: a form
    of filters with five lists to choose from (teams, quarters, problems, people) asks for
    them all at once rather than in five queries.

    With `version`, a statement whose one row holds a number that the database changes in
    the same transaction as anything the lists show (NULL when it cannot tell; see obstacles
    migration 0016), each list read is kept in this process with the version it was read
    at, and the database sends it again only when the version has changed: each statement
    asks for the version and, if it is not the one known, for the list's rows, in one
    snapshot. Without it, the lists are read every time (and their options written again
    only when their rows differ: WrittenChoices)."""

    def __init__(self, version=None):
        self.lists = []
        self.version = version
        self.read = functools.cache(self._read)

    def add(self, *fields, columns, label=None):
        first = fields[0]
        key = first.to_field_name or "pk"
        rows = first.queryset.values_list(key, *columns, named=True)
        label = label or (lambda row: row[1])
        index = len(self.lists)
        self.lists.append((rows, key, label))
        for field in fields:
            field.choices = ChoicesReadOnce(field.empty_label, lambda: self.read()[index])

    def _read(self):
        """Each list's (value, label) pairs: every query's rows from one execute (psycopg
        returns each statement's rows as a result set of its own)."""
        compiled = []
        for rows, _key, label in self.lists:
            compiler = rows.query.get_compiler(using=rows.db)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                compiled.append((None, "", (), None))
                continue
            # The same statement and labelling as a request before in this process: the
            # same list, its options already written.
            known = (sql, tuple(params), getattr(label, "__code__", label), self.version)
            if self.version:
                written = WRITTEN_CHOICES.get(known)
                # (0 is never a version: it asks for the rows.)
                sql, params = self.versioned(sql), [*params, written.version if written else 0]
            compiled.append((compiler, sql, params, known))
        statements = [(sql, params) for _compiler, sql, params, _known in compiled if sql]
        # With a version, the statements do not change between requests: each is prepared
        # once per connection, as compiled queries are (PostgreSQL took longer to plan the
        # lists than to skip them).
        db = self.lists[0][0].db
        fetched = fetch_each(statements, prepare=bool(self.version), using=db) if statements else []
        fetched = iter(fetched)
        lists = []
        for (rows, key, label), (compiler, sql, _params, known) in zip(
            self.lists, compiled, strict=True
        ):
            found, version = next(fetched) if sql else [], None
            if self.version and sql:
                # (version, the list's columns..., its place), or (version, NULL...) alone.
                version = found[0][0]
                found = [row[1:-1] for row in found if row[-1] is not None]
            written = WRITTEN_CHOICES.get(known)
            unchanged = written is not None and (
                version == written.version if self.version else written.rows == found
            )
            if not unchanged:
                named = create_namedtuple_class(*rows._fields)
                converted = compiler.results_iter([found], tuple_expected=True) if sql else []
                choices = [(getattr(row, key), label(row)) for row in map(named._make, converted)]
                written = WrittenChoices(found, choices, version)
                if sql and (version is not None or not self.version):
                    WRITTEN_CHOICES[known] = written
                while len(WRITTEN_CHOICES) > WRITTEN_CHOICES_KEPT:
                    WRITTEN_CHOICES.pop(next(iter(WRITTEN_CHOICES)), None)
            lists.append(written)
        return lists

    def versioned(self, sql):
        """`sql` (a list's statement) asking first for the version: one row (version, NULL…)
        if it is the one known (the last parameter), else (version, row…, place) for each
        row of the list in its order, or one row of NULLs after the version if it is empty.
        (The condition inside the list's subquery: PostgreSQL then skips the list at once.)"""
        return (
            f"SELECT known.version, list.* FROM ({self.version}) AS known(version) "  # noqa: S608 - our own SQL
            f"LEFT JOIN LATERAL (SELECT list.*, row_number() OVER () AS listed_at FROM "
            f"({sql}) AS list WHERE known.version IS DISTINCT FROM %s) AS list ON TRUE "
            f"ORDER BY list.listed_at"
        )


class WrittenChoices:
    """A list of choices read from the database (`rows`, as fetched) and its <option>s,
    written once: a filter form drawn again and again shows the same hundreds of teams and
    people, so each process writes and escapes them once for as long as the rows read stay
    the same. Only which option is selected differs between requests."""

    def __init__(self, rows, choices, version=None):
        self.rows, self.choices, self.version = rows, choices, version
        self.values = ["" if value is None else str(value) for value, _label in choices]
        tags = [
            option_tag(value, label)
            for value, (_v, label) in zip(self.values, choices, strict=True)
        ]
        self.html = "".join(tags)
        # Where each option's tag starts in `html`, and the first option of each value.
        self.starts = list(itertools.accumulate((len(tag) for tag in tags), initial=0))
        self.first = {}
        for i, value in enumerate(self.values):
            self.first.setdefault(value, i)

    def option_tags(self, chosen):
        """The <option>s, the first whose value is among `chosen` selected (option_tags)."""
        places = [self.first[value] for value in chosen if value in self.first]
        if not places:
            return self.html
        i = min(places)
        start, end = self.starts[i], self.starts[i + 1]
        selected = option_tag(self.values[i], self.choices[i][1], selected=True)
        return f"{self.html[:start]}{selected}{self.html[end:]}"


# The lists of choices written, by statement, parameters and labelling, in this process: as
# many as the forms' lists (some per team or per person), the oldest forgotten first.
WRITTEN_CHOICES = {}
WRITTEN_CHOICES_KEPT = 256


class ChoicesReadOnce(BaseChoiceIterator):
    """A field's empty label, then the choices of the list `read()` returns
    (read_choices_once)."""

    def __init__(self, empty_label, read):
        self.empty_label, self.read = empty_label, read

    def __iter__(self):
        if self.empty_label is not None:
            yield "", self.empty_label
        yield from self.read().choices

    def option_tags(self, chosen):
        """Its <option>s as option_tags writes them, the list's written once per process."""
        if self.empty_label is not None and "" in chosen:
            return mark_safe(  # noqa: S308 (written escaped)
                option_tag("", self.empty_label, selected=True) + self.read().html
            )
        empty = "" if self.empty_label is None else option_tag("", self.empty_label)
        return mark_safe(empty + self.read().option_tags(chosen))  # noqa: S308 (escaped)


# Django's templates of <input> widgets that only include its input.html (checked by
# tests/headway/test_quick_fields.py against the Django installed).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in [
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    ]
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


class QuickRenderer(DjangoTemplates):
    """Django's form renderer (settings.FORM_RENDERER), except that it writes the <input>
    and <textarea> of Django's own widgets in Python, as their templates write them: two
    templates and an include for each field, a fifth of a millisecond, many times a page.
    Every other widget and form is still rendered by its template."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            widget = context["widget"]
            value = widget["value"]
            value = "" if value is None else f' value="{escaped(value)}"'
            return mark_safe(  # noqa: S308 (every value escaped)
                f'<input type="{escaped(widget["type"])}" name="{escaped(widget["name"])}"'
                f"{value}{attribute_list(widget['attrs'])}>"
            )
        if template_name == TEXTAREA_TEMPLATE:
            widget = context["widget"]
            return mark_safe(  # noqa: S308 (every value escaped)
                f'<textarea name="{escaped(widget["name"])}"{attribute_list(widget["attrs"])}>\n'
                f"{escaped(widget['value']) if widget['value'] else ''}</textarea>"
            )
        return super().render(template_name, context, request)


def attribute_list(attrs):
    """A widget's attributes as Django's attrs.html writes them: in their order, a True one
    bare, a False one left out, every name and value escaped."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def when_sent(kind, schedule):
    """When e-mails of `kind` go out, in a sentence, with the organization's schedule."""
    hour = formats.time_format(time(schedule.notice_hour))
    sentences = {
        EmailKind.ESCALATION: _(
            "At once, when an obstacle of a team you lead is marked urgent by someone else."
        ),
        EmailKind.WAITING_ON_TEAM: _(
            "At once, when another team's obstacle names a team you lead as the one it waits on."
        ),
        EmailKind.CHECK_IN_REMINDER: _(
            "%(weekday)s at %(hour)s, to product managers whose team has key results not "
            "checked in this week; not sent when all are."
        )
        % {
            "weekday": Weekday(schedule.check_in_weekday).label,
            "hour": formats.time_format(time(schedule.check_in_hour)),
        },
        EmailKind.ONE_ON_ONE_PREPARATION: _(
            "At %(hour)s the day before each of your 1:1s: the agenda so far."
        )
        % {"hour": hour},
        EmailKind.LEADER_DIGEST: _(
            "On your digest day at %(hour)s, to leaders: what needs you this week, teams that "
            "fell behind pace, bottlenecks that grew."
        )
        % {"hour": hour},
        EmailKind.DECISION_DUE: _(
            "At %(hour)s two days before a decision your team waits on is due, and on the day."
        )
        % {"hour": hour},
        EmailKind.LEARNINGS_DIGEST: _(
            "On your digest day at %(hour)s: the learnings newly shared with your teams."
        )
        % {"hour": hour},
    }
    return sentences[kind]


class NotificationSettingsForm(forms.ModelForm):
    """A person's e-mails: which kinds they get, the day of their weekly digests, and the
    time zone their reminders follow."""

    emails_on = forms.MultipleChoiceField(
        label=_("E-mails you receive"),
        choices=EmailKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Preference
        fields = ["digest_day", "time_zone"]
        widgets = {"digest_day": QuickSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["emails_on"].initial = [
            kind for kind in EmailKind.values if self.instance.wants(kind)
        ]
        organization = _("The organization's (%(zone)s)") % {"zone": settings.TIME_ZONE}
        self.fields["time_zone"] = forms.ChoiceField(
            label=_("Time zone"),
            choices=[("", organization), *((name, name) for name in time_zone_names())],
            required=False,
            widget=QuickSelect,
            help_text=_("Reminders come at their hour in this time zone, and show its times."),
        )

    def save(self, commit=True):
        chosen = set(self.cleaned_data["emails_on"])
        self.instance.emails_off = [kind for kind in EmailKind.values if kind not in chosen]
        return super().save(commit)
