"""sigma-GPT: a decoder-only transformer over randomly ordered sequences (Pannatier, Courdier, Fleuret
2024, arXiv 2404.09562), written from the paper's description for the sigma-vrate grid.

Interface (the same in PyTorch and in the exported ONNX graph)::

    logits = model(tokens, pos_in, pos_out, attn_mask)
    tokens    int64 [B, L]   token held by each input step (token 0 = BOS on the first step)
    pos_in    int64 [B, L]   grid position of the token the step holds (0..127; 128 = start position of BOS)
    pos_out   int64 [B, L]   grid position of the token the step must predict (0..127)
    attn_mask bool  [B, L, L] attn_mask[b, i, j] = True  <=>  step i may attend to step j
    logits    float [B, L, V] raw logits over the whole vocabulary; the caller restricts them to the vocab
                              block of the channel pos_out % 2 (and never BOS) -- see `restrict_to_block`.

    logits = model(tokens, pos_in, pos_out, attn_mask, logit_rows)
    logit_rows int64 [B, R]   the steps whose logits are wanted (any order, repeats allowed)
    logits    float [B, R, V] logits[b, r] == model(...)[b, logit_rows[b, r]]

The second form is what the export writes: callers need the logits of a few steps only (the query steps of a
density pass, the drafts of a verification pass), and the output head (V x d_model per step) plus the last block
of the other steps are about a third of the cost of a full forward at 128 steps. Every step still feeds the
attention of the layers below, so the selected logits are exactly the full forward's.

The exported model is this module, or for a calibrated model `CalibratedSigmaGPT` around it: the same interface,
each logit multiplied by 1/T of its channel block (the temperatures are constants of the graph).

Design choices
--------------
* Double positional encoding: two LEARNED tables, one for pos_in (129 rows: 128 grid positions plus the
  start position) and one for pos_out (129 rows; row 128 is only used by padding), each d_model/2 wide.
  The two half-width vectors are concatenated into one d_model vector and added to the token embedding,
  so "where the token I hold sits" and "where the token I must predict sits" live in disjoint
  subspaces. Learned tables (rather than sinusoids) because the grid is small and fixed (128 positions)
  and the position has structure a table learns easily (step = p // 2, channel = p % 2).
* Value features: every token also carries a fixed (non-trainable) representative value from the spec,
  normalised per channel (rate / 1000, altitude / 10000). sin/cos Fourier features of that value, the
  raw value and the channel one-hot go, per channel, through one small linear layer whose output is
  added to the learned token embedding. Neighbouring bins therefore start with similar embeddings and
  the model sees values continuously, while the ONNX interface stays tokens-only (the value tables
  are constant buffers inside the graph).
* Relative altitude (`relative_altitude`, optional): an altitude token also carries its value relative to a
  reference altitude, the first altitude (in sequence order) among the steps it may attend to, through Fourier
  features of (altitude - reference) / 1000 ft and one linear layer. The difference between two known
  altitudes, which fixes the mean rate between them, is then a difference of two directly visible features
  instead of a tiny difference of absolute features at the 10,000 ft scale. The reference is computed inside
  the graph from the tokens and the attention mask (two matmuls), so the interface stays tokens-only, and it
  is causal: a step's reference is a step it attends to. In density mode a query holding the only known
  altitude is its own reference (relative value 0), like every other query.
* Output head tied to the same table (learned embedding + value projection) plus a per-token bias, so
  neighbouring bins get correlated logits (smooth densities, sensible mass on rarely seen bins).
* Pre-LN blocks, multi-head attention written by hand (matmul + masked softmax; masked scores are
  filled with the dtype's most negative finite value, so even a fully masked row cannot produce NaN).
  Under torch >= 2 `use_sdpa=True` may switch training to F.scaled_dot_product_attention
  (same semantics); export always uses the hand-written path.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class SigmaGPTConfig:
    vocab_size: int = 2285
    n_positions: int = 128        # grid positions 0..n_positions-1
    start_position: int = 128     # pos_in of the BOS step
    n_channels: int = 2
    n_layer: int = 4
    n_head: int = 4
    d_model: int = 128
    mlp_ratio: int = 4
    dropout: float = 0.0
    bias: bool = True
    value_features: bool = True
    n_fourier: int = 16           # frequencies per channel (sin + cos each)
    fourier_min: float = 0.05     # cycles per normalised unit (rate: per 1000 ft/min, alt: per 10000 ft)
    fourier_max: Tuple[float, ...] = (8.0, 64.0)  # per channel: highest frequency ~ 1 / (4 bin widths)
    tie_embeddings: bool = True
    relative_altitude: bool = False
    n_rel_fourier: int = 12       # frequencies of the relative altitude (sin + cos each)
    rel_fourier_min: float = 0.02  # cycles per 1000 ft
    rel_fourier_max: float = 8.0   # highest: a period of 125 ft (5 altitude bins)
    use_sdpa: bool = False        # torch>=2 only, training speed; export always uses the manual path

    def to_dict(self) -> Dict:
        d = asdict(self)
        d["fourier_max"] = list(self.fourier_max) if isinstance(self.fourier_max, (list, tuple)) else self.fourier_max
        return d

    @classmethod
    def from_dict(cls, d: Dict) -> "SigmaGPTConfig":
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**known)


ALTITUDE_CHANNEL = 1

SIZES = {
    "tiny": dict(n_layer=2, n_head=2, d_model=64),
    "small": dict(n_layer=4, n_head=4, d_model=128),   # default shipped size (1.11 M parameters)
    "medium": dict(n_layer=6, n_head=4, d_model=160),  # 2.26 M parameters
}


class CausalSelfAttention(nn.Module):
    """Multi-head attention with an explicit [B, L, L] mask (True = may attend)."""

    def __init__(self, cfg: SigmaGPTConfig):
        super().__init__()
        assert cfg.d_model % cfg.n_head == 0
        self.n_head = cfg.n_head
        self.d_model = cfg.d_model
        self.head_dim = cfg.d_model // cfg.n_head
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=cfg.bias)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model, bias=cfg.bias)
        self.attn_drop = nn.Dropout(cfg.dropout)
        self.resid_drop = nn.Dropout(cfg.dropout)
        self.dropout = cfg.dropout
        self.use_sdpa = cfg.use_sdpa and hasattr(F, "scaled_dot_product_attention")

    def forward(self, x: torch.Tensor, mask: torch.Tensor, rows: Optional[torch.Tensor] = None) -> torch.Tensor:
        """x [B, L, D], mask [B, L, L]. With rows [B, R]: the output of those steps only, [B, R, D] (their
        queries against every step's keys and values)."""
        B, L = x.shape[0], x.shape[1]
        D = self.d_model
        if rows is None:
            q, k, v = self.qkv(x).split(D, dim=2)
            Lq = L
        else:
            xq = x.gather(1, rows.unsqueeze(-1).expand(-1, -1, D))
            q = F.linear(xq, self.qkv.weight[:D], None if self.qkv.bias is None else self.qkv.bias[:D])
            k, v = F.linear(x, self.qkv.weight[D:], None if self.qkv.bias is None else self.qkv.bias[D:]).split(D, dim=2)
            mask = mask.gather(1, rows.unsqueeze(-1).expand(-1, -1, L))
            Lq = rows.shape[1]
        q = q.reshape(B, Lq, self.n_head, self.head_dim).transpose(1, 2)  # [B, H, Lq, hd]
        k = k.reshape(B, L, self.n_head, self.head_dim).transpose(1, 2)
        v = v.reshape(B, L, self.n_head, self.head_dim).transpose(1, 2)
        m = mask.unsqueeze(1)  # [B, 1, Lq, L]
        if self.use_sdpa and not torch.jit.is_tracing():
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=m,
                                               dropout_p=self.dropout if self.training else 0.0)
        else:
            att = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
            att = att.masked_fill(~m, torch.finfo(att.dtype).min)
            att = torch.softmax(att, dim=-1)
            att = self.attn_drop(att)
            y = torch.matmul(att, v)
        y = y.transpose(1, 2).reshape(B, Lq, D)
        return self.resid_drop(self.proj(y))


