"""Every user-visible string has a zh-hans translation in its own app's catalogue.

The msgids are extracted from the code the way ``makemessages`` would, but
without GNU gettext: templates go through Django's own ``templatize`` (which
turns ``{% translate %}`` and ``{% blocktranslate %}`` into gettext calls) and
Python files through ``ast``. A string belongs to the app whose folder holds
it; files directly under ``src/flowbridge`` (settings, CLI) belong to core.
"""

from __future__ import annotations

import ast
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "flowbridge"
CATALOGUE_GLOB = "locale/zh_Hans/LC_MESSAGES/*.po"

# Django's translation functions: name → (index of msgctxt, msgid, msgid_plural) among the args.
FUNCTIONS: dict[str, tuple[int | None, int, int | None]] = {
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
NAMED = re.compile(r"%\((\w+)\)[#0\- +]?\d*(?:\.\d+)?[sdifrx]")
POSITIONAL = re.compile(r"%[#0\-+]?\d*(?:\.\d+)?[sdifrx]")


@dataclass(frozen=True)
class Message:
    msgid: str
    msgid_plural: str | None
    msgctxt: str | None
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(PACKAGE.parents[1])}:{self.line}"


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _message(call: ast.Call, function: str, path: Path, line: int) -> Message | None:
    ctx_at, id_at, plural_at = FUNCTIONS[function]
    args = call.args
    if len(args) <= max(i for i in (ctx_at, id_at, plural_at) if i is not None):
        return None
    msgid = _constant(args[id_at])
    if msgid is None:  # a variable: nothing to extract
        return None
    return Message(
        msgid=msgid,
        msgid_plural=_constant(args[plural_at]) if plural_at is not None else None,
        msgctxt=_constant(args[ctx_at]) if ctx_at is not None else None,
        path=path,
        line=line,
    )


def _translation_names(tree: ast.Module) -> dict[str, str]:
    """Local names bound to Django's translation functions (``gettext_lazy as _``)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in FUNCTIONS:
                    names[alias.asname or alias.name] = alias.name
    return names


def python_messages(source: str, path: Path, line_offset: int = 0) -> list[Message]:
    """Calls of the translation functions with literal strings in Python source."""
    tree = ast.parse(source)
    names = _translation_names(tree)
    found: list[Message] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in names:
            function = names[func.id]
        elif isinstance(func, ast.Attribute) and func.attr in FUNCTIONS:
            # translation.gettext(...) after ``from django.utils import translation``
            if not (isinstance(func.value, ast.Name) and func.value.id == "translation"):
                continue
            function = func.attr
        else:
            continue
        if message := _message(node, function, path, node.lineno + line_offset):
            found.append(message)
    return found


CALL_START = re.compile(r"\b(gettext|pgettext|ngettext|npgettext|_)\(")


def template_messages(source: str, path: Path) -> list[Message]:
    """Messages of a template, via Django's ``templatize`` (keeps line numbers)."""
    found: list[Message] = []
    for number, line in enumerate(templatize(source, origin=str(path)).splitlines(), 1):
        for start in CALL_START.finditer(line):
            call = _first_call(line[start.start() :])
            if call is None:
                continue
            function = "gettext" if start.group(1) == "_" else start.group(1)
            if message := _message(call, function, path, number):
                found.append(message)
    return found


def _first_call(text: str) -> ast.Call | None:
    """Parse the shortest prefix of ``text`` that is a complete call expression."""
    for end in (i + 1 for i, ch in enumerate(text) if ch == ")"):
        try:
            node = ast.parse(text[:end], mode="eval").body
        except SyntaxError:
            continue
        return node if isinstance(node, ast.Call) else None
    return None


def app_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else "core"


def code_files() -> list[Path]:
    files = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("templates/**/*.html")]
    files += PACKAGE.rglob("templates/**/*.txt")
    return sorted(p for p in files if "migrations" not in p.parts)


def extract_all() -> list[Message]:
    messages: list[Message] = []
    for path in code_files():
        source = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            messages += python_messages(source, path)
        else:
            messages += template_messages(source, path)
    return sorted(messages, key=lambda m: (m.path, m.line))


def catalogue_entries(app: str) -> dict[tuple[str | None, str], polib.POEntry]:
    """The app's zh-hans entries from all its .po files (as compilemessages merges them)."""
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    for po_path in sorted((PACKAGE / app).glob(CATALOGUE_GLOB)):
        for entry in polib.pofile(str(po_path)):
            entries.setdefault((entry.msgctxt, entry.msgid), entry)
    return entries


def all_catalogues() -> list[Path]:
    return sorted(PACKAGE.glob(f"*/{CATALOGUE_GLOB}"))


def is_translated(entry: polib.POEntry | None) -> bool:
    if entry is None or entry.obsolete or entry.fuzzy:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr.strip())


def lookup(
    entries: dict[tuple[str | None, str], polib.POEntry], message: Message
) -> polib.POEntry | None:
    entry = entries.get((message.msgctxt, message.msgid))
    if entry is None and "%%" in message.msgid:
        # templatize doubles "%" in {% translate %} strings; the runtime msgid has one.
        entry = entries.get((message.msgctxt, message.msgid.replace("%%", "%")))
    return entry


