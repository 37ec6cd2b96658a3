"""Train the multi-task heads on cached encoder states, calibrate on held-out train data, evaluate, export.

Heads: a BiLSTM adapter over the frozen encoder states feeds 15 sigmoid technique taggers (14 PTC techniques + any),
a 7-way BIO role tagger (PolNeAR Source/Cue/Content) and a span classifier (TC: mean/max-pooled adapter features,
span length, repetition count). Check-worthiness is a logistic or MLP head on mean-pooled encoder states.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsaudit.analysis.labels import ATTRIBUTION_ROLES, PTC_TECHNIQUES
from newsaudit.evaluation.splits import claimbuster_fold, ptc_is_dev
from newsaudit.models.span_features import N_SCALARS, hashed_gram_counts, repeats_earlier, repetition_count, tc_unscaled
from newsaudit.models.token_states import TokenStates
from newsaudit.training.compact_heads import compact
from newsaudit.training.features import IGNORE, N_ROLE_TAGS, N_TECH, role_tags, technique_labels
from newsaudit.training.multitask import TrainConfig, ptc_is_tune, seed_everything

log = logging.getLogger(__name__)

SEQ = 512  # training window over merged article states (the adapter runs over whole articles at run time)
SEQ_STRIDE = 384


@dataclass
class Window:
    """A training window: states [T, dim], labels, and TC spans (token i, token j, technique, scalars)."""

    states: np.ndarray
    tech: np.ndarray | None
    roles: np.ndarray | None
    tc: list[tuple[int, int, int, np.ndarray]]


def build_windows(items: list, states: list[TokenStates], task: str) -> list[Window]:  # type: ignore[type-arg]
    """Cut articles into overlapping windows with aligned labels; each TC span is used once, in a window holding it."""
    out = []
    for item, st in zip(items, states, strict=True):
        n = len(st.offsets)
        if n == 0:
            continue
        tech = technique_labels(st.offsets, item.techniques) if task == "ptc" else None
        roles = role_tags(st.offsets, item.roles) if task == "polnear" else None
        spans = []
        if task == "ptc":
            for k, s, e in item.techniques:
                rng = st.token_range(s, e)
                if rng:
                    scal = np.array([np.log1p(e - s) / 5.0, np.log1p(repetition_count(item.text, s, e))], np.float32)
                    spans.append((rng[0], rng[1], k, scal))
        starts = list(range(0, max(1, n - SEQ + SEQ_STRIDE), SEQ_STRIDE)) if n > SEQ else [0]
        used: set[int] = set()
        for a in starts:
            b = min(n, a + SEQ)
            tc = []
            for idx, (i, j, k, scal) in enumerate(spans):
                if idx not in used and a <= i and j <= b:
                    used.add(idx)
                    tc.append((i - a, j - a, k, scal))
            out.append(
                Window(
                    st.states[a:b],
                    None if tech is None else tech[a:b],
                    None if roles is None else roles[a:b],
                    tc,
                )
            )
    return out


def build_module(dim: int, hidden: int, adapter: str = "conv"):  # type: ignore[no-untyped-def]
    """The torch heads module (built in a function: the runtime never imports torch).

    adapter "conv": a width-5 convolution + GELU over the encoder states (local context, cheap on CPU);
    "lstm": a BiLSTM; "none" (or hidden 0): linear heads on the encoder states alone.
    """
    import torch
    from torch import nn

    class Heads(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.dropout = nn.Dropout(0.2)
            self.kind = adapter if hidden else "none"
            self.lstm = nn.LSTM(dim, hidden, batch_first=True, bidirectional=True) if self.kind == "lstm" else None
            self.conv = nn.Conv1d(dim, 2 * hidden, kernel_size=5, padding=2) if self.kind == "conv" else None
            feat = dim + (2 * hidden if self.kind != "none" else 0)
            self.tech = nn.Linear(feat, N_TECH)
            self.roles = nn.Linear(feat, N_ROLE_TAGS)
            self.tc = nn.Linear(2 * feat + N_SCALARS, len(PTC_TECHNIQUES))

        def features(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
            x = self.dropout(x)
            if self.conv is not None:
                if lengths is not None:  # zero the padding so it does not leak into the last real tokens
                    keep = torch.arange(x.shape[1])[None, :] < lengths[:, None]
                    x = x * keep[..., None]
                h = nn.functional.gelu(self.conv(x.transpose(1, 2))).transpose(1, 2)
                return torch.cat([x, self.dropout(h)], dim=-1)
            if self.lstm is None:
                return x
            if lengths is None:
                h, _ = self.lstm(x)
            else:
                packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
                h, _ = self.lstm(packed)
                h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
            return torch.cat([x, h], dim=-1)

        def forward(self, states: torch.Tensor):  # type: ignore[no-untyped-def]
            f = self.features(states)
            return self.tech(f), self.roles(f), f

    return Heads()


def _batch(windows: list[Window], idx: list[int]):  # type: ignore[no-untyped-def]
    import torch

    width = max(len(windows[i].states) for i in idx)
    dim = windows[idx[0]].states.shape[1]
    x = torch.zeros((len(idx), width, dim))
    lengths = torch.tensor([len(windows[i].states) for i in idx])
    tech = torch.zeros((len(idx), width, N_TECH))
    tech_mask = torch.zeros((len(idx), width), dtype=torch.bool)
    roles = torch.full((len(idx), width), IGNORE, dtype=torch.long)
    tc = []
    for r, i in enumerate(idx):
        w = windows[i]
        n = len(w.states)
        x[r, :n] = torch.from_numpy(w.states)
        if w.tech is not None:
            tech[r, :n] = torch.from_numpy(w.tech.astype(np.float32))
            tech_mask[r, :n] = True
        if w.roles is not None:
            roles[r, :n] = torch.from_numpy(w.roles)
        tc.extend((r, a, b, k, scal) for a, b, k, scal in w.tc)
    return x, lengths, tech, tech_mask, roles, tc


def _losses(model, batch, pos_weight, cfg: TrainConfig):  # type: ignore[no-untyped-def]
    import torch
    import torch.nn.functional as F

    x, lengths, tech, tech_mask, roles, tc = batch
    f = model.features(x, lengths)
    parts = {}
    if tech_mask.any():
        parts["tech"] = F.binary_cross_entropy_with_logits(
            model.tech(f[tech_mask]), tech[tech_mask], pos_weight=pos_weight
        )
    if (roles != IGNORE).any():
        logits = model.roles(f).reshape(-1, N_ROLE_TAGS)
        parts["roles"] = cfg.role_loss_weight * F.cross_entropy(logits, roles.reshape(-1), ignore_index=IGNORE)
    if tc:
        vec = torch.stack(
            [torch.cat([f[r, a:b].mean(0), f[r, a:b].max(0).values, torch.from_numpy(s)]) for r, a, b, _, s in tc]
        )
        parts["tc"] = cfg.tc_loss_weight * F.cross_entropy(model.tc(vec), torch.tensor([t[3] for t in tc]))
    return parts


def _technique_pos_weight(train: list[Window], cap: float):  # type: ignore[no-untyped-def]
    """Per-technique BCE positive weights: sqrt(negatives / positives) over the training word pieces, in [1, cap]."""
    import torch

    tech_all = np.concatenate([w.tech for w in train if w.tech is not None])
    pos = tech_all.sum(0).astype(np.float64)
    pw = np.clip(np.sqrt((len(tech_all) - pos) / np.maximum(pos, 1)), 1.0, cap)
    log.info("technique token positives %s; pos_weight %s", pos.astype(int).tolist(), pw.round(2).tolist())
    return torch.tensor(pw, dtype=torch.float32)


def _optimizer(params: list, lr: float, steps: int):  # type: ignore[no-untyped-def,type-arg]
    """AdamW with a 10% linear warm-up, then linear decay to 2% of `lr` over `steps`."""
    import torch

    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.02, (steps - s) / max(1, steps - warm)))
    )
    return opt, sched


def train_heads(cfg: TrainConfig, train: list[Window], tune: list[Window]):  # type: ignore[no-untyped-def]
    """Multi-task training with AdamW; keeps the epoch with the lowest held-out (PTC tune) loss."""
    import copy

    import torch

    seed_everything(cfg.seed)
    dim = train[0].states.shape[1]
    model = build_module(dim, cfg.hidden, cfg.adapter)
    pos_weight = _technique_pos_weight(train, cfg.max_pos_weight)
    opt, sched = _optimizer(list(model.parameters()), cfg.lr_heads, math.ceil(len(train) / cfg.batch_size) * cfg.epochs)
    rng = random.Random(cfg.seed)
    best, best_loss, history = None, float("inf"), []
    for epoch in range(cfg.epochs):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        t0, sums = time.time(), {"tech": 0.0, "roles": 0.0, "tc": 0.0}
        for b in range(0, len(order), cfg.batch_size):
            parts = _losses(model, _batch(train, order[b : b + cfg.batch_size]), pos_weight, cfg)
            loss = sum(parts.values())
            opt.zero_grad()
            loss.backward()  # type: ignore[union-attr]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            for k, v in parts.items():
                sums[k] += float(v.detach())
        model.eval()
        with torch.no_grad():
            tl = {"tech": 0.0, "roles": 0.0, "tc": 0.0}
            for b in range(0, len(tune), cfg.batch_size):
                for k, v in _losses(
                    model, _batch(tune, list(range(b, min(len(tune), b + cfg.batch_size)))), pos_weight, cfg
                ).items():
                    tl[k] += float(v)
        tune_loss = tl["tech"] + tl["tc"]
        nb = math.ceil(len(train) / cfg.batch_size)
        log.info(
            "epoch %d: train tech %.4f roles %.4f tc %.4f | tune tech %.4f tc %.4f | %.0f s",
            epoch + 1, sums["tech"] / nb, sums["roles"] / nb, sums["tc"] / nb, tl["tech"], tl["tc"], time.time() - t0,
        )  # fmt: skip
        history.append({"epoch": epoch + 1, "tune_loss": round(tune_loss, 4)})
        if tune_loss < best_loss:
            best_loss, best = tune_loss, copy.deepcopy(model.state_dict())
    model.load_state_dict(best)  # type: ignore[arg-type]
    model.eval()
    return model, history


def build_si_module(dim: int, hidden: int, kind: str = "lstm"):  # type: ignore[no-untyped-def]
    """The SI-only tagger (torch): a BiLSTM over the encoder states, then 15 sigmoid taggers (14 techniques + any).

    Only the "any" column is used at run time; the technique columns are auxiliary targets.
    """
    if kind != "lstm":
        raise ValueError(f"unknown si_head {kind!r} (known: lstm)")
    return build_module(dim, hidden, "lstm")


def _si_losses(model, batch, pos_weight, col_weight):  # type: ignore[no-untyped-def]
    import torch.nn.functional as F

    x, lengths, tech, tech_mask, _, _ = batch
    f = model.features(x, lengths)
    per = F.binary_cross_entropy_with_logits(
        model.tech(f[tech_mask]), tech[tech_mask], pos_weight=pos_weight, reduction="none"
    )
    return (per * col_weight).mean(), per[:, -1].mean()


def train_si_head(cfg: TrainConfig, train: list[Window], tune: list[Window]):  # type: ignore[no-untyped-def]
    """Train the SI tagger on PTC windows (AdamW); keeps the epoch with the lowest tune loss of the "any" column."""
    import copy

    import torch

    seed_everything(cfg.seed)
    dim = train[0].states.shape[1]
    model = build_si_module(dim, cfg.si_hidden, cfg.si_head)
    pos_weight = _technique_pos_weight(train, cfg.max_pos_weight)
    col_weight = torch.ones(N_TECH)
    col_weight[-1] = cfg.si_any_weight
    params = [p for n, p in model.named_parameters() if not n.startswith(("roles.", "tc."))]
    opt, sched = _optimizer(params, cfg.si_lr, math.ceil(len(train) / cfg.batch_size) * cfg.si_epochs)
    rng = random.Random(cfg.seed)
    best, best_loss, history = None, float("inf"), []
    for epoch in range(cfg.si_epochs):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        t0, total = time.time(), 0.0
        for b in range(0, len(order), cfg.batch_size):
            loss, _ = _si_losses(model, _batch(train, order[b : b + cfg.batch_size]), pos_weight, col_weight)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach())
        model.eval()
        with torch.no_grad():
            tune_any = 0.0
            for b in range(0, len(tune), 16):
                batch = _batch(tune, list(range(b, min(len(tune), b + 16))))
                tune_any += float(_si_losses(model, batch, pos_weight, col_weight)[1])
        log.info(
            "SI head epoch %d: train loss %.4f | tune any-loss %.4f | %.0f s",
            epoch + 1, total / math.ceil(len(train) / cfg.batch_size), tune_any, time.time() - t0,
        )  # fmt: skip
        history.append({"epoch": epoch + 1, "tune_any_loss": round(tune_any, 4)})
        if tune_any < best_loss:
            best_loss, best = tune_any, copy.deepcopy(model.state_dict())
    model.load_state_dict(best)  # type: ignore[arg-type]
    model.eval()
    return model, history


def load_or_train_si(cfg: TrainConfig, train: list[Window], tune: list[Window], cache_dir: Path):  # type: ignore[no-untyped-def]
    """The SI tagger from its cached checkpoint (keyed by its settings), else trained and cached; (model, info)."""
    import torch

    key = f"si-{cfg.seed}-{cfg.si_head}{cfg.si_hidden}-{cfg.si_epochs}-{cfg.si_lr}-{cfg.si_any_weight}"
    ckpt = cache_dir / f"{key}.pt"
    dim = train[0].states.shape[1]
    if ckpt.exists():
        model = build_si_module(dim, cfg.si_hidden, cfg.si_head)
        model.load_state_dict(torch.load(ckpt))
        model.eval()
        info = json.loads(ckpt.with_suffix(".json").read_text())
        log.info("loaded SI head from %s", ckpt)
        return model, info
    t0 = time.time()
    model, history = train_si_head(cfg, train, tune)
    info = {"history": history, "train_seconds": round(time.time() - t0)}
    torch.save(model.state_dict(), ckpt)
    ckpt.with_suffix(".json").write_text(json.dumps(info))
    return model, info


def export_heads(model, dim: int, path: Path, si_model=None) -> None:  # type: ignore[no-untyped-def]
    """heads.onnx: states [1, T, dim] -> technique logits, role logits, adapter features (and, with an SI tagger,
    its "any technique" logits `si` [1, T])."""
    import torch
    from torch import nn

    model.eval()
    names = ["tech", "roles", "feats"]
    module = model
    if si_model is not None:
        si_model.eval()

        class WithSI(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.heads, self.si = model, si_model

            def forward(self, states: torch.Tensor):  # type: ignore[no-untyped-def]
                tech, roles, feats = self.heads(states)
                return tech, roles, feats, self.si(states)[0][..., -1]

        module, names = WithSI().eval(), [*names, "si"]
    torch.onnx.export(
        module,
        (torch.zeros(1, 7, dim),),
        str(path),
        input_names=["states"],
        output_names=names,
        dynamic_axes={"states": {1: "tokens"}} | {n: {1: "tokens"} for n in names},
        opset_version=17,
        dynamo=False,
    )


# -- technique span classifier, refit on the frozen encoder -----------------------------------------------------


@dataclass
class SpanRows:
    """The gold technique spans of PTC articles as classifier rows: vectors, technique indices, texts and keys."""

    x: np.ndarray
    y: np.ndarray
    texts: list[str]
    keys: list[tuple[str, int, int]]  # (article, start, end): copies of one span share a key
    repeats: np.ndarray  # whether the span's phrase already occurs earlier in its article


def tc_dataset(runtime, items, states) -> SpanRows:  # type: ignore[no-untyped-def]
    """The gold spans' vectors (built by the runtime's own `span_features`), labels, texts and keys."""
    rows, labels, texts, keys, repeats = [], [], [], [], []
    for item, st in zip(items, states, strict=True):
        out = runtime.heads(item.text, st)
        for k, s, e in item.techniques:
            vec = runtime.span_features(out, s, e)
            if vec is not None:
                rows.append(vec)
                labels.append(k)
                texts.append(item.text[s:e])
                keys.append((item.name, s, e))
                repeats.append(repeats_earlier(item.text, s, e))
    x, y = np.stack(rows).astype(np.float32), np.array(labels, dtype=np.int64)
    return SpanRows(x, y, texts, keys, np.array(repeats, dtype=bool))


def fit_tc_ngram(texts: list[str], y: np.ndarray, dim: int, c: float) -> dict[str, np.ndarray]:
    """Multinomial logistic regression on the spans' hashed n-gram tf-idf: the `tcn_*` arrays of heads.npz."""
    from sklearn.linear_model import LogisticRegression

    counts = _gram_counts(texts, dim)
    idf = gram_idf(counts)
    clf = LogisticRegression(C=c, max_iter=2000).fit(gram_tfidf(counts, idf), y)
    coef = np.zeros((dim, len(PTC_TECHNIQUES)), dtype=np.float32)
    bias = np.full(len(PTC_TECHNIQUES), -30.0, dtype=np.float32)  # a technique absent from training never wins
    coef[:, clf.classes_] = clf.coef_.T
    bias[clf.classes_] = clf.intercept_
    return {"tcn_idf": idf.astype(np.float32), "tcn_w": coef.astype(np.float16), "tcn_b": bias}


