"""Add zh_Hans translations to the catalogue: ``add_translations.py FILE.py`` where FILE defines ``T = {msgid: msgstr}``.

Existing entries are updated, new ones appended; the file is written once (polib), then compiled.
Entries with a context or a plural form are edited in the .po file by hand.
"""

import runpy
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main(path: str) -> None:
    table = runpy.run_path(path)["T"]
    po = polib.pofile(str(PO), wrapwidth=78)
    added = updated = 0
    for msgid, msgstr in table.items():
        entry = po.find(msgid)
        if entry is None:
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
            added += 1
        elif entry.msgstr != msgstr or "fuzzy" in entry.flags:
            entry.msgstr = msgstr
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            updated += 1
    po.save(str(PO))
    subprocess.run([sys.executable, str(ROOT / "scripts" / "compilemessages.py")], check=True)  # noqa: S603
    print(f"{added} added, {updated} updated")


if __name__ == "__main__":
    main(sys.argv[1])