class MLP(nn.Module):
    def __init__(self, cfg: SigmaGPTConfig):
        super().__init__()
        self.fc = nn.Linear(cfg.d_model, cfg.mlp_ratio * cfg.d_model, bias=cfg.bias)
        self.act = nn.GELU()
        self.proj = nn.Linear(cfg.mlp_ratio * cfg.d_model, cfg.d_model, bias=cfg.bias)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x):
        return self.drop(self.proj(self.act(self.fc(x))))


class Block(nn.Module):
    def __init__(self, cfg: SigmaGPTConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = CausalSelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = MLP(cfg)

    def forward(self, x, mask, rows: Optional[torch.Tensor] = None):
        """With rows [B, R]: the block's output at those steps only, [B, R, D]."""
        h = self.attn(self.ln1(x), mask, rows)
        if rows is not None:
            x = x.gather(1, rows.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        x = x + h
        x = x + self.mlp(self.ln2(x))
        return x


def value_feature_table(token_value: np.ndarray, token_channel: np.ndarray, cfg: SigmaGPTConfig) -> np.ndarray:
    """Fixed per-token features [V, F]: for each channel c, a slot holding (v, sin(2 pi f v), cos(2 pi f v))
    that is non-zero only for tokens of channel c; then a one-hot of (BOS, channel 0, channel 1, ...)."""
    V = len(token_value)
    per = 1 + 2 * cfg.n_fourier
    feats = np.zeros((V, cfg.n_channels * per + cfg.n_channels + 1), dtype=np.float64)
    fmax = list(cfg.fourier_max) if isinstance(cfg.fourier_max, (list, tuple)) else [cfg.fourier_max]
    for c in range(cfg.n_channels):
        freqs = np.geomspace(cfg.fourier_min, fmax[min(c, len(fmax) - 1)], cfg.n_fourier)
        sel = token_channel == c
        v = token_value[sel]
        ang = 2.0 * np.pi * v[:, None] * freqs[None, :]
        feats[sel, c * per:(c + 1) * per] = np.concatenate([v[:, None], np.sin(ang), np.cos(ang)], axis=1)
    onehot_col = cfg.n_channels * per + (token_channel + 1)
    feats[np.arange(V), onehot_col] = 1.0
    return feats.astype(np.float32)


class SigmaGPT(nn.Module):
    def __init__(self, cfg: SigmaGPTConfig, token_value: Optional[np.ndarray] = None,
                 token_channel: Optional[np.ndarray] = None):
        """token_value: normalised representative value per token [V] (see Spec.token_value_normalized);
        token_channel: channel per token [V] (-1 for BOS). Both are stored as buffers (saved in the
        state dict, constant in the ONNX graph)."""
        super().__init__()
        assert cfg.d_model % 2 == 0
        self.cfg = cfg
        V, D = cfg.vocab_size, cfg.d_model
        self.tok_emb = nn.Embedding(V, D)
        self.pos_in_emb = nn.Embedding(cfg.start_position + 1, D // 2)
        self.pos_out_emb = nn.Embedding(cfg.n_positions + 1, D // 2)
        if cfg.value_features:
            if token_value is None:
                token_value = np.zeros(V)
            if token_channel is None:
                token_channel = np.full(V, -1)
            feats = value_feature_table(np.asarray(token_value, np.float64), np.asarray(token_channel, np.int64), cfg)
            self.register_buffer("value_feats", torch.from_numpy(feats))
            self.value_proj = nn.Linear(feats.shape[1], D, bias=False)
        if cfg.relative_altitude:
            self._init_relative_altitude(token_value, token_channel)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(D)
        if not cfg.tie_embeddings:
            self.out_emb = nn.Linear(D, V, bias=False)
        self.out_bias = nn.Parameter(torch.zeros(V))
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("proj.weight") and "value_proj" not in name:
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    def _init_relative_altitude(self, token_value, token_channel):
        from .spec import VALUE_SCALE
        cfg = self.cfg
        V = cfg.vocab_size
        value = np.zeros(V) if token_value is None else np.asarray(token_value, np.float64)
        channel = np.full(V, -1) if token_channel is None else np.asarray(token_channel, np.int64)
        is_alt = (channel == ALTITUDE_CHANNEL).astype(np.float32)
        # [V, 2]: (is altitude, altitude in units of 1000 ft); gathered per step in one lookup
        table = np.stack([is_alt, np.where(is_alt > 0, value * VALUE_SCALE[ALTITUDE_CHANNEL] / 1000.0, 0.0)], 1)
        self.register_buffer("alt_table", torch.from_numpy(table.astype(np.float32)))
        freqs = np.geomspace(cfg.rel_fourier_min, cfg.rel_fourier_max, cfg.n_rel_fourier)
        self.register_buffer("rel_freqs", torch.from_numpy((2.0 * np.pi * freqs).astype(np.float32)))
        self.rel_proj = nn.Linear(1 + 2 * cfg.n_rel_fourier, cfg.d_model, bias=False)

    def relative_altitude_embedding(self, tokens: torch.Tensor, attn_mask: torch.Tensor) -> torch.Tensor:
        """[B, L, D]: the projection of each altitude step's Fourier features of (altitude - reference); zero on
        the other steps. Reference = the altitude of the visible step that sees exactly one altitude step (itself):
        the first altitude of the order among the steps this one attends to."""
        looked_up = F.embedding(tokens, self.alt_table)           # [B, L, 2]
        is_alt, alt = looked_up[..., 0:1], looked_up[..., 1:2]     # [B, L, 1] each
        visible = attn_mask.to(alt.dtype)                          # [B, L, L]
        seen = torch.matmul(visible, is_alt)                       # altitude steps each step sees (itself included)
        first = is_alt * (seen == 1.0).to(alt.dtype)
        ref = torch.matmul(visible, first * alt)
        rel = (alt - ref) * is_alt
        ang = rel * self.rel_freqs
        feats = torch.cat([rel, torch.sin(ang), torch.cos(ang)], dim=-1) * is_alt
        return self.rel_proj(feats)

    @staticmethod
    def _init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    @classmethod
    def from_spec(cls, cfg: SigmaGPTConfig, spec) -> "SigmaGPT":
        cfg.vocab_size = spec.vocab_size
        cfg.n_positions = spec.n_positions
        cfg.start_position = spec.start_position
        cfg.n_channels = spec.n_channels
        return cls(cfg, spec.token_value_normalized(), spec.token_channel)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def set_sdpa(self, on: bool):
        for b in self.blocks:
            b.attn.use_sdpa = bool(on) and hasattr(F, "scaled_dot_product_attention")

    def embedding_table(self) -> torch.Tensor:
        """[V, D]: learned token embedding plus the projection of the fixed value features."""
        w = self.tok_emb.weight
        if self.cfg.value_features:
            w = w + self.value_proj(self.value_feats)
        return w

    def output_table(self, table: Optional[torch.Tensor] = None) -> torch.Tensor:
        """[V, D] output embedding (the input table when tied)."""
        if self.cfg.tie_embeddings:
            return self.embedding_table() if table is None else table
        return self.out_emb.weight

    def hidden(self, tokens: torch.Tensor, pos_in: torch.Tensor, pos_out: torch.Tensor,
               attn_mask: torch.Tensor, table: Optional[torch.Tensor] = None,
               rows: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Final hidden states [B, L, D] (after the last LayerNorm); with rows [B, R], those steps' only."""
        if attn_mask.dtype != torch.bool:
            attn_mask = attn_mask > 0.5
        if table is None:
            table = self.embedding_table()
        x = F.embedding(tokens, table)
        pos = torch.cat([self.pos_in_emb(pos_in), self.pos_out_emb(pos_out)], dim=-1)
        x = x + pos
        if self.cfg.relative_altitude:
            x = x + self.relative_altitude_embedding(tokens, attn_mask)
        x = self.drop(x)
        last = len(self.blocks) - 1
        for i, blk in enumerate(self.blocks):
            x = blk(x, attn_mask, rows if i == last else None)
        return self.ln_f(x)

    def forward(self, tokens: torch.Tensor, pos_in: torch.Tensor, pos_out: torch.Tensor,
                attn_mask: torch.Tensor, logit_rows: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits [B, L, V]; with logit_rows [B, R], the logits of those steps only, [B, R, V]."""
        table = self.embedding_table()
        x = self.hidden(tokens, pos_in, pos_out, attn_mask, table, logit_rows)
        return torch.matmul(x, self.output_table(table).t()) + self.out_bias

    def nll(self, tokens, pos_in, pos_out, attn_mask, targets, ranges,
            channel_weights: Optional[Sequence[float]] = None,
            temperatures: Optional[Sequence[float]] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """(sum of `block_nll`, number of scored steps) over the steps with targets >= 0, computing only the logits
        of each step's own block (about half the output cost of full logits: the training loss). With
        channel_weights, each channel's NLL and count are weighted (the training loss can then favour the rate over
        the altitude); with temperatures, channel c's logits are scaled by 1/T_c as in `CalibratedSigmaGPT`."""
        table = self.embedding_table()
        h = self.hidden(tokens, pos_in, pos_out, attn_mask, table)
        out = self.output_table(table)
        h = h.reshape(-1, h.shape[-1])
        ch = (pos_out % len(ranges)).reshape(-1)
        tgt = targets.reshape(-1)
        valid = tgt >= 0
        total = h.new_zeros(())
        count = h.new_zeros(())
        for c, (a, b) in enumerate(ranges):
            sel = torch.nonzero(valid & (ch == c)).squeeze(-1)
            if sel.numel() == 0:
                continue
            w = 1.0 if channel_weights is None else float(channel_weights[c])
            lg = torch.matmul(h.index_select(0, sel), out[a:b].t()) + self.out_bias[a:b]
            if temperatures is not None:
                lg = lg * (1.0 / float(temperatures[c]))
            total = total + w * block_nll(lg.float(), tgt.index_select(0, sel) - a).sum()
            count = count + w * sel.numel()
        if channel_weights is None:
            return total, valid.sum()
        return total, count


class CalibratedSigmaGPT(nn.Module):
    """The exported model when calibrated: a σ-GPT whose logits are multiplied by 1/T of the channel block each
    token belongs to. The temperatures are a constant buffer, so the ONNX interface stays the σ-GPT's (see
    calibrate.py for how they are fitted)."""

    def __init__(self, model: SigmaGPT, spec, temperatures: Sequence[float]):
        super().__init__()
        self.model = model
        self.cfg = model.cfg
        scale = torch.ones(spec.vocab_size)
        for channel, t in enumerate(temperatures):
            a, b = spec.block_range(channel)
            scale[a:b] = 1.0 / float(t)
        self.register_buffer("logit_scale", scale)
        self.temperatures = [float(t) for t in temperatures]

    def set_sdpa(self, on: bool):
        self.model.set_sdpa(on)

    def num_params(self) -> int:
        return self.model.num_params()

    def forward(self, tokens, pos_in, pos_out, attn_mask, logit_rows=None):
        return self.model(tokens, pos_in, pos_out, attn_mask, logit_rows) * self.logit_scale

    def nll(self, tokens, pos_in, pos_out, attn_mask, targets, ranges):
        """SigmaGPT.nll under the calibrated logits."""
        return self.model.nll(tokens, pos_in, pos_out, attn_mask, targets, ranges, temperatures=self.temperatures)


# ---------------------------------------------------------------------------------------------
# Block restriction of the output: the token predicted at a step belongs to the vocab block of the
# channel pos_out % n_channels. BOS and the other channel's block are never predicted.

def block_ranges_of(spec) -> Sequence[Tuple[int, int]]:
    return [spec.block_range(c) for c in range(spec.n_channels)]


def restrict_to_block(logits: torch.Tensor, pos_out: torch.Tensor, ranges: Sequence[Tuple[int, int]]) -> torch.Tensor:
    """Logits with every token outside the block of channel pos_out % C set to -inf."""
    V = logits.shape[-1]
    ids = torch.arange(V, device=logits.device)
    ch = pos_out % len(ranges)
    allowed = torch.zeros(logits.shape, dtype=torch.bool, device=logits.device)
    for c, (a, b) in enumerate(ranges):
        in_block = (ids >= a) & (ids < b)
        allowed |= (ch == c).unsqueeze(-1) & in_block
    return logits.masked_fill(~allowed, float("-inf"))


def block_log_probs(logits: torch.Tensor, pos_out: torch.Tensor, ranges) -> torch.Tensor:
    return torch.log_softmax(restrict_to_block(logits, pos_out, ranges), dim=-1)


def block_nll(block_logits: torch.Tensor, bins: torch.Tensor) -> torch.Tensor:
    """Negative log-likelihood [N] of each true bin under the block-restricted softmax: the one definition that
    the training loss, validation, calibration, evaluation and ablation all use.

    block_logits [N, b - a]: the logits of the tokens a..b-1 of the block of the steps' channel (a step never
    predicts BOS or the other channel's tokens, so the restricted softmax is the softmax over this slice; the other
    logits need not even be computed). bins [N]: the true tokens minus a. The dtype of block_logits is kept
    (float64 where the scores are summed over many windows)."""
    return F.cross_entropy(block_logits, bins, reduction="none")
