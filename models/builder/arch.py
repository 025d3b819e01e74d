"""The tiny Flamingo architecture (Alayrac et al. 2022, section 2 and appendix A), at toy scale.

Vision: a small CNN encoder (pretrained, then frozen) -> grid tokens with learned grid positions -> Perceiver
Resampler (learned latents, learned time embeddings over a frames axis) -> a fixed number of visual tokens per medium.
Language: a decoder-only LM (pretrained on text, then frozen) with rotary positions and "smeared" keys (each key mixed
with the previous token's key by a learned per-head gate; MODEL-NOTES.md: without it the LM never formed induction
heads in our budget). Before every LM block sits a gated cross-attention dense block (tanh gates initialised at 0)
whose queries see only the visual tokens of the last medium at or before them (`media_index`, -1 = none).

The decoder keeps raw (un-smeared, un-rotated) keys in its cache; smearing and rotation are recomputed over the whole
sequence at each call, so positions come from the attention mask (left padding is exact) and nothing is frozen at the
traced length.
"""
from dataclasses import dataclass, asdict
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int
    d_model: int = 128
    n_layers: int = 2
    n_heads: int = 4
    d_ff: int = 512
    context_length: int = 1024
    image_size: int = 64
    vis_dim: int = 64
    vis_channels: int = 16
    grid: int = 4
    n_latents: int = 8
    resampler_layers: int = 1
    resampler_heads: int = 4
    max_frames: int = 8
    xattn_heads: int = 4
    xattn_ff_mult: int = 2

    def to_dict(self):
        return asdict(self)


# ---------------------------------------------------------------------------------------------------------------
# Vision
# ---------------------------------------------------------------------------------------------------------------

class VisionEncoder(nn.Module):
    """pixels [B, 3, S, S] (normalised) -> grid tokens [B, grid*grid, vis_dim] and a pooled embedding [B, vis_dim]."""

    def __init__(self, cfg: Config):
        super().__init__()
        c = cfg.vis_channels
        layers = [nn.Conv2d(3, c, 3, stride=2, padding=1), nn.GELU()]
        size, ch = cfg.image_size // 2, c
        while size > cfg.grid:
            nxt = min(ch * 2, cfg.vis_dim)
            layers += [nn.Conv2d(ch, nxt, 3, stride=2, padding=1), nn.GELU()]
            ch, size = nxt, size // 2
        layers += [nn.Conv2d(ch, cfg.vis_dim, 1)]
        self.net = nn.Sequential(*layers)
        self.pos = nn.Parameter(torch.zeros(cfg.grid * cfg.grid, cfg.vis_dim))
        self.norm = nn.LayerNorm(cfg.vis_dim)

    def forward(self, pixels):
        x = self.net(pixels)  # [B, D, g, g]
        x = x.flatten(2).transpose(1, 2)  # [B, g*g, D]
        x = self.norm(x + self.pos)
        return x, x.mean(dim=1)


class ResamplerLayer(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.norm_media = nn.LayerNorm(dim)
        self.norm_latents = nn.LayerNorm(dim)
        self.q = nn.Linear(dim, dim, bias=False)
        self.kv = nn.Linear(dim, 2 * dim, bias=False)
        self.out = nn.Linear(dim, dim, bias=False)
        self.ff = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, media, latents):
        # Flamingo's resampler: latents attend to [media; latents] (keys/values), then a feed-forward.
        B, L, D = latents.shape
        h, hd = self.heads, D // self.heads
        m = self.norm_media(media)
        lat = self.norm_latents(latents)
        q = self.q(lat).view(B, L, h, hd).transpose(1, 2)
        kv_in = torch.cat([m, lat], dim=1)
        k, v = self.kv(kv_in).chunk(2, dim=-1)
        k = k.reshape(B, -1, h, hd).transpose(1, 2)
        v = v.reshape(B, -1, h, hd).transpose(1, 2)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
        o = (att @ v).transpose(1, 2).reshape(B, L, D)
        latents = latents + self.out(o)
        return latents + self.ff(latents)


