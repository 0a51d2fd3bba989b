"""Train the flaw tail: LoRA-tuned copies of MiniLM's layers 5-6 with a flaw head and a stance head.

The answer-sentence encoder (analysis/minilm.py, minilm_int8.py) runs all-MiniLM-L6-v2's first
four layers once; the normal sentence vectors continue through the original layers 5-6, and the
flaw tail runs its own copies of layers 5-6 (base weights + low-rank deltas, merged at load) on
the same states, mean-pools them and reads two linear heads: a yes/no flaw probability and a
16-way stance distribution (analysis/flaw_tail.py). This script writes the deltas and heads to
src/loopcoach/analysis/models/flaw-tail.npz and a reference of the tail's outputs on 20
sentences (tests/fixtures/embeddings/flaw_tail_reference.json) that the tests reproduce with the
numpy and int8 paths.

Data: train_stance.load_rows() (stance sentences, whole answers, clean fixture sentences and any
training/data/pairs-*.jsonl minimal pairs); the challenge set is never read. Losses: class-
balanced binary cross-entropy for the flaw head, plus 0.5 x the stance loss: cross-entropy for
labelled sentences, and for unlabelled sentences of whole clean answers -log(probability of the
clean stances). The trunk is frozen, so its states are computed once with the exact numpy path
(the same numbers inference feeds the tail).

Settings, fixed before any held-out figure was seen: LoRA rank 16, scale 2 (alpha 32) on the
query, key, value, attention-output and both feed-forward weights of layers 5-6, LayerNorms
trained too; AdamW lr 1e-3 (weight decay 0.01 on the deltas), 10% warm-up then linear decay,
3 epochs, batch 32 (sentences of similar length batched together, batches in random order),
dropout 0.1, gradient clip 1.0, seed 0.

Reproducible: torch on CPU, one thread, deterministic algorithms, seeded; the same data gives
the same bytes on the same machine and torch build (torch 2.13.0+cpu, requirements-train.lock).

Run (make train-env builds .venv-train; CI never trains):
  nice -n 10 .venv-train/bin/python training/train_flaw.py            # write the shipped files
  .venv-train/bin/python training/train_flaw.py --check               # rebuild, compare bytes
  .venv-train/bin/python training/train_flaw.py --folds               # training/oof-ft.json
  .venv-train/bin/python training/train_flaw.py --eval                # held-out authors t3 + a7
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT / "src"))
import train_stance  # noqa: E402

from loopcoach.analysis import flaw_tail  # noqa: E402
from loopcoach.analysis.minilm import TRUNK_LAYERS, MiniLMEmbedder, locate_model_dir  # noqa: E402
from loopcoach.analysis.stance import FLAWS, STANCES  # noqa: E402

OUT = ROOT / "src" / "loopcoach" / "analysis" / "models" / flaw_tail.FILE
REFERENCE = ROOT / "tests" / "fixtures" / "embeddings" / "flaw_tail_reference.json"
OOF = ROOT / "training" / "oof-ft.json"
RESULTS = ROOT / "training" / "experiments"
TEST_AUTHORS = ("t3", "a7")  # the held-out split of finetune-RESULTS.md
N_FOLDS = 3

SEED = 0
RANK = flaw_tail.RANK
SCALE = flaw_tail.SCALE
LR = 1e-3
WEIGHT_DECAY = 0.01
EPOCHS = 3
BATCH = 32
DROPOUT = 0.1
STANCE_WEIGHT = 0.5
N_REFERENCE = 20

CLEAN_IDX = [k for k, s in enumerate(STANCES) if s not in FLAWS]


def setup_torch() -> None:
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.use_deterministic_algorithms(True)


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class LoRALinear(torch.nn.Module):
    """A frozen linear layer plus a trainable low-rank delta: y = x (W + s B A)^T + b."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.from_numpy(weight.copy()), requires_grad=False)
        self.bias = torch.nn.Parameter(torch.from_numpy(bias.copy()), requires_grad=False)
        out_dim, in_dim = weight.shape
        self.A = torch.nn.Parameter(torch.empty(RANK, in_dim))
        torch.nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.B = torch.nn.Parameter(torch.zeros(out_dim, RANK))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        base = torch.nn.functional.linear(x, self.weight, self.bias)
        return base + SCALE * ((x @ self.A.T) @ self.B.T)


