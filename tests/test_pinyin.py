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


def _phrases():
    from pypinyin.constants import PHRASES_DICT

    return sorted(PHRASES_DICT)


def test_glued_phrases_polyphonic_names_and_mixed_text_get_the_reference_key():
    expected = {
        "银行行长": "yin2hang2hang2zhang3",  # the same 行 read hang2 in both phrases
        "重庆": "chong2qing4", "重新": "chong2xin1", "重要": "zhong4yao4",
        "长沙": "chang2sha1", "长大": "zhang3da4", "行长": "hang2zhang3",
        "重庆长沙银行行长": "chong2qing4chang2sha1yin2hang2hang2zhang3",  # four phrases back to back
        "社会工作服务中心": "she4hui4gong1zuo4fu2wu4zhong1xin1",
        "石头": "shi2tou5",
        # The start of a longer phrase (一块石头落了地) holding no phrase itself: pypinyin's segmenter reads
        # every remaining character singly, so 头 is tou2 here, but tou5 once the run goes on past the prefix.
        "一块石头": "yi1kuai4shi2tou2", "我有一块石头": "wo3you3yi1kuai4shi2tou2",
        "一块石头好": "yi1kuai4shi2tou5hao3",
        "abc银行def行长": "abcyin2hang2defhang2zhang3", "重庆ABC长沙123": "chong2qing4abcchang2sha1123",
        "衡阳市珠晖区阳光社会工作服务中心000123":
            "heng2yang2shi4zhu1hui1qu1yang2guang1she4hui4gong1zuo4fu2wu4zhong1xin1000123",
    }
    assert {text: pinyin_sort_key(text) for text in expected} == expected
    assert {text: reference_key(text) for text in expected} == expected


def test_random_runs_of_dictionary_phrases_get_the_reference_key():
    """Phrases glued together, inside longer runs, cut to a prefix, or separated by ASCII and punctuation."""
    phrases = _phrases()
    rng = random.Random(11)
    pieces = [lambda: rng.choice(phrases), lambda: rng.choice(phrases)[:-1], lambda: rng.choice(CJK[:25_000]),
              lambda: rng.choice(["a", "B2", " ", "、", "（", "9", "ü"])]
    texts = ["".join(rng.choice(pieces)() for _ in range(rng.randint(2, 6))) for _ in range(3_000)]
    texts += [a + b for a, b in zip(phrases[::50], phrases[25::50], strict=False)]  # every 50th, glued to another
    texts += [phrase[:-1] for phrase in phrases if len(phrase) > 3]  # prefixes of the long phrases
    mismatches = [text for text in texts if pinyin_sort_key(text) != reference_key(text)]
    assert mismatches == []


def test_the_tables_are_built_on_first_use_only():
    import subprocess
    import sys

    script = ("import sys, governance.pinyin as p\n"
              "assert p._Tables._instance is None and 'pypinyin' not in sys.modules\n"
              "assert p.pinyin_sort_key('北京') == 'bei3jing1' and p._Tables._instance is not None\n"
              "tables = p._Tables._instance\n"
              "assert p.pinyin_sort_key('银行') == 'yin2hang2' and p._Tables.get() is tables\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)  # noqa: S603