class PerceiverResampler(nn.Module):
    """grid tokens [N, F, T, D] -> visual tokens [N, n_latents, D], with a learned time embedding per frame."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.latents = nn.Parameter(torch.randn(cfg.n_latents, cfg.vis_dim) * 0.02)
        self.time = nn.Parameter(torch.zeros(cfg.max_frames, cfg.vis_dim))
        self.layers = nn.ModuleList([ResamplerLayer(cfg.vis_dim, cfg.resampler_heads) for _ in range(cfg.resampler_layers)])
        self.norm = nn.LayerNorm(cfg.vis_dim)

    def forward(self, feats):
        N, Fr, T, D = feats.shape
        x = feats + self.time[:Fr].unsqueeze(0).unsqueeze(2)
        x = x.reshape(N, Fr * T, D)
        lat = self.latents.unsqueeze(0).expand(N, -1, -1)
        for layer in self.layers:
            lat = layer(x, lat)
        return self.norm(lat)


class VisionModel(nn.Module):
    """The exported vision graph: pixels [N, F, 3, S, S] -> visual tokens [N, L, D], embedding [N, D]."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.encoder = VisionEncoder(cfg)
        self.resampler = PerceiverResampler(cfg)

    def encode_frames(self, pixels):
        N, Fr = pixels.shape[0], pixels.shape[1]
        S = self.cfg.image_size
        tokens, pooled = self.encoder(pixels.reshape(N * Fr, 3, S, S))
        return tokens.reshape(N, Fr, tokens.shape[1], tokens.shape[2]), pooled.reshape(N, Fr, -1).mean(dim=1)

    def forward(self, pixels):
        feats, pooled = self.encode_frames(pixels)
        return self.resampler(feats), pooled


# ---------------------------------------------------------------------------------------------------------------
# Language model with gated cross-attention
# ---------------------------------------------------------------------------------------------------------------

