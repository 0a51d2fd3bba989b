"""The learned achievement/duty decision: the shipped file is what training/train_achievements.py
writes from today's data, a broken file or input is refused in one line, and the pack uses the
model with MiniLM and the rules without it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from loopcoach.analysis.lexical import LexicalEmbedder
from loopcoach.prep import line_model
from loopcoach.prep.history import from_text
from loopcoach.prep.line_model import FEATURE_NAMES, AchievementModel
from loopcoach.prep.matching import Matcher
from loopcoach.prep.pack import read_lines
from loopcoach.prep.stories import LEARNED_DUTY, achievement_lines, to_strengthen

ROOT = Path(__file__).parents[2]

RESUME = """Ana Moreau
Delivery Lead

EXPERIENCE

Delivery Lead — Quayside Logistics
Lyon · Mar 2020 – Present
 •  Launched next-day lockers in 14 cities, lifting lockers' share of parcels from 3% to 11%.
 •  Responsible for the weekly carrier review and the vendor contracts.
 •  Cut the late-parcel rate from 7% to 2% by moving the sort plan to hourly waves.
 •  Attended the quarterly planning offsite.
"""


# Slow (CI): it refits the model from the training lines (3.7 s of CPU); the shipped file is
# what the fast tests below read lines with.
@pytest.mark.slow
def test_line_model_shipped_file_is_in_sync_with_its_script() -> None:
    sys.path.insert(0, str(ROOT / "training"))
    import train_achievements as TA

    lines = TA.all_lines()
    assert TA.to_json(TA.fit(lines, TA.design(lines))) == TA.MODEL.read_text("utf-8"), (
        "src/loopcoach/prep/models/achievements.json is stale: run training/train_achievements.py"
    )


def test_line_model_reads_a_resume_with_minilm(matcher: Matcher) -> None:
    h = from_text(RESUME, source="r.txt", fmt="text")
    texts = {b.id: b.text for b in h.bullets}
    found = {texts[i][:12] for i in read_lines(h, matcher)}
    assert found == {"Launched nex", "Cut the late"}


def test_line_model_without_minilm_the_rules_decide() -> None:
    h = from_text(RESUME, source="r.txt", fmt="text")
    lexical = Matcher(LexicalEmbedder(reason="test"))
    assert read_lines(h, lexical) == achievement_lines(h)


def test_line_model_a_line_it_turns_down_is_reported_to_strengthen() -> None:
    h = from_text(RESUME, source="r.txt", fmt="text")
    launched = next(b for b in h.bullets if b.text.startswith("Launched"))
    rules = achievement_lines(h)
    assert launched.id in rules
    weak = to_strengthen(h, rules - {launched.id})
    assert [w["why"] for w in weak if w["bullet"] == launched.id] == [LEARNED_DUTY]
    assert not any(w["bullet"] in rules - {launched.id} for w in weak)
    # with the rules alone, the same lines as before
    assert {w["bullet"] for w in to_strengthen(h)} == {w["bullet"] for w in to_strengthen(h, rules)}


def test_line_model_refuses_a_file_for_other_features_or_sizes() -> None:
    good = json.loads(
        (ROOT / "src" / "loopcoach" / "prep" / "models" / "achievements.json").read_text("utf-8")
    )
    assert AchievementModel.from_dict(good).embedding_dim == 384
    with pytest.raises(ValueError, match="features"):
        AchievementModel.from_dict({**good, "features": ["digit"]})
    with pytest.raises(ValueError, match="weights"):
        AchievementModel.from_dict({**good, "weights": good["weights"][:-1]})
    model = line_model.load()
    with pytest.raises(ValueError, match="embeddings"):
        model.decide(["Cut costs by 10% across 3 teams"], np.zeros((1, 3), dtype=np.float32))
    assert model.decide([], np.zeros((0, 384), dtype=np.float32)) == []
    assert len(FEATURE_NAMES) + 384 == len(good["weights"])
