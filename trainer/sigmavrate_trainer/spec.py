"""Loader of the grid/tokenizer spec (grid-spec-v1.json), the single source of truth.

Nothing about bins is hard-coded here: every edge, value and token id comes from the JSON.
The Python tokenizer is used by the synthetic data generator, the tests and the evaluation; the
real datasets are tokenized by the Java side with the same spec.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Union

import numpy as np

# Normalisation of representative values fed to the model's value features (per channel index).
VALUE_SCALE = {0: 1000.0, 1: 10000.0}


def default_spec_path() -> Path:
    """The repository's spec (trainer/../src/core/src/main/resources/spec/grid-spec-v1.json)."""
    here = Path(__file__).resolve().parent
    return here.parent.parent / "src" / "core" / "src" / "main" / "resources" / "spec" / "grid-spec-v1.json"


@dataclass
class Block:
    channel: int            # channel index (0 = vertical rate, 1 = altitude)
    name: str
    first_token: int
    bins: int
    inner_edges: np.ndarray  # float64 [bins-1]; bin i covers [edges[i-1], edges[i])
    values: np.ndarray       # float64 [bins]; representative value of each bin

    @property
    def stop_token(self) -> int:
        return self.first_token + self.bins

    def bin_of(self, v):
        """Bin index of value(s) v (bisect right on inner_edges)."""
        return np.searchsorted(self.inner_edges, np.asarray(v, dtype=np.float64), side="right")

    def bin_bounds(self):
        """(lower, upper) of every bin; the open-ended outer bins get a width symmetric around
        their representative value (used only to spread probability inside a bin for quantiles)."""
        lo = np.empty(self.bins)
        hi = np.empty(self.bins)
        lo[1:] = self.inner_edges
        hi[:-1] = self.inner_edges
        lo[0] = self.values[0] - (self.inner_edges[0] - self.values[0])
        hi[-1] = self.values[-1] + (self.values[-1] - self.inner_edges[-1])
        return lo, hi


class Spec:
    def __init__(self, raw: bytes, path: Optional[str] = None):
        self.raw = raw
        self.path = path
        self.sha256 = hashlib.sha256(raw).hexdigest()
        d = json.loads(raw.decode("utf-8"))
        self.data = d
        self.step_seconds = float(d["grid"]["step_seconds"])
        self.window_steps = int(d["grid"]["window_steps"])
        self.channels = {c["name"]: int(c["index"]) for c in d["channels"]}
        self.n_channels = len(d["channels"])
        self.n_positions = int(d["positions"]["count"])
        self.start_position = int(d["positions"]["start_position"])
        self.bos = int(d["tokens"]["bos"])
        self.vocab_size = int(d["tokens"]["vocab_size"])
        assert self.n_positions == self.window_steps * self.n_channels, "position layout step*C+channel"
        self.blocks: List[Block] = []
        for b in d["vocab"]:
            blk = Block(
                channel=self.channels[b["channel"]],
                name=b["channel"],
                first_token=int(b["first_token"]),
                bins=int(b["bins"]),
                inner_edges=np.asarray(b["inner_edges"], dtype=np.float64),
                values=np.asarray(b["values"], dtype=np.float64),
            )
            assert len(blk.inner_edges) == blk.bins - 1 and len(blk.values) == blk.bins
            self.blocks.append(blk)
        self.blocks.sort(key=lambda b: b.channel)
        assert [b.channel for b in self.blocks] == list(range(self.n_channels))
        # per-token tables
        self.token_value = np.zeros(self.vocab_size, dtype=np.float64)
        self.token_channel = np.full(self.vocab_size, -1, dtype=np.int64)  # -1 = BOS
        for b in self.blocks:
            self.token_value[b.first_token:b.stop_token] = b.values
            self.token_channel[b.first_token:b.stop_token] = b.channel
        assert (self.token_channel >= 0).sum() == self.vocab_size - 1 and self.token_channel[self.bos] == -1

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(cls, path: Union[str, os.PathLike, None] = None) -> "Spec":
        p = Path(path) if path is not None else default_spec_path()
        if p.is_dir():
            p = p / "spec.json"
        return cls(p.read_bytes(), str(p))

    # ------------------------------------------------------------------ helpers
    def block(self, channel: int) -> Block:
        return self.blocks[channel]

    def block_range(self, channel: int):
        b = self.blocks[channel]
        return b.first_token, b.stop_token

    def channel_of_position(self, pos):
        return np.asarray(pos) % self.n_channels

    def token_value_normalized(self) -> np.ndarray:
        """Representative value per token, rate/1000 and altitude/10000 (BOS: 0)."""
        out = np.zeros(self.vocab_size, dtype=np.float64)
        for b in self.blocks:
            out[b.first_token:b.stop_token] = b.values / VALUE_SCALE[b.channel]
        return out

    def tokenize(self, values: np.ndarray) -> np.ndarray:
        """values [..., C] float (NaN = missing) -> tokens [..., C] int32 (-1 = missing)."""
        values = np.asarray(values, dtype=np.float64)
        out = np.full(values.shape, -1, dtype=np.int32)
        for b in self.blocks:
            v = values[..., b.channel]
            ok = np.isfinite(v)
            t = b.first_token + b.bin_of(np.where(ok, v, 0.0))
            out[..., b.channel] = np.where(ok, t, -1)
        return out

    def detokenize(self, tokens: np.ndarray) -> np.ndarray:
        """tokens -> representative values (NaN for -1 / BOS)."""
        tokens = np.asarray(tokens)
        v = self.token_value[np.clip(tokens, 0, self.vocab_size - 1)]
        return np.where((tokens > 0) & (tokens < self.vocab_size), v, np.nan)
