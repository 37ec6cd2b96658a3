"""The shipped multi-task model at run time: one encoder pass per window, then technique, role and claim heads.

A model folder holds `config.json`, `heads.onnx` (adapter + token heads over encoder states, optionally an SI-only
tagger), `heads.npz` (span-classifier and check-worthiness weights) and `MODEL_CARD.md`; the encoder is the folder
named by `config["encoder"]` (default: the shipped base MiniLM), so the pipeline's embeddings and these heads share it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsaudit.analysis.labels import ATTRIBUTION_ROLES, PTC_TECHNIQUES
from newsaudit.errors import ModelError
from newsaudit.models.chunking import runs, snap_to_words, split_at_blank_lines, trim_unpaired_quotes
from newsaudit.models.encoder import MODELS_DIR, OnnxEncoder, shared_encoder
from newsaudit.models.onnx_session import onnx_session
from newsaudit.models.span_features import repeats_earlier, span_vector, tc_vector, tfidf_rows
from newsaudit.models.span_filter import filter_features, filter_scores
from newsaudit.models.token_states import TokenStates, encode_texts

DEFAULT_MODEL = MODELS_DIR / "newsaudit-multitask"
ANY = len(PTC_TECHNIQUES)  # column of the "any technique" tagger


@dataclass
class ModelOutput:
    """Per word piece: offsets, technique probabilities [n, 15], role-tag probabilities [n, 7], span features."""

    text: str
    tokens: TokenStates
    tech: np.ndarray
    roles: np.ndarray
    feats: np.ndarray
    si: np.ndarray | None = None  # P(any technique) [n] of the SI-only tagger, when the model has one


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def log_softmax(x: np.ndarray) -> np.ndarray:
    """log(softmax(x)) over the last axis, computed stably."""
    z = x - x.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def span_classifier_logits(weights: dict[str, np.ndarray], vec: np.ndarray) -> np.ndarray:
    """Technique logits [..., 14] of the refit span classifier (`tcx_*`: standardise, optional ReLU layer, linear)."""
    z = (vec - weights["tcx_mean"]) / weights["tcx_scale"]
    if "tcx_w1" in weights:
        z = np.maximum(z @ weights["tcx_w1"] + weights["tcx_b1"], 0.0)
    return z @ weights["tcx_w"] + weights["tcx_b"]


def technique_ngram_logits(weights: dict[str, np.ndarray], texts: Sequence[str]) -> np.ndarray:
    """Technique logits [n, 14] of the hashed word/char n-gram tf-idf logistic head (`tcn_*`) over span texts."""
    coef, bias = weights["tcn_w"], weights["tcn_b"]
    rows = [val @ coef[idx].astype(np.float32) + bias for idx, val in tfidf_rows(texts, weights["tcn_idf"])]
    return np.stack(rows).astype(np.float64) if rows else np.zeros((0, len(bias)))


def repetition_mask(text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """[n, 14] with 1 in the Repetition column of each span whose phrase already occurs earlier in the text."""
    mask = np.zeros((len(spans), len(PTC_TECHNIQUES)))
    mask[[repeats_earlier(text, s, e) for s, e in spans], PTC_TECHNIQUES.index("Repetition")] = 1.0
    return mask


def blend_log_probs(logits: np.ndarray, grams: np.ndarray, weight: float) -> np.ndarray:
    """(1 - weight) x log-softmax of the span classifier + weight x log-softmax of the n-gram head."""
    return (1.0 - weight) * log_softmax(logits) + weight * log_softmax(grams)


class AuditModel:
    """Loads a model folder; `run(texts)` does one encoder pass per window and all token heads."""

    def __init__(self, model_dir: str | Path = DEFAULT_MODEL, *, threads: int | None = None):

        self.model_dir = Path(model_dir)
        cfg_path, onnx_path, npz_path = (self.model_dir / n for n in ("config.json", "heads.onnx", "heads.npz"))
        if not (cfg_path.exists() and onnx_path.exists() and npz_path.exists()):
            raise ModelError(f"no trained model at {self.model_dir} (needs config.json, heads.onnx, heads.npz)")
        try:
            self.config = json.loads(cfg_path.read_text(encoding="utf-8"))
            weights = np.load(npz_path)
            self.weights = {k: weights[k] for k in weights.files}
            self.session = onnx_session(onnx_path, threads)
        except Exception as exc:  # corrupt files: json, numpy and onnxruntime raise their own errors
            raise ModelError(f"cannot load model {self.model_dir}: {exc}") from exc
        enc = self.config.get("encoder")
        self.encoder: OnnxEncoder = shared_encoder(str(self.model_dir / enc) if enc else None)
        self.window = int(self.config.get("window", 254))
        self.stride = int(self.config.get("stride", 224))
        self.si_threshold = float(self.config.get("si_threshold", 0.5))
        self.cw_threshold = float(self.config.get("checkworthy_threshold", 0.5))

    # -- token heads -------------------------------------------------------------------------------------------
    def heads(self, text: str, tokens: TokenStates) -> ModelOutput:
        """Run the token heads over an article's merged encoder states."""
        n = len(tokens.offsets)
        if n == 0:
            z = np.zeros((0,), dtype=np.float32)
            return ModelOutput(text, tokens, z.reshape(0, ANY + 1), z.reshape(0, 7), z.reshape(0, 1))
        tech, roles, feats, *rest = self.session.run(None, {"states": tokens.states[None].astype(np.float32)})
        si = _sigmoid(rest[0][0]) if rest else None
        return ModelOutput(text, tokens, _sigmoid(tech[0]), _softmax(roles[0]), feats[0], si)

    def run(self, texts: Sequence[str]) -> list[ModelOutput]:
        """Encoder (one pass per window) and token heads for each text."""
        states = encode_texts(self.encoder, list(texts), window=self.window, stride=self.stride)
        return [self.heads(t, s) for t, s in zip(texts, states, strict=True)]

    # -- persuasion techniques ---------------------------------------------------------------------------------
    def si_probs(self, out: ModelOutput) -> np.ndarray:
        """P(any technique) per word piece: the joint "any" tagger, mixed with the most likely technique tagger
        (config `si_technique_mix`) and with the SI tagger if there is one (config `si_mix`)."""
        joint = out.tech[:, ANY]
        if w := float(self.config.get("si_technique_mix", 0.0)):
            joint = (1.0 - w) * joint + w * out.tech[:, :ANY].max(1)
        if out.si is None:
            return joint
        mix = float(self.config.get("si_mix", 1.0))
        return mix * out.si + (1.0 - mix) * joint

    def si_spans(
        self, out: ModelOutput, threshold: float | None = None, *, filtered: bool = True
    ) -> list[tuple[int, int, float]]:
        """Technique spans (any technique), decoded from `si_probs` by `decode_si_spans` with the config's settings,
        then (unless `filtered` is False) those the span filter scores below its threshold dropped."""
        cfg = self.config
        probs = self.si_probs(out)
        spans = decode_si_spans(
            out.text,
            out.tokens.offsets,
            probs,
            self.si_threshold if threshold is None else threshold,
            low=float(cfg.get("si_low", 0.0)),
            gap=int(cfg.get("si_gap", 0)),
            min_chars=int(cfg.get("si_min_chars", 0)),
        )
        cut = float(cfg.get("si_filter_threshold", 0.0))
        if not (filtered and cut > 0 and spans and "sif_w" in self.weights):
            return spans
        feats = filter_features(out.text, out.tokens, probs, out.tech[:, :ANY], [(s, e) for s, e, _ in spans])
        return [span for span, score in zip(spans, filter_scores(self.weights, feats), strict=True) if score >= cut]

    def span_features(self, out: ModelOutput, start: int, end: int) -> np.ndarray | None:
        """The span classifier's input vector for characters [start, end) (None if no word piece overlaps them)."""
        rng = out.tokens.token_range(start, end)
        if rng is None or len(out.feats) == 0:
            return None
        head = self.config.get("tc_head")
        if not head:  # legacy joint head: [mean, max] of the adapter output, length, repetition
            return span_vector(out.feats, rng[0], rng[1], out.text, start, end)
        states = out.tokens.states
        adapter = out.feats[:, states.shape[1] :]
        return tc_vector(
            head["blocks"], states, adapter, rng[0], rng[1], out.text, start, end, hash_dim=int(head.get("hash_dim", 0))
        )

    def span_logits(self, vec: np.ndarray) -> np.ndarray:
        """Technique logits [14] of a span vector."""
        w = self.weights
        if not self.config.get("tc_head"):
            return vec @ w["tc_w"] + w["tc_b"]
        return span_classifier_logits(w, vec)

    def span_probs_many(self, out: ModelOutput, spans: Sequence[tuple[int, int]]) -> dict[tuple[int, int], np.ndarray]:
        """P(technique) [14] for each given span, from the span classifier (uniform where no word piece overlaps)."""
        uniform = np.full(len(PTC_TECHNIQUES), 1.0 / len(PTC_TECHNIQUES), dtype=np.float32)
        result = {span: uniform for span in spans}
        vecs = {span: self.span_features(out, *span) for span in spans}
        found = [span for span, vec in vecs.items() if vec is not None]
        if found:
            logits = self.span_logits(np.stack([vecs[span] for span in found]))
            head = self.config.get("tc_head") or {}
            w = float(head.get("ngram_weight", 0.0))
            if w > 0:
                grams = technique_ngram_logits(self.weights, [out.text[s:e] for s, e in found])
                logits = blend_log_probs(logits, grams, w)
            boost = float(head.get("repetition_boost", 0.0))
            if boost:
                logits = logits + boost * repetition_mask(out.text, found)
            for span, row in zip(found, logits, strict=True):
                result[span] = _softmax(row).astype(np.float32)
        return result

    def label_spans(self, out: ModelOutput, spans: Sequence[tuple[int, int]]) -> list[tuple[str, float]]:
        """Best technique and its probability for each given span.

        A span given n times (a span with n techniques, as in PTC templates) gets its n most likely techniques, one
        per copy, in the order the copies come.
        """
        result = []
        probs = self.span_probs_many(out, list(dict.fromkeys((s, e) for s, e in spans)))
        seen: dict[tuple[int, int], int] = {}
        for s, e in spans:
            p = probs[(s, e)]
            rank = seen.get((s, e), 0)
            seen[(s, e)] = rank + 1
            k = int(np.argsort(-p, kind="stable")[min(rank, len(p) - 1)])
            result.append((PTC_TECHNIQUES[k], float(p[k])))
        return result

    # -- attribution roles -------------------------------------------------------------------------------------
    def role_spans(self, out: ModelOutput) -> list[tuple[str, int, int, float]]:
        """(role, start, end, mean probability) from BIO tags.

        B starts a span and I continues one of the same role; with `merge_b` (config `role_merge_b`), a B right
        after a token of the same role continues the span too (the tagger often restarts long contents). Spans never
        cross a line break, and lose leading/trailing commas, semicolons and colons.
        """
        offsets = out.tokens.offsets
        text = out.text
        cfg = self.config
        merge_b = bool(cfg.get("role_merge_b", False))
        tags = fill_gaps(out.roles.argmax(-1), offsets, text, int(cfg.get("role_gap", 0)))
        spans = []
        cur: list[int] | None = None  # [role, first token, last token]

        def close() -> None:
            if cur is not None:
                r, i, j = cur
                s, e = snap_to_words(text, offsets[i][0], offsets[j][1])
                while s < e and text[s] in ",;: \n":
                    s += 1
                while e > s and text[e - 1] in ",;: \n":
                    e -= 1
                if e > s:
                    prob = float((out.roles[i : j + 1, 1 + 2 * r] + out.roles[i : j + 1, 2 + 2 * r]).mean())
                    spans.append((ATTRIBUTION_ROLES[r], s, e, prob))

        for t, tag in enumerate(tags):
            if tag == 0:
                if cur is not None:
                    close()
                    cur = None
                continue
            r, begin = (tag - 1) // 2, tag % 2 == 1
            broken = cur is not None and "\n" in text[offsets[cur[2]][1] : offsets[t][0]]
            if begin and merge_b and cur is not None and cur[0] == r and cur[2] == t - 1:
                begin = False
            if begin or broken or cur is None or cur[0] != r:
                close()
                cur = [int(r), t, t]
            else:
                cur[2] = t
        close()
        return spans

    # -- check-worthiness --------------------------------------------------------------------------------------
    def checkworthy_pooled(self, pooled: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """P(check-worthy) for mean-pooled encoder states [n, dim] of the given sentence texts.

        With an n-gram head in the model (config `checkworthy_ngram_weight` > 0), the probability is the sigmoid of
        the weighted sum of both heads' logits, and `texts` is required.
        """
        if len(pooled) == 0:
            return np.zeros((0,), dtype=np.float32)
        z = (pooled - self.weights["cw_mean"]) / self.weights["cw_scale"]
        if "cw_w1" in self.weights:  # one-hidden-layer MLP head (ReLU)
            z = np.maximum(z @ self.weights["cw_w1"] + self.weights["cw_b1"], 0.0)
        logit = z @ self.weights["cw_w"] + self.weights["cw_b"]
        w = float(self.config.get("checkworthy_ngram_weight", 0.0))
        if w > 0:
            if texts is None or len(texts) != len(pooled):
                raise ModelError("the check-worthiness n-gram head needs one sentence text per pooled state")
            logit = w * self.checkworthy_ngram_logits(texts) + (1.0 - w) * logit
        return _sigmoid(logit).astype(np.float32)

    def checkworthy_ngram_logits(self, texts: Sequence[str]) -> np.ndarray:
        """Logits of the hashed word/char n-gram tf-idf logistic head [n]."""
        coef, bias = self.weights["cw_ng_w"], float(self.weights["cw_ng_b"])
        return np.array(
            [float(val @ coef[idx]) + bias for idx, val in tfidf_rows(texts, self.weights["cw_ng_idf"])],
            dtype=np.float64,
        )

    def pooled_spans(self, out: ModelOutput, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """Mean encoder state of the word pieces in each span [n, dim] (zeros for spans without word pieces)."""
        dim = out.tokens.states.shape[1] if out.tokens.states.ndim == 2 else 384
        rows = []
        for s, e in spans:
            rng = out.tokens.token_range(s, e)
            rows.append(out.tokens.states[rng[0] : rng[1]].mean(0) if rng else np.zeros(dim, dtype=np.float32))
        return np.stack(rows) if rows else np.zeros((0, dim), dtype=np.float32)

    def score_sentences(self, texts: Sequence[str]) -> np.ndarray:
        """P(check-worthy) of standalone sentences."""
        states = encode_texts(self.encoder, list(texts), window=self.window, stride=self.stride)
        dim = 384
        pooled = np.stack([st.states.mean(0) if len(st.offsets) else np.zeros(dim, np.float32) for st in states])
        return self.checkworthy_pooled(pooled, list(texts)) if len(texts) else np.zeros((0,), dtype=np.float32)


def decode_si_spans(
    text: str,
    offsets: Sequence[tuple[int, int]],
    probs: np.ndarray,
    threshold: float,
    *,
    low: float = 0.0,
    gap: int = 0,
    min_chars: int = 0,
) -> list[tuple[int, int, float]]:
    """(start, end, mean probability) spans from per-word-piece probabilities, sorted and non-overlapping.

    Hysteresis: runs of word pieces >= `low` (if 0 < low < threshold, else >= threshold) are kept when one of their
    word pieces reaches `threshold`. Dips of up to `gap` word pieces between two runs on the same line are filled
    first; spans are snapped to whole words and lose unpaired edge quotes, spans overlapping after that are merged,
    and spans shorter than `min_chars` characters are dropped.
    """
    low = low if 0.0 < low < threshold else threshold
    flags = np.asarray(probs) >= low
    if gap > 0:
        on = np.nonzero(flags)[0]
        for a, b in itertools.pairwise(on):
            if 1 < b - a <= gap + 1 and "\n" not in text[offsets[a][1] : offsets[b][0]]:
                flags[a:b] = True
    found: list[list[float]] = []  # [start, end, probability sum, word pieces]
    pieces = [piece for run in runs(flags) for piece in split_at_blank_lines(text, offsets, *run)]
    for i, j in pieces:
        if float(np.max(probs[i:j])) < threshold:
            continue
        s, e = trim_unpaired_quotes(text, *snap_to_words(text, offsets[i][0], offsets[j - 1][1]))
        if e <= s:
            continue
        if found and s < found[-1][1]:
            last = found[-1]
            last[1], last[2], last[3] = max(last[1], e), last[2] + float(np.sum(probs[i:j])), last[3] + j - i
        else:
            found.append([s, e, float(np.sum(probs[i:j])), j - i])
    return [(int(s), int(e), p / n) for s, e, p, n in found if e - s >= min_chars]


def fill_gaps(tags: np.ndarray, offsets: Sequence[tuple[int, int]], text: str, gap: int) -> np.ndarray:
    """Tag runs of at most `gap` O tokens between two tokens of the same role as inside that role (same line only)."""
    tags = np.array(tags, copy=True)
    if gap <= 0:
        return tags
    last: int | None = None  # index of the last non-O token
    for t in range(len(tags)):
        if tags[t] == 0:
            continue
        if last is not None and 1 < t - last <= gap + 1:
            r_prev, r_cur = (tags[last] - 1) // 2, (tags[t] - 1) // 2
            if r_prev == r_cur and "\n" not in text[offsets[last][1] : offsets[t][0]]:
                tags[last + 1 : t] = 2 + 2 * r_cur
                if tags[t] % 2 == 1:  # a B right after the filled gap continues the span
                    tags[t] = 2 + 2 * r_cur
        last = t
    return tags


def model_path(settings_model_dir: str | None = None) -> Path:
    """The model folder: the settings' `model_dir` if given, else the shipped one."""
    return Path(settings_model_dir) if settings_model_dir else DEFAULT_MODEL


def model_available(settings_model_dir: str | None = None) -> bool:
    path = model_path(settings_model_dir)
    return all((path / n).exists() for n in ("config.json", "heads.onnx", "heads.npz"))


@lru_cache(maxsize=2)
def load_model(model_dir: str | None = None) -> AuditModel:
    """One loaded model per folder per process (raises ModelError when it is missing)."""
    return AuditModel(model_path(model_dir))


CACHE_KEY = "newsaudit.model_output"


def document_output(doc, model: AuditModel) -> ModelOutput:  # type: ignore[no-untyped-def]
    """The model's output for a Document, computed once and kept in `doc.cache` for every model step."""
    key = (CACHE_KEY, str(model.model_dir))
    out = doc.cache.get(key)
    if out is None or out.text != doc.text:
        out = model.run([doc.text])[0]
        doc.cache[key] = out
    return out
