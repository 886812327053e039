"""A plain TF-IDF retrieval baseline for the engine benchmark (benchmark code, not product code).

What a first attempt would be: every phrasing of every entry in every language, lowercased
and nothing more (no transliteration, no accent folding, no stems, no keywords, no fuzzy
rescoring), as scikit-learn's ``TfidfVectorizer`` would index it with word 1-2-grams and
``char_wb`` 3-5-grams, smooth IDF and sublinear TF. The two feature spaces are L2-normalised
separately and joined (a ``FeatureUnion``), so a cosine is the mean of the word and the
character cosines. An entry scores its best phrasing's cosine; the answer is the top entry.
No thresholds: it always answers, so it is compared on ranking only (top-1/top-3).
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from itertools import pairwise

import numpy as np
from scipy import sparse

from bot.knowledge import KnowledgeBase

TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
CHAR_RANGE = (3, 5)
HALF = 1 / math.sqrt(2)  # each space's share of a joined unit vector


def word_features(text: str) -> Counter[str]:
    tokens = TOKEN.findall(text.lower())
    grams = Counter("w:" + t for t in tokens)
    grams.update("w:" + a + " " + b for a, b in pairwise(tokens))
    return grams


def char_features(text: str) -> Counter[str]:
    """scikit-learn's ``char_wb``: n-grams inside each space-padded word."""
    grams: Counter[str] = Counter()
    lo, hi = CHAR_RANGE
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(lo, hi + 1):
            if len(padded) < n:
                break
            grams.update("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class TfidfBaseline:
    """Built once over a knowledge base; ``rank`` returns (entry id, cosine), best first."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.entry_ids = sorted(kb.entries)
        self.vocab: dict[str, int] = {}
        indices, counts, indptr = array("i"), array("f"), array("q", [0])
        owner = array("i")
        for i, entry_id in enumerate(self.entry_ids):
            for tr in kb.entries[entry_id].translations.values():
                for phrasing in tr.phrasings():
                    grams = word_features(phrasing) + char_features(phrasing)
                    if not grams:
                        continue
                    for gram, n in grams.items():
                        j = self.vocab.get(gram)
                        if j is None:
                            j = self.vocab[gram] = len(self.vocab)
                        indices.append(j)
                        counts.append(n)
                    indptr.append(len(indices))
                    owner.append(i)
        ind = np.frombuffer(indices, dtype=np.int32)
        ptr = np.frombuffer(indptr, dtype=np.int64)
        n_docs = len(ptr) - 1
        df = np.bincount(ind, minlength=len(self.vocab))
        self.idf = (np.log((1 + n_docs) / (1 + df)) + 1).astype(np.float32)
        self.is_word = np.zeros(len(self.vocab), dtype=bool)
        for gram, j in self.vocab.items():
            self.is_word[j] = gram.startswith("w:")
        data = (1 + np.log(np.frombuffer(counts, dtype=np.float32))) * self.idf[ind]
        data = self._normalise(data, ind, ptr)
        self.owner = np.frombuffer(owner, dtype=np.int32)
        self.starts = np.searchsorted(self.owner, np.arange(len(self.entry_ids)))
        self.has_phrasing = np.bincount(self.owner, minlength=len(self.entry_ids)) > 0
        matrix = sparse.csr_matrix((data, ind, ptr), shape=(n_docs, len(self.vocab)))
        self.matrix_t = matrix.T.tocsr()  # features x phrasings: a query touches few rows

    def _normalise(self, data: np.ndarray, ind: np.ndarray, ptr: np.ndarray) -> np.ndarray:
        """Each row's word part and character part scaled to length 1/√2 each."""
        lengths = np.diff(ptr)
        row = np.repeat(np.arange(len(lengths)), lengths)
        word = self.is_word[ind]
        sq = data * data
        word_norm = np.sqrt(np.bincount(row, weights=sq * word, minlength=len(lengths)))
        char_norm = np.sqrt(np.bincount(row, weights=sq * ~word, minlength=len(lengths)))
        norm = np.where(word, word_norm[row], char_norm[row])
        return (data * HALF / np.where(norm > 0, norm, 1)).astype(np.float32)

    def rank(self, text: str, top: int = 3) -> list[tuple[str, float]]:
        grams = word_features(text) + char_features(text)
        known = [(self.vocab[g], n) for g, n in grams.items() if g in self.vocab]
        if not known or not len(self.owner):
            return []
        ind = np.asarray([j for j, _ in known], dtype=np.int32)
        data = (1 + np.log(np.asarray([n for _, n in known], dtype=np.float32))) * self.idf[ind]
        data = self._normalise(data, ind, np.asarray([0, len(ind)], dtype=np.int64))
        per_phrasing = np.asarray(self.matrix_t[ind].T @ data).ravel()
        per_entry = np.zeros(len(self.entry_ids), dtype=np.float32)
        per_entry[self.has_phrasing] = np.maximum.reduceat(
            per_phrasing, self.starts[self.has_phrasing]
        )
        k = min(top, len(per_entry))
        best = np.argpartition(-per_entry, k - 1)[:k]
        best = best[np.argsort(-per_entry[best])]
        return [(self.entry_ids[i], float(per_entry[i])) for i in best if per_entry[i] > 0]