class TailLayer(torch.nn.Module):
    def __init__(self, w: dict[str, np.ndarray], prefix: str, heads: int, eps: float) -> None:
        super().__init__()
        self.heads, self.eps = heads, eps
        self.lin = torch.nn.ModuleDict(
            {
                name.replace(".", "_"): LoRALinear(
                    w[f"{prefix}{name}.weight"], w[f"{prefix}{name}.bias"]
                )
                for name in flaw_tail.DENSE
            }
        )
        self.ln = torch.nn.ParameterDict(
            {
                f"{name.replace('.', '_')}_{part}": torch.nn.Parameter(
                    torch.from_numpy(w[f"{prefix}{name}.{part}"].copy())
                )
                for name in flaw_tail.NORMS
                for part in ("weight", "bias")
            }
        )

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        key = name.replace(".", "_")
        return torch.nn.functional.layer_norm(
            x, (x.shape[-1],), self.ln[f"{key}_weight"], self.ln[f"{key}_bias"], self.eps
        )

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        hd = d // self.heads
        drop = torch.nn.functional.dropout

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, hd).transpose(1, 2)

        q = split(self.lin["attention_self_query"](x))
        k = split(self.lin["attention_self_key"](x))
        v = split(self.lin["attention_self_value"](x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd)
        scores = scores + (1.0 - mask[:, None, None, :]) * -1e4
        probs = drop(torch.softmax(scores, dim=-1), DROPOUT, self.training)
        ctx = (probs @ v).transpose(1, 2).reshape(b, n, d)
        attn = drop(self.lin["attention_output_dense"](ctx), DROPOUT, self.training)
        h = self._norm(attn + x, "attention.output.LayerNorm")
        inter = torch.nn.functional.gelu(self.lin["intermediate_dense"](h))
        out = drop(self.lin["output_dense"](inter), DROPOUT, self.training)
        return self._norm(out + h, "output.LayerNorm")


class Tail(torch.nn.Module):
    def __init__(self, base: dict[str, np.ndarray], heads: int, eps: float, dim: int) -> None:
        super().__init__()
        self.layers = torch.nn.ModuleList(
            TailLayer(base, flaw_tail.layer_prefix(i), heads, eps) for i in flaw_tail.LAYERS
        )
        self.flaw = torch.nn.Linear(dim, 1)
        self.stance = torch.nn.Linear(dim, len(STANCES))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        for layer in self.layers:
            x = layer(x, mask)
        m = mask.unsqueeze(-1)
        pooled = (x * m).sum(1) / m.sum(1)
        return self.flaw(pooled).squeeze(-1), self.stance(pooled)

    def arrays(self) -> dict[str, np.ndarray]:
        """What the shipped file holds: deltas, LayerNorms and heads, float32, by name."""
        out: dict[str, np.ndarray] = {}
        for i, layer in zip(flaw_tail.LAYERS, self.layers, strict=True):
            prefix = flaw_tail.layer_prefix(i)
            for name in flaw_tail.DENSE:
                lin = layer.lin[name.replace(".", "_")]
                out[f"{prefix}{name}.A"] = lin.A.detach().numpy()
                out[f"{prefix}{name}.B"] = lin.B.detach().numpy()
            for name in flaw_tail.NORMS:
                for part in ("weight", "bias"):
                    key = f"{name.replace('.', '_')}_{part}"
                    out[f"{prefix}{name}.{part}"] = layer.ln[key].detach().numpy()
        out["flaw.weight"] = self.flaw.weight.detach().numpy()[0]
        out["flaw.bias"] = self.flaw.bias.detach().numpy()
        out["stance.weight"] = self.stance.weight.detach().numpy()
        out["stance.bias"] = self.stance.bias.detach().numpy()
        return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sorted(out.items())}


def base_weights() -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    weights = load_file(str(locate_model_dir() / "model.safetensors"))
    prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
    return {k.removeprefix(prefix): v.astype(np.float32) for k, v in weights.items()}


