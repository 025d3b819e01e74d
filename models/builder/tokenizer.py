"""A WordPiece tokenizer written as a Hugging Face `tokenizer.json`, plus a Python encoder that mirrors it.

The harness reads the JSON with @huggingface/tokenizers (BertNormalizer lowercase, BertPreTokenizer, WordPiece,
WordPiece decoder); this module must produce the same ids, which test/onnx-parity.test.ts checks on the fixtures.
Every ASCII letter and digit also exists as a word-initial piece and a `##` continuation piece, so any lowercase
alphanumeric word (made-up names included) tokenizes without <unk>.
"""
import json
import re
import string
from collections import Counter

PAD, UNK, BOS, EOS, IMAGE, EOC = '<pad>', '<unk>', '<s>', '</s>', '<image>', '<|endofchunk|>'
SPECIALS = [PAD, UNK, BOS, EOS, IMAGE, EOC]
_SPECIAL_RE = re.compile('(' + '|'.join(re.escape(s) for s in SPECIALS) + ')')
_WORD_RE = re.compile(r'[a-z0-9]+|[^\sa-z0-9]')
ALNUM = string.ascii_lowercase + string.digits


def pre_tokenize(text):
    return _WORD_RE.findall(text.lower())


def build_vocab(texts, min_count=2, extra_words=()):
    counts = Counter()
    for t in texts:
        for piece in _SPECIAL_RE.split(t):
            if piece not in SPECIALS:
                counts.update(pre_tokenize(piece))
    vocab = list(SPECIALS)
    seen = set(vocab)

    def add(tok):
        if tok not in seen:
            seen.add(tok)
            vocab.append(tok)

    for c in ALNUM + string.punctuation:
        add(c)
    for c in ALNUM:
        add('##' + c)
    for w in extra_words:
        add(w)
    for w, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if n >= min_count:
            add(w)
    return vocab


class WordPieceTokenizer:
    def __init__(self, vocab):
        self.vocab = list(vocab)
        self.ids = {t: i for i, t in enumerate(self.vocab)}

    def _word(self, w):
        if len(w) > 100:
            return [self.ids[UNK]]
        out, start = [], 0
        while start < len(w):
            end = len(w)
            found = None
            while start < end:
                sub = w[start:end] if start == 0 else '##' + w[start:end]
                if sub in self.ids:
                    found = self.ids[sub]
                    break
                end -= 1
            if found is None:
                return [self.ids[UNK]]
            out.append(found)
            start = end
        return out

    def encode(self, text):
        ids = []
        for piece in _SPECIAL_RE.split(text):
            if not piece:
                continue
            if piece in self.ids and piece in SPECIALS:
                ids.append(self.ids[piece])
                continue
            for w in pre_tokenize(piece):
                ids.extend(self._word(w))
        return ids

    def to_json(self):
        added = [{'id': i, 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False,
                  'normalized': False, 'special': True} for i, s in enumerate(SPECIALS)]
        return {
            'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added,
            'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': False,
                           'strip_accents': False, 'lowercase': True},
            'pre_tokenizer': {'type': 'BertPreTokenizer'},
            'post_processor': None,
            'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
            'model': {'type': 'WordPiece', 'unk_token': UNK, 'continuing_subword_prefix': '##',
                      'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(self.vocab)}},
        }

    def save(self, path):
        with open(path, 'w') as f:
            json.dump(self.to_json(), f, ensure_ascii=False, separators=(',', ':'))
