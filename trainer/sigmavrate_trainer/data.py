"""Dataset loading and sequence building for sigma-GPT.

Dataset directory (written by `bin/forecaster dataset`, or by `sigmavrate_trainer synth`):
    spec.json, manifest.json, and per split S in {train, val, test}:
    S_tokens.npy int32 [N, 64, 2] (-1 missing), S_values.npy float32 [N, 64, 2] (NaN missing),
    S_flags.npy uint8 [N, 64], S_windows.csv

Sequences (training / scoring, one window, an order o_1..o_n of its present positions):
    tokens  = [BOS,  x_o1, ..., x_o(n-1)]
    pos_in  = [128,  o1,   ..., o(n-1)]
    pos_out = [o1,   o2,   ..., on]
    targets = [x_o1, x_o2, ..., x_on]
    mask    = causal (step i attends to steps 0..i)
Batches are right-padded: token 0, pos_in = start position (128), pos_out = n_positions (128, a spare
row of the pos_out table), target -1 (no loss); a padding step attends only to itself and no real step
attends to a padding step.

Density mode (`density_sequence` / `density_batch`): known positions k_1..k_K with tokens, queries r_1..r_M:
    steps 0..K-1 : tokens [BOS, x_k1, ..., x_k(K-1)], pos_in [128, k1, ..., k(K-1)], pos_out [k1, ..., kK],
                   causal among themselves (K steps; empty when K = 0)
    step  K+j    : (j = 0..M-1) one query step per r_j: token x_kK (the LAST known token; BOS if K = 0),
                   pos_in kK (128 if K = 0), pos_out r_j; it attends to steps 0..K-1 and to itself only
    (sequence length K + M)
The logits of query step j, restricted to the block of channel r_j % 2, give p(x_rj | known) -- the same
distribution as the last step of the causal sequence [BOS, x_k1, ..., x_kK] whose last pos_out is r_j.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from .spec import Spec

SPLITS = ("train", "val", "test")


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Split:
    name: str
    tokens: np.ndarray   # int32 [N, S, C]
    values: np.ndarray   # float32 [N, S, C]
    flags: Optional[np.ndarray]
    windows: Optional[List[Dict[str, str]]]

    def __len__(self):
        return int(self.tokens.shape[0])

    def origins(self) -> np.ndarray:
        """The input folder each window was read from (windows.csv `origin`; '' for datasets without it)."""
        if not self.windows:
            return np.full(len(self), "", dtype=object)
        return np.array([w.get("origin") or "" for w in self.windows], dtype=object)

    def without_origins(self, excluded: Sequence[str]) -> "Split":
        """The windows not read from an excluded origin (leave-one-source-out training)."""
        if not excluded:
            return self
        keep = np.nonzero(~np.isin(self.origins(), list(excluded)))[0]
        if len(keep) == len(self):
            raise ValueError(f"no {self.name} window comes from {list(excluded)} (origins: "
                             f"{sorted(set(self.origins()))})")
        return Split(self.name, self.tokens[keep], np.asarray(self.values)[keep],
                     None if self.flags is None else np.asarray(self.flags)[keep],
                     None if self.windows is None else [self.windows[i] for i in keep])


class Dataset:
    def __init__(self, root, spec: Spec, manifest: Dict):
        self.root = Path(root)
        self.spec = spec
        self.manifest = manifest
        self._splits: Dict[str, Split] = {}

    @classmethod
    def open(cls, root) -> "Dataset":
        root = Path(root)
        spec = Spec.load(root / "spec.json")
        mpath = root / "manifest.json"
        manifest = json.loads(mpath.read_text()) if mpath.exists() else {}
        want = manifest.get("spec_sha256")
        if want and want != spec.sha256:
            raise ValueError(f"{root}: manifest spec_sha256 {want} != sha256(spec.json) {spec.sha256}")
        return cls(root, spec, manifest)

    def manifest_sha256(self) -> Optional[str]:
        p = self.root / "manifest.json"
        return sha256_file(p) if p.exists() else None

    def split(self, name: str) -> Split:
        if name not in self._splits:
            r = self.root
            tokens = np.load(r / f"{name}_tokens.npy", mmap_mode="r")
            values = np.load(r / f"{name}_values.npy", mmap_mode="r")
            fpath = r / f"{name}_flags.npy"
            flags = np.load(fpath, mmap_mode="r") if fpath.exists() else None
            wpath = r / f"{name}_windows.csv"
            windows = None
            if wpath.exists():
                with open(wpath, newline="") as f:
                    windows = list(csv.DictReader(f))
            S, C = self.spec.window_steps, self.spec.n_channels
            if tokens.ndim != 3 or tokens.shape[1:] != (S, C):
                raise ValueError(f"{name}_tokens.npy has shape {tokens.shape}, expected [N, {S}, {C}]")
            if values.shape != tokens.shape:
                raise ValueError(f"{name}_values.npy shape {values.shape} != tokens {tokens.shape}")
            self._splits[name] = Split(name, np.asarray(tokens, dtype=np.int64), values, flags, windows)
        return self._splits[name]


# ---------------------------------------------------------------------------------------------
# sequences

def flat_tokens(window_tokens: np.ndarray) -> np.ndarray:
    """[S, C] -> [S*C] with position p = step * C + channel (row-major flatten)."""
    return np.asarray(window_tokens, dtype=np.int64).reshape(-1)


def present_positions(flat: np.ndarray) -> np.ndarray:
    return np.nonzero(np.asarray(flat) >= 0)[0].astype(np.int64)


def build_sequence(flat: np.ndarray, order: np.ndarray, bos: int = 0, start_position: int = 128) -> Dict[str, np.ndarray]:
    order = np.asarray(order, dtype=np.int64)
    x = np.asarray(flat, dtype=np.int64)[order]
    assert (x >= 0).all(), "order contains a missing position"
    tokens = np.concatenate([[bos], x[:-1]]).astype(np.int64)
    pos_in = np.concatenate([[start_position], order[:-1]]).astype(np.int64)
    return dict(tokens=tokens, pos_in=pos_in, pos_out=order.copy(), targets=x.copy())


def causal_mask(L: int) -> np.ndarray:
    return np.tril(np.ones((L, L), dtype=bool))


def collate(seqs: Sequence[Dict[str, np.ndarray]], start_position: int = 128, pad_pos_out: int = 128,
            masks: Optional[Sequence[np.ndarray]] = None, device=None) -> Dict[str, torch.Tensor]:
    """Pad sequences into a batch. `masks` (one [n, n] bool per sequence) defaults to causal."""
    B = len(seqs)
    L = max(len(s["tokens"]) for s in seqs)
    tokens = np.zeros((B, L), np.int64)
    pos_in = np.full((B, L), start_position, np.int64)
    pos_out = np.full((B, L), pad_pos_out, np.int64)
    targets = np.full((B, L), -1, np.int64)
    mask = np.zeros((B, L, L), bool)
    idx = np.arange(L)
    mask[:, idx, idx] = True
    lengths = np.zeros(B, np.int64)
    for b, s in enumerate(seqs):
        n = len(s["tokens"])
        lengths[b] = n
        tokens[b, :n] = s["tokens"]
        pos_in[b, :n] = s["pos_in"]
        pos_out[b, :n] = s["pos_out"]
        if "targets" in s:
            targets[b, :n] = s["targets"]
        mask[b, :n, :n] = causal_mask(n) if masks is None else masks[b]
    out = dict(tokens=tokens, pos_in=pos_in, pos_out=pos_out, targets=targets, attn_mask=mask, lengths=lengths)
    return {k: torch.from_numpy(v).to(device) if device is not None else torch.from_numpy(v) for k, v in out.items()}


def density_sequence(known_positions, known_tokens, query_positions, bos: int = 0,
                     start_position: int = 128) -> Dict[str, np.ndarray]:
    kp = np.asarray(known_positions, dtype=np.int64).reshape(-1)
    kt = np.asarray(known_tokens, dtype=np.int64).reshape(-1)
    qp = np.asarray(query_positions, dtype=np.int64).reshape(-1)
    K, M = len(kp), len(qp)
    assert len(kt) == K and M >= 1
    if K:
        pre_tok = np.concatenate([[bos], kt[:-1]])
        pre_in = np.concatenate([[start_position], kp[:-1]])
        pre_out = kp
        last_tok, last_in = kt[-1], kp[-1]
    else:
        pre_tok = pre_in = pre_out = np.zeros(0, np.int64)
        last_tok, last_in = bos, start_position
    P = K  # prefix steps 0..K-1 (the last of which predicts x_kK); the queries then hold x_kK
    tokens = np.concatenate([pre_tok[:P], np.full(M, last_tok)]).astype(np.int64)
    pos_in = np.concatenate([pre_in[:P], np.full(M, last_in)]).astype(np.int64)
    pos_out = np.concatenate([pre_out[:P], qp]).astype(np.int64)
    L = P + M
    mask = np.zeros((L, L), bool)
    mask[:P, :P] = causal_mask(P)
    mask[P:, :P] = True
    mask[np.arange(P, L), np.arange(P, L)] = True
    return dict(tokens=tokens, pos_in=pos_in, pos_out=pos_out, mask=mask, query_index=np.arange(P, L))


def density_batch(known_positions, known_tokens, query_positions, bos: int = 0, start_position: int = 128,
                  pad_pos_out: int = 128, device=None) -> Dict[str, torch.Tensor]:
    """One-pass conditional densities. Either single arrays (one window) or lists of arrays (a batch).
    Returns the padded batch plus `query_index` [B, Mmax] (step of each query, -1 padding)."""
    if len(known_positions) == 0 or np.ndim(known_positions[0]) == 0:
        known_positions, known_tokens, query_positions = [known_positions], [known_tokens], [query_positions]
    seqs = [density_sequence(kp, kt, qp, bos, start_position)
            for kp, kt, qp in zip(known_positions, known_tokens, query_positions)]
    batch = collate(seqs, start_position, pad_pos_out, masks=[s["mask"] for s in seqs], device=device)
    M = max(len(s["query_index"]) for s in seqs)
    qi = np.full((len(seqs), M), -1, np.int64)
    for b, s in enumerate(seqs):
        qi[b, :len(s["query_index"])] = s["query_index"]
    batch["query_index"] = torch.from_numpy(qi) if device is None else torch.from_numpy(qi).to(device)
    return batch


# ---------------------------------------------------------------------------------------------
# training batches

def window_weights(tokens: np.ndarray, spec: Spec, motion_weight: float, threshold: float = 200.0) -> np.ndarray:
    """Sampling weight per window: 1 + motion_weight * (fraction of its present rates with |rate| >= threshold
    ft/min); windows with no present position get 0."""
    N = tokens.shape[0]
    rate_tok = np.asarray(tokens[:, :, 0], dtype=np.int64)
    present = rate_tok >= 0
    vals = np.abs(spec.token_value[np.clip(rate_tok, 0, None)])
    moving = (vals >= threshold) & present
    frac = moving.sum(1) / np.maximum(present.sum(1), 1)
    w = 1.0 + motion_weight * frac
    any_present = (np.asarray(tokens).reshape(N, -1) >= 0).any(1)
    return np.where(any_present, w, 0.0)


class TrainBatcher:
    """Samples windows (with replacement, probability proportional to their weight), augments them (when an
    active `augmenter` and the raw `values` are given) and builds order-shuffled sequences. All randomness
    comes from the numpy Generator `rng` (the augmenter and order sampler share it)."""

    def __init__(self, tokens: np.ndarray, spec: Spec, order_sampler, rng: np.random.Generator,
                 batch_size: int, weights: Optional[np.ndarray] = None, values: Optional[np.ndarray] = None,
                 augmenter=None):
        if augmenter is not None and augmenter.active and values is None:
            raise ValueError("augmentation needs the windows' raw values")
        self.augmenter = augmenter if augmenter is not None and augmenter.active else None
        self.values = values
        self.tokens = tokens
        self.spec = spec
        self.order_sampler = order_sampler
        self.rng = rng
        self.batch_size = batch_size
        N = tokens.shape[0]
        w = np.ones(N) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.sum() <= 0:
            raise ValueError("no usable window")
        self.p = w / w.sum()

    def sample(self, progress: float = 0.0, device=None) -> Dict[str, torch.Tensor]:
        idx = self.rng.choice(len(self.p), size=self.batch_size, p=self.p)
        seqs = []
        for i in idx:
            window = self.tokens[i]
            if self.augmenter is not None:
                window = self.augmenter(window, self.values[i])
            flat = flat_tokens(window)
            order = self.order_sampler(present_positions(flat), progress)
            seqs.append(build_sequence(flat, order, self.spec.bos, self.spec.start_position))
        return collate(seqs, self.spec.start_position, self.spec.n_positions, device=device)


def fixed_order_batches(tokens: np.ndarray, spec: Spec, order_fn, batch_size: int, device=None):
    """Deterministic batches over all windows of `tokens` with orders from order_fn(present)."""
    N = tokens.shape[0]
    for s in range(0, N, batch_size):
        seqs = []
        for i in range(s, min(N, s + batch_size)):
            flat = flat_tokens(tokens[i])
            pres = present_positions(flat)
            if len(pres) == 0:
                continue
            seqs.append(build_sequence(flat, order_fn(pres), spec.bos, spec.start_position))
        if seqs:
            yield collate(seqs, spec.start_position, spec.n_positions, device=device)
