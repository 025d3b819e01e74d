"""Reading the training data written by write-training-data.ts and turning it into token sequences.

A sequence renders an episode the way the harness renders a prompt (src/backends/onnx/prompt.ts): <s>, then per
chunk `<image>` (when the chunk shows its image), the chunk text, `<|endofchunk|>`. Each token attends to the last
medium at or before it (`media_index`; -1 before the first), as OpenFlamingo's `only_attend_immediate_media`.
"""
import json
import random
import string

import numpy as np
import torch

from tokenizer import BOS, EOC, IMAGE, ALNUM, WordPieceTokenizer, build_vocab

IMAGE_MEAN = [0.5, 0.5, 0.5]
IMAGE_STD = [0.25, 0.25, 0.25]
SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross']
COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange']
SIZES = ['small', 'large']
BACKGROUNDS = ['gray', 'white', 'black', 'brown']

# Words of the tasks' prompt templates (src/tasks/kit/templates.ts) that the synthetic corpus may not contain.
TEMPLATE_WORDS = ('output answer question short caption is an image with written on it hateful yes no a person '
                  'what this that the of in to and called name people').split()


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def read_pixels(path, count, size):
    raw = np.fromfile(path, dtype=np.uint8)
    assert raw.size == count * size * size * 3, f'{path}: {raw.size} bytes, expected {count} images of {size}px'
    return raw.reshape(count, size, size, 3)


def normalise(pixels_u8):
    """uint8 [N, S, S, 3] -> float32 [N, 3, S, S], (x/255 - mean) / std, as the manifest tells the runtime."""
    x = torch.from_numpy(pixels_u8).float().div(255.0).permute(0, 3, 1, 2)
    mean = torch.tensor(IMAGE_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGE_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def make_tokenizer(episodes):
    texts = []
    for ep in episodes:
        for ch in ep['chunks']:
            # Binding answers are per-episode made-up names: leave them to the syllable pieces.
            texts.append(ch['text'] if ep['kind'] != 'binding' else ch['text'].rsplit(ch['answer'], 1)[0])
    consonants = [c for c in string.ascii_lowercase if c not in 'aeiou']
    syllables = [c + v for c in consonants for v in 'aeiou']
    extra = TEMPLATE_WORDS + syllables + ['##' + s for s in syllables]
    return WordPieceTokenizer(build_vocab(texts, min_count=2, extra_words=extra))


def vision_labels(scene):
    """Per cell of the 3 x 3 grid: shape (0 = empty), colour, size; plus the background."""
    shape = [0] * 9
    colour = [0] * 9
    size = [0] * 9
    for o in scene['objects']:
        cell = min(int(o['y'] * 3), 2) * 3 + min(int(o['x'] * 3), 2)
        shape[cell] = SHAPES.index(o['shape']) + 1
        colour[cell] = COLOURS.index(o['colour']) + 1
        size[cell] = SIZES.index(o['size']) + 1
    return shape, colour, size, BACKGROUNDS.index(scene['background'])


def episode_tokens(tok, episode, drop_images=0):
    """Token ids, media index per token, image ids (in order) of one episode; the first `drop_images` chunks are
    shown text-only (the paper's zero-shot prompts start with text-only demonstrations)."""
    ids, media_index, images = [tok.ids[BOS]], [-1], []
    answer_spans = []
    for k, ch in enumerate(episode['chunks']):
        if k >= drop_images:
            images.append(ch['image'])
            ids.append(tok.ids[IMAGE])
            media_index.append(len(images) - 1)
        text = tok.encode(ch['text'])
        answer = ch.get('answer') or ch.get('caption')
        n_answer = len(tok.encode(' ' + answer)) if answer else 0
        start = len(ids) + len(text) - n_answer
        ids.extend(text)
        media_index.extend([len(images) - 1] * len(text))
        ids.append(tok.ids[EOC])
        media_index.append(len(images) - 1)
        answer_spans.append((start, len(ids)))  # answer tokens and the end of chunk that closes them
    return ids, media_index, images, answer_spans


def kv_document(rng, keys, word_ids, piece_ids, sep_ids, max_len):
    """A list of key -> value pairs, then lookups of its keys: text that only induction (match, then copy) can
    predict."""
    n = len(keys)
    values = [[rng.choice(word_ids)] if rng.random() < 0.8 else
              [rng.choice(piece_ids[0])] + [rng.choice(piece_ids[1]) for _ in range(rng.randint(1, 2))]
              for _ in range(n)]
    # Mostly no separator: the value must follow its key directly for one-step induction (with a separator in
    # between, copying needs two hops, and in our budget it never formed).
    sep = [] if rng.random() < 0.85 else [rng.choice(sep_ids)]
    doc = []
    for k, v in zip(keys, values):
        doc += [k] + sep + v
    while len(doc) < max_len:
        i = rng.randrange(n)
        doc += [keys[i]] + sep + values[i]
    return doc
