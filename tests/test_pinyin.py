"""``pinyin_sort_key`` takes a faster path through pypinyin; its keys are exactly pypinyin's TONE3 keys."""

import random
import re
import unicodedata

import pytest
from pypinyin import Style, lazy_pinyin

from governance.pinyin import pinyin_sort_key

# Every character of the BMP blocks (the ones names use) and every 10th of Extension B.
CJK = [chr(code) for low, high, step in ((0x3400, 0x4DBF, 1), (0x4E00, 0x9FFF, 1), (0xF900, 0xFAFF, 1),
                                         (0x20000, 0x2A6DF, 10))
       for code in range(low, high + 1, step)]


def reference_key(text: str) -> str:
    """The definition: pypinyin's TONE3 style with 5 for the neutral tone, letters and digits only."""
    if not text:
        return ""
    parts = lazy_pinyin(unicodedata.normalize("NFKC", text).lower(), style=Style.TONE3,
                        neutral_tone_with_five=True, errors="default")
    return re.sub(r"[^a-z0-9]+", "", "".join(parts))[:255]


@pytest.mark.parametrize("start", range(0, len(CJK), 10_000))
def test_every_cjk_character_gets_the_reference_key(start):
    chunk = CJK[start:start + 10_000]
    assert [pinyin_sort_key(ch) for ch in chunk] == [reference_key(ch) for ch in chunk]


def test_phrases_mixed_text_and_unknown_characters_get_the_reference_key():
    texts = ["银行行长", "重庆重新", "长沙长大了", "的的确确", "西安先", "abc的def", "绿色lǜ", "我们的", "了解了",
             "衡阳市第5社区ABC协会（筹）", "Ⅻ号", "ＡＢＣ１２３", "兙兡abc", "a兙5", "x" * 300, "的" * 300]
    rng = random.Random(7)
    pool = CJK[:25_000] + list("0123456789abcXYZ（）()、 -ǜüÜ·•\t")
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(1, 20))) for _ in range(1_000)]
    mismatches = [text for text in texts if pinyin_sort_key(text) != reference_key(text)]
    assert mismatches == []
    assert pinyin_sort_key("的") == "de5" and pinyin_sort_key("兙") == "5" and pinyin_sort_key("5号") == "5hao4"
