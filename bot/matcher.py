"""The matcher: every phrasing of every entry in every language, indexed once.

Scoring a question is a sparse matrix product (TF-IDF cosine over stems,
trigrams and keywords) against every phrasing and against each entry's
whole vocabulary, followed by a rapidfuzz rescoring of the few best
entries. Cross-lingual hits count: a Polish question may match the English
or Dutch phrasing of an entry, and the official Dutch words bridge most
languages. Pure: no I/O, no clock.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from scipy import sparse

from bot.features import content_words, features
from bot.knowledge import KnowledgeBase
from bot.messages import Candidate
from bot.normalize import skeleton_word

RESCORE_TOP = 8
ANSWER_WEIGHT = 0.5  # an answer's words count half as much as a phrasing's in an entry's vocabulary
RESCORE_PHRASINGS = 6
# weights of the best phrasing's cosine, the entry vocabulary's cosine, the share of the
# question's words the entry knows (coverage) and the rapidfuzz rescoring
W_PHRASING, W_BAG, W_COVERAGE, W_FUZZ = 0.4, 0.3, 0.45, 0.2


@dataclass(frozen=True, slots=True)
class Scored:
    entry: str
    score: float
    phrasing: float
    bag: float
    fuzz: float


def _spellings(phrasings: tuple[str, ...]) -> list[str]:
    """Phrasings plus the other common Latin spelling of Bulgarian "ъ" (typed "a" or "u")."""
    out = list(phrasings)
    out.extend(p.replace("ъ", "у").replace("Ъ", "У") for p in phrasings if "ъ" in p.lower())
    return out


class _Rows:
    """Sparse rows accumulated in compact arrays (a large knowledge base has millions of cells)."""

    def __init__(self) -> None:
        self.indices, self.values, self.indptr = array("i"), array("f"), array("q", [0])

    def add(self, row: dict[int, float]) -> None:
        self.indices.extend(row.keys())
        self.values.extend(row.values())
        self.indptr.append(len(self.indices))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ind = (
            np.frombuffer(self.indices, dtype=np.int32)
            if len(self.indices)
            else np.zeros(0, np.int32)
        )
        val = (
            np.frombuffer(self.values, dtype=np.float32)
            if len(self.values)
            else np.zeros(0, np.float32)
        )
        return ind, val, np.frombuffer(self.indptr, dtype=np.int64)


class Matcher:
    """An immutable index over one knowledge base; build a new one to change it."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.entry_ids: list[str] = sorted(kb.entries)
        self._vocab: dict[str, int] = {}
        phrasings, bags = _Rows(), _Rows()  # raw counts; weighted once the vocabulary is known
        owner = array("i")
        self._texts: list[list[str]] = []
        for i, entry_id in enumerate(self.entry_ids):
            entry = kb.entries[entry_id]
            bag: dict[int, float] = {}
            skels: list[str] = []
            for tr in entry.translations.values():
                for p in _spellings(tr.phrasings()):
                    f = features(p)
                    if not f:
                        continue
                    ids = {self._id(k): v for k, v in f.items()}
                    phrasings.add(ids)
                    owner.append(i)
                    for j in ids:
                        bag[j] = bag.get(j, 0.0) + 1.0
                    skels.append(" ".join(skeleton_word(w) for w in content_words(p)))
            for tr in entry.translations.values():
                if tr.answer:
                    for k in features(tr.answer):
                        j = self._id(k)
                        bag[j] = bag.get(j, 0.0) + ANSWER_WEIGHT
            bags.add(bag)
            self._texts.append(skels)
        self._owner = np.frombuffer(owner, dtype=np.int32) if len(owner) else np.zeros(0, np.int32)
        # contiguous phrasing blocks per entry, for the per-entry maximum
        self._starts = np.searchsorted(self._owner, np.arange(len(self.entry_ids)))
        self._has_phrasing = np.bincount(self._owner, minlength=len(self.entry_ids)) > 0

        n_entries = max(len(self.entry_ids), 1)
        bag_ind, bag_raw, bag_ptr = bags.arrays()
        df = np.bincount(bag_ind, minlength=len(self._vocab)).astype(np.float32)
        self._idf = (np.log((1 + n_entries) / (1 + df)) + 1.0).astype(np.float32)
        self._phrasings_t = self._matrix(*phrasings.arrays())  # features x phrasings
        self._bags_t = self._matrix(bag_ind, 1.0 + np.log1p(bag_raw), bag_ptr)
        self._presence_t = self._matrix(bag_ind, np.minimum(bag_raw, 1.0), bag_ptr, weighted=False)

    def _id(self, key: str) -> int:
        j = self._vocab.get(key)
        if j is None:
            j = self._vocab[key] = len(self._vocab)
        return j

    def _matrix(
        self, indices: np.ndarray, raw: np.ndarray, indptr: np.ndarray, weighted: bool = True
    ) -> sparse.csr_matrix:
        """Rows of raw values → TF-IDF weighted, L2-normalised rows (or raw presence), transposed."""
        n_rows = len(indptr) - 1
        data = (raw * self._idf[indices]).astype(np.float32) if weighted else raw.astype(np.float32)
        if weighted and len(data):
            lengths = np.diff(indptr)
            sums = (
                np.add.reduceat(data * data, indptr[:-1][lengths > 0])
                if lengths.any()
                else np.zeros(0)
            )
            norms = np.ones(n_rows, dtype=np.float32)
            norms[lengths > 0] = np.sqrt(sums)
            data = data / np.repeat(norms, lengths)
        m = sparse.csr_matrix((data, indices, indptr), shape=(n_rows, len(self._vocab)))
        return m.T.tocsr()

    def __len__(self) -> int:
        return len(self.entry_ids)

    def _query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        f = features(text)
        cols = [(self._vocab[k], v) for k, v in f.items() if k in self._vocab]
        if not cols:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        idx = np.asarray([j for j, _ in cols], dtype=np.int32)
        vals = np.asarray([v for _, v in cols], dtype=np.float32) * self._idf[idx]
        # normalise against every feature of the query, known or not: unknown words lower the match
        full = (
            math.sqrt(
                sum(
                    (v * (self._idf.max() if k not in self._vocab else 1.0)) ** 2
                    for k, v in f.items()
                )
            )
            or 1.0
        )
        known = float(np.sqrt((vals * vals).sum())) or 1.0
        return idx, vals / max(full, known)

    def _raw_weights(self, text: str) -> tuple[np.ndarray, float]:
        f = features(text)
        known = [v * self._idf[self._vocab[k]] for k, v in f.items() if k in self._vocab]
        total = sum(known) + sum(
            v * float(self._idf.max()) for k, v in f.items() if k not in self._vocab
        )
        return np.asarray(known, dtype=np.float32), (total or 1.0)

    def components(self, text: str, n: int = 12) -> list[tuple[str, float, float, float, float]]:
        """(entry, phrasing cosine, bag cosine, coverage, fuzz) for the n best entries: for tuning."""
        idx, vals = self._query(text)
        if not len(idx):
            return []
        per_phrasing = np.asarray(self._phrasings_t[idx].T @ vals).ravel()
        per_entry = np.zeros(len(self.entry_ids), dtype=np.float32)
        per_entry[self._has_phrasing] = np.maximum.reduceat(
            per_phrasing, self._starts[self._has_phrasing]
        )
        bag = np.asarray(self._bags_t[idx].T @ vals).ravel()
        raw = self._raw_weights(text)
        cov = np.asarray(self._presence_t[idx].T @ raw[0]).ravel() / raw[1]
        pool = (
            set(np.argsort(-per_entry)[:n]) | set(np.argsort(-cov)[:n]) | set(np.argsort(-bag)[:n])
        )
        ends = np.append(self._starts[1:], len(per_phrasing))
        qs = " ".join(skeleton_word(w) for w in content_words(text))
        out = []
        for i in pool:
            block = per_phrasing[int(self._starts[i]) : int(ends[i])]
            picks = np.argsort(-block)[:RESCORE_PHRASINGS]
            fz = (
                max((fuzz.token_set_ratio(qs, self._texts[i][j]) for j in picks), default=0.0) / 100
            )
            out.append((self.entry_ids[i], float(per_entry[i]), float(bag[i]), float(cov[i]), fz))
        return out

    def score(self, text: str, top: int = 5) -> list[Scored]:
        """The best entries for ``text``, best first, with scores in 0..1."""
        idx, vals = self._query(text)
        if not len(idx) or not len(self.entry_ids):
            return []
        per_phrasing = np.asarray(self._phrasings_t[idx].T @ vals).ravel()
        per_entry = np.full(len(self.entry_ids), 0.0, dtype=np.float32)
        if len(per_phrasing):
            maxima = np.maximum.reduceat(per_phrasing, self._starts[self._has_phrasing])
            per_entry[self._has_phrasing] = maxima
        bag = np.asarray(self._bags_t[idx].T @ vals).ravel()
        known, total = self._raw_weights(text)
        coverage = np.asarray(self._presence_t[idx].T @ known).ravel() / total
        coarse = W_PHRASING * per_entry + W_BAG * bag + W_COVERAGE * coverage
        k = min(RESCORE_TOP, len(coarse))
        best = np.argpartition(-coarse, k - 1)[:k]
        query_skel = " ".join(skeleton_word(w) for w in content_words(text))
        ends = np.append(self._starts[1:], len(per_phrasing))
        out = []
        for i in best:
            if coarse[i] <= 0:
                continue
            block = per_phrasing[int(self._starts[i]) : int(ends[i])]
            texts = self._texts[i]
            picks = np.argsort(-block)[:RESCORE_PHRASINGS]
            fz = max((fuzz.token_set_ratio(query_skel, texts[j]) for j in picks), default=0.0) / 100
            combined = coarse[i] + W_FUZZ * fz * min(1.0, (per_entry[i] + bag[i]) * 2)
            out.append(
                Scored(
                    self.entry_ids[i],
                    float(min(1.0, combined)),
                    float(per_entry[i]),
                    float(bag[i]),
                    fz,
                )
            )
        out.sort(key=lambda s: s.score, reverse=True)
        return out[:top]

    @staticmethod
    def candidates(scored: list[Scored]) -> tuple[Candidate, ...]:
        return tuple(Candidate(s.entry, round(s.score, 4)) for s in scored)
