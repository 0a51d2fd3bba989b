"""The fitted constants of the overall judgement, loaded from ``analysis/models/judgement.json``.

``training/fit_judgement.py`` writes that file from the training data alone (our graded answers and
training sentences; never the challenge set) and a test checks the shipped file is what the script
produces. Nothing here is tuned by hand: change the data or the script, then re-run it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from loopcoach.analysis.relevance import RelevanceModel


def file_for(embedder: str) -> str:
    """One file per way of reading answers: probabilities and similarities differ. "minilm-tail"
    is MiniLM with the flaw tail on (flaw_tail.py)."""
    kind = embedder if embedder in ("minilm", "minilm-tail") else "lexical"
    return f"judgement-{kind}.json"


@dataclass(frozen=True)
class Judgement:
    flaw_threshold: float  # a sentence with at least this flaw probability carries the flaw
    cue_threshold: float  # ... or this much, when its words also match a flaw's cue phrases
    flaw_penalty: float  # overall points each distinct flaw costs
    serious_cap: int  # the overall score never exceeds this with blame, deferral or dishonesty
    off_topic_cap: int  # nor this when the answer is about another question
    relevance: RelevanceModel
    # A sentence below the flaw threshold but at or above ``doubt_threshold`` may be heard as a
    # flaw: it costs up to ``doubt_penalty`` points, in proportion to how far it is from the
    # doubt threshold to the flaw threshold. 1.0 and 0.0 switch this off.
    doubt_threshold: float = 1.0
    doubt_penalty: float = 0.0
    # An answer that does not say what came of the work (no result, no measure of success:
    # ``structure.outcome`` is 0) costs up to this many points, in proportion to how far its
    # outcome reading falls short of 1. 0.0 switches this off.
    outcome_penalty: float = 0.0
    # A serious flaw caps the score only when a sentence carries it with at least this flaw
    # probability; found between ``flaw_threshold`` and this, it is named and costs
    # ``flaw_penalty`` but does not cap. 0.0 (the default): every serious flaw found caps.
    cap_threshold: float = 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Judgement:
        rel = data["relevance"]
        return cls(
            flaw_threshold=float(data["flaw_threshold"]),
            cue_threshold=float(data.get("cue_threshold", data["flaw_threshold"])),
            flaw_penalty=float(data["flaw_penalty"]),
            serious_cap=int(data["serious_cap"]),
            off_topic_cap=int(data["off_topic_cap"]),
            relevance=RelevanceModel(
                w_prompt=float(rel["w_prompt"]),
                w_margin=float(rel["w_margin"]),
                bias=float(rel["bias"]),
                threshold=float(rel["threshold"]),
                tangent=float(rel["tangent"]),
                floor=float(rel.get("floor", 0.0)),
            ),
            doubt_threshold=float(data.get("doubt_threshold", 1.0)),
            doubt_penalty=float(data.get("doubt_penalty", 0.0)),
            outcome_penalty=float(data.get("outcome_penalty", 0.0)),
            cap_threshold=float(data.get("cap_threshold", 0.0)),
        )

    def doubt(self, flaw_p: float) -> float:
        """How much of ``doubt_penalty`` a clean-read sentence with this flaw probability costs
        (0 to 1)."""
        if flaw_p < self.doubt_threshold or flaw_p >= self.flaw_threshold:
            return 0.0
        span = max(1e-9, self.flaw_threshold - self.doubt_threshold)
        return min(1.0, (flaw_p - self.doubt_threshold) / span)

    def to_dict(self) -> dict[str, Any]:
        r = self.relevance
        return {
            "flaw_threshold": self.flaw_threshold,
            "cue_threshold": self.cue_threshold,
            "doubt_penalty": self.doubt_penalty,
            "doubt_threshold": self.doubt_threshold,
            "flaw_penalty": self.flaw_penalty,
            "serious_cap": self.serious_cap,
            "off_topic_cap": self.off_topic_cap,
            "outcome_penalty": self.outcome_penalty,
            "relevance": {
                "w_prompt": r.w_prompt,
                "w_margin": r.w_margin,
                "bias": r.bias,
                "threshold": r.threshold,
                "tangent": r.tangent,
                "floor": r.floor,
            },
        }

    def to_json(self) -> str:
        data = self.to_dict()
        if self.cap_threshold:  # written only when set, so older files stay as they were
            data["cap_threshold"] = self.cap_threshold
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


@lru_cache(maxsize=3)
def load(embedder: str = "minilm") -> Judgement:
    name = file_for(embedder)
    text = resources.files("loopcoach.analysis").joinpath("models", name).read_text("utf-8")
    return Judgement.from_dict(json.loads(text))