# --- the extractor itself -------------------------------------------------------------------


def test_extractor_reads_templates_like_makemessages() -> None:
    source = (
        '{% load i18n %}<h1>{% translate "Organization" %}</h1>\n'
        "<p>{% trans 'May' context \"month\" %}</p>\n"
        "{% blocktranslate trimmed with name=person.name count n=items|length %}\n"
        "  {{ name }} has\n  one request\n"
        "{% plural %}\n  {{ name }} has {{ n }} requests\n{% endblocktranslate %}\n"
        "{% blocktranslate %}Hello {{ who }}{% endblocktranslate %}\n"
    )
    found = template_messages(source, PACKAGE / "core" / "templates" / "x.html")
    assert [(m.msgctxt, m.msgid, m.msgid_plural, m.line) for m in found] == [
        (None, "Organization", None, 1),
        ("month", "May", None, 2),
        (None, "%(name)s has one request", "%(name)s has %(n)s requests", 3),
        (None, "Hello %(who)s", None, 9),
    ]


def test_extractor_reads_python_like_makemessages() -> None:
    source = (
        "from django.utils.translation import gettext_lazy as _, ngettext, pgettext\n"
        "from django.utils import translation\n"
        "A = _('Department')\n"
        "B = ngettext('%(n)d day', '%(n)d days', n)\n"
        "C = pgettext('verb', 'Open')\n"
        "D = translation.gettext(\n    'Multi'\n    ' line'\n)\n"
        "E = _(variable)\n"
    )
    found = python_messages(source, PACKAGE / "org" / "x.py")
    assert {(m.msgctxt, m.msgid, m.msgid_plural, m.line) for m in found} == {
        (None, "Department", None, 3),
        (None, "%(n)d day", "%(n)d days", 4),
        ("verb", "Open", None, 5),
        (None, "Multi line", None, 6),
    }


def test_strings_of_settings_and_cli_belong_to_core() -> None:
    assert app_of(PACKAGE / "settings.py") == "core"
    assert app_of(PACKAGE / "cli.py") == "core"
    assert app_of(PACKAGE / "org" / "templates" / "org" / "chart.html") == "org"


# --- the catalogues -------------------------------------------------------------------------


def test_every_msgid_has_a_zh_hans_translation_in_its_app_catalogue() -> None:
    messages = extract_all()
    assert len(messages) > 10, "the extractor found almost nothing: is it broken?"
    by_app: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        by_app[app_of(message.path)].append(message)
    missing = []
    for app, app_messages in sorted(by_app.items()):
        entries = catalogue_entries(app)
        for message in app_messages:
            entry = lookup(entries, message)
            if not is_translated(entry):
                state = "fuzzy" if entry is not None and entry.fuzzy else "missing"
                context = f" [context {message.msgctxt!r}]" if message.msgctxt else ""
                missing.append(f"{message.where}: {state}{context} {message.msgid!r}")
    assert not missing, f"{len(missing)} untranslated msgid(s):\n" + "\n".join(missing)


def _placeholders(text: str) -> tuple[Counter[str], int]:
    named = Counter(NAMED.findall(text))
    positional = len(POSITIONAL.findall(text.replace("%%", "")))
    return named, positional


def test_placeholders_match_between_msgid_and_msgstr() -> None:
    catalogues = all_catalogues()
    if not catalogues:
        pytest.fail("no zh_Hans catalogue found under src/flowbridge/*/locale/")
    wrong = []
    for po_path in catalogues:
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                # nplurals=1: the one form stands for the plural.
                pairs = [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
            else:
                pairs = [(entry.msgid, entry.msgstr)]
            for source, translated in pairs:
                if not translated:
                    continue
                expected, got = _placeholders(source), _placeholders(translated)
                if set(expected[0]) != set(got[0]) or expected[1] != got[1]:
                    wrong.append(
                        f"{po_path.relative_to(PACKAGE)}:{entry.linenum}: "
                        f"{source!r} -> {translated!r}"
                    )
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_no_duplicate_msgids_within_a_catalogue() -> None:
    duplicates = []
    for po_path in all_catalogues():
        keys = Counter((e.msgctxt, e.msgid) for e in polib.pofile(str(po_path)) if not e.obsolete)
        duplicates += [
            f"{po_path.relative_to(PACKAGE)}: {k[1]!r}" for k, n in keys.items() if n > 1
        ]
    assert not duplicates, "duplicate msgids:\n" + "\n".join(duplicates)


def test_catalogues_declare_utf8_and_chinese_plural_forms() -> None:
    wrong = []
    for po_path in all_catalogues():
        metadata = polib.pofile(str(po_path)).metadata
        if "charset=UTF-8" not in metadata.get("Content-Type", ""):
            wrong.append(f"{po_path.relative_to(PACKAGE)}: Content-Type")
        if metadata.get("Plural-Forms", "").replace(" ", "") != "nplurals=1;plural=0;":
            wrong.append(f"{po_path.relative_to(PACKAGE)}: Plural-Forms")
    assert not wrong, "bad catalogue headers:\n" + "\n".join(wrong)
