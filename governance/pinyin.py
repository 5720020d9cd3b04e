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

The definition is pypinyin's ``lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)`` of the
NFKC-folded, lowercased text, filtered to ``[a-z0-9]``. Going through pypinyin costs about 0.1 ms per name
(its converter pipeline runs per character), too much for an import of 10,000 names, so the same result is
computed here from look-up tables built once per process from pypinyin's own data (``_Tables``).
"""

from __future__ import annotations

import re
import threading
import unicodedata

SORT_KEY_MAX_LENGTH = 255
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def pinyin_sort_key(text: str | None, *, max_length: int = SORT_KEY_MAX_LENGTH) -> str:
    """The pinyin sort key of ``text`` (empty for an empty text), at most ``max_length`` characters.

    Byte for byte the key pypinyin gives (``tests/test_pinyin.py`` compares both over every CJK character,
    phrases and mixed texts), 20 to 40 times faster than ``lazy_pinyin``. pypinyin splits a text into runs of Han characters
    and runs of anything else; the other runs are kept as they are (so only their letters and digits stay
    in the key), and each Han run is cut into phrases of its phrase dictionary (``_Tables.han_run_key``).
    """
    if not text:
        return ""
    tables = _Tables.get()
    normalized = unicodedata.normalize("NFKC", text).lower()
    return _NOT_KEY.sub("", tables.han_run.sub(tables.han_run_key, normalized))[:max_length]


_MISSING = object()


class _Tables:
    """pypinyin's readings as ready-made key fragments, built on first use (about 0.3 s, 13 MB).

    * ``chars``: character → key of its first reading (``PINYIN_DICT``, 41,923 characters);
    * ``prefixes``: every prefix of every phrase of ``PHRASES_DICT`` (47,111 phrases) → the key of the
      phrase read as a whole, or ``None`` for a prefix that is not itself a phrase. One dictionary serves
      both questions pypinyin's segmenter asks (``PrefixSet`` and ``PHRASES_DICT`` membership).

    A fragment is what pypinyin's own converter makes of a reading (``UltimateConverter.convert_style`` with
    TONE3 and the neutral tone as 5), filtered to ``[a-z0-9]``; the key keeps only those characters, so
    filtering per fragment and filtering the joined result give the same key.
    """

    _instance: _Tables | None = None
    _lock = threading.Lock()

    @classmethod
    def get(cls) -> _Tables:
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    cls._instance = cls()
        return cls._instance

    def __init__(self):
        from pypinyin import Style
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS
        from pypinyin.converter import UltimateConverter

        converter = UltimateConverter(neutral_tone_with_five=True)
        fragments: dict[str, str] = {}

        def fragment(reading: str) -> str:
            key = fragments.get(reading)
            if key is None:
                converted = converter.convert_style("", orig_pinyin=reading, style=Style.TONE3, strict=True)
                key = fragments[reading] = _NOT_KEY.sub("", converted)
            return key

        self._fragment = fragment
        # DefaultConverter._single_pinyin: the first of a character's comma-separated readings.
        self.chars = {chr(code): fragment(readings.split(",", 1)[0]) for code, readings in PINYIN_DICT.items()}
        prefixes: dict[str, str | None] = {}
        for phrase in PHRASES_DICT:
            for end in range(1, len(phrase)):
                prefixes.setdefault(phrase[:end], None)
        for phrase, readings in PHRASES_DICT.items():  # _phrase_pinyin: the first reading of each syllable
            prefixes[phrase] = "".join([fragment(reading[0]) for reading in readings])
        self.prefixes = prefixes
        # simpleseg.simple_seg splits by RE_HANS, one character at a time: runs of its class are the Han runs.
        pattern = RE_HANS.pattern
        if not (pattern.startswith("^(?:[") and pattern.endswith("])+$")):
            raise RuntimeError(f"unexpected pypinyin RE_HANS pattern {pattern!r}")
        self.han_run = re.compile(pattern[1:-1])

    def char_key(self, char: str) -> str:
        key = self.chars.get(char)
        if key is None:
            # A Han character without a reading: pypinyin keeps the character itself as its "reading" and
            # runs it through the style conversion (TONE3 adds the neutral tone 5); kept for the next time.
            key = self.chars[char] = self._fragment(char)
        return key

    def han_run_key(self, match: re.Match) -> str:
        """The key of one Han run, cut as ``pypinyin.seg.mmseg.Seg.cut`` (``no_non_phrases=True``) cuts it.

        From each position the segmenter extends the word one character at a time while it is a prefix of
        some phrase, and takes the longest phrase seen on the way; if none was seen it takes one character,
        except that when the rest of the run is all a prefix (the extension reached the end) and holds no
        phrase, it takes every remaining character singly. That last case is why this is not a plain
        longest match: 一块石头 is the start of a longer phrase and holds none itself, so pypinyin reads its four
        characters singly (``shi2tou2``), while in 一块石头好 it finds the phrase 石头 (``shi2tou5``).
        """
        run = match.group()
        prefixes, chars, size = self.prefixes, self.chars, len(run)
        parts = []
        start = 0
        while start < size:
            best_key = None
            best_end = end = start + 1
            while end <= size:
                key = prefixes.get(run[start:end], _MISSING)
                if key is _MISSING:
                    break
                if key is not None:
                    best_key, best_end = key, end
                end += 1
            else:
                if best_key is None:
                    parts.extend([chars.get(char) or self.char_key(char) for char in run[start:]])
                    break
            if best_key is None:
                char = run[start]
                parts.append(chars.get(char) or self.char_key(char))
            else:
                parts.append(best_key)
            start = best_end
        return "".join(parts)
