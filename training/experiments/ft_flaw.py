"""Fine-tune all-MiniLM-L6-v2 (mean pooling + linear head) as a binary flaw detector and
evaluate on held-out authors t3 + a7.

Usage (from /work/ft, after dump_rows.py wrote rows.json):
  nice -n 10 /tmp/ftvenv/bin/python ft_flaw.py --mode probe
  nice -n 10 /tmp/ftvenv/bin/python ft_flaw.py --mode top2 --lr 1e-4 --epochs 3
  nice -n 10 /tmp/ftvenv/bin/python ft_flaw.py --mode full --lr 5e-5 --epochs 3
  nice -n 10 /tmp/ftvenv/bin/python ft_flaw.py --mode full --lr 5e-5 --epochs 3 --hardneg

Metric (same as the linear-probe baseline): the threshold is the lowest value that flags at most
5% (10%) of the held-out clean whole answers (a7 answers; an answer is flagged when any of its
sentences scores strictly above the threshold); recall is over held-out flawed sentences.
ROC-AUC is over all held-out sentences (flaw vs clean).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
import zlib
from pathlib import Path

import numpy as np
import torch
from transformers import BertModel, BertTokenizerFast

HERE = Path(__file__).resolve().parent
TEST_AUTHORS = {"t3", "a7"}
MAX_LEN = 128

torch.set_num_threads(1)
torch.set_num_interop_threads(1)


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_split():
    rows = json.loads((HERE / "rows.json").read_text())
    train = [r for r in rows if r["author"] not in TEST_AUTHORS]
    test = [r for r in rows if r["author"] in TEST_AUTHORS]
    return train, test


# ---------------------------------------------------------------- metrics
def auc(y: np.ndarray, s: np.ndarray) -> float:
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ss = s[order]
    i = 0
    while i < len(s):  # average ranks for ties
        j = i
        while j + 1 < len(s) and ss[j + 1] == ss[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def evaluate(test: list[dict], scores: np.ndarray) -> dict:
    y = np.array([r["flaw"] for r in test])
    ans: dict[str, float] = {}
    for r, s in zip(test, scores):
        if r["answer"]:
            ans[r["answer"]] = max(ans.get(r["answer"], -math.inf), float(s))
    amax = np.sort(np.array(list(ans.values())))[::-1]  # descending
    n = len(amax)
    out = {"n_answers": n, "n_flawed": int(y.sum()), "n_test": len(y), "auc": auc(y, scores)}
    flawed = scores[y == 1]
    for frac in (0.05, 0.10):
        k = int(math.floor(frac * n + 1e-9))  # answers allowed to be flagged
        thr = amax[k] if k < n else -math.inf  # flag iff score > thr -> exactly k answers flagged
        out[f"recall@{int(frac*100)}"] = float((flawed > thr).mean())
        out[f"answers_flagged@{int(frac*100)}"] = k
    # per-author breakdown at 5%
    k = int(math.floor(0.05 * n + 1e-9))
    thr = amax[k]
    for a in sorted(TEST_AUTHORS):
        m = np.array([r["author"] == a and r["flaw"] == 1 for r in test])
        out[f"recall@5_{a}"] = float((scores[m] > thr).mean())
    return out


# ---------------------------------------------------------------- model
class FlawNet(torch.nn.Module):
    def __init__(self, model_dir: str):
        super().__init__()
        self.bert = BertModel.from_pretrained(model_dir, add_pooling_layer=False)
        self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)

    def forward(self, ids, mask):
        h = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.head(pooled).squeeze(-1)


def batches(enc, idx, bs):
    for i in range(0, len(idx), bs):
        b = idx[i:i + bs]
        L = max(len(enc[j]) for j in b)
        ids = torch.zeros(len(b), L, dtype=torch.long)
        mask = torch.zeros(len(b), L, dtype=torch.long)
        for r, j in enumerate(b):
            ids[r, :len(enc[j])] = torch.tensor(enc[j])
            mask[r, :len(enc[j])] = 1
        yield b, ids, mask


@torch.no_grad()
def score(model, enc, bs=64):
    model.eval()
    idx = sorted(range(len(enc)), key=lambda j: len(enc[j]))  # length-sorted: less padding
    out = np.zeros(len(enc), dtype=np.float64)
    for b, ids, mask in batches(enc, idx, bs):
        out[b] = model(ids, mask).double().numpy()
    return out


# ---------------------------------------------------------------- frozen linear probe
def hashed_ngrams(texts, dim=2**14):
    x = np.zeros((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        w = [tok.strip(".,;:!?\"'()").lower() for tok in t.split()]
        w = [tok for tok in w if tok]
        feats = w + [a + " " + b for a, b in zip(w, w[1:])]
        for f in feats:
            x[i, zlib.crc32(f.encode()) % dim] = 1.0
    return x


def run_probe(args, train, test, tok, model_dir):
    """Logistic regression (class-balanced, L2) on frozen mean-pooled normalised MiniLM
    embeddings + hashed unigrams/bigrams. Same split and metric, for a like-for-like baseline."""
    net = FlawNet(model_dir)
    t0 = time.time()
    def emb(rows):
        enc = tok([r["text"] for r in rows], truncation=True, max_length=MAX_LEN)["input_ids"]
        net.eval()
        idx = sorted(range(len(enc)), key=lambda j: len(enc[j]))
        out = np.zeros((len(enc), 384), dtype=np.float32)
        with torch.no_grad():
            for b, ids, mask in batches(enc, idx, 64):
                h = net.bert(input_ids=ids, attention_mask=mask).last_hidden_state
                m = mask.unsqueeze(-1).float()
                p = (h * m).sum(1) / m.sum(1)
                out[b] = torch.nn.functional.normalize(p, dim=-1).numpy()
        return out
    etr, ete = emb(train), emb(test)
    print(f"embedding time {time.time()-t0:.0f}s", flush=True)
    ytr = torch.tensor([r["flaw"] for r in train], dtype=torch.float32)
    results = {}
    for feats in ("emb", "emb+ngrams"):
        xtr, xte = etr, ete
        if feats == "emb+ngrams":
            xtr = np.hstack([etr, hashed_ngrams([r["text"] for r in train])])
            xte = np.hstack([ete, hashed_ngrams([r["text"] for r in test])])
        mu, sd = xtr.mean(0), xtr.std(0) + 1e-3
        Xtr = torch.tensor((xtr - mu) / sd)
        Xte = torch.tensor((xte - mu) / sd)
        pos = ytr.sum()
        sw = torch.where(ytr == 1, 0.5 / pos, 0.5 / (len(ytr) - pos))
        for lam in (0.01, 0.1, 1.0):
            seed_all(args.seed)
            w = torch.zeros(Xtr.shape[1], requires_grad=True)
            b = torch.zeros(1, requires_grad=True)
            opt = torch.optim.LBFGS([w, b], max_iter=300, line_search_fn="strong_wolfe")
            def closure():
                opt.zero_grad()
                z = Xtr @ w + b
                loss = (torch.nn.functional.binary_cross_entropy_with_logits(
                    z, ytr, reduction="none") * sw).sum() + 0.5 * lam * (w * w).sum() / len(ytr)
                loss.backward()
                return loss
            opt.step(closure)
            s = (Xte @ w + b).detach().double().numpy()
            res = evaluate(test, s)
            np.save(HERE / f"scores-probe-{feats}-lam{lam:g}.npy", s)
            results[f"{feats} lam={lam}"] = res
            print(f"probe {feats} lam={lam}: {json.dumps(res)}", flush=True)
    return results


# ---------------------------------------------------------------- fine-tuning
def run_ft(args, train, test, tok, model_dir):
    seed_all(args.seed)
    model = FlawNet(model_dir)
    if args.mode == "top2":
        for p in model.bert.parameters():
            p.requires_grad = False
        for layer in model.bert.encoder.layer[-2:]:
            for p in layer.parameters():
                p.requires_grad = True
    enc_tr = tok([r["text"] for r in train], truncation=True, max_length=MAX_LEN)["input_ids"]
    enc_te = tok([r["text"] for r in test], truncation=True, max_length=MAX_LEN)["input_ids"]
    y = torch.tensor([r["flaw"] for r in train], dtype=torch.float32)
    n_pos = float(y.sum())
    n_neg = len(y) - n_pos
    # class balancing: each class carries half of the total weight (mean weight 1)
    base_w = torch.where(y == 1, len(y) / (2 * n_pos), len(y) / (2 * n_neg))
    # static hard negatives: "hard_clean" rows (clean sentences written to look flawed)
    static_hard = torch.tensor([r["flaw"] == 0 and not r["answer"] and r["author"].startswith("a")
                                for r in train])
    extra = torch.ones(len(y))
    if args.hardneg:
        extra[static_hard] = args.hard_mult
    last_logit = torch.full((len(y),), float("nan"))

    bert_params = [p for p in model.bert.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([
        {"params": bert_params, "lr": args.lr, "weight_decay": 0.01},
        {"params": model.head.parameters(), "lr": args.head_lr, "weight_decay": 0.0},
    ])
    steps_per_epoch = math.ceil(len(y) / args.bs)
    total = steps_per_epoch * args.epochs
    warm = int(0.1 * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / max(1, warm) if s < warm else max(0.0, (total - s) / (total - warm)))
    g = torch.Generator().manual_seed(args.seed)
    log = {"epochs": []}
    for ep in range(args.epochs):
        if args.hardneg and ep > 0:
            # mined hard negatives: clean training sentences whose last training-pass logit is in
            # the top hard_frac of clean logits get weight x hard_mult (on top of static ones)
            clean = (y == 0).nonzero().squeeze(1)
            cl = last_logit[clean]
            cut = torch.quantile(cl, 1 - args.hard_frac)
            extra = torch.ones(len(y))
            extra[static_hard] = args.hard_mult
            extra[clean[cl >= cut]] = args.hard_mult
        w_all = base_w * extra
        w_all = w_all / w_all.mean()
        model.train()
        if args.mode == "top2":  # frozen layers: no dropout there either
            model.bert.embeddings.eval()
            for layer in model.bert.encoder.layer[:-2]:
                layer.eval()
        perm = torch.randperm(len(y), generator=g).tolist()
        t0 = time.time()
        tot = 0.0
        for step, (b, ids, mask) in enumerate(batches(enc_tr, perm, args.bs)):
            z = model(ids, mask)
            bi = torch.tensor(b)
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(
                z, y[bi], reduction="none") * w_all[bi]).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            last_logit[bi] = z.detach()
            tot += float(loss)
            if step % 20 == 0:
                print(f"ep{ep} step {step}/{steps_per_epoch} loss {tot/(step+1):.4f} "
                      f"{time.time()-t0:.0f}s", flush=True)
        t_train = time.time() - t0
        t1 = time.time()
        s = score(model, enc_te)
        res = evaluate(test, s)
        res.update({"epoch": ep + 1, "train_s": round(t_train, 1),
                    "eval_s": round(time.time() - t1, 1), "loss": tot / steps_per_epoch})
        log["epochs"].append(res)
        print(f"EPOCH {json.dumps(res)}", flush=True)
        np.save(HERE / f"scores-{args.tag}-ep{ep+1}.npy", s)
    return log


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["probe", "top2", "full"], required=True)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--head_lr", type=float, default=1e-3)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--bs", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hardneg", action="store_true")
    ap.add_argument("--hard_mult", type=float, default=3.0)
    ap.add_argument("--hard_frac", type=float, default=0.15)
    ap.add_argument("--tag", default=None)
    args = ap.parse_args()
    args.tag = args.tag or f"{args.mode}{'-hn' if args.hardneg else ''}-lr{args.lr:g}"
    model_dir = json.loads((HERE / "model_dir.json").read_text())["model_dir"]
    tok = BertTokenizerFast.from_pretrained(model_dir)
    train, test = load_split()
    print(f"train {len(train)} ({sum(r['flaw'] for r in train)} flawed), test {len(test)} "
          f"({sum(r['flaw'] for r in test)} flawed)", flush=True)
    t0 = time.time()
    if args.mode == "probe":
        out = run_probe(args, train, test, tok, model_dir)
    else:
        out = run_ft(args, train, test, tok, model_dir)
    out = {"args": vars(args), "wall_s": round(time.time() - t0, 1), "results": out}
    (HERE / f"result-{args.tag}.json").write_text(json.dumps(out, indent=1))
    print("done", round(time.time() - t0, 1), flush=True)


if __name__ == "__main__":
    main()