def pad(states: list[torch.Tensor], idx: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(states[j].shape[0] for j in idx)
    x = torch.zeros(len(idx), n, states[idx[0]].shape[1])
    mask = torch.zeros(len(idx), n)
    for r, j in enumerate(idx):
        x[r, : states[j].shape[0]] = states[j]
        mask[r, : states[j].shape[0]] = 1.0
    return x, mask


def batches(states: list[torch.Tensor], g: torch.Generator) -> list[list[int]]:
    """One epoch's batches: a random order cut into spans of 50 batches, each span sorted by
    length (less padding), and the batches shuffled."""
    perm = torch.randperm(len(states), generator=g).tolist()
    span = BATCH * 50
    out: list[list[int]] = []
    for c in range(0, len(perm), span):
        part = sorted(perm[c : c + span], key=lambda j: states[j].shape[0])
        out += [part[i : i + BATCH] for i in range(0, len(part), BATCH)]
    return [out[k] for k in torch.randperm(len(out), generator=g).tolist()]


def train(
    rows: list[dict[str, object]],
    states: list[torch.Tensor],
    base: dict[str, np.ndarray],
    cfg: dict[str, float],
    log: str = "",
) -> Tail:
    seed_all(SEED)
    model = Tail(base, int(cfg["heads"]), cfg["eps"], int(cfg["dim"]))
    y = torch.tensor([float(r["flaw"]) for r in rows])
    label = torch.tensor([STANCES.index(r["label"]) if r["label"] else -1 for r in rows])  # type: ignore[arg-type]
    n_pos = float(y.sum())
    w_flaw = torch.where(y == 1, len(y) / (2 * n_pos), len(y) / (2 * (len(y) - n_pos)))
    deltas = [p for n, p in model.named_parameters() if n.endswith((".A", ".B"))]
    others = [
        p for n, p in model.named_parameters() if p.requires_grad and not n.endswith((".A", ".B"))
    ]
    opt = torch.optim.AdamW(
        [
            {"params": deltas, "lr": LR, "weight_decay": WEIGHT_DECAY},
            {"params": others, "lr": LR, "weight_decay": 0.0},
        ]
    )
    steps = math.ceil(len(rows) / BATCH)
    total = steps * EPOCHS
    warm = max(1, int(0.1 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / (total - warm))
    )
    g = torch.Generator().manual_seed(SEED)
    clean_idx = torch.tensor(CLEAN_IDX)
    for ep in range(EPOCHS):
        model.train()
        t0, tot = time.time(), 0.0
        for idx in batches(states, g):
            x, mask = pad(states, idx)
            z, zs = model(x, mask)
            bi = torch.tensor(idx)
            flaw_loss = (
                torch.nn.functional.binary_cross_entropy_with_logits(z, y[bi], reduction="none")
                * w_flaw[bi]
            ).mean()
            logp = torch.log_softmax(zs, dim=-1)
            lab = label[bi]
            known = lab >= 0
            stance_loss = torch.where(
                known,
                -logp.gather(1, lab.clamp(min=0)[:, None]).squeeze(1),
                -torch.logsumexp(logp[:, clean_idx], dim=-1),
            )
            # unlabelled flawed sentences carry no stance target
            stance_loss = torch.where(
                known | (y[bi] == 0), stance_loss, torch.zeros_like(stance_loss)
            )
            loss = flaw_loss + STANCE_WEIGHT * stance_loss.mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            opt.step()
            sched.step()
            tot += float(loss.detach())
        print(
            f"  {log}epoch {ep + 1}: loss {tot / steps:.4f} ({time.time() - t0:.0f} s)", flush=True
        )
    model.eval()
    return model


@torch.no_grad()
def score(model: Tail, states: list[torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
    """(flaw probability, stance probabilities) per sentence."""
    model.eval()
    order = sorted(range(len(states)), key=lambda j: states[j].shape[0])
    flaw = np.zeros(len(states))
    stance = np.zeros((len(states), len(STANCES)))
    for s in range(0, len(order), 64):
        idx = order[s : s + 64]
        x, mask = pad(states, idx)
        z, zs = model(x, mask)
        flaw[idx] = torch.sigmoid(z).double().numpy()
        stance[idx] = torch.softmax(zs, dim=-1).double().numpy()
    return flaw, stance


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # sorted keys; zip entries carry a fixed 1980 date
    return buf.getvalue()


def reference_json(model: Tail, rows: list[dict[str, object]], states: list[torch.Tensor]) -> str:
    step = max(1, len(rows) // N_REFERENCE)
    picks = list(range(0, len(rows), step))[:N_REFERENCE]
    flaw, stance = score(model, [states[j] for j in picks])
    data = {
        "sentences": [str(rows[j]["text"]) for j in picks],
        "flaw_p": [round(float(p), 6) for p in flaw],
        "stance": [[round(float(p), 6) for p in row] for row in stance],
    }
    return json.dumps(data, indent=1) + "\n"


# ---------------------------------------------------------------- held-out evaluation
def auc(y: np.ndarray, s: np.ndarray) -> float:
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ss = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and ss[j + 1] == ss[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def evaluate(test: list[dict[str, object]], scores: np.ndarray) -> dict[str, float]:
    """The metric of finetune-RESULTS.md: recall of flawed sentences at the threshold that
    flags at most 5% (10%) of held-out clean whole answers; AUC over all held-out sentences;
    recall at 1% / 5% of clean answer sentences flagged."""
    y = np.array([int(r["flaw"]) for r in test])
    ans: dict[str, float] = {}
    for r, s in zip(test, scores, strict=True):
        if r["answer"]:
            ans[str(r["answer"])] = max(ans.get(str(r["answer"]), -math.inf), float(s))
    amax = np.sort(np.array(list(ans.values())))[::-1]
    n = len(amax)
    out: dict[str, float] = {"n_answers": n, "n_flawed": int(y.sum()), "n_test": len(y)}
    out["auc"] = auc(y, scores)
    flawed = scores[y == 1]
    for frac in (0.05, 0.10):
        k = math.floor(frac * n + 1e-9)
        thr = amax[k] if k < n else -math.inf
        out[f"recall@{int(frac * 100)}"] = float((flawed > thr).mean())
    clean_sent = np.sort(np.array([s for r, s in zip(test, scores, strict=True) if r["answer"]]))[
        ::-1
    ]
    for frac in (0.01, 0.05):
        k = math.floor(frac * len(clean_sent))
        out[f"sentFP{int(frac * 100)}"] = float((flawed > clean_sent[k]).mean())
    return out


def stance_accuracy(test: list[dict[str, object]], probs: np.ndarray) -> float:
    lab = [(k, STANCES.index(str(r["label"]))) for k, r in enumerate(test) if r["label"]]
    return float(np.mean([int(np.argmax(probs[k]) == c) for k, c in lab]))


def probe_scores(
    train_rows: list[dict[str, object]],
    test_rows: list[dict[str, object]],
    vec: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The shipped probe's recipe (train_stance.py, MiniLM, L2 1.0, rule as shipped) trained on
    the same rows: (flaw probability, stance probabilities) for the test rows."""
    from loopcoach.analysis.stance import features, load_model

    def feats(rows: list[dict[str, object]]) -> np.ndarray:
        texts = [str(r["text"]) for r in rows]
        return features(texts, np.stack([vec[t] for t in texts]))

    xtr, xte = feats(train_rows), feats(test_rows)
    classes = list(STANCES)
    labelled = np.array([bool(r["label"]) for r in train_rows])
    y = np.array([classes.index(str(r["label"])) if r["label"] else -1 for r in train_rows])
    w, b = train_stance.fit_softmax(xtr[labelled], y[labelled], len(classes), 0.01)
    z = xtr[~labelled] @ w.T + b
    y[~labelled] = np.array(CLEAN_IDX)[np.argmax(z[:, CLEAN_IDX], axis=1)]
    w, b = train_stance.fit_softmax(xtr, y, len(classes), 0.01)
    zt = xte @ w.T + b
    zt -= zt.max(axis=1, keepdims=True)
    probs = np.exp(zt)
    probs /= probs.sum(axis=1, keepdims=True)
    flaw = np.array([float(r["flaw"]) for r in train_rows])
    wf, bf = train_stance.fit_binary(xtr, flaw, train_stance.CHOSEN["minilm"])
    head = 1.0 / (1.0 + np.exp(-np.clip(xte @ wf + bf, -40, 40)))
    mass = probs[:, [classes.index(c) for c in FLAWS]].sum(axis=1)
    rule = load_model("minilm").flaw_rule
    p = head if rule == "head" else (head + mass) / 2 if rule == "mean" else np.minimum(head, mass)
    return p, probs


# ---------------------------------------------------------------- main
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="rebuild; exit 1 if the files differ")
    mode.add_argument("--folds", action="store_true", help=f"write {OOF.name} ({N_FOLDS} folds)")
    mode.add_argument("--eval", action="store_true", help="held-out authors t3 + a7 vs the probe")
    args = ap.parse_args()
    setup_torch()
    rows = train_stance.load_rows(pairs=True, probe_only=False)
    print(f"{len(rows)} sentences ({sum(int(r['flaw']) for r in rows)} flawed)", flush=True)
    embedder = MiniLMEmbedder(fast=False)
    cfg = {"heads": embedder._heads, "eps": embedder._eps, "dim": embedder.dim}
    t0 = time.time()
    texts = [str(r["text"]) for r in rows]
    states = [torch.from_numpy(s) for s in embedder.trunk_states(texts)]
    print(f"trunk states (layers 1-{TRUNK_LAYERS}) in {time.time() - t0:.0f} s", flush=True)
    base = base_weights()

    if args.eval:
        test_m = [r["author"] in TEST_AUTHORS for r in rows]
        tr = [i for i, m in enumerate(test_m) if not m]
        te = [i for i, m in enumerate(test_m) if m]
        test_rows = [rows[i] for i in te]
        model = train([rows[i] for i in tr], [states[i] for i in tr], base, cfg, "held-out split ")
        flaw, stance = score(model, [states[i] for i in te])
        vec = dict(zip(texts, embedder.embed(texts), strict=True))
        pflaw, pstance = probe_scores([rows[i] for i in tr], test_rows, vec)
        result = {
            "split": "test = authors t3 + a7; train = every other row",
            "probe": {
                **evaluate(test_rows, pflaw),
                "stance_acc": stance_accuracy(test_rows, pstance),
            },
            "tail": {**evaluate(test_rows, flaw), "stance_acc": stance_accuracy(test_rows, stance)},
            "mean(tail, probe)": evaluate(test_rows, (flaw + pflaw) / 2),
        }
        print(json.dumps(result, indent=1))
        (RESULTS / "result-tail-lora.json").write_text(json.dumps(result, indent=1) + "\n")
        return 0

    if args.folds:
        authors = sorted({str(r["author"]) for r in rows})
        fold_of = {a: k % N_FOLDS for k, a in enumerate(authors)}
        oof = np.zeros(len(rows))
        for k in range(N_FOLDS):
            held = [i for i, r in enumerate(rows) if fold_of[str(r["author"])] == k]
            kept = [i for i, r in enumerate(rows) if fold_of[str(r["author"])] != k]
            names = sorted(a for a in authors if fold_of[a] == k)
            model = train(
                [rows[i] for i in kept], [states[i] for i in kept], base, cfg, f"fold {k} "
            )
            oof[held] = score(model, [states[i] for i in held])[0]
            print(f"fold {k} (held out: {', '.join(names)}) done", flush=True)
        oof_map = {t: round(float(p), 4) for t, p in zip(texts, oof, strict=True)}
        OOF.write_text(json.dumps(oof_map, sort_keys=True, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {OOF.relative_to(ROOT)}")
        return 0

    model = train(rows, states, base, cfg)
    outputs = {
        OUT: npz_bytes(model.arrays()),
        REFERENCE: reference_json(model, rows, states).encode(),
    }
    stale = []
    for path, data in outputs.items():
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path.name)
        else:
            path.write_bytes(data)
            print(f"wrote {path.name} ({len(data):,} bytes)")
    if stale:
        print(f"out of date: {', '.join(stale)}; run training/train_flaw.py", file=sys.stderr)
        return 1
    if args.check:
        print(f"{OUT.name} and {REFERENCE.name} are up to date (byte for byte)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
