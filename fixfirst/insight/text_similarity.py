"""TF-IDF cosine similarity between what customers wrote, to tell "same issue" from "new issue".

Plain Python (dict sparse vectors), no scikit-learn: the corpora here are one company's customer
turns, and the only operation needed is cosine between a contact and the contacts before it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from fixfirst.insight.lexicon_files import default_stopwords

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*[a-z0-9]|[a-z0-9]")

SparseVector = Mapping[str, float]


def tokens(text: str, stopwords: frozenset[str] | None = None) -> list[str]:
    """Lower-case word tokens without stopwords or bare numbers shorter than 3 digits."""
    stop = default_stopwords() if stopwords is None else stopwords
    return [t for t in _TOKEN.findall(text.lower()) if t not in stop and not (t.isdigit() and len(t) < 3)]


class TfidfSpace:
    """Inverse document frequencies fitted on a corpus; turns texts into unit-length vectors."""

    def __init__(self, documents: Iterable[str], stopwords: frozenset[str] | None = None) -> None:
        self._stopwords = default_stopwords() if stopwords is None else stopwords
        frequency: Counter[str] = Counter()
        count = 0
        for document in documents:
            count += 1
            frequency.update(set(tokens(document, self._stopwords)))
        self._count = count
        # Smoothed idf as in scikit-learn's default: log((1 + n) / (1 + df)) + 1.
        self._idf = {term: math.log((1 + count) / (1 + df)) + 1.0 for term, df in frequency.items()}
        self._unseen_idf = math.log(1 + count) + 1.0

    def vector(self, text: str) -> dict[str, float]:
        counts = Counter(tokens(text, self._stopwords))
        weights = {term: tf * self._idf.get(term, self._unseen_idf) for term, tf in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {term: w / norm for term, w in weights.items()} if norm else {}


def cosine(a: SparseVector, b: SparseVector) -> float:
    """Cosine of two unit-length sparse vectors (0 when either is empty)."""
    if len(a) > len(b):
        a, b = b, a
    return float(sum(weight * b.get(term, 0.0) for term, weight in a.items()))
