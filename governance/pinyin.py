"""Sort keys for Chinese names by Hanyu Pinyin (拼音排序), the same order on SQLite and PostgreSQL.

``pinyin_sort_key("北京")`` → ``"bei3jing1"``. A key holds only ``a``-``z`` and ``0``-``9``: each
character's pinyin followed by its tone number (5 for the neutral tone), letters and digits of the name
lowercased, everything else dropped. Such keys compare the same in every collation (SQLite's BINARY,
PostgreSQL's "C", ``en_US``, ``zh_CN``), so a column of them sorts 阿 < 北 < 成 on every backend without a
database-specific collation. The tone digit also ends each syllable and sorts before any letter, so 西安
(``xi1an1``) comes before 先 (``xian1``), as in a dictionary; polyphonic characters read as in their
phrase (银行 ``yin2hang2``).

Models keep the key in a column next to the name (``Organization.name_pinyin``), written by the
services whenever the name is written, so lists sort by an index rather than in Python.
"""

from __future__ import annotations

import re
import unicodedata

SORT_KEY_MAX_LENGTH = 255
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def pinyin_sort_key(text: str | None, *, max_length: int = SORT_KEY_MAX_LENGTH) -> str:
    """The pinyin sort key of ``text`` (empty for an empty text), at most ``max_length`` characters."""
    if not text:
        return ""
    from pypinyin import Style, lazy_pinyin

    normalized = unicodedata.normalize("NFKC", text).lower()
    parts = lazy_pinyin(normalized, style=Style.TONE3, neutral_tone_with_five=True, errors="default")
    return _NOT_KEY.sub("", "".join(parts))[:max_length]
