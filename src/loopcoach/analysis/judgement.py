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
        )

    def to_dict(self) -> dict[str, Any]:
        r = self.relevance
        return {
            "flaw_threshold": self.flaw_threshold,
            "cue_threshold": self.cue_threshold,
            "flaw_penalty": self.flaw_penalty,
            "serious_cap": self.serious_cap,
            "off_topic_cap": self.off_topic_cap,
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
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


@lru_cache(maxsize=3)
def load(embedder: str = "minilm") -> Judgement:
    name = file_for(embedder)
    text = resources.files("loopcoach.analysis").joinpath("models", name).read_text("utf-8")
    return Judgement.from_dict(json.loads(text))
