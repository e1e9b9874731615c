"""Form fields written in Python (headway.forms.QuickRenderer, {% field %}) are the HTML
Django's templates and includes/field.html wrote: the same elements, attributes and text,
every value escaped."""

from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from headway.forms import INPUT_TEMPLATES, TEXTAREA_TEMPLATE, QuickRenderer

NASTY = "<script>alert(\"x\")</script> & 'quotes'"


class Everything(forms.Form):
    text = forms.CharField(help_text="Say <b>it</b>", max_length=20)
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search"}))
    number = forms.IntegerField(required=False)
    email = forms.EmailField(required=False)
    day = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    moment = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    box = forms.BooleanField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    off = forms.CharField(required=False, disabled=True)
    flags = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autofocus": True, "spellcheck": False})
    )


def rendered(data, renderer):
    form = Everything(data, renderer=renderer)
    return {name: str(form[name]) for name in form.fields}


DATA = [
    {},
    {
        "text": NASTY,
        "search": NASTY,
        "number": "12",
        "email": "x@example.com",
        "day": "2026-12-01",
        "moment": "2026-12-01T09:30",
        "box": "on",
        "hidden": NASTY,
        "notes": f"{NASTY}\nsecond line",
        "off": "ignored",
        "flags": "a",
    },
    {"number": "not a number", "day": "the 40th", "notes": ""},
]


@pytest.mark.parametrize("data", DATA)
def test_each_widget_the_same_as_djangos_templates(data):
    quick, djangos = rendered(data, QuickRenderer()), rendered(data, DjangoTemplates())

    for name in Everything.base_fields:
        assert parse_html(quick[name]) == parse_html(djangos[name]), name
        assert quick[name].replace("\n", "") == djangos[name].replace("\n", ""), name


def test_values_escaped():
    written = rendered(DATA[1], QuickRenderer())

    for name in ("text", "search", "hidden", "notes"):
        assert "<script>" not in written[name]
        assert (
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;"
            in (written[name])
        )


def test_the_templates_written_in_python_are_djangos_input_and_textarea():
    """If a Django upgrade changed these templates, the renderer would have to follow."""
    widgets = Path(django.__file__).parent / "forms" / "templates"
    for name in INPUT_TEMPLATES:
        assert (widgets / name).read_text() == (
            '{% include "django/forms/widgets/input.html" %}\n'
        ), name
    assert (widgets / "django/forms/widgets/input.html").read_text() == (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
        "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>\n'
    )
    assert (widgets / TEXTAREA_TEMPLATE).read_text() == (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    )


def test_the_project_renders_forms_with_it(settings):
    assert settings.FORM_RENDERER == "headway.forms.QuickRenderer"


class Profile(forms.Form):
    name = forms.CharField(label=NASTY, help_text=mark_safe("<ul><li>A rule</li></ul>"))
    bio = forms.CharField(required=False, help_text=NASTY)
    agree = forms.BooleanField(label=_("Urgent"), required=False)
    teams = forms.MultipleChoiceField(
        label="Teams",
        choices=[("a", "Alpha"), ("b", "Bravo")],
        widget=forms.CheckboxSelectMultiple,
    )


def field(form, name):
    template = Template("{% load fields %}{% field form." + name + " %}")
    return template.render(Context({"form": form}))


def test_a_field_with_its_label_widget_and_help():
    written = field(Profile(), "name")

    assert parse_html(written) == parse_html(
        '<div class="field required">'
        f'<label for="id_name">{NASTY.replace("&", "&amp;").replace("<", "&lt;")}</label>'
        '<input type="text" name="name" required aria-describedby="id_name_helptext" '
        'id="id_name">'
        '<div class="help" id="id_name_helptext"><ul><li>A rule</li></ul></div>'
        "</div>"
    )
    assert "<script>" not in written


def test_errors_named_by_the_widget_and_the_input_kept():
    written = field(Profile({"bio": NASTY}), "name")

    assert parse_html(written) == parse_html(
        '<div class="field has-error required">'
        f'<label for="id_name">{NASTY.replace("&", "&amp;").replace("<", "&lt;")}</label>'
        '<input type="text" name="name" required aria-invalid="true" '
        'aria-describedby="id_name_helptext id_name_error" id="id_name">'
        '<div class="help" id="id_name_helptext"><ul><li>A rule</li></ul></div>'
        '<div class="field-errors" id="id_name_error"><p>This field is required.</p></div>'
        "</div>"
    )
    kept = field(Profile({"bio": NASTY}), "bio")
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' in kept
    assert '<div class="help" id="id_bio_helptext">&lt;script&gt;' in kept


def test_a_checkbox_in_its_label_in_french():
    with translation.override("fr"):
        written = field(Profile({"agree": "on"}), "agree")

    assert parse_html(written) == parse_html(
        '<div class="field"><label class="checkbox" for="id_agree">'
        '<input type="checkbox" name="agree" id="id_agree" checked> Urgent</label></div>'
    )


def test_choices_in_a_fieldset_that_names_them():
    written = field(Profile({}), "teams")

    assert written.startswith('<fieldset class="field choice-field has-error required">')
    assert "<legend>Teams</legend>" in written
    assert 'type="checkbox" name="teams" value="a"' in written
    assert '<div class="field-errors" id="id_teams_error"><p>This field is required.</p>' in (
        written
    )


def test_the_include_is_the_tag():
    form = Profile({"bio": NASTY})
    included = Template('{% include "includes/field.html" with field=form.bio %}')

    assert included.render(Context({"form": form})).strip() == field(form, "bio")
