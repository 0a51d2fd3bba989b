"""Whole analyses against stored output: a refactor of the engine must not change a report.

The analyses use the lexical embedder (no model, the same numbers on every machine) and cover
a STAR story, an explanation, a program plan, answers with flaws, caps and cue flags, a free-text
question scored with a generic rubric, a timed answer and an empty one. When a change to scoring
is meant, rewrite the stored output and review its diff:

    PYTHONPATH=src python tests/analysis/test_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from loopcoach.analysis.embeddings import load_embedder
from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import load_library
from loopcoach.domain.analysis import Timing

FIXTURES = Path(__file__).parents[1] / "fixtures"
GOLDEN = FIXTURES / "analysis" / "golden-lexical.json"
FREE_TEXT = "Tell me about a time you changed a hiring decision after the offer went out."
# name: (graded fixture answer id, question asked instead of its own or "", timed)
CASES: dict[str, tuple[str, str, bool]] = {
    "strong-explanation": ("tpm-build-buy-1", "", False),
    "blame-and-cue-flags-capped": ("tpm-complex-program-4", "", False),
    "program-plan-with-flags": ("tpm-db-migration-4", "", False),
    "buzzwords-off-topic": ("tpo-platmetrics-3", "", False),
    "story-with-a-flaw": ("po-saidno-4", "", True),
    "generic-rubric-other-subject": ("tpm-build-buy-1", FREE_TEXT, False),
    "empty": ("", FREE_TEXT, False),
}


def _fixture_answers() -> dict[str, tuple[str, str, str]]:
    """Answer id -> (question, role, text) for every graded fixture answer."""
    out = {}
    for path in sorted((FIXTURES / "answers").rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for a in doc["answers"]:
            out[a["id"]] = (doc["question"], doc["role"], a["text"])
    return out


def analyse_cases(analyzer: Analyzer) -> dict[str, dict[str, Any]]:
    answers = _fixture_answers()
    out = {}
    for name, (answer_id, asked, timed) in CASES.items():
        question, role, text = answers[answer_id] if answer_id else (asked, "tpm", "")
        timing = Timing(150.0, ((0.0, 6.0), (11.0, 20.0))) if timed else None
        a = analyzer.analyze(asked or question, text, role=role, timing=timing)
        out[name] = json.loads(json.dumps(a.to_dict(), default=str))
    return out


@pytest.fixture(scope="module")
def lexical_analyzer(library) -> Analyzer:  # type: ignore[no-untyped-def]
    return Analyzer(library, load_embedder("lexical"))


def test_analyses_match_the_stored_output(lexical_analyzer: Analyzer) -> None:
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = analyse_cases(lexical_analyzer)
    assert sorted(got) == sorted(stored)
    for name in CASES:
        assert got[name] == stored[name], name


def test_the_stored_output_covers_what_it_claims() -> None:
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    hows = {h["how"] for a in stored.values() for h in a["red_flags"]}
    assert {"stance", "cue", "density"} <= hows
    assert any(a["limits"] for a in stored.values())
    assert {a["question"]["framework"] for a in stored.values()} >= {"star", "explain"}
    assert any(a["question"]["rubric"] == "generic" for a in stored.values())
    assert "words per minute" in stored["story-with-a-flaw"]["dimensions"]["delivery"]["reason"]
    assert stored["empty"]["score"] == 0


if __name__ == "__main__":
    data = analyse_cases(Analyzer(load_library(), load_embedder("lexical")))
    GOLDEN.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN} ({len(data)} analyses)")