def multiset_accuracy(log_probs: np.ndarray, y: np.ndarray, keys: list[tuple[str, int, int]]) -> float:
    """TC micro-F1 over given spans: a span listed n times gets its n most likely techniques, matched as a multiset."""
    from collections import Counter, defaultdict

    copies: defaultdict[tuple[str, int, int], list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        copies[key].append(i)
    hits = 0
    for idx in copies.values():
        pred = Counter(np.argsort(-log_probs[idx[0]], kind="stable")[: len(idx)].tolist())
        hits += sum((pred & Counter(y[idx].tolist())).values())
    return hits / len(y) if len(y) else 0.0


def choose_tc_blend(cfg: TrainConfig, rows: SpanRows, folds: int = 5) -> dict:  # type: ignore[type-arg]
    """Out-of-fold (article-grouped) TC micro-F1 of the span classifier blended with the n-gram head at each weight
    in `cfg.tc_ngram_weights` (0 = classifier alone) and with each `cfg.tc_repetition_boosts` added to the Repetition
    log-probability of spans that repeat an earlier phrase; returns the best "weight" and "boost" (ties: smaller)."""
    from sklearn.model_selection import GroupKFold

    from newsaudit.models.audit_model import log_softmax, span_classifier_logits, technique_ngram_logits

    n = len(PTC_TECHNIQUES)
    mlp, grams = np.zeros((len(rows.y), n)), np.zeros((len(rows.y), n))
    weights = (0.0, *cfg.tc_ngram_weights) if cfg.tc_ngram_dim else (0.0,)
    for a, b in GroupKFold(folds).split(rows.x, rows.y, [name for name, _, _ in rows.keys]):
        mlp[b] = log_softmax(span_classifier_logits(fit_tc_head(cfg, rows.x[a], rows.y[a]), rows.x[b]))
        if cfg.tc_ngram_dim:
            ngram = fit_tc_ngram([rows.texts[i] for i in a], rows.y[a], cfg.tc_ngram_dim, cfg.tc_ngram_c)
            grams[b] = log_softmax(technique_ngram_logits(ngram, [rows.texts[i] for i in b]))
    rep = np.zeros((len(rows.y), n))
    rep[rows.repeats, PTC_TECHNIQUES.index("Repetition")] = 1.0
    scores = {
        (w, boost): multiset_accuracy((1 - w) * mlp + w * grams + boost * rep, rows.y, rows.keys)
        for w in weights
        for boost in (0.0, *cfg.tc_repetition_boosts)
    }
    w, boost = max(scores, key=lambda wb: (scores[wb], -wb[0], -wb[1]))
    table = {f"w{w:g} boost{b:g}": round(f, 4) for (w, b), f in scores.items()}
    return {"weight": w, "boost": boost, "oof_tc_micro_f1": table}


def fit_tc_head(cfg: TrainConfig, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Softmax regression (tc_hidden 0) or one-hidden-layer ReLU MLPs on standardised span vectors (AdamW).

    With tc_seeds > 1, that many MLPs (seeds seed, seed+1, ...) are trained and shipped as one MLP whose hidden layer
    is theirs side by side and whose output averages their logits. The binary hashed-word columns, if any, stay
    unstandardised. Returns the `tcx_*` arrays of heads.npz.
    """
    mean, scale = x.mean(0), x.std(0) + 1e-3
    unscaled = tc_unscaled(cfg.tc_blocks, cfg.tc_hash_dim)
    if unscaled:
        mean[-unscaled:], scale[-unscaled:] = 0.0, 1.0
    z = ((x - mean) / scale).astype(np.float32)
    nets = [_fit_tc_net(cfg, z, y, cfg.seed + r) for r in range(max(1, cfg.tc_seeds) if cfg.tc_hidden else 1)]
    out = {"tcx_mean": mean, "tcx_scale": scale}
    if cfg.tc_hidden:
        out |= {
            "tcx_w1": np.concatenate([n[0] for n in nets], axis=1),
            "tcx_b1": np.concatenate([n[1] for n in nets]),
            "tcx_w": np.concatenate([n[2] for n in nets], axis=0) / len(nets),
            "tcx_b": np.mean([n[3] for n in nets], axis=0),
        }
    else:
        out |= {"tcx_w": nets[0][-2], "tcx_b": nets[0][-1]}
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def _fit_tc_net(cfg: TrainConfig, z: np.ndarray, y: np.ndarray, seed: int) -> list[np.ndarray]:
    """One span classifier on standardised inputs: [w1 [in, h], b1 [h],] w [h or in, 14], b [14] (seeded)."""
    import torch
    from torch import nn

    seed_everything(seed)
    n_classes, drop = len(PTC_TECHNIQUES), cfg.tc_dropout
    if cfg.tc_hidden:
        net = nn.Sequential(
            nn.Dropout(drop), nn.Linear(z.shape[1], cfg.tc_hidden), nn.ReLU(), nn.Dropout(drop),
            nn.Linear(cfg.tc_hidden, n_classes),
        )  # fmt: skip
    else:
        net = nn.Sequential(nn.Dropout(drop), nn.Linear(z.shape[1], n_classes))
    x, t = torch.from_numpy(z), torch.from_numpy(y)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3 if cfg.tc_hidden else 3e-3, weight_decay=0.0)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(cfg.tc_epochs):
        net.train()
        for b in torch.randperm(len(t), generator=gen).split(256):
            loss = nn.functional.cross_entropy(net(x[b]), t[b])
            l2 = sum((p**2).sum() for name, p in net.named_parameters() if "weight" in name)
            loss = loss + cfg.tc_weight_decay * l2 / len(t)
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
    out = []
    for layer in (m for m in net if isinstance(m, nn.Linear)):
        out += [layer.weight.detach().numpy().T.copy(), layer.bias.detach().numpy().copy()]
    return out


def tc_micro_f1(model, items, states) -> float:  # type: ignore[no-untyped-def]
    """TC micro-F1 of a runtime model on the gold spans of PTC articles (a span's copies match as a multiset)."""
    from newsaudit.evaluation.metrics import tc_score

    pred, gold = [], []
    for item, st in zip(items, states, strict=True):
        labels = model.label_spans(model.heads(item.text, st), [(s, e) for _, s, e in item.techniques])
        for (k, s, e), (lab, _) in zip(item.techniques, labels, strict=True):
            pred.append(((item.name, s, e), lab))
            gold.append(((item.name, s, e), PTC_TECHNIQUES[k]))
    return tc_score(pred, gold).micro.f1


def _write_model_files(out_dir: Path, config: dict, weights: dict) -> None:  # type: ignore[type-arg]
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    np.savez_compressed(out_dir / "heads.npz", **weights)


def refit_span_classifier(cfg: TrainConfig, out_dir: Path, config: dict, train, tune) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """Fit the `tc_blocks` span classifier on the PTC train articles; ship it only if it beats the joint head's TC
    micro-F1 on the PTC tune articles. `train`/`tune` are (articles, states) pairs; updates `config` in place."""
    from newsaudit.models.audit_model import AuditModel

    t0 = time.time()
    weights = {k: v for k, v in AuditModel(out_dir).weights.items() if not k.startswith("tcx_")}
    config.pop("tc_head", None)
    _write_model_files(out_dir, config, weights)
    joint_tune = tc_micro_f1(AuditModel(out_dir), *tune)
    config["tc_head"] = {
        "blocks": list(cfg.tc_blocks),
        "hash_dim": cfg.tc_hash_dim,
        "kind": f"mlp{cfg.tc_hidden}" if cfg.tc_hidden else "logistic",
    }
    _write_model_files(out_dir, config, weights)
    rows = tc_dataset(AuditModel(out_dir), *train)
    weights |= fit_tc_head(cfg, rows.x, rows.y)
    _write_model_files(out_dir, config, weights)
    refit_tune = tc_micro_f1(AuditModel(out_dir), *tune)
    tune_f1 = {"joint": round(joint_tune, 4), "refit": round(refit_tune, 4)}
    blend = None
    if (cfg.tc_ngram_dim and cfg.tc_ngram_weights) or cfg.tc_repetition_boosts:
        blend = choose_tc_blend(cfg, rows)
        log.info("span classifier blend: %s", blend)
        if blend["weight"] > 0:
            weights |= fit_tc_ngram(rows.texts, rows.y, cfg.tc_ngram_dim, cfg.tc_ngram_c)
            config["tc_head"]["ngram_weight"] = blend["weight"]
        if blend["boost"] > 0:
            config["tc_head"]["repetition_boost"] = blend["boost"]
        _write_model_files(out_dir, config, weights)
        tune_f1["refit+blend"] = round(tc_micro_f1(AuditModel(out_dir), *tune), 4)
    shipped = refit_tune > joint_tune
    blended = blend is not None and (blend["weight"] > 0 or blend["boost"] > 0)
    if not shipped:
        config.pop("tc_head")
        _write_model_files(out_dir, config, {k: v for k, v in weights.items() if not k.startswith(("tcx_", "tcn_"))})
    info = {
        "tune_tc_micro_f1": tune_f1,
        "shipped": ("refit+blend" if blended else "refit") if shipped else "joint",
        "blend_cv": blend,
        "train_spans": len(rows.y),
        "features": rows.x.shape[1],
        "seconds": round(time.time() - t0, 1),
    }
    log.info("span classifier: %s", info)
    return info


def fit_si_filter(cfg: TrainConfig, out_dir: Path, config: dict, train, tune) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """Fit the SI span filter on the spans decoded from the PTC train articles (label: overlaps a gold span) and
    choose its threshold by SI F1 on the tune articles; writes it into the model folder. Updates `config` in place."""
    from sklearn.linear_model import LogisticRegression

    from newsaudit.evaluation.metrics import merge_spans, si_score
    from newsaudit.models.audit_model import ANY, AuditModel
    from newsaudit.models.span_filter import filter_features, filter_scores

    t0 = time.time()
    config.pop("si_filter_threshold", None)
    weights = {k: v for k, v in AuditModel(out_dir).weights.items() if not k.startswith("sif_")}
    _write_model_files(out_dir, config, weights)
    runtime = AuditModel(out_dir)

    def candidates(items, states):  # type: ignore[no-untyped-def]
        """(article name, spans, features, overlaps gold) per article."""
        for item, st in zip(items, states, strict=True):
            out = runtime.heads(item.text, st)
            spans = [(s, e) for s, e, _ in runtime.si_spans(out, filtered=False)]
            feats = filter_features(item.text, out.tokens, runtime.si_probs(out), out.tech[:, :ANY], spans)
            gold = merge_spans((s, e) for _, s, e in item.techniques)
            hit = [any(s < b and a < e for a, b in gold) for s, e in spans]
            yield item.name, spans, feats, np.array(hit, dtype=bool)

    rows = list(candidates(*train))
    x = np.concatenate([f for _, _, f, _ in rows])
    y = np.concatenate([h for _, _, _, h in rows])
    mean, scale = x.mean(0), x.std(0) + 1e-6
    clf = LogisticRegression(C=cfg.si_filter_c, max_iter=3000).fit((x - mean) / scale, y)
    weights |= {
        "sif_mean": mean.astype(np.float32),
        "sif_scale": scale.astype(np.float32),
        "sif_w": clf.coef_[0].astype(np.float32),
        "sif_b": np.float32(clf.intercept_[0]).reshape(()),
    }
    tune_rows = list(candidates(*tune))
    gold = {i.name: [(s, e) for _, s, e in i.techniques] for i in tune[0]}
    curve = []
    for cut in cfg.si_filter_thresholds:
        pred = {
            name: [span for span, score in zip(spans, filter_scores(weights, feats), strict=True) if score >= cut]
            for name, spans, feats, _ in tune_rows
        }
        curve.append((cut, round(si_score(pred, gold).f1, 4)))
    best = max(curve, key=lambda c: c[1])[0]  # ties: the lower threshold (earlier in the list)
    if best > 0:
        config["si_filter_threshold"] = best
        _write_model_files(out_dir, config, weights)
    info = {
        "threshold": best,
        "tune_si_f1_by_threshold": curve,
        "train_spans": len(y),
        "train_overlapping_gold": round(float(y.mean()), 4),
        "c": cfg.si_filter_c,
        "seconds": round(time.time() - t0, 1),
    }
    log.info("SI span filter: %s", info)
    return info


# -- check-worthiness ------------------------------------------------------------------------------------------


class MlpEnsemble:
    """MLPs of one hidden layer fit with several seeds: the mean of their logits, exported as one wider MLP
    (`coefs_` / `intercepts_`, what `AuditModel.checkworthy_pooled` applies)."""

    def __init__(self, nets: list) -> None:  # type: ignore[type-arg]
        self.nets = nets
        self.coefs_ = [np.hstack([n.coefs_[0] for n in nets]), np.vstack([n.coefs_[1] for n in nets]) / len(nets)]
        self.intercepts_ = [
            np.concatenate([n.intercepts_[0] for n in nets]),
            np.mean([n.intercepts_[1] for n in nets], axis=0),
        ]

    def predict_proba(self, z: np.ndarray) -> np.ndarray:
        p = np.clip(np.array([n.predict_proba(z)[:, 1] for n in self.nets], dtype=np.float64), 1e-12, 1 - 1e-12)
        mean = _sigmoid(np.mean(np.log(p) - np.log1p(-p), axis=0))
        return np.stack([1.0 - mean, mean], axis=1)


def _fit_cw(x: np.ndarray, y: np.ndarray, kind: str, seed: int, seeds: int = 1):  # type: ignore[no-untyped-def]
    """A logistic head, or `seeds` MLPs (seeds seed, seed + 1, ...) averaged in logit space, on standardised x."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    mean, scale = x.mean(0), x.std(0) + 1e-6
    z = (x - mean) / scale
    if kind == "logistic":
        return LogisticRegression(C=0.5, max_iter=2000, class_weight="balanced").fit(z, y), mean, scale
    nets = [
        MLPClassifier(hidden_layer_sizes=(256,), alpha=1e-3, early_stopping=True, random_state=s, max_iter=200)
        for s in range(seed, seed + seeds)
    ]
    nets = [net.fit(z, y) for net in nets]
    return (nets[0] if seeds == 1 else MlpEnsemble(nets)), mean, scale


def cw_head_weights(model) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """The `cw_*` arrays `AuditModel.checkworthy_pooled` applies, from a `_fit_cw` result."""
    clf, mean, scale = model
    weights = {"cw_mean": mean.astype(np.float32), "cw_scale": scale.astype(np.float32)}
    if hasattr(clf, "coef_"):  # logistic
        return weights | {"cw_w": clf.coef_[0].astype(np.float32), "cw_b": np.float32(clf.intercept_[0]).reshape(())}
    return weights | {
        "cw_w1": clf.coefs_[0].astype(np.float32),
        "cw_b1": clf.intercepts_[0].astype(np.float32),
        "cw_w": clf.coefs_[1][:, 0].astype(np.float32),
        "cw_b": np.float32(clf.intercepts_[1][0]).reshape(()),
    }


def _cw_predict(model, x: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    clf, mean, scale = model
    return clf.predict_proba((x - mean) / scale)[:, 1]


def _gram_counts(texts: list[str], dim: int):  # type: ignore[no-untyped-def]
    """Sparse [n, dim] counts of each sentence's hashed n-grams (`span_features.hashed_gram_counts`)."""
    import scipy.sparse as sp

    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        for k, v in hashed_gram_counts(text, dim).items():
            rows.append(r)
            cols.append(k)
            vals.append(v)
    return sp.csr_matrix((np.array(vals, np.float64), (rows, cols)), shape=(len(texts), dim))


def gram_idf(counts) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Smoothed idf of each bucket over the rows of a count matrix: log((1 + n) / (1 + df)) + 1."""
    df = np.asarray((counts > 0).sum(0)).ravel()
    return (np.log((1.0 + counts.shape[0]) / (1.0 + df)) + 1.0).astype(np.float32)


def gram_tfidf(counts, idf: np.ndarray):  # type: ignore[no-untyped-def]
    """Sublinear tf (1 + log tf) times idf, rows L2-normalised: the matrix form of `span_features.tfidf_rows`."""
    import scipy.sparse as sp

    x = counts.astype(np.float64).tocsr(copy=True)
    x.data = 1.0 + np.log(x.data)
    x = x @ sp.diags(idf.astype(np.float64))
    norm = np.sqrt(np.asarray(x.multiply(x).sum(1)).ravel())
    return (sp.diags(1.0 / np.where(norm > 0, norm, 1.0)) @ x).tocsr()


def _fit_ngram(counts, y: np.ndarray, c: float):  # type: ignore[no-untyped-def]
    """(idf, coef, intercept) of an L2 logistic regression on hashed n-gram tf-idf."""
    from sklearn.linear_model import LogisticRegression

    idf = gram_idf(counts)
    clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear").fit(gram_tfidf(counts, idf), y)
    return idf, clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def _ngram_logits(model, counts) -> np.ndarray:  # type: ignore[no-untyped-def]
    idf, coef, bias = model
    return np.asarray(gram_tfidf(counts, idf) @ coef.astype(np.float64)).ravel() + bias


def _cw_logits(model, x: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    p = np.clip(_cw_predict(model, x), 1e-7, 1 - 1e-7)
    return np.log(p) - np.log1p(-p)


ENSEMBLE_WEIGHTS = np.round(np.linspace(0.0, 1.0, 11), 2)


def choose_mix(gram_logits: np.ndarray, head_logits: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(weight, threshold) of sigmoid(w x n-gram logit + (1 - w) x head logit) with the best F1 on `gold`."""
    from newsaudit.evaluation.metrics import best_threshold

    best = (-1.0, 0.0, 0.5)
    for w in ENSEMBLE_WEIGHTS:
        thr, r = best_threshold(_sigmoid(w * gram_logits + (1 - w) * head_logits).tolist(), gold.tolist())
        if r.f1 > best[0]:
            best = (r.f1, float(w), float(thr))
    return best[1], best[2]


def ngram_weights(counts, y: np.ndarray, c: float) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """The n-gram head fit on every row, as the heads.npz entries the runtime reads (cw_ng_*)."""
    idf, coef, bias = _fit_ngram(counts, y, c)
    return {"cw_ng_idf": idf, "cw_ng_w": coef, "cw_ng_b": np.float32(bias).reshape(())}


def checkworthiness_cv(
    corpora,
    seed: int,
    kinds: tuple[str, ...] = ("logistic", "mlp"),
    ngram_dim: int = 0,
    ngram_c: float = 4.0,
    mlp_seeds: int = 1,
) -> tuple[dict, dict]:  # type: ignore[no-untyped-def,type-arg]
    """4-fold CV on ClaimBuster kfold_25ncs (shared folds); threshold picked inside each training part.

    The encoder never saw ClaimBuster, and each fold's head is fit on the other three folds only. With `ngram_dim`,
    "<best kind>+ngram" is also tried: the pooled-state head and a hashed n-gram tf-idf logistic head, their logits
    mixed with a weight that, like the threshold, is chosen on a held-out third of each fold's training part.
    The MLP head averages `mlp_seeds` seeds. Returns (metrics per head kind, weights of the chosen head fit on all
    data).
    """
    from sklearn.model_selection import StratifiedKFold

    from newsaudit.evaluation.metrics import best_threshold, binary_f1

    x = np.asarray(corpora.cb_pooled, dtype=np.float32)
    y = np.array([c.label for c in corpora.cb])
    folds = np.array([claimbuster_fold(c.id) for c in corpora.cb])
    counts = _gram_counts([c.text for c in corpora.cb], ngram_dim) if ngram_dim else None
    results = {}

    def summary(fold_f1: list[float], preds: np.ndarray, thresholds: list[float]) -> dict:  # type: ignore[type-arg]
        pooled = binary_f1(preds.tolist(), y.astype(bool).tolist())
        return {
            "fold_f1": [round(v, 4) for v in fold_f1],
            "mean_f1": round(float(np.mean(fold_f1)), 4),
            "pooled": {k: round(v, 4) for k, v in pooled.as_dict().items() if k in ("precision", "recall", "f1")},
            "thresholds": [round(t, 4) for t in thresholds],
        }

    for kind in kinds:
        fold_f1, preds, thresholds = [], np.zeros(len(y), bool), []
        for f in range(4):
            tr, te = folds != f, folds == f
            # threshold from out-of-fold scores inside the training part (no peeking at the test fold)
            xs, ys = x[tr], y[tr]
            a, b = next(StratifiedKFold(3, shuffle=True, random_state=seed).split(xs, ys))
            inner = _cw_predict(_fit_cw(xs[a], ys[a], kind, seed, mlp_seeds), xs[b])
            thr, _ = best_threshold(inner.tolist(), ys[b].astype(bool).tolist())
            scores = _cw_predict(_fit_cw(xs, ys, kind, seed, mlp_seeds), x[te])
            p = scores >= thr
            preds[te] = p
            thresholds.append(float(thr))
            fold_f1.append(binary_f1(p.tolist(), y[te].astype(bool).tolist()).f1)
        results[kind] = summary(fold_f1, preds, thresholds)
        log.info("check-worthiness %s: %s", kind, results[kind])
    base = max(results, key=lambda k: results[k]["mean_f1"])
    if counts is not None:
        kind = f"{base}+ngram"
        fold_f1, preds, thresholds, mix = [], np.zeros(len(y), bool), [], []
        for f in range(4):
            tr, te = np.nonzero(folds != f)[0], np.nonzero(folds == f)[0]
            a, b = next(StratifiedKFold(3, shuffle=True, random_state=seed).split(tr, y[tr]))
            a, b = tr[a], tr[b]
            state_b = _cw_logits(_fit_cw(x[a], y[a], base, seed, mlp_seeds), x[b])
            gram_b = _ngram_logits(_fit_ngram(counts[a], y[a], ngram_c), counts[b])
            w, thr = choose_mix(gram_b, state_b, y[b] == 1)
            state_t = _cw_logits(_fit_cw(x[tr], y[tr], base, seed, mlp_seeds), x[te])
            gram_t = _ngram_logits(_fit_ngram(counts[tr], y[tr], ngram_c), counts[te])
            p = _sigmoid(w * gram_t + (1 - w) * state_t) >= thr
            preds[te] = p
            thresholds.append(thr)
            mix.append(w)
            fold_f1.append(binary_f1(p.tolist(), (y[te] == 1).tolist()).f1)
        results[kind] = summary(fold_f1, preds, thresholds) | {"ngram_weights": mix}
        log.info("check-worthiness %s: %s", kind, results[kind])
    kind = max(results, key=lambda k: results[k]["mean_f1"])
    weights = cw_head_weights(_fit_cw(x, y, kind.removesuffix("+ngram"), seed, mlp_seeds))
    chosen: dict = {
        "heads": results,
        "chosen": kind,
        "threshold": round(float(np.mean(results[kind]["thresholds"])), 4),
    }  # type: ignore[type-arg]
    if kind.endswith("+ngram"):
        weights |= ngram_weights(counts, y, ngram_c)
        chosen |= {"ngram_weight": round(float(np.mean(results[kind]["ngram_weights"])), 4), "ngram_dim": ngram_dim}
    return chosen, weights


def finetuned_checkworthiness(path: Path, dim: int, sentences: list) -> tuple[dict, dict]:  # type: ignore[type-arg]
    """The check-worthiness head trained with the encoder (`finetune_checkworthy`) and its fold runs' 4-fold CV.

    When that CV chose to mix in the n-gram head, it is refit here on all `sentences` (ClaimBuster).
    """
    head = json.loads(path.read_text(encoding="utf-8"))
    weights = {
        "cw_mean": np.zeros(dim, np.float32),
        "cw_scale": np.ones(dim, np.float32),
        "cw_w": np.asarray(head["weight"], np.float32),
        "cw_b": np.float32(head["bias"]).reshape(()),
    }
    metrics = {"heads": {"fine-tuned": head["cv"]}, "chosen": "fine-tuned", "threshold": head["threshold"]}
    blend = head.get("ngram")
    if blend:
        counts = _gram_counts([s.text for s in sentences], blend["ngram_dim"])
        weights |= ngram_weights(counts, np.array([s.label for s in sentences]), blend["ngram_c"])
        metrics["heads"]["fine-tuned+ngram"] = blend
        metrics |= {"chosen": "fine-tuned+ngram"} | {k: blend[k] for k in ("ngram_weight", "ngram_dim")}
    return metrics, weights


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


# -- evaluation through the runtime ----------------------------------------------------------------------------


def evaluate_ptc(model, items, states, threshold: float | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """SI and TC scores of the exported model on PTC articles (merged states = the runtime's own)."""
    from newsaudit.evaluation.metrics import si_score, tc_score

    pred_si, gold_si, pred_tc, gold_tc = {}, {}, [], []
    for item, st in zip(items, states, strict=True):
        out = model.heads(item.text, st)
        pred_si[item.name] = [(s, e) for s, e, _ in model.si_spans(out, threshold)]
        gold_si[item.name] = [(s, e) for _, s, e in item.techniques]
        labels = model.label_spans(out, [(s, e) for _, s, e in item.techniques])
        for (k, s, e), (lab, _) in zip(item.techniques, labels, strict=True):  # a span's copies match as a multiset
            pred_tc.append(((item.name, s, e), lab))
            gold_tc.append(((item.name, s, e), PTC_TECHNIQUES[k]))
    si = si_score(pred_si, gold_si)
    tc = tc_score(pred_tc, gold_tc)
    return {
        "si": {k: round(v, 4) for k, v in si.as_dict().items() if k in ("precision", "recall", "f1")},
        "tc_micro_f1": round(tc.micro.f1, 4),
        "tc_per_technique_f1": {k: round(v.f1, 4) for k, v in tc.per_label.items()},
    }


def calibrate_si(model, items, states, hysteresis: float = 0.0) -> tuple[float, list]:  # type: ignore[no-untyped-def,type-arg]
    """The SI threshold maximising SI F1 on the held-out PTC tune articles (spans extended down to threshold -
    `hysteresis`; the model's other decoding settings as in its config)."""
    outs = [model.heads(i.text, s) for i, s in zip(items, states, strict=True)]
    from newsaudit.evaluation.metrics import si_score

    curve = []
    for thr in np.arange(0.2, 0.85, 0.05):
        model.config["si_low"] = float(thr) - hysteresis if hysteresis > 0 else 0.0
        pred = {i.name: [(s, e) for s, e, _ in model.si_spans(o, float(thr))] for i, o in zip(items, outs, strict=True)}
        gold = {i.name: [(s, e) for _, s, e in i.techniques] for i in items}
        curve.append((round(float(thr), 2), round(si_score(pred, gold).f1, 4)))
    best = max(curve, key=lambda c: c[1])
    log.info("SI threshold curve on PTC tune: %s", curve)
    return best[0], curve


def evaluate_polnear(model, items, states) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """Per-role exact and overlap F1 of predicted role spans against the gold fragments (PolNeAR dev)."""
    from newsaudit.evaluation.metrics import role_score

    result = {}
    preds: dict[str, dict[str, list]] = {r: {} for r in ATTRIBUTION_ROLES}  # type: ignore[type-arg]
    golds: dict[str, dict[str, list]] = {r: {} for r in ATTRIBUTION_ROLES}  # type: ignore[type-arg]
    for item, st in zip(items, states, strict=True):
        out = model.heads(item.text, st)
        for role in ATTRIBUTION_ROLES:
            preds[role][item.name] = []
        for role, s, e, _ in model.role_spans(out):
            preds[role][item.name].append(((s, e),))
        for role in ATTRIBUTION_ROLES:
            golds[role][item.name] = list(item.gold_fragments.get(role, []))
    for role in ATTRIBUTION_ROLES:
        sc = role_score(preds[role], golds[role])
        result[role] = {
            "exact_f1": round(sc["exact"].f1, 4),
            "overlap_f1": round(sc["overlap"].f1, 4),
            "exact_p": round(sc["exact"].precision, 4),
            "exact_r": round(sc["exact"].recall, 4),
        }
    return result


def train_evaluate_export(  # type: ignore[no-untyped-def]
    cfg: TrainConfig, corpora, out_dir: Path, cache_dir: Path, *, command: str, cw_head: Path | None = None
) -> dict:  # type: ignore[type-arg]
    """Train, export heads.onnx/heads.npz/config.json, calibrate, evaluate, write MODEL_CARD.md and metrics.json.

    `cw_head`: the check-worthiness head the encoder was fine-tuned with (`finetune_checkworthy`), shipped as is.
    """
    import torch

    from newsaudit.models.audit_model import AuditModel
    from newsaudit.training.card import write_card

    t0 = time.time()
    ptc_tr = [
        (i, s)
        for i, s in zip(corpora.ptc, corpora.ptc_states, strict=True)
        if not ptc_is_dev(i.name) and not ptc_is_tune(i.name)
    ]
    ptc_tu = [(i, s) for i, s in zip(corpora.ptc, corpora.ptc_states, strict=True) if ptc_is_tune(i.name)]
    ptc_dev = [(i, s) for i, s in zip(corpora.ptc, corpora.ptc_states, strict=True) if ptc_is_dev(i.name)]
    train = build_windows([i for i, _ in ptc_tr], [s for _, s in ptc_tr], "ptc")
    train += build_windows(corpora.pn_train, corpora.pn_train_states, "polnear")
    tune = build_windows([i for i, _ in ptc_tu], [s for _, s in ptc_tu], "ptc")
    log.info(
        "PTC train/tune/dev articles %d/%d/%d; %d training windows", len(ptc_tr), len(ptc_tu), len(ptc_dev), len(train)
    )
    dim = train[0].states.shape[1]
    ckpt = (
        cache_dir / f"heads-{cfg.seed}-{cfg.adapter}{cfg.hidden}-{cfg.epochs}-{cfg.polnear_fraction}-{cfg.lr_heads}.pt"
    )
    if ckpt.exists():
        model = build_module(dim, cfg.hidden, cfg.adapter)
        model.load_state_dict(torch.load(ckpt))
        model.eval()
        saved = json.loads(ckpt.with_suffix(".json").read_text())
        history, train_seconds = saved["history"], saved["train_seconds"]
        log.info("loaded trained heads from %s (trained in %s s)", ckpt, train_seconds)
    else:
        model, history = train_heads(cfg, train, tune)
        train_seconds = round(time.time() - t0)
        torch.save(model.state_dict(), ckpt)
        ckpt.with_suffix(".json").write_text(json.dumps({"history": history, "train_seconds": train_seconds}))

    si_model, si_info = None, None
    if cfg.si_head:
        ptc_train = build_windows([i for i, _ in ptc_tr], [s for _, s in ptc_tr], "ptc")
        si_model, si_info = load_or_train_si(cfg, ptc_train, tune, cache_dir)
    if cw_head is not None:  # the encoder learnt check-worthiness itself: ship its head
        cw_metrics, cw_weights = finetuned_checkworthiness(cw_head, dim, corpora.cb)
    else:
        cw_metrics, cw_weights = checkworthiness_cv(
            corpora, cfg.seed, cfg.cw_heads, cfg.cw_ngram_dim, cfg.cw_ngram_c, cfg.cw_seeds
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    export_heads(model, dim, out_dir / "heads.onnx", si_model)
    compact(out_dir / "heads.onnx")  # convolutions as int8 products: 2.5x faster heads, same scores
    np.savez_compressed(
        out_dir / "heads.npz",
        tc_w=model.tc.weight.detach().numpy().T.astype(np.float32).copy(),
        tc_b=model.tc.bias.detach().numpy().astype(np.float32).copy(),
        **cw_weights,
    )
    config = {
        "name": cfg.name,
        "encoder": f"../{cfg.encoder}" if cfg.encoder else None,  # resolved against the heads folder
        "window": cfg.window,
        "stride": cfg.runtime_stride,
        "si_threshold": 0.5,
        "checkworthy_threshold": cw_metrics["threshold"],
        "checkworthy_head": cw_metrics["chosen"],
        "checkworthy_ngram_weight": cw_metrics.get("ngram_weight", 0.0),
        "claimbuster_train_folds": [0, 1, 2, 3],  # the shipped head saw every fold; the card has the 4-fold CV
        "role_gap": cfg.role_gap,
        "role_merge_b": cfg.role_merge_b,
        "si_gap": cfg.si_gap,
        "si_mix": cfg.si_mix if si_model is not None else 0.0,
        "si_technique_mix": cfg.si_technique_mix,
        "si_low": 0.0,
        "si_min_chars": cfg.si_min_chars,
        "techniques": list(PTC_TECHNIQUES),
        "roles": list(ATTRIBUTION_ROLES),
        "seed": cfg.seed,
    }
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    runtime = AuditModel(out_dir)
    thr, curve = calibrate_si(runtime, [i for i, _ in ptc_tu], [s for _, s in ptc_tu], cfg.si_hysteresis)
    thr = cfg.si_threshold or thr
    config["si_threshold"] = thr
    config["si_low"] = round(thr - cfg.si_hysteresis, 4) if cfg.si_hysteresis > 0 else 0.0
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    runtime = AuditModel(out_dir)
    train_part = ([i for i, _ in ptc_tr], [s for _, s in ptc_tr])  # (articles, states)
    tune_part = ([i for i, _ in ptc_tu], [s for _, s in ptc_tu])
    tc_refit = None
    if cfg.tc_blocks:
        tc_refit = refit_span_classifier(cfg, out_dir, config, train_part, tune_part)
        runtime = AuditModel(out_dir)
    si_filter = None
    if cfg.si_filter_c > 0:
        si_filter = fit_si_filter(cfg, out_dir, config, train_part, tune_part)
        runtime = AuditModel(out_dir)
    metrics = {
        "ptc_dev": evaluate_ptc(runtime, [i for i, _ in ptc_dev], [s for _, s in ptc_dev]),
        "ptc_tune_tc_micro_f1": round(tc_micro_f1(runtime, [i for i, _ in ptc_tu], [s for _, s in ptc_tu]), 4),
        "tc_refit": tc_refit,
        "si_threshold": thr,
        "ptc_tune_si_curve": curve,
        "si_filter": si_filter,
        "ptc_tune_si": evaluate_ptc(runtime, [i for i, _ in ptc_tu], [s for _, s in ptc_tu])["si"],
        "si_head": si_info,
        "polnear_dev": evaluate_polnear(runtime, corpora.pn_dev, corpora.pn_dev_states),
        "claimbuster_cv": cw_metrics,
        "history": history,
        "train_seconds": round(train_seconds),
        "data": {
            "ptc_train_articles": len(ptc_tr),
            "ptc_tune_articles": len(ptc_tu),
            "ptc_dev_articles": len(ptc_dev),
            "polnear_train_articles": len(corpora.pn_train),
            "polnear_dev_articles": len(corpora.pn_dev),
            "claimbuster_sentences": len(corpora.cb),
            "training_windows": len(train),
        },
    }
    log.info("metrics: %s", json.dumps(metrics))
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    write_card(out_dir, cfg, metrics, command)
    return metrics
