"""A trained linear model as plain data: sparse weights, intercepts, classes and a temperature.

Why not a pickle: a pickled scikit-learn estimator only loads under the version that wrote it. These
files are numpy arrays (``.npz``) plus ``meta.json``, read with numpy and scipy alone, so a model in the
package keeps working across library upgrades, and its size is only the weights it learned (features
never seen in training have weight 0 and are not stored).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


@dataclass(slots=True)
class LinearModel:
    """``classes`` of length 1, or ``multilabel``, means independent binary scores (sigmoid); otherwise
    one multiclass distribution (softmax)."""

    classes: tuple[str, ...]
    coef: sp.csr_matrix  # (width, len(classes)); CSR so that rows @ coef needs no conversion
    intercept: np.ndarray  # (len(classes),)
    temperature: float = 1.0
    meta: dict = field(default_factory=dict)
    multilabel: bool = False

    def __post_init__(self) -> None:
        self.coef = sp.csr_matrix(self.coef)

    @classmethod
    def stack(cls, models: Sequence[LinearModel]) -> LinearModel:
        """Binary models side by side: one sparse product scores every label at once."""
        return cls(
            classes=tuple(m.classes[0] for m in models),
            coef=sp.hstack([m.coef / m.temperature for m in models], format="csr"),
            intercept=np.concatenate([m.intercept / m.temperature for m in models]),
            multilabel=True,
        )

    def decision(self, x: sp.spmatrix | np.ndarray) -> np.ndarray:
        """Raw scores (before the temperature): what training calibrates and evidence compares."""
        z = x @ self.coef
        z = z.toarray() if sp.issparse(z) else np.asarray(z)
        return z + self.intercept

    def proba(self, x: sp.spmatrix | np.ndarray) -> np.ndarray:
        """Multiclass: one row of class probabilities per input. Binary: a column of P(class)."""
        z = self.decision(x) / self.temperature
        return sigmoid(z) if self.multilabel or len(self.classes) == 1 else softmax(z)

    def save(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        coo = self.coef.tocoo()
        np.savez_compressed(
            folder / f"{name}.npz",
            row=coo.row.astype(np.int32),
            col=coo.col.astype(np.int16),
            data=coo.data.astype(np.float32),
            shape=np.array(coo.shape, dtype=np.int64),
            intercept=self.intercept.astype(np.float64),
        )
        meta = {"classes": list(self.classes), "temperature": self.temperature, **self.meta}
        (folder / f"{name}.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, name: str) -> LinearModel:
        meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{name}.npz") as arrays:
            shape = tuple(int(v) for v in arrays["shape"])
            coef = sp.csr_matrix(
                (arrays["data"].astype(np.float64), (arrays["row"], arrays["col"].astype(np.int32))), shape=shape
            )
            intercept = arrays["intercept"]
        classes = tuple(meta.pop("classes"))
        temperature = float(meta.pop("temperature"))
        return cls(classes=classes, coef=coef, intercept=intercept, temperature=temperature, meta=meta)
