"""Simplified Chinese is the default language: every translatable string must have a translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _problems(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def test_catalogue_is_complete():
    po = polib.pofile(str(PO))
    assert len(po) > 300
    assert _problems(po) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext) to extract strings")
def test_every_string_in_the_source_is_in_the_catalogue(tmp_path):
    """Extract afresh from a copy of the source: nothing new may appear untranslated."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", ".git", "var", "staticfiles", "__pycache__", "*.mo", "node_modules")
    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=bench", "--no-obsolete", "-v", "0"],
        cwd=copy, check=True, capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert _problems(fresh) == [], "run `make messages` and translate the new strings"


def test_gettext_is_imported_under_names_xgettext_knows():
    """``makemessages`` only extracts calls named _, gettext, gettext_lazy, … — never an alias like _lazy."""
    import re

    allowed = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
               "npgettext", "npgettext_lazy"}
    pattern = re.compile(r"from django\.utils\.translation import .*\bas (\w+)")
    offenders = []
    for path in ROOT.rglob("*.py"):
        if ".venv" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = pattern.search(line)
            if match and match.group(1) not in allowed:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
