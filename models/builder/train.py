"""Trains one size of the built-in tiny Flamingo models, stage by stage (each stage is cached in --work):

  1. vision: the CNN encoder learns the facts of random scenes (per-cell shape / colour / size, background); shared
     by all sizes, then frozen;
  2. lm-<size>: the language model learns text: ~45% key -> value lists (induction) and the corpus' texts with their
     <image> / <|endofchunk|> markers; then frozen;
  3. flamingo-<size>: only the Perceiver Resampler and the gated cross-attention blocks learn, on interleaved
     episodes of the sample-data generator.

Usage: python3 models/builder/train.py --size s --data /tmp/model/data --work /tmp/model/work [--threads 1]
"""
import argparse
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from arch import Config, FlamingoLM, VisionEncoder, VisionModel, count_parameters
from data import (EOC, IMAGE, episode_tokens, kv_document, make_tokenizer, normalise, read_jsonl, read_pixels,
                  vision_labels)
from tokenizer import PAD, SPECIALS, WordPieceTokenizer

SIZES = {
    's': dict(d_model=128, n_layers=2, n_heads=4, d_ff=512, n_latents=8, resampler_layers=1,
              lm_steps=350, lm_batch=8, flamingo_steps=300, flamingo_batch=16),
    'm': dict(d_model=192, n_layers=3, n_heads=6, d_ff=768, n_latents=8, resampler_layers=2,
              lm_steps=350, lm_batch=8, flamingo_steps=300, flamingo_batch=16),
    'l': dict(d_model=256, n_layers=4, n_heads=8, d_ff=1024, n_latents=8, resampler_layers=2,
              lm_steps=350, lm_batch=8, flamingo_steps=300, flamingo_batch=16),
}
LM_SEQ = 256
IMAGE_SIZE = 64
HELD_OUT = 300
HELD_OUT_VIDEOS = 100


def log(*a):
    print(time.strftime('%H:%M:%S'), *a, flush=True)


def config_for(size, vocab_size):
    p = SIZES[size]
    keys = {k: v for k, v in p.items() if k in Config.__dataclass_fields__}
    return Config(vocab_size=vocab_size, image_size=IMAGE_SIZE, **keys)


# ---------------------------------------------------------------------------------------------------------------
# Stage 1: vision encoder
# ---------------------------------------------------------------------------------------------------------------

