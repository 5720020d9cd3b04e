"""List the strings of the source that have no Simplified Chinese translation yet.

    .venv/bin/python scripts/missing_translations.py

Extracts afresh from a copy of the tree (like tests/test_translations.py) and prints each untranslated
msgid, so a developer can add it to locale/zh_Hans/LC_MESSAGES/django.po.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns(".venv", ".git", "var", "staticfiles", "__pycache__", "*.mo", "node_modules")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(ROOT, copy, ignore=IGNORE, symlinks=True)
        subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=bench",
                        "--no-obsolete", "-v", "0"], cwd=copy, check=True, capture_output=True)
        fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
        missing = [e for e in fresh if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
        for entry in missing:
            where = entry.occurrences[0][0] if entry.occurrences else ""
            context = f"  [msgctxt {entry.msgctxt}]" if entry.msgctxt else ""
            plural = f"  [plural {entry.msgid_plural!r}]" if entry.msgid_plural else ""
            print(f"{entry.msgid!r}{context}{plural}  ({where})")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
