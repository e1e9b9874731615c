"""The French catalogue is complete: every entry translated, none fuzzy, the same
placeholders as the English, and French typography (no-break spaces before : ; ? ! % and
inside « », typographic apostrophes).

`make messages` adds new strings untranslated and marks changed ones fuzzy: this test then
names each of them until it is translated. A string marked in the code but never gathered
(`make messages` forgotten) is named too: makemessages runs on a copy of the sources.

The .po file is read with a small parser of its own (no dependency): comments, msgid,
msgid_plural, msgstr and msgstr[n], with their continuation lines.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.programs import system_program

ROOT = Path(__file__).resolve().parents[2]
FRENCH = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|%%")
FIELD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$")
PLAIN_SPACE_BEFORE = re.compile(r" [:;?!»]| %(?![(sd])|« ")


def catalogue_entries(text):
    """Each entry as a dict: "flags", "line", and its fields (msgid, msgstr[0]...)."""
    entries = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        entry, field = {"flags": set(), "line": None}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := FIELD.match(line):
                field = match.group(1)
                entry[field] = ast.literal_eval(match.group(2))
                if field == "msgid":
                    entry["line"] = text.count("\n", 0, text.find(block)) + 1
            elif line.startswith('"') and field:
                entry[field] += ast.literal_eval(line)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def translations(entry):
    return [value for field, value in entry.items() if field.startswith("msgstr")]


def catalogue_problems(text):
    problems = []
    # Django's French has three plural forms (one, many, other): an entry with fewer falls
    # back to English for the counts of the missing form.
    plurals = int(re.search(r"nplurals=(\d+)", text).group(1))
    for entry in catalogue_entries(text):
        where = f"line {entry['line']}: {entry['msgid'][:60]!r}"
        if "fuzzy" in entry["flags"]:
            problems.append(f"{where} is fuzzy")
        forms = len(translations(entry))
        if "msgid_plural" in entry and forms != plurals:
            problems.append(f"{where} has {forms} plural forms, not the header's {plurals}")
        if not all(translations(entry)):
            problems.append(f"{where} is not translated")
            continue
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, translated in enumerate(translations(entry)):
            source = sources[min(index, 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                problems.append(f"{where}: placeholders differ in {translated!r}")
            if "'" in translated or PLAIN_SPACE_BEFORE.search(translated):
                problems.append(
                    f"{where}: typography (\u2019 and no-break spaces) in {translated!r}"
                )
    return problems


def test_every_french_entry_is_translated_and_none_is_fuzzy():
    problems = catalogue_problems(FRENCH.read_text(encoding="utf-8"))
    assert not problems, "The French catalogue needs work:\n" + "\n".join(problems)


def test_the_catalogue_holds_the_interface():
    msgids = {entry["msgid"] for entry in catalogue_entries(FRENCH.read_text(encoding="utf-8"))}
    assert {"Sign in to Headway", "Check in", "Log an obstacle", "Language"} <= msgids


def test_the_checker_catches_what_is_left_to_do():
    text = "\n".join(
        [
            'msgid ""',
            'msgstr "Language: fr\\nPlural-Forms: nplurals=3; plural=(n > 1);\\n"',
            "",
            "#, fuzzy, python-format",
            'msgid "Objective: %(objective)s"',
            'msgstr "Objectif\u00a0: %(objective)s"',
            "",
            'msgid "Cancel"',
            'msgstr ""',
            "",
            'msgid "%(counter)s day"',
            'msgid_plural "%(counter)s days"',
            'msgstr[0] "%(counter)s jour"',
            'msgstr[1] ""',
            'msgstr[2] "%(counter)s jours"',
            "",
            'msgid "Sign in to "',
            '"Headway"',
            'msgstr "Se connecter à "',
            '"l\'appli"',
            "",
            'msgid "Start %(start)s."',
            'msgstr "Départ : %(begin)s."',
            "",
            'msgid "Saved"',
            'msgstr "Enregistré"',
            "",
            'msgid "%(share)s%% done by %(owner)s"',
            'msgstr "%(share)s %% réalisés par %(owner)s"',
            "",
            'msgid "%(counter)s week"',
            'msgid_plural "%(counter)s weeks"',
            'msgstr[0] "%(counter)s semaine"',
            'msgstr[1] "%(counter)s semaines"',
        ]
    )
    assert catalogue_problems(text) == [
        "line 4: 'Objective: %(objective)s' is fuzzy",
        "line 8: 'Cancel' is not translated",
        "line 11: '%(counter)s day' is not translated",
        "line 17: 'Sign in to Headway': typography (\u2019 and no-break spaces) in "
        '"Se connecter à l\'appli"',
        "line 22: 'Start %(start)s.': placeholders differ in 'Départ : %(begin)s.'",
        "line 22: 'Start %(start)s.': typography (\u2019 and no-break spaces) in "
        "'Départ : %(begin)s.'",
        "line 28: '%(share)s%% done by %(owner)s': typography (\u2019 and no-break spaces) "
        "in '%(share)s %% réalisés par %(owner)s'",
        "line 31: '%(counter)s week' has 2 plural forms, not the header's 3",
    ]


# What `make messages` leaves out (the Makefile's MESSAGES_IGNORE), besides hidden folders.
NOT_SCANNED = {".venv", "var", "staticfiles", "tests", "bench"}


def copy_of_the_sources(destination):
    """The project as makemessages sees it, copied into `destination`."""
    for path in ROOT.iterdir():
        if path.name.startswith(".") or path.name in NOT_SCANNED:
            continue
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
            shutil.copytree(path, destination / path.name, ignore=ignore)
        else:
            shutil.copy(path, destination)
    return destination


def strings_missing_from_the_catalogue(sources):
    """Django's makemessages, run on a copy of the sources (never on the committed
    catalogue): the msgids it finds that the catalogue lacks."""
    catalogue = sources / "locale" / "fr" / "LC_MESSAGES" / "django.po"

    def msgids():
        entries = catalogue_entries(catalogue.read_text(encoding="utf-8"))
        return {(entry.get("msgctxt"), entry["msgid"]) for entry in entries}

    system_program("xgettext")  # makemessages runs gettext's xgettext, msguniq and msgmerge
    before = msgids()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "-v", "0"],
        cwd=sources, env={**os.environ, "DEBUG": "1"}, check=True,
    )  # fmt: skip
    return sorted(msgid for _context, msgid in msgids() - before)


def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """`make messages` was run after the last string was marked for translation."""
    missing = strings_missing_from_the_catalogue(copy_of_the_sources(tmp_path))
    assert not missing, f"run `make messages` and translate: {missing}"


def test_a_string_marked_but_not_gathered_is_caught(tmp_path):
    sources = copy_of_the_sources(tmp_path)
    (sources / "templates" / "forgotten.html").write_text(
        '<p>{% translate "A string nobody gathered" %}</p>'
    )
    with (sources / "headway" / "views.py").open("a") as views:
        views.write('\nFORGOTTEN = _("Nor this one")\n')

    assert strings_missing_from_the_catalogue(sources) == [
        "A string nobody gathered",
        "Nor this one",
    ]
