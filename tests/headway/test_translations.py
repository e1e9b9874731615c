"""Every user-visible string in a template is marked for translation.

The templates are tokenized with Django's own lexer; text outside {% translate %} and
{% blocktranslate %} that contains letters, once tags, comments, scripts and styles are
removed, is reported with its file and line. User-visible attributes (title, alt,
placeholder, aria-label) are checked the same way.
"""

import re
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
# Words that are the same in every language: the product's name.
UNTRANSLATED_WORDS = {"Headway"}
VISIBLE_ATTRIBUTE = re.compile(
    r"""\b(?:title|alt|placeholder|aria-label|aria-description|aria-valuetext)\s*=\s*"([^"]*)\""""
)
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>", re.DOTALL | re.IGNORECASE)
ENTITY = re.compile(r"&[#\w]+;")


def template_files():
    for directory in TEMPLATE_DIRS:
        yield from sorted(p for p in directory.rglob("*") if p.suffix in (".html", ".txt"))


def letters_in(text):
    return [w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in UNTRANSLATED_WORDS]


def text_outside_translations(source):
    """The template with every tag, variable and translated block blanked out.

    Blanked parts keep their newlines, so line numbers stay right; a template tag inside an
    HTML tag becomes a placeholder, so that the HTML tag is still recognised as one.
    """
    parts, translating, commenting = [], False, False
    for token in Lexer(source).tokenize():
        raw = token.contents
        if token.token_type == TokenType.TEXT and not (translating or commenting):
            parts.append(raw)
            continue
        if token.token_type == TokenType.BLOCK:
            name = (raw.split() or [""])[0]
            translating = (
                translating or name in ("blocktranslate", "blocktrans")
            ) and name not in (
                "endblocktranslate",
                "endblocktrans",
            )
            commenting = (commenting or name == "comment") and name != "endcomment"
        parts.append("\x00" + "\n" * raw.count("\n"))
    return "".join(parts)


def untranslated_text(path, root=ROOT):
    text = text_outside_translations(path.read_text())
    problems = []
    for match in VISIBLE_ATTRIBUTE.finditer(text):
        if words := letters_in(match.group(1).replace("\x00", " ")):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"{path.relative_to(root)}:{line}: {' '.join(words)}")
    visible = HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    visible = ENTITY.sub(" ", visible)
    for number, line in enumerate(visible.split("\n"), start=1):
        if words := letters_in(line.replace("\x00", " ")):
            problems.append(f"{path.relative_to(root)}:{number}: {' '.join(words)}")
    return problems


def test_templates_mark_every_visible_string_for_translation():
    problems = [problem for path in template_files() for problem in untranslated_text(path)]
    assert not problems, "Text outside translation tags:\n" + "\n".join(problems)


def test_the_checker_catches_untranslated_text(tmp_path):
    template = tmp_path / "t.html"
    template.write_text(
        '<h1>{% translate "Fine" %}</h1>\n<p>Not fine</p><input placeholder="Search">'
        "{% blocktranslate %}Also fine{% endblocktranslate %}<script>var ok;</script>"
        "{% comment %}a note{% endcomment %}<p>Headway</p>\n"
        '<a{% if x %} aria-current="page"{% endif %} title="{% translate "Fine" %}">x</a>'
    )
    assert untranslated_text(template, root=tmp_path) == [
        "t.html:2: Search",
        "t.html:2: Not fine",
    ]
