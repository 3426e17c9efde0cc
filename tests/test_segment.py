"""kg.extract.segment: word boundaries from jieba-rs agree with jieba on Chinese text."""
from __future__ import annotations

import pytest

from kg.extract import segment


def _jieba_boundaries(text: str) -> set[int]:
    out, pos = {0, len(text)}, 0
    for word in segment.tokenizer().cut(text, HMM=True):
        pos += len(word)
        out.add(pos)
    return out


@pytest.mark.parametrize("text", [
    "四川省总工会党组书记、主席王明出席会议并讲话。",          # a place inside a body the dictionary held whole
    "上海市总工会联合市人社局启动“春风行动”，帮助农民工就业。",
    "国务院副总理刘国中在北京会见越南副总理陈红河。",
    "成都市武侯区玉林街道总工会打造“小巷暖驿”服务品牌。",
    "阿卜杜拉希扬表示，伊方愿同中方加强合作。",              # an unknown transliterated name: the HMM
])
def test_rust_and_python_jieba_cut_alike(text):
    assert segment.boundaries(text) == _jieba_boundaries(text)


def test_boundaries_are_a_fresh_set_each_time():
    text = "全国总工会召开会议。"
    first = segment.boundaries(text)
    first.add(99)
    assert 99 not in segment.boundaries(text)


def test_tags_give_words_and_parts_of_speech():
    tagged = segment.tags("工会组织职工参加培训")
    assert "".join(p.word for p in tagged) == "工会组织职工参加培训"
    assert [p.flag for p in tagged if p.word == "参加"] == ["v"]


@pytest.mark.slow
def test_tagger_hmm_takes_jiebas_path():
    """segment._viterbi stands for jieba.posseg.viterbi (for speed): the same score and path on
    names the dictionary lacks and on random runs of characters, all unknown words."""
    import random

    import jieba.posseg as P

    rnd = random.Random(16)
    runs = ["阿卜杜拉希扬", "买买提江", "乌云其木格", "王明在会上说", "蒂米尔西纳"]
    runs += ["".join(chr(rnd.randint(0x4E00, 0x9FA5)) for _ in range(rnd.randint(1, 10))) for _ in range(300)]
    for run in runs:
        assert segment._viterbi(run) == P.viterbi(run, P.char_state_tab_P, P.start_P, P.trans_P, P.emit_P), run


def test_tagger_tags_as_jieba_does():
    import jieba.posseg as P

    ours = segment.tagger()
    list(ours.cut("工会"))  # jieba hands the tokenizer's added word tags to the first tagger only
    plain = P.POSTokenizer(segment.tokenizer())
    plain.word_tag_tab = ours.word_tag_tab
    for text in ("阿卜杜拉希扬表示，伊方愿同中方加强合作。", "乌云其木格和买买提江出席会议。",
                 "成都市武侯区玉林街道总工会打造“小巷暖驿”服务品牌。", "王明在会上说，要带头干。"):
        assert [(p.word, p.flag) for p in ours.cut(text)] == [(p.word, p.flag) for p in plain.cut(text)]
