"""How good is a cat-vs-dog classifier: accuracy, confusion matrix, ROC curve, its worst mistakes.

Inputs are y (n,) with 1 = dog, 0 = cat, and p (n,) = P(dog) from the model.
"""

from __future__ import annotations

import numpy as np


def _check(y, p) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y).reshape(-1).astype(int)
    p = np.asarray(p, dtype=np.float64).reshape(-1)
    if y.shape != p.shape:
        raise ValueError(f"y and p must have the same length; got {len(y)} and {len(p)}.")
    if len(y) == 0:
        raise ValueError("Need at least one example to score.")
    return y, p


def accuracy(y, p, threshold: float = 0.5) -> float:
    """(1/n) Σ [ (p_i ≥ threshold) == y_i ]."""
    y, p = _check(y, p)
    return float(np.mean((p >= threshold).astype(int) == y))


def confusion_matrix(y, p, threshold: float = 0.5) -> np.ndarray:
    """C[true, predicted] counts, (2, 2): [[cats called cat, cats called dog], [dogs called cat, dogs called dog]]."""
    y, p = _check(y, p)
    pred = (p >= threshold).astype(int)
    C = np.zeros((2, 2), dtype=int)
    np.add.at(C, (y, pred), 1)
    return C


def roc_curve(y, p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(FPR, TPR, thresholds) as the threshold falls from +∞ through every distinct p.

    TPR = TP / (#dogs), FPR = FP / (#cats); arrays of shape (k + 1,) for k distinct scores,
    starting at (0, 0).
    """
    y, p = _check(y, p)
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("A ROC curve needs both cats and dogs among the examples.")
    order = np.argsort(-p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    # Ties share one point: keep the last index of each run of equal scores.
    last = np.r_[np.nonzero(np.diff(p_sorted))[0], len(p) - 1]
    tp = np.cumsum(y_sorted)[last]
    fp = (last + 1) - tp
    tpr = np.r_[0.0, tp / n_pos]
    fpr = np.r_[0.0, fp / n_neg]
    return fpr, tpr, np.r_[np.inf, p_sorted[last]]


def auc(fpr, tpr) -> float:
    """Area under the ROC curve by the trapezoid rule: Σ (FPR_k − FPR_{k−1})·(TPR_k + TPR_{k−1})/2."""
    fpr, tpr = np.asarray(fpr, float), np.asarray(tpr, float)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def most_confident_mistakes(y, p, k: int = 8, threshold: float = 0.5) -> np.ndarray:
    """Indices of up to k wrongly classified examples, most confident first (largest |p − y|)."""
    y, p = _check(y, p)
    wrong = np.nonzero((p >= threshold).astype(int) != y)[0]
    order = np.argsort(-np.abs(p[wrong] - y[wrong]), kind="stable")
    return wrong[order[:k]]
