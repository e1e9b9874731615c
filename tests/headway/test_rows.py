"""headway.rows.row_html: what format_html writes, the values escaped the same way."""

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from headway.rows import row_html, translated


class Marked:
    """Something with its own HTML (the __html__ convention, as markupsafe's)."""

    def __html__(self):
        return "<em>its own</em>"


VALUES = [
    "Ada <b>\"Lovelace\"</b> & 'co'",
    mark_safe("<strong>trusted</strong>"),
    gettext_lazy("Check in"),
    42,
    -7,
    True,
    3.5,
    Decimal("1200.50"),
    None,
    Marked(),
    "",
]


def test_each_value_is_written_as_format_html_writes_it():
    for value in VALUES:
        assert row_html("<p>{}</p>", value) == format_html("<p>{}</p>", value), value
        assert row_html("<p>{v}</p>", v=value) == format_html("<p>{v}</p>", v=value), value


def test_the_template_is_trusted_and_the_result_safe():
    html = row_html('<a href="{url}">{text}</a>', url="/a?b=1&c=2", text="<script>")

    assert html == '<a href="/a?b=1&amp;c=2">&lt;script&gt;</a>'
    assert isinstance(html, SafeString)


def test_a_translation_takes_its_values_escaped_and_is_trusted():
    written = translated("<strong>%(who)s</strong> wrote", who="<i>Eve</i> & Bob")

    assert written == "<strong>&lt;i&gt;Eve&lt;/i&gt; &amp; Bob</strong> wrote"
    assert isinstance(written, SafeString)
