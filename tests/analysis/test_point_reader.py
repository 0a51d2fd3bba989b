"""The talking-point reader (analysis/point_reader.py): the shipped model is what
training/fit_points.py fits, it reads a point said in other words over two sentences, and a
negated sentence never makes a point."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from loopcoach.analysis import point_reader as PR
from loopcoach.analysis.engine import Analyzer
from loopcoach.analysis.scorers import coverage
from loopcoach.analysis.text import sentences

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "src" / "loopcoach" / "analysis" / "models" / "points-minilm.json"
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import challenge as CH  # noqa: E402
import fit_points as FP  # noqa: E402

QID = "tpm-dependencies-no-shared-leader"
# "Written commitments" in other words, over two sentences: neither says "written agreement",
# "commitment" or any other cue, and neither reaches the old rule's similarity.
TWO_SENTENCES = (
    "In my last role I ran a payments migration that needed four changes from the fraud platform "
    "team, who reported into a different VP. The first thing I did was put every one of those "
    "dependencies on one board that their lead, my lead and both directors could open. A promise "
    "made on a call is easy to forget, so after each call I sent their lead a short note the same "
    "afternoon. It named the scope, the date, and what done would mean, and their lead replied to "
    "confirm it. I also looked at their quarterly goals and found they needed two more consumers "
    "of their new API, so I framed our work as helping them get there. Where we could, we built "
    "against a stubbed version of their service so our testing did not wait on them. At the "
    "kickoff we agreed that if we disagreed on a date, the two directors would decide within a "
    "week. We shipped two weeks late instead of the two months the last program slipped."
)


@pytest.fixture(scope="module")
def minilm(analyzer: Analyzer) -> Analyzer:
    assert not analyzer.embedder.degraded, (
        f"the point reader is read with MiniLM; the session embedder is degraded: "
        f"{analyzer.embedder.reason}"
    )
    return analyzer


def test_the_shipped_model_loads_with_every_feature() -> None:
    raw = json.loads(MODEL.read_text("utf-8"))
    reader = PR.load("minilm")
    assert reader is not None and PR.load("lexical") is None
    assert tuple(raw["features"]) == PR.FEATURES
    assert reader.weights.shape == reader.mean.shape == reader.scale.shape == (len(PR.FEATURES),)
    assert 0.0 < reader.threshold < 1.0
    assert np.all(reader.scale > 0)
    with pytest.raises(ValueError, match="features"):
        PR.PointReader.from_dict({**raw, "features": raw["features"][:-1]})


def test_the_shipped_model_is_what_fit_points_fits() -> None:
    """`training/fit_points.py --check` in process, for the fit: fitting the answers as the
    script stored them (training/data/points/read.npz) gives the shipped file byte for byte."""
    start = time.perf_counter()
    text, lines = FP.run(FP.load())
    assert text == MODEL.read_text("utf-8"), (
        "src/loopcoach/analysis/models/points-minilm.json is stale: run training/fit_points.py"
    )
    assert any(line.startswith("all ") for line in lines)
    assert time.perf_counter() - start < 10


# Slow (CI): reads the 159 labelled answers and their variants with MiniLM again.
@pytest.mark.slow
def test_the_stored_answers_are_read_as_the_engine_reads_them(minilm: Analyzer) -> None:
    """The other half of `--check`: the features and labels stored in read.npz are what the
    engine reads now on the exact path, as the script reads them on every machine (features
    within 1e-3: rubric vectors here come from the embedding cache)."""
    from loopcoach.analysis.embeddings import MiniLMEmbedder

    exact = Analyzer(minilm.library, MiniLMEmbedder(fast=False))
    assert FP.same_reading(FP.read(exact), FP.load()) == []


def test_a_point_said_in_other_words_over_two_sentences_is_made(minilm: Analyzer) -> None:
    res = minilm.analyze("", TWO_SENTENCES, question_id=QID)
    made = {p.id: p for p in res.points_made}
    assert "written-agreements" in made
    ev = made["written-agreements"].evidence
    assert ev is not None and "scope, the date" in ev.sentence
    # the hand-set rule (the lexical fallback's) does not hear it: no cue, no sentence close enough
    rubric, _ = minilm.rubric_for("", question_id=QID)
    _, clean, flag_hits, _ = minilm.read(rubric, TWO_SENTENCES)
    rule = {p.id: p for p in coverage.rule_points(clean, flag_hits, {}).points}
    assert not rule["written-agreements"].made


def _negate(sentence: str) -> str:
    keep = sentence.startswith(("I ", "I'"))
    return "It is not true that " + (sentence if keep else sentence[:1].lower() + sentence[1:])


def test_a_negated_sentence_never_makes_a_point(minilm: Analyzer) -> None:
    """Over the development set's labelled strong answers: negate the sentence that made a
    point (the first two points each answer makes), and that point is no longer made by it
    (made elsewhere, or not at all)."""
    labels = CH.point_labels(CH.DEV_DIR)
    checked = 0
    for q in CH.load(CH.DEV_DIR):
        if q.qid not in labels:
            continue
        res = minilm.analyze(q.prompt, q.strong, question_id=q.qid)
        sents = sentences(q.strong)
        for p in res.points_made[:2]:
            assert p.evidence is not None
            k = p.evidence.index
            text = " ".join(_negate(s) if i == k else s for i, s in enumerate(sents))
            assert sentences(text)[k].startswith("It is not true that")
            again = {x.id: x for x in minilm.analyze(q.prompt, text, question_id=q.qid).points_made}
            found = again.get(p.id)
            assert found is None or found.evidence is None or found.evidence.index != k, (
                q.qid,
                p.id,
                sents[k],
            )
            checked += 1
    assert checked >= 30


@pytest.mark.parametrize(
    ("sentence", "denied"),
    [
        ("It is not true that I wrote the plan down.", True),
        ("We never got to the dependency board.", True),
        ("There was no written plan.", True),
        ("We did not write anything down.", True),
        ("We didn't wait for the review; instead we shipped behind a flag.", False),
        ("I wrote the commitments down and both leads signed them.", False),
        ("I wouldn't wait for it to be certain.", False),
    ],
)
def test_negated_reads_whole_sentence_denials(sentence: str, denied: bool) -> None:
    assert PR.negated(sentence.lower()) is denied


def test_negated_is_fast_on_hostile_input() -> None:
    start = time.perf_counter()
    for text in ("we " * 20_000, "it is not true that " + "x " * 50_000, "i " + "n" * 100_000):
        PR.negated(text)
    assert time.perf_counter() - start < 1.0
