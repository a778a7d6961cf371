"""The German catalogue is complete, compiled, and covers every message the UI shows."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings

from core.pages import JS_MESSAGES

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
JS_CALL = re.compile(r'\bt\(\s*"((?:[^"\\]|\\.)*)"')
# Maps of a status/type to its label, translated with t(MAP[key]) in the scripts.
JS_LABEL_MAP = re.compile(r"const [A-Z_]+(?:LABELS|STATES) = \{(.*?)\};", re.S)
# `key: "Label"` or `key: ["colour", "Label"]`: the label is the last string.
JS_LABEL = re.compile(r'\w+:\s*(?:\[[^\]]*?"([^"]+)"\s*\]|"([^"]+)")')
TEMPLATE_TAG = re.compile(r"""\{% translate (["'])(.+?)\1 %\}""")


def _po_entries() -> dict[str, str]:
    """msgid → msgstr of the German catalogue (multi-line strings joined)."""
    entries: dict[str, str] = {}
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        assert "#, fuzzy" not in block, block
        parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}
        current = None
        for line in block.splitlines():
            if line.startswith(("msgid ", "msgstr ")):
                current, _, rest = line.partition(" ")
                parts[current].append(ast.literal_eval(rest))
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
        if parts["msgid"]:
            entries["".join(parts["msgid"])] = "".join(parts["msgstr"])
    return entries


def _js_messages() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "static" / "js").glob("*.js"):
        source = path.read_text(encoding="utf-8")
        found.update(ast.literal_eval(f'"{m}"') for m in JS_CALL.findall(source))
        for body in JS_LABEL_MAP.findall(source):
            found.update(a or b for a, b in JS_LABEL.findall(body))
    return found


def test_every_script_message_is_translatable():
    missing = _js_messages() - set(JS_MESSAGES)

    assert not missing, sorted(missing)


def test_every_message_has_a_german_translation():
    entries = _po_entries()

    untranslated = [msgid for msgid, msgstr in entries.items() if msgid and not msgstr]
    assert not untranslated
    assert set(JS_MESSAGES) <= set(entries)


def test_every_template_string_is_in_the_catalogue():
    entries = _po_entries()
    strings = {
        match[1]
        for path in (ROOT / "templates").rglob("*.html")
        for match in TEMPLATE_TAG.findall(path.read_text(encoding="utf-8"))
    }

    assert strings - set(entries) == set()


def test_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    for msgid, msgstr in _po_entries().items():
        if msgid:
            assert compiled.gettext(msgid) == msgstr, msgid


def test_placeholders_survive_translation():
    for msgid, msgstr in _po_entries().items():
        assert sorted(re.findall(r"\{\w+\}", msgid)) == sorted(re.findall(r"\{\w+\}", msgstr))
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr))