def rotate(x, pos, base=10000.0):
    """Rotary embedding of x [B, H, S, hd] at positions pos [B, S] (computed here, never cached)."""
    hd = x.shape[-1]
    inv = 1.0 / (base ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    ang = pos.to(torch.float32).unsqueeze(-1) * inv  # [B, S, hd/2]
    cos = torch.cos(ang).unsqueeze(1)
    sin = torch.sin(ang).unsqueeze(1)
    x1, x2 = x[..., 0::2], x[..., 1::2]
    r1 = x1 * cos - x2 * sin
    r2 = x1 * sin + x2 * cos
    return torch.stack([r1, r2], dim=-1).flatten(-2)


class SelfAttention(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.h = cfg.n_heads
        self.hd = cfg.d_model // cfg.n_heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=False)
        self.out = nn.Linear(cfg.d_model, cfg.d_model, bias=False)
        self.smear = nn.Parameter(torch.zeros(self.h))

    def forward(self, x, past_k, past_v, mask, pos_all):
        # x [B, T, D]; past [B, H, P, hd]; mask [B, P+T] (1 = real token); pos_all [B, P+T]
        B, T, D = x.shape
        q, k, v = self.qkv(x).split(D, dim=-1)
        q = q.view(B, T, self.h, self.hd).transpose(1, 2)
        k = k.view(B, T, self.h, self.hd).transpose(1, 2)
        v = v.view(B, T, self.h, self.hd).transpose(1, 2)
        k_all = torch.cat([past_k, k], dim=2)
        v_all = torch.cat([past_v, v], dim=2)
        S = k_all.shape[2]
        maskf = mask.to(torch.float32)
        prev = torch.cat([torch.zeros_like(k_all[:, :, :1]), k_all[:, :, :-1]], dim=2)
        prev_real = torch.cat([torch.zeros_like(maskf[:, :1]), maskf[:, :-1]], dim=1)
        g = torch.sigmoid(self.smear).view(1, self.h, 1, 1) * prev_real.view(B, 1, S, 1)
        ks = k_all + g * (prev - k_all)
        ks = rotate(ks, pos_all)
        q = rotate(q, pos_all[:, S - T:])
        scores = q @ ks.transpose(-1, -2) / math.sqrt(self.hd)  # [B, H, T, S]
        qi = torch.arange(T).unsqueeze(1) + (S - T)
        si = torch.arange(S).unsqueeze(0)
        allowed = (si <= qi).unsqueeze(0) & (mask.unsqueeze(1) > 0)  # [B, T, S]
        scores = scores.masked_fill(~allowed.unsqueeze(1), -1e9)
        o = torch.softmax(scores, dim=-1) @ v_all
        o = o.transpose(1, 2).reshape(B, T, D)
        return self.out(o), k_all, v_all


class LMBlock(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = SelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = nn.Sequential(nn.Linear(cfg.d_model, cfg.d_ff), nn.GELU(), nn.Linear(cfg.d_ff, cfg.d_model))

    def forward(self, x, past_k, past_v, mask, pos_all):
        a, k, v = self.attn(self.ln1(x), past_k, past_v, mask, pos_all)
        x = x + a
        return x + self.mlp(self.ln2(x)), k, v


class GatedCrossAttention(nn.Module):
    """Flamingo's GATED XATTN-DENSE block: text queries attend to one medium's visual tokens; tanh gates start at 0."""

    def __init__(self, cfg: Config):
        super().__init__()
        D, Dv = cfg.d_model, cfg.vis_dim
        self.h = cfg.xattn_heads
        self.hd = D // self.h
        self.ln = nn.LayerNorm(D)
        self.q = nn.Linear(D, D, bias=False)
        self.kv = nn.Linear(Dv, 2 * D, bias=False)
        self.out = nn.Linear(D, D, bias=False)
        self.attn_gate = nn.Parameter(torch.zeros(1))
        self.ff = nn.Sequential(nn.LayerNorm(D), nn.Linear(D, cfg.xattn_ff_mult * D), nn.GELU(),
                                nn.Linear(cfg.xattn_ff_mult * D, D))
        self.ff_gate = nn.Parameter(torch.zeros(1))

    def forward(self, x, visual, media_index):
        # x [B, T, D]; visual [B, M, L, Dv]; media_index [B, T] int64 (-1: no medium before this token)
        B, T, D = x.shape
        M, L = visual.shape[1], visual.shape[2]
        q = self.q(self.ln(x)).view(B, T, self.h, self.hd).transpose(1, 2)
        k, v = self.kv(visual.reshape(B, M * L, -1)).chunk(2, dim=-1)
        k = k.reshape(B, M * L, self.h, self.hd).transpose(1, 2)
        v = v.reshape(B, M * L, self.h, self.hd).transpose(1, 2)
        slot = (torch.arange(M * L) // L).view(1, 1, M * L)
        allowed = slot == media_index.unsqueeze(-1)  # [B, T, M*L]
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
        scores = scores.masked_fill(~allowed.unsqueeze(1), -1e9)
        o = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(B, T, D)
        has = (media_index >= 0).to(x.dtype).unsqueeze(-1)
        x = x + torch.tanh(self.attn_gate) * self.out(o) * has
        return x + torch.tanh(self.ff_gate) * self.ff(x) * has


class FlamingoLM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.blocks = nn.ModuleList([LMBlock(cfg) for _ in range(cfg.n_layers)])
        self.xattn = nn.ModuleList([GatedCrossAttention(cfg) for _ in range(cfg.n_layers)])
        self.ln_f = nn.LayerNorm(cfg.d_model)
        nn.init.normal_(self.embed.weight, std=0.02)

    def lm_parameters(self):
        return list(self.embed.parameters()) + list(self.blocks.parameters()) + list(self.ln_f.parameters())

    def forward(self, input_ids, mask, pasts, visual=None, media_index=None):
        """input_ids [B, T]; mask [B, P+T]; pasts: list of (k, v) per layer. visual=None: text-only LM."""
        pos_all = (torch.cumsum(mask, dim=1) - 1).clamp(min=0)
        x = self.embed(input_ids)
        presents = []
        for i, block in enumerate(self.blocks):
            if visual is not None:
                x = self.xattn[i](x, visual, media_index)
            x, k, v = block(x, pasts[i][0], pasts[i][1], mask, pos_all)
            presents.append((k, v))
        logits = self.ln_f(x) @ self.embed.weight.t()
        return logits, presents

    def empty_past(self, B):
        hd = self.cfg.d_model // self.cfg.n_heads
        z = torch.zeros(B, self.cfg.n_heads, 0, hd)
        return [(z, z) for _ in range(self.cfg.n_layers)]


def count_parameters(*modules):
    seen, n = set(), 0
    for m in modules:
        for p in m.parameters():
            if id(p) not in seen:
                seen.add(id(p))
                n += p.numel()
    return n
