"""Figures written the way the reader's language writes them: percentages (46% in English,
46 % in French, with a narrow no-break space that never wraps), decimals (3.5, 3,5) and the
dates of messages."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone, translation

from objectives.templatetags.objectives_charts import in_unit, percentage, with_percent_sign
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    OneOnOneFactory,
)
from tests.headway.test_translations import template_files

pytestmark = pytest.mark.django_db

FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}
NARROW_NBSP = "\u202f"


@pytest.mark.parametrize(("language", "expected"), [("en", "46%"), ("fr", f"46{NARROW_NBSP}%")])
def test_a_ratio_as_a_percentage(language, expected):
    with translation.override(language):
        assert percentage(Decimal("0.456")) == expected
        assert percentage(None) == ""


@pytest.mark.parametrize(
    ("language", "unit", "expected"),
    [
        ("en", "percent", "3.5%"),
        ("fr", "percent", f"3,5{NARROW_NBSP}%"),
        ("en", "number", "1,200.5"),
        ("fr", "number", "1\xa0200,5"),
    ],
)
def test_a_key_results_value_in_its_unit(language, unit, expected):
    key_result = KeyResultFactory.build(unit=unit)
    value = Decimal("3.5") if unit == "percent" else Decimal("1200.5")
    with translation.override(language):
        assert in_unit(value, key_result) == expected


@pytest.fixture
def churn(team, pm, current_quarter):
    objective = ObjectiveFactory(team=team, quarter=current_quarter, owner=pm)
    key_result = KeyResultFactory(
        objective=objective,
        description="Monthly churn",
        unit="percent",
        start_value=Decimal("8"),
        target_value=Decimal("5"),
    )
    CheckInFactory(key_result=key_result, author=pm, value=Decimal("6.5"))
    return key_result


def test_the_team_page_writes_percentages_the_english_way(client_for, pm, team, churn):
    page = client_for(pm).get(reverse("team", args=[team.slug])).text

    assert "<strong>6.5%</strong> of 5% (from 8%)" in page
    assert "· 50%" in page
    assert " %" not in page


def test_the_team_page_writes_percentages_the_french_way(client_for, pm, team, churn):
    page = client_for(pm).get(reverse("team", args=[team.slug]), headers=FRENCH).text

    nb = NARROW_NBSP
    assert f"<strong>6,5{nb}%</strong> sur 5{nb}% (départ\xa0: 8{nb}%)" in page
    assert f"· 50{nb}%" in page
    assert f"<strong>50{nb}%</strong> réalisés" in page
    assert " %" not in page


def test_the_key_result_page_and_its_check_ins_in_french(client_for, pm, team, churn):
    url = reverse("objectives:key_result", args=[team.slug, churn.pk])
    page = client_for(pm).get(url, headers=FRENCH).text

    assert f"<dd>8{NARROW_NBSP}%</dd>" in page
    assert f"<strong>6,5{NARROW_NBSP}%</strong>" in page
    assert "Courbe d’avancement tirée de 1 point\xa0: 50\u202f% aujourd’hui" in page


def test_the_message_after_a_one_on_one_dates_the_next_the_french_way(client_for, team, leader, pm):
    when = timezone.make_aware(datetime(2030, 3, 4, 10, 0))
    one_on_one = OneOnOneFactory(team=team, pm=pm, scheduled_for=when)

    response = client_for(leader).post(
        reverse("coaching:mark_held", args=[one_on_one.pk]), headers=FRENCH, follow=True
    )

    assert "Le prochain est prévu le 11 mars 2030 10:00\u202f;" in response.text


def test_and_the_english_way(client_for, team, leader, pm):
    when = timezone.make_aware(datetime(2030, 3, 4, 10, 0))
    one_on_one = OneOnOneFactory(team=team, pm=pm, scheduled_for=when)

    response = client_for(leader).post(
        reverse("coaching:mark_held", args=[one_on_one.pk]), follow=True
    )

    assert "The next one is scheduled for March 11, 2030, 10 a.m.;" in response.text


def check_in_url(key_result):
    return reverse("objectives:check_in", args=[key_result.objective.team.slug, key_result.pk])


def test_a_french_check_in_takes_a_decimal_comma_and_shows_one(client_for, pm, team, churn):
    client = client_for(pm)
    form = client.get(check_in_url(churn), headers=FRENCH).text
    assert 'value="6,50"' in form

    client.post(
        check_in_url(churn),
        {"value": "5,75", "confidence": "on_track", "day": timezone.localdate().isoformat()},
        headers=FRENCH,
    )

    assert churn.check_ins.latest("created_at").value == Decimal("5.75")


def test_a_french_check_in_typed_with_a_dot_is_understood_too(client_for, pm, team, churn):
    client_for(pm).post(
        check_in_url(churn),
        {"value": "5.25", "confidence": "on_track", "day": timezone.localdate().isoformat()},
        headers=FRENCH,
    )

    assert churn.check_ins.latest("created_at").value == Decimal("5.25")


def test_a_key_results_figures_typed_the_french_way(client_for, pm, team, churn):
    url = reverse("objectives:key_result_edit", args=[team.slug, churn.pk])
    form = client_for(pm).get(url, headers=FRENCH).text
    assert 'value="8,00"' in form

    client_for(pm).post(
        url,
        {
            "description": "Churn",
            "unit": "number",
            "start_value": "1200,5",
            "target_value": "2",
            "version": churn.version,
        },
        headers=FRENCH,
    )

    churn.refresh_from_db()
    assert (churn.start_value, churn.target_value) == (Decimal("1200.5"), 2)


def test_no_template_writes_its_own_percent_sign():
    """`{{ x }} %` is right in no language (46% in English, 46 % in French): a percentage
    goes through `percentage` or `in_unit`."""
    own_sign = re.compile(r"\}\}\s*(&nbsp;|\u00a0|\u202f)?%(?![}(])")
    offenders = [
        f"{path.name}:{text.count(chr(10), 0, match.start()) + 1}"
        for path in template_files()
        for text in [path.read_text()]
        for match in own_sign.finditer(text)
    ]
    assert offenders == []


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("unit", ["number", "percent", "currency"])
def test_a_value_is_written_as_floatformat_writes_it(language, unit):
    """in_unit writes its figures itself: as floatformat wrote them, grouped, with the
    decimals a value needs (an amount its cents or none), rounded, a zero never negative."""
    key_result = KeyResultFactory.build(unit=unit)
    values = [
        Decimal(sign + digits)
        for sign in ("", "-")
        for digits in (
            "0", "0.001", "0.005", "0.015", "0.1", "0.5", "1", "3.5", "12.25", "12.255",
            "999.995", "1000", "1200", "1200.5", "35250.50", "35250.001", "35250.005",
            "1234567.89", "1e3", "1.20", "100.10", "987654321.123",
        )
    ]  # fmt: skip
    with translation.override(language):
        for value in values:
            if unit == "currency":
                expected = floatformat(value, "-2g")
            else:
                rounded = value.quantize(Decimal("0.01")).normalize()
                expected = floatformat(rounded, f"{max(0, -rounded.as_tuple().exponent)}g")
                if unit == "percent":
                    expected = with_percent_sign(expected)
            assert in_unit(value, key_result) == expected, value
            assert in_unit(float(value), key_result) == in_unit(value, key_result)
