"""The manpage-pairs tokenizer (the spec in the zoo brief; the C++ tokenizer must agree exactly).

Bytes >= 0x80 and ASCII control characters are whitespace, letters are lowercased, tokens are maximal
runs of [a-z0-9] and single printable punctuation characters. No word pieces: unknown tokens -> [UNK].
"""
import collections

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
PAD, UNK, CLS, SEP = 0, 1, 2, 3
SEQ_LEN = 128


def tokens(text):
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    out, run = [], []
    for b in data:
        if 0x41 <= b <= 0x5A:
            b += 0x20
        if (0x61 <= b <= 0x7A) or (0x30 <= b <= 0x39):
            run.append(chr(b))
            continue
        if run:
            out.append("".join(run))
            run = []
        if 0x21 <= b <= 0x7E:
            out.append(chr(b))
    if run:
        out.append("".join(run))
    return out


def build_vocab(texts, min_freq=2, max_size=8000):
    """Tokens with frequency >= min_freq, most frequent first, ties alphabetical; specials first."""
    counts = collections.Counter(t for s in texts for t in tokens(s))
    ranked = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
    return SPECIALS + ranked[:max_size - len(SPECIALS)]


def save_vocab(vocab, path):
    with open(path, "w") as f:
        f.write("".join(t + "\n" for t in vocab))


def load_vocab(path):
    with open(path) as f:
        return {t: i for i, t in enumerate(f.read().split("\n")[:-1])}


def encode_pair(vocab, summary, description, seq_len=SEQ_LEN):
    """(input_ids, token_type_ids, attention_mask), each a list of seq_len ints."""
    a = [vocab.get(t, UNK) for t in tokens(summary)]
    b = [vocab.get(t, UNK) for t in tokens(description)]
    while len(a) + len(b) + 3 > seq_len:
        if len(a) > len(b):
            a.pop()
        else:
            b.pop()
    ids = [CLS] + a + [SEP] + b + [SEP]
    types = [0] * (len(a) + 2) + [1] * (len(b) + 1)
    mask = [1] * len(ids)
    pad = seq_len - len(ids)
    return ids + [PAD] * pad, types + [0] * pad, mask + [0] * pad


def read_tsv(path):
    """[(label, summary, description)] from a "label<TAB>summary<TAB>description" file."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, summary, description = line.rstrip("\n").split("\t")
            rows.append((int(label), summary, description))
    return rows
