"""Exports a trained size to a bundle folder: manifest.json, tokenizer.json, vision.onnx, decoder.onnx and parity
fixtures (inputs, and the PyTorch logits and greedy tokens that the ONNX graphs must reproduce).

Usage: python3 models/builder/export.py --size s --data /tmp/model/data --work /tmp/model/work --out models/flamingo-tiny-s
"""
import argparse
import hashlib
import json
import os
import random

import numpy as np
import torch
from PIL import Image

from arch import count_parameters
from data import IMAGE_MEAN, IMAGE_STD, episode_tokens, normalise, read_jsonl, read_pixels
from tokenizer import BOS, EOC, EOS, IMAGE, PAD, UNK, WordPieceTokenizer
from train import IMAGE_SIZE, HELD_OUT, config_for, kv_recall, train_flamingo

OPSET = 17


class DecoderGraph(torch.nn.Module):
    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def forward(self, input_ids, attention_mask, visual_tokens, media_index, *past):
        pasts = [(past[2 * i], past[2 * i + 1]) for i in range(len(past) // 2)]
        logits, presents = self.lm(input_ids, attention_mask, pasts, visual_tokens, media_index)
        return (logits,) + tuple(t for kv in presents for t in kv)


def export_graphs(vision, lm, cfg, out):
    vision.eval()
    lm.eval()
    torch.onnx.export(vision, (torch.zeros(2, 3, 3, cfg.image_size, cfg.image_size),), os.path.join(out, 'vision.onnx'),
                      input_names=['pixel_values'], output_names=['visual_tokens', 'embedding'],
                      dynamic_axes={'pixel_values': {0: 'media', 1: 'frames'}, 'visual_tokens': {0: 'media'},
                                    'embedding': {0: 'media'}},
                      opset_version=OPSET, do_constant_folding=True)
    B, T, P, M = 2, 5, 3, 2
    hd = cfg.d_model // cfg.n_heads
    past = []
    names_in = ['input_ids', 'attention_mask', 'visual_tokens', 'media_index']
    names_out = ['logits']
    axes = {'input_ids': {0: 'batch', 1: 'tokens'}, 'attention_mask': {0: 'batch', 1: 'total'},
            'visual_tokens': {0: 'batch', 1: 'media'}, 'media_index': {0: 'batch', 1: 'tokens'},
            'logits': {0: 'batch', 1: 'tokens'}}
    for i in range(cfg.n_layers):
        for kind in ('key', 'value'):
            past.append(torch.randn(B, cfg.n_heads, P, hd))
            names_in.append(f'past_{kind}_{i}')
            names_out.append(f'present_{kind}_{i}')
            axes[f'past_{kind}_{i}'] = {0: 'batch', 2: 'past'}
            axes[f'present_{kind}_{i}'] = {0: 'batch', 2: 'total'}
    inputs = (torch.randint(0, cfg.vocab_size, (B, T)), torch.ones(B, P + T, dtype=torch.long),
              torch.randn(B, M, cfg.n_latents, cfg.vis_dim), torch.zeros(B, T, dtype=torch.long), *past)
    torch.onnx.export(DecoderGraph(lm), inputs, os.path.join(out, 'decoder.onnx'), input_names=names_in,
                      output_names=names_out, dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)


def render(tok, parts):
    """Prompt parts -> ids and media index per token, as src/backends/onnx/prompt.ts renders them."""
    ids, mi, n_media = [tok.ids[BOS]], [-1], 0
    merged = []
    for p in parts:  # adjacent text parts are one text
        if p['type'] == 'text' and merged and merged[-1]['type'] == 'text':
            merged[-1] = {'type': 'text', 'text': merged[-1]['text'] + p['text']}
        else:
            merged.append(p)
    for p in merged:
        if p['type'] == 'media':
            n_media += 1
            ids.append(tok.ids[IMAGE])
            mi.append(n_media - 1)
        elif p['type'] == 'end_of_chunk':
            ids.append(tok.ids[EOC])
            mi.append(n_media - 1)
        else:
            t = tok.encode(p['text'])
            ids += t
            mi += [n_media - 1] * len(t)
    return ids, mi


def load_media(bundle, parts):
    """Each medium as uint8 frames [F, S, S, 3], read back from the PNG files the fixture ships."""
    out = []
    for p in parts:
        if p['type'] != 'media':
            continue
        path = os.path.join(bundle, p['media']['path'])
        files = sorted(os.listdir(path)) if os.path.isdir(path) else [None]
        frames = [np.asarray(Image.open(os.path.join(path, f) if f else path).convert('RGB')) for f in files]
        out.append(np.stack(frames))
    return out


def write_parity(tok, vision, lm, cfg, out, episodes, pixels, steps=6):
    pdir = os.path.join(out, 'parity')
    os.makedirs(pdir, exist_ok=True)
    held = [e for e in episodes[-HELD_OUT:]]
    binding = next(e for e in held if e['kind'] == 'binding' and len(e['chunks']) >= 3)
    caption = next(e for e in held if e['kind'] == 'caption' and len(e['chunks']) >= 3)

    def save_image(index, name):
        Image.fromarray(pixels[index]).save(os.path.join(pdir, name))
        return {'kind': 'image', 'id': f'parity/{name}', 'path': f'parity/{name}'}

    def query_prefix(text):
        for sep in ('Answer:', 'answer:', 'Output:'):
            if sep in text:
                return text[:text.index(sep) + len(sep)]
        raise ValueError(text)

    cases = []
    parts = []
    for k, ch in enumerate(binding['chunks'][:2]):
        parts += [{'type': 'media', 'media': save_image(ch['image'], f'binding-{k}.png')},
                  {'type': 'text', 'text': ch['text']}, {'type': 'end_of_chunk'}]
    last = binding['chunks'][2]
    parts += [{'type': 'media', 'media': save_image(last['image'], 'binding-2.png')},
              {'type': 'text', 'text': query_prefix(last['text'])}]
    cases.append({'name': 'two-shot binding', 'prompt': parts})
    parts = []
    for ch in caption['chunks'][:2]:
        parts += [{'type': 'text', 'text': ch['text']}, {'type': 'end_of_chunk'}]
    parts += [{'type': 'text', 'text': 'Output:'}]
    cases.append({'name': 'text only, no media', 'prompt': parts})
    vdir = os.path.join(pdir, 'clip')
    os.makedirs(vdir, exist_ok=True)
    for f, ch in enumerate(caption['chunks'][:3]):
        Image.fromarray(pixels[ch['image']]).save(os.path.join(vdir, f'frame-{f}.png'))
    parts = [{'type': 'text', 'text': caption['chunks'][0]['text']}, {'type': 'end_of_chunk'},
             {'type': 'media', 'media': {'kind': 'video', 'id': 'parity/clip', 'path': 'parity/clip'}},
             {'type': 'text', 'text': 'Output:'}]
    cases.append({'name': 'video of three frames after a text-only demonstration', 'prompt': parts})

    with torch.no_grad():
        for case in cases:
            ids, mi = render(tok, case['prompt'])
            media = load_media(out, case['prompt'])
            if media:
                visual = torch.stack([vision(normalise(m).unsqueeze(0))[0][0] for m in media]).unsqueeze(0)
            else:
                visual = torch.zeros(1, 1, cfg.n_latents, cfg.vis_dim)  # the masked dummy slot
            x = torch.tensor([ids])
            logits, presents = lm(x, torch.ones_like(x), lm.empty_past(1), visual, torch.tensor([mi]))
            case['ids'] = ids
            case['logits'] = np.round(logits[0].numpy().astype(np.float64), 7).tolist()
            generated, step_logits = [], []
            nxt = int(logits[0, -1].argmax())
            total = len(ids)
            for _ in range(steps):
                generated.append(nxt)
                total += 1
                step = torch.tensor([[nxt]])
                logits, presents = lm(step, torch.ones(1, total, dtype=torch.long), presents, visual,
                                      torch.tensor([[mi[-1]]]))
                step_logits.append(np.round(logits[0, -1].numpy().astype(np.float64), 7).tolist())
                nxt = int(logits[0, -1].argmax())
            case['greedy'] = generated
            case['stepLogits'] = step_logits
            if media:
                case['embedding'] = np.round(vision(normalise(media[0]).unsqueeze(0))[1][0].numpy().astype(np.float64), 7).tolist()
    with open(os.path.join(pdir, 'cases.json'), 'w') as f:
        json.dump({'tolerance': 1e-4, 'cases': cases}, f, separators=(',', ':'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--size', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    tok = WordPieceTokenizer(json.load(open(os.path.join(args.work, 'tokenizer-vocab.json'))))
    cfg = config_for(args.size, len(tok.vocab))
    state = torch.load(os.path.join(args.work, f'flamingo-{args.size}.pt'))
    from arch import VisionModel, FlamingoLM
    vision, lm = VisionModel(cfg), FlamingoLM(cfg)
    vision.load_state_dict(state['vision'])
    lm.load_state_dict(state['lm'])
    vision.eval()
    lm.eval()
    os.makedirs(args.out, exist_ok=True)
    export_graphs(vision, lm, cfg, args.out)
    tok.save(os.path.join(args.out, 'tokenizer.json'))
    episodes = read_jsonl(os.path.join(args.data, 'episodes.jsonl'))
    pixels = read_pixels(os.path.join(args.data, 'episodes.u8'), sum(len(e['chunks']) for e in episodes), IMAGE_SIZE)
    write_parity(tok, vision, lm, cfg, args.out, episodes, pixels)
    # The LM's induction, measured here with the builder's current probes (fixed seeds) so that every bundle's
    # manifest reports the same measurement.
    metrics = dict(state.get('metrics', {}))
    metrics['lm_kv_recall'] = round(kv_recall(lm, tok, random.Random(8), 256), 3)
    metrics['lm_kv_recall_400_700'] = round(kv_recall(lm, tok, random.Random(8), 128, episodes, (400, 700)), 3)
    hd = cfg.d_model // cfg.n_heads
    manifest = {
        'format': 'flamingo-eval-onnx-bundle/1',
        'name': f'flamingo-tiny-{args.size}',
        'family': 'flamingo-tiny',
        'parameters': count_parameters(vision, lm),
        'contextLength': cfg.context_length,
        'image': {'size': cfg.image_size, 'resize': 'pad', 'mean': IMAGE_MEAN, 'std': IMAGE_STD,
                  'maxFrames': cfg.max_frames},
        'visualTokens': cfg.n_latents,
        'visualDim': cfg.vis_dim,
        'decoder': {'layers': cfg.n_layers, 'heads': cfg.n_heads, 'headDim': hd, 'vocabSize': cfg.vocab_size},
        'tokens': {'bos': BOS, 'eos': EOS, 'pad': PAD, 'unk': UNK, 'image': IMAGE, 'endOfChunk': EOC},
        'files': {'tokenizer': 'tokenizer.json', 'vision': 'vision.onnx', 'decoder': 'decoder.onnx',
                  'parity': 'parity/cases.json'},
        'training': {'config': cfg.to_dict(), 'heldOutExactMatch': metrics,
                     'builder': 'models/builder (python3-torch %s)' % torch.__version__},
    }
    with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    for name in ('vision.onnx', 'decoder.onnx'):
        digest = hashlib.sha256(open(os.path.join(args.out, name), 'rb').read()).hexdigest()
        print(name, os.path.getsize(os.path.join(args.out, name)), 'bytes, sha256', digest)


if __name__ == '__main__':
    main()