class VisionProbe(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        n = cfg.grid * cfg.grid * cfg.vis_dim
        self.cells = torch.nn.Linear(n, 9 * (6 + 7 + 3))
        self.background = torch.nn.Linear(n, 4)

    def forward(self, tokens):
        flat = tokens.flatten(1)
        return self.cells(flat).view(-1, 9, 16), self.background(flat)


def train_vision(args, cfg, more=0):
    """Trains the encoder (or, with `more`, continues from the saved one for that many steps)."""
    path = os.path.join(args.work, 'vision.pt')
    if os.path.exists(path) and not more:
        return torch.load(path)
    scenes = read_jsonl(os.path.join(args.data, 'vision.jsonl'))
    pixels = read_pixels(os.path.join(args.data, 'vision.u8'), len(scenes), IMAGE_SIZE)
    labels = [vision_labels(s) for s in scenes]
    shape = torch.tensor([l[0] for l in labels])
    colour = torch.tensor([l[1] for l in labels])
    size = torch.tensor([l[2] for l in labels])
    bg = torch.tensor([l[3] for l in labels])
    torch.manual_seed(0)
    enc, probe = VisionEncoder(cfg), VisionProbe(cfg)
    lr, steps, seed = 2e-3, args.vision_steps, 0
    if more:
        saved = torch.load(path)
        enc.load_state_dict(saved['encoder'])
        if 'probe' in saved:
            probe.load_state_dict(saved['probe'])
        lr, steps, seed = 1e-3, more, saved.get('steps', args.vision_steps)
    opt = torch.optim.AdamW(list(enc.parameters()) + list(probe.parameters()), lr=lr)
    n_train = len(scenes) - 1000
    batch = 64
    gen = torch.Generator().manual_seed(seed)
    for step in range(steps):
        idx = torch.randint(0, n_train, (batch,), generator=gen)
        x = normalise(pixels[idx.numpy()])
        tokens, _ = enc(x)
        cells, back = probe(tokens)
        loss = (F.cross_entropy(cells[..., :6].reshape(-1, 6), shape[idx].reshape(-1))
                + F.cross_entropy(cells[..., 6:13].reshape(-1, 7), colour[idx].reshape(-1))
                + F.cross_entropy(cells[..., 13:].reshape(-1, 3), size[idx].reshape(-1))
                + F.cross_entropy(back, bg[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            log(f'vision step {step} loss {loss.item():.3f}')
    with torch.no_grad():
        idx = torch.arange(n_train, len(scenes))
        cells, back = probe(enc(normalise(pixels[idx.numpy()]))[0])
        acc = lambda logits, y: (logits.argmax(-1) == y).float().mean().item()
        metrics = dict(shape=acc(cells[..., :6], shape[idx]), colour=acc(cells[..., 6:13], colour[idx]),
                       size=acc(cells[..., 13:], size[idx]), background=acc(back, bg[idx]))
    log('vision held-out accuracy per cell', metrics)
    state = {'encoder': enc.state_dict(), 'probe': probe.state_dict(), 'metrics': metrics,
             'steps': (torch.load(path).get('steps', args.vision_steps) if more else 0) + steps}
    torch.save(state, path + '.tmp')
    os.replace(path + '.tmp', path)
    return state


# ---------------------------------------------------------------------------------------------------------------
# Stage 2: language model
# ---------------------------------------------------------------------------------------------------------------

_EPISODE_TOKENS = {}


def lm_batch(rng, tok, episodes, batch, kv_share=0.45, seq_len=LM_SEQ):
    word_ids = [i for t, i in tok.ids.items() if t.isalpha() and len(t) > 2 and not t.startswith('##')]
    init_pieces = [i for t, i in tok.ids.items() if len(t) == 2 and t.isalpha()]
    cont_pieces = [i for t, i in tok.ids.items() if t.startswith('##') and len(t) == 4]
    seps = [tok.ids[':'], tok.ids['='], tok.ids[',']]
    rows = []
    for _ in range(batch):
        seq = []
        if rng.random() < kv_share:
            # Short key -> value documents over every ordinary token, packed with others whose keys differ: a key is
            # never reused with another value in the same row. (Keys and values drawn from the ~60 corpus words
            # collided so often that induction never formed in our budget.)
            keys = list(range(len(SPECIALS), len(tok.vocab)))
            rng.shuffle(keys)
            while len(seq) < seq_len + 1:
                n = rng.randint(4, 10)
                # Rows longer than the first pretraining's also hold long documents, whose lookups come hundreds of
                # tokens after the pair they copy: 32-shot prompts are ~600 tokens, and rotary positions do not
                # extrapolate past the lengths trained.
                length = rng.randint(30, 80) if seq_len <= LM_SEQ or rng.random() < 0.5 else rng.randint(80, seq_len)
                seq += [tok.ids['<s>']] + kv_document(rng, keys[:n], keys[n:], (init_pieces, cont_pieces), seps,
                                                       length)
                keys = keys[n:]
                if len(keys) < 10:
                    keys = list(range(len(SPECIALS), len(tok.vocab)))
                    rng.shuffle(keys)
        while len(seq) < seq_len + 1:
            i = rng.randrange(len(episodes))
            if i not in _EPISODE_TOKENS:
                _EPISODE_TOKENS[i] = episode_tokens(tok, episodes[i])[0]
            seq += _EPISODE_TOKENS[i]
        rows.append(seq[:seq_len + 1])
    return torch.tensor(rows)


def kv_recall(model, tok, rng, n=64, episodes=None, at=None):
    """Share of repeated key -> value lookups whose value tokens the LM predicts (argmax) after the key. With `at`
    = (lo, hi), the lookup list starts after corpus text, at a position between lo and hi."""
    word_ids = [i for t, i in tok.ids.items() if t.isalpha() and len(t) > 2 and not t.startswith('##')]
    right = total = 0
    with torch.no_grad():
        for _ in range(n):
            prefix = []
            if at:
                want = rng.randint(*at)
                while len(prefix) < want:
                    prefix += episode_tokens(tok, episodes[rng.randrange(len(episodes))])[0][1:]
                prefix = prefix[:want - 1]
            # Keys the prefix never shows: an earlier occurrence of a key would make copying its successor right.
            fresh = [i for i in word_ids if i not in set(prefix)]
            keys = rng.sample(fresh, 8)
            values = [rng.choice(word_ids) for _ in keys]
            doc = [tok.ids['<s>']] + prefix + [t for kv in zip(keys, values) for t in kv]
            probe = rng.randrange(8)
            doc += [keys[probe]]
            ids = torch.tensor([doc])
            logits, _ = model(ids, torch.ones_like(ids), model.empty_past(1))
            right += int(logits[0, -1].argmax().item() == values[probe])
            total += 1
    return right / total


def train_lm(args, cfg, tok, episodes):
    path = os.path.join(args.work, f'lm-{args.size}.pt')
    if os.path.exists(path) and not args.lm_more:
        return torch.load(path)
    torch.manual_seed(1)
    rng = random.Random(1)
    model = FlamingoLM(cfg)
    params = model.lm_parameters()
    opt = torch.optim.AdamW(params, lr=args.lm_lr, weight_decay=0.01)
    steps = SIZES[args.size]['lm_steps']
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lm_lr, total_steps=steps, pct_start=0.1)
    kv_share, done_before = 0.45, 0
    if args.lm_more:
        # Continue a saved LM that has not formed induction yet: constant rate, more key -> value documents.
        saved = torch.load(path)
        model.load_state_dict(saved['lm'], strict=False)
        done_before = saved.get('steps', steps)
        steps, kv_share, rng = args.lm_more, args.kv_share, random.Random(1 + done_before)
        opt = torch.optim.AdamW(params, lr=args.lm_more_lr, weight_decay=0.01)
        warmup = args.lm_warmup
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: min(1.0, (i + 1) / warmup) if warmup else 1.0)
    long_at = (args.lm_seq - 360, args.lm_seq - 40) if args.lm_seq > LM_SEQ else None
    for step in range(steps):
        x = lm_batch(rng, tok, episodes, SIZES[args.size]['lm_batch'], kv_share, args.lm_seq)
        inp, tgt = x[:, :-1], x[:, 1:]
        logits, _ = model(inp, torch.ones_like(inp), model.empty_past(inp.shape[0]))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0 or step == steps - 1:
            recall = kv_recall(model, tok, random.Random(7))
            far = kv_recall(model, tok, random.Random(7), 32, episodes, long_at) if long_at else recall
            log(f'lm-{args.size} step {step} loss {loss.item():.3f} kv-recall {recall:.3f}'
                + (f' at {long_at[0]}-{long_at[1]} {far:.3f}' if long_at else ''))
            if step >= 100 and min(recall, far) >= 0.9:
                break  # induction has formed: the rest of the budget goes to the Flamingo stage
            if args.lm_more and step > 0:  # a continuation can be cut short without losing its steps
                save({'lm': lm_weights(model), 'steps': done_before + step + 1,
                      'kv_recall': recall, 'kv_recall_far': far}, path + '.partial')
    state = {'lm': lm_weights(model),
             'kv_recall': kv_recall(model, tok, random.Random(8), 256),
             'kv_recall_far': kv_recall(model, tok, random.Random(8), 128, episodes, (400, 700)),
             'steps': done_before + step + 1}
    log(f'lm-{args.size} final kv-recall {state["kv_recall"]:.3f}, at positions 400-700 {state["kv_recall_far"]:.3f}')
    save(state, path)
    return state


def lm_weights(model):
    return {k: v for k, v in model.state_dict().items() if not k.startswith('xattn.')}


def save(state, path):
    torch.save(state, path + '.tmp')
    os.replace(path + '.tmp', path)


# ---------------------------------------------------------------------------------------------------------------
# Stage 3: Flamingo (resampler + gated cross-attention)
# ---------------------------------------------------------------------------------------------------------------

def collate(tok, seqs, feats):
    """Right-padded batch: ids, mask, media_index [B, T]; features [B, M, F, T_grid, D] of each row's media, from
    `feats` [N, T_grid, D] (images: F = 1) or [N, F, T_grid, D] (clips)."""
    T = max(len(s[0]) for s in seqs)
    M = max(1, max(len(s[2]) for s in seqs))
    B = len(seqs)
    per_medium = feats.shape[1:] if feats.dim() == 4 else (1,) + tuple(feats.shape[1:])
    ids = torch.full((B, T), tok.ids[PAD], dtype=torch.long)
    mask = torch.zeros(B, T, dtype=torch.long)
    mi = torch.full((B, T), -1, dtype=torch.long)
    media = torch.zeros(B, M, *per_medium)
    for b, (i, m, imgs, _) in enumerate(seqs):
        ids[b, :len(i)] = torch.tensor(i)
        mask[b, :len(i)] = 1
        mi[b, :len(m)] = torch.tensor(m)
        if imgs:
            media[b, :len(imgs)] = feats[torch.tensor(imgs)].view(len(imgs), *per_medium)
    return ids, mask, mi, media


def flamingo_forward(vision, lm, ids, mask, mi, media):
    B, M = media.shape[0], media.shape[1]  # media [B, M, F, T_grid, D]
    visual = vision.resampler(media.flatten(0, 1)).view(B, M, vision.cfg.n_latents, -1)
    logits, _ = lm(ids, mask, lm.empty_past(B), visual, mi)
    return logits


def answer_accuracy(tok, vision, lm, episodes, feats, shots, kind, drop_images=0):
    """Teacher-forced exact match of the last chunk's answer (all its tokens and the end of chunk are argmax)."""
    right = total = 0
    with torch.no_grad():
        for ep in episodes:
            if ep['kind'] != kind or len(ep['chunks']) < shots + 1:
                continue
            e = dict(ep, chunks=ep['chunks'][:shots + 1])
            seq = episode_tokens(tok, e, drop_images)
            ids, mask, mi, media = collate(tok, [seq], feats)
            logits = flamingo_forward(vision, lm, ids, mask, mi, media)
            a, b = seq[3][-1]
            pred = logits[0, a - 1:b - 1].argmax(-1)
            right += int(torch.equal(pred, ids[0, a:b]))
            total += 1
    return right / max(total, 1), total


def load_videos(args, vision, vision_state):
    """Video episodes (write-training-data.ts) with each chunk's `image` the index of its clip, and the frozen
    encoder's features of every clip [clips, F, T_grid, D]; None when the data has no videos."""
    path = os.path.join(args.data, 'videos.jsonl')
    if not os.path.exists(path) or not args.video_share:
        return None, None
    videos = read_jsonl(path)
    n_frames = sum(c['frames'][1] for v in videos for c in v['chunks'])
    feats_path = os.path.join(args.work, f'video-features-{vision_state.get("steps")}-{n_frames}.pt')
    if os.path.exists(feats_path):
        feats = torch.load(feats_path)
    else:
        pixels = read_pixels(os.path.join(args.data, 'videos.u8'), n_frames, IMAGE_SIZE)
        log('encoding', n_frames, 'video frames with the frozen encoder')
        with torch.no_grad():
            feats = torch.cat([vision.encoder(normalise(pixels[i:i + 512]))[0] for i in range(0, len(pixels), 512)])
        torch.save(feats, feats_path)
    clips, frames = [], None
    for v in videos:
        for c in v['chunks']:
            first, count = c['frames']
            frames = frames or count
            assert count == frames, 'every clip has the same number of frames'
            c['image'] = len(clips)
            clips.append(list(range(first, first + count)))
    return videos, feats[torch.tensor(clips)]


def video_accuracy(tok, vision, lm, videos, clip_feats, max_shots=4, frames=None):
    """Teacher-forced exact match of each chunk's answer in held-out video QA episodes, after 0..max_shots earlier
    chunks, split into motion questions (only the frame order tells) and the others. `frames` reorders the frames."""
    right = {True: 0, False: 0}
    total = {True: 0, False: 0}
    feats = clip_feats if frames is None else clip_feats[:, frames]
    with torch.no_grad():
        for ep in videos:
            if ep['kind'] != 'video-vqa':
                continue
            e = dict(ep, chunks=ep['chunks'][:max_shots + 1])
            seq = episode_tokens(tok, e)
            ids, mask, mi, media = collate(tok, [seq], feats)
            pred = flamingo_forward(vision, lm, ids, mask, mi, media)[0].argmax(-1)
            for ch, (a, b) in zip(e['chunks'], seq[3]):
                right[ch['motion']] += int(torch.equal(pred[a - 1:b - 1], ids[0, a:b]))
                total[ch['motion']] += 1
    return {'motion': [round(right[True] / max(total[True], 1), 3), total[True]],
            'other': [round(right[False] / max(total[False], 1), 3), total[False]]}


def video_metrics(tok, vision, lm, held_videos, clip_feats):
    """Video QA held out: as trained, with the time embeddings zeroed (a bag of frames), and with the frames reversed."""
    time = vision.resampler.time.data.clone()
    out = {'trained': video_accuracy(tok, vision, lm, held_videos, clip_feats)}
    vision.resampler.time.data.zero_()
    out['time-zeroed'] = video_accuracy(tok, vision, lm, held_videos, clip_feats)
    vision.resampler.time.data.copy_(time)
    out['frames-reversed'] = video_accuracy(tok, vision, lm, held_videos, clip_feats,
                                            frames=torch.arange(clip_feats.shape[1] - 1, -1, -1))
    return out


def train_flamingo(args, cfg, tok, episodes, lm_state):
    path = os.path.join(args.work, f'flamingo-{args.size}.pt')
    vision_state = torch.load(os.path.join(args.work, 'vision.pt'))
    log('vision encoder', vision_state.get('steps'), 'steps, held-out per-cell accuracy', vision_state['metrics'])
    vision = VisionModel(cfg)
    vision.encoder.load_state_dict(vision_state['encoder'])
    lm = FlamingoLM(cfg)
    missing = lm.load_state_dict(lm_state['lm'], strict=False)
    assert all(k.startswith('xattn.') for k in missing.missing_keys), missing
    if os.path.exists(path):
        state = torch.load(path)
        vision.load_state_dict(state['vision'])
        lm.load_state_dict(state['lm'])
        return vision, lm, state
    pixels = read_pixels(os.path.join(args.data, 'episodes.u8'),
                         sum(len(e['chunks']) for e in episodes), IMAGE_SIZE)
    feats_path = os.path.join(args.work, f'episode-features-{vision_state.get("steps")}.pt')
    if os.path.exists(feats_path):
        feats = torch.load(feats_path)
    else:
        log('encoding', pixels.shape[0], 'images with the frozen encoder')
        with torch.no_grad():
            feats = torch.cat([vision.encoder(normalise(pixels[i:i + 512]))[0] for i in range(0, len(pixels), 512)])
        torch.save(feats, feats_path)
    videos, clip_feats = load_videos(args, vision, vision_state)
    train_videos, held_videos = (videos[:-HELD_OUT_VIDEOS], videos[-HELD_OUT_VIDEOS:]) if videos else (None, None)
    for p in list(vision.encoder.parameters()) + lm.lm_parameters():
        p.requires_grad_(False)
    trainable = list(vision.resampler.parameters()) + list(lm.xattn.parameters())
    torch.manual_seed(2)
    rng = random.Random(2)
    # The time embeddings learn only on clip steps, from zero: they get their own (higher) rate, no weight decay.
    time_params = [vision.resampler.time]
    rest = [p for p in trainable if p is not vision.resampler.time]
    opt = torch.optim.AdamW([{'params': rest}, {'params': time_params, 'lr': args.time_lr, 'weight_decay': 0.0}],
                            lr=1e-3, weight_decay=0.01)
    steps, batch = SIZES[args.size]['flamingo_steps'], SIZES[args.size]['flamingo_batch']
    train_eps, held_out = episodes[:-HELD_OUT], episodes[-HELD_OUT:]
    cache = {}
    for step in range(steps):
        seqs = []
        # A step is all images or all clips (one frame count per batch); clips train the resampler's time embeddings.
        on_video = videos is not None and rng.random() < args.video_share
        pool, key = (train_videos, 'v') if on_video else (train_eps, 'i')
        for _ in range(batch):
            i = rng.randrange(len(pool))
            drop = min(2, len(pool[i]['chunks']) - 1) if rng.random() < 0.15 else 0
            if (key, i, drop) not in cache:
                cache[(key, i, drop)] = episode_tokens(tok, pool[i], drop)
            seqs.append(cache[(key, i, drop)])
        ids, mask, mi, media = collate(tok, seqs, clip_feats if on_video else feats)
        logits = flamingo_forward(vision, lm, ids, mask, mi, media)
        tgt = ids[:, 1:].masked_fill(mask[:, 1:] == 0, -100)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            gates = [round(torch.tanh(x.attn_gate).item(), 3) for x in lm.xattn]
            log(f'flamingo-{args.size} step {step} loss {loss.item():.3f} attn gates {gates}')
    metrics = {'lm_kv_recall': lm_state.get('kv_recall'), 'lm_kv_recall_400_700': lm_state.get('kv_recall_far')}
    for kind in ('binding', 'vqa', 'caption'):
        for shots in (0, 4):
            eligible = [e for e in held_out if e['kind'] == kind and len(e['chunks']) > shots][:80]
            acc, n = answer_accuracy(tok, vision, lm, eligible, feats, shots, kind)
            metrics[f'{kind}@{shots}'] = [round(acc, 3), n]
    log(f'flamingo-{args.size} held-out last-answer exact match', metrics)
    if videos:
        metrics['video'] = video_metrics(tok, vision, lm, held_videos, clip_feats)
        log(f'flamingo-{args.size} held-out video QA exact match (0-4 earlier clips)', metrics['video'])
    state = {'vision': vision.state_dict(), 'lm': lm.state_dict(), 'metrics': metrics}
    torch.save(state, path)
    return vision, lm, state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--size', choices=sorted(SIZES), required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--vision-steps', type=int, default=250)
    ap.add_argument('--lm-lr', type=float, default=3e-3)
    ap.add_argument('--vision-more', type=int, default=0, help='only continue the vision encoder for N steps')
    ap.add_argument('--lm-more', type=int, default=0, help='continue the saved LM for up to N steps first')
    ap.add_argument('--kv-share', type=float, default=0.6, help='share of key -> value rows when continuing the LM')
    ap.add_argument('--lm-more-lr', type=float, default=1.5e-3, help='learning rate of the LM continuation')
    ap.add_argument('--lm-warmup', type=int, default=0, help='steps of linear warm-up of the LM continuation')
    ap.add_argument('--time-lr', type=float, default=1e-3, help='learning rate of the resampler\'s time embeddings')
    ap.add_argument('--video-share', type=float, default=0.3, help='share of Flamingo-stage steps on video episodes')
    ap.add_argument('--stop-after-lm', action='store_true', help='train (or continue) the LM only')
    ap.add_argument('--lm-seq', type=int, default=LM_SEQ, help='tokens per LM training row')
    ap.add_argument('--lm-batch', type=int, help='override the size\'s LM rows per step')
    ap.add_argument('--wait-for-vision', type=int, default=0, help='before the Flamingo stage, wait for an encoder of N steps')
    ap.add_argument('--lm-steps', type=int, help='override the size\'s LM pretraining steps')
    ap.add_argument('--flamingo-steps', type=int, help='override the size\'s Flamingo-stage steps')
    args = ap.parse_args()
    if args.lm_steps:
        SIZES[args.size]['lm_steps'] = args.lm_steps
    if args.lm_batch:
        SIZES[args.size]['lm_batch'] = args.lm_batch
    if args.flamingo_steps:
        SIZES[args.size]['flamingo_steps'] = args.flamingo_steps
    torch.set_num_threads(args.threads)
    os.makedirs(args.work, exist_ok=True)
    episodes = read_jsonl(os.path.join(args.data, 'episodes.jsonl'))
    tok_path = os.path.join(args.work, 'tokenizer-vocab.json')
    if os.path.exists(tok_path):
        tok = WordPieceTokenizer(json.load(open(tok_path)))
    else:
        tok = make_tokenizer(episodes)
        json.dump(tok.vocab, open(tok_path, 'w'))
    cfg = config_for(args.size, len(tok.vocab))
    log(f'size {args.size}: vocab {len(tok.vocab)}, config {cfg}')
    t0 = time.time()
    if args.vision_more:
        train_vision(args, cfg, more=args.vision_more)
        return
    train_vision(args, cfg)
    t1 = time.time()
    lm_state = train_lm(args, cfg, tok, episodes)
    t2 = time.time()
    if args.stop_after_lm:
        log(f'seconds: vision {t1 - t0:.0f}, lm {t2 - t1:.0f}')
        return
    if args.wait_for_vision:
        while torch.load(os.path.join(args.work, 'vision.pt')).get('steps', 0) < args.wait_for_vision:
            time.sleep(20)
    vision, lm, state = train_flamingo(args, cfg, tok, episodes, lm_state)
    t3 = time.time()
    log(f'parameters: vision {count_parameters(vision)}, language {count_parameters(lm)}, '
        f'total {count_parameters(vision, lm)}; seconds: vision {t1 - t0:.0f}, lm {t2 - t1:.0f}, flamingo {t3 - t2:.0f}')


if __name__ == '__main__':
    main()
