#!/usr/bin/python3
"""Builds the fixtures of the native-evaluation tests (tests/data/eval): three tiny models exported by
PyTorch, small data sets in the committed formats, and the metrics PyTorch and NumPy compute for them,
so the C++ readers, tokenizer, metrics and `edgerun eval` are checked against an independent
implementation (this file), not against themselves.

Run from the repository root with the system Python (it has torch):
    /usr/bin/python3 models/tools/make_eval_fixtures.py

Writes tests/data/eval/:
  classifier.onnx          tiny CNN, input [N,1,28,28], logits [N,10]; briefly trained on Fashion-MNIST
  classifier_batch3.onnx   the same with a fixed batch size of 3
  segmenter.onnx           tiny fully convolutional net, input [N,1,H,W], logits [N,11,H,W]
  scenes/{images,labels}.npy  12 fixture scenes (a simple placement, not models/train/fashion_scenes.py)
  text_bert.onnx, text_roberta.onnx  bag-of-embeddings pair classifiers, L = 32, with and without
                           token_type_ids; vocab.txt; pairs.tsv (hand-made pairs, edge cases included)
  tokenizer_cases.tsv      summary, description, expected ids / types / mask (L = 32) from the
                           Python tokenizer below, written from the spec in the brief
  fashion_facts.json       Fashion-MNIST t10k facts read by Python's gzip + NumPy (labels, pixel sums)
  scenes_facts.json        the fixture scenes' per-class pixel counts
  two_members.gz           a gzip file of two members ("hello " + "world")
  metric_cases.json        random logits / labels / predictions with top-k, mIoU and F1 computed by NumPy
  expected.json            each model's metrics as PyTorch + NumPy compute them on the fixture data
Everything is seeded; Fashion-MNIST comes from Debian's dataset-fashion-mnist.
"""
import gzip
import json
import os

import numpy as np
import torch
import torch.nn as nn

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "tests", "data", "eval")
FASHION = "/usr/share/datasets/fashion-mnist"
SEED = 20241123
CLASSIFIER_SAMPLES = 1000  # the first t10k images the test evaluates (--limit)
TEXT_LENGTH = 32


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def fashion(split):
    return (read_idx(f"{FASHION}/{split}-images-idx3-ubyte.gz"),
            read_idx(f"{FASHION}/{split}-labels-idx1-ubyte.gz"))


def make_scenes(images, labels, count, rng):
    """Up to three items per 64x64 canvas; an item's pixels above 0 take its class + 1."""
    canvas = np.zeros((count, 1, 64, 64), np.uint8)
    mask = np.zeros((count, 64, 64), np.uint8)
    for s in range(count):
        for _ in range(rng.integers(1, 4)):
            i = rng.integers(len(images))
            y, x = rng.integers(0, 64 - 28, size=2)
            item = images[i]
            region = canvas[s, 0, y:y + 28, x:x + 28]
            np.maximum(region, item, out=region)
            mask[s, y:y + 28, x:x + 28][item > 0] = labels[i] + 1
    return canvas, mask


# ---------------------------------------------------------------------------------------------
# Tokenizer (the brief's spec, written independently of models/data/tokenizer.cc)
# ---------------------------------------------------------------------------------------------

def tokenize(text: bytes):
    tokens, word = [], []
    for c in text:
        if 0x41 <= c <= 0x5A:
            c += 0x20
        if 0x61 <= c <= 0x7A or 0x30 <= c <= 0x39:
            word.append(chr(c))
            continue
        if word:
            tokens.append("".join(word))
            word = []
        if 0x21 <= c <= 0x7E:
            tokens.append(chr(c))
    if word:
        tokens.append("".join(word))
    return tokens


def encode_pair(vocab, a: bytes, b: bytes, length):
    ta, tb = tokenize(a), tokenize(b)
    while len(ta) + len(tb) + 3 > length:
        if len(ta) > len(tb):
            ta.pop()
        else:
            tb.pop()
    ids = [2] + [vocab.get(t, 1) for t in ta] + [3] + [vocab.get(t, 1) for t in tb] + [3]
    types = [0] * (len(ta) + 2) + [1] * (len(tb) + 1)
    mask = [1] * len(ids)
    pad = length - len(ids)
    return ids + [0] * pad, types + [0] * pad, mask + [0] * pad


# Hand-made pairs: real-looking man page lines plus the tokenizer's edge cases (upper case, digits,
# punctuation runs, tabs inside text are impossible in TSV, bytes >= 0x80, control characters,
# empty sides, descriptions longer than L).
PAIRS = [
    (b"ls - list directory contents", b"List information about the FILEs (the current directory by default)."),
    (b"cp - copy files and directories", b"Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY."),
    (b"gzip, gunzip, zcat - compress or expand files", b"Gzip reduces the size of the named files using Lempel-Ziv coding (LZ77)."),
    (b"grep, egrep, fgrep - print lines that match patterns", b"grep searches for PATTERNS in each FILE. PATTERNS is one or more patterns separated by newline characters, and grep prints each line that matches a pattern. Typically PATTERNS should be quoted when grep is used in a shell command."),
    (b"tar - an archiving utility", b"GNU tar is an archiving program designed to store multiple files in a single file (an archive), and to manipulate such archives."),
    (b"sed - stream editor for filtering and transforming text", b"Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY."),
    (b"ssh - OpenSSH remote login client", b"List information about the FILEs (the current directory by default)."),
    (b"caf\xc3\xa9 - na\xefve \x01control\x7f bytes", b"R\xc3\xa9sum\xc3\xa9s: \x80\xff weird\x1b[0m escapes; and--dashes...!!"),
    (b"UPPER lower MiXeD 123abc ABC123", b"x86_64 i386 v2.0.1 foo::bar->baz() a+b=c 100% $HOME ~/.bashrc"),
    (b"", b"only a description, no summary at all"),
    (b"only a summary", b""),
    (b"", b""),
    (b"a b c d e f g h i j k l m n o p q r s t u v w x y z", b"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20"),
    (b"mount - mount a filesystem", b"All files accessible in a Unix system are arranged in one big tree, the file hierarchy, rooted at /. These files can be spread out over several devices."),
    (b"kill - send a signal to a process", b"The default signal for kill is TERM. Use -l or -L to list available signals."),
    (b"chmod - change file mode bits", b"GNU tar is an archiving program designed to store multiple files in a single file (an archive)."),
]


def make_vocab(pairs):
    counts = {}
    for a, b in pairs:
        for t in tokenize(a) + tokenize(b):
            counts[t] = counts.get(t, 0) + 1
    # Only tokens seen twice or more: the rest exercise [UNK].
    words = sorted(t for t, n in counts.items() if n >= 2)
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + words


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Flatten(), nn.Linear(16 * 7 * 7, 10))

    def forward(self, x):
        return self.body((x - 0.286) / 0.353)


class Segmenter(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(),
                                  nn.Conv2d(16, 16, 5, padding=4, dilation=2), nn.ReLU(), nn.Conv2d(16, 11, 1))

    def forward(self, x):
        return self.body(x)


class PairClassifier(nn.Module):
    def __init__(self, vocab_size, with_types):
        super().__init__()
        self.words = nn.Embedding(vocab_size, 16)
        self.types = nn.Embedding(2, 16) if with_types else None
        self.head = nn.Linear(16, 2)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        h = self.words(input_ids)
        if self.types is not None:
            h = h + self.types(token_type_ids)
        m = attention_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(torch.tanh(pooled))


def export(model, args, names, path, spatial=False, fixed_batch=False):
    """Batch dim "N"; spatial=True also leaves height and width symbolic; fixed_batch keeps the batch
    size of `args`."""
    axes = {0: "N", 2: "H", 3: "W"} if spatial else {0: "N"}
    dynamic = None if fixed_batch else {n: axes for n in names + ["logits"]}
    torch.onnx.export(model, args, path, input_names=names, output_names=["logits"], dynamic_axes=dynamic,
                      opset_version=17)


def batched(model, tensors, batch=64):
    with torch.no_grad():
        return torch.cat([model(*[t[i:i + batch] for t in tensors]) for i in range(0, len(tensors[0]), batch)])


# ---------------------------------------------------------------------------------------------
# Metrics (NumPy, for the expected values)
# ---------------------------------------------------------------------------------------------

def topk_percent(logits, labels, k):
    order = np.argsort(-logits, axis=1, kind="stable")[:, :k]
    return float(100.0 * np.mean([labels[i] in order[i] for i in range(len(labels))]))


def miou_percent(labels, preds, n):
    cm = np.bincount(labels.reshape(-1).astype(np.int64) * n + preds.reshape(-1), minlength=n * n).reshape(n, n)
    tp = np.diag(cm)
    denom = cm.sum(0) + cm.sum(1) - tp
    present = denom > 0
    return float(100.0 * np.mean(tp[present] / denom[present])), [
        float(100.0 * tp[c] / denom[c]) if denom[c] > 0 else -1.0 for c in range(n)]


def f1_percent(labels, preds):
    tp = int(np.sum((labels == 1) & (preds == 1)))
    fp = int(np.sum((labels == 0) & (preds == 1)))
    fn = int(np.sum((labels == 1) & (preds == 0)))
    f1 = 0.0 if 2 * tp + fp + fn == 0 else 100.0 * 2 * tp / (2 * tp + fp + fn)
    return f1, float(100.0 * np.mean(labels == preds))


def metric_cases(rng):
    cases = []
    for n, classes in [(37, 10), (200, 10), (5, 3)]:
        logits = rng.standard_normal((n, classes)).astype(np.float32)
        labels = rng.integers(0, classes, n)
        cases.append({"kind": "topk", "classes": classes, "logits": logits.reshape(-1).tolist(),
                      "labels": labels.tolist(), "top1": topk_percent(logits, labels, 1),
                      "top5": topk_percent(logits, labels, min(5, classes))})
    for n, classes, used in [(500, 11, 11), (300, 11, 7), (64, 4, 4)]:
        labels = rng.integers(0, used, n)
        preds = np.where(rng.random(n) < 0.6, labels, rng.integers(0, used, n))
        miou, ious = miou_percent(labels, preds, classes)
        cases.append({"kind": "miou", "classes": classes, "labels": labels.tolist(), "predictions": preds.tolist(),
                      "miou": miou, "iou": ious})
    for n in [50, 333]:
        labels = rng.integers(0, 2, n)
        preds = np.where(rng.random(n) < 0.7, labels, 1 - labels)
        f1, acc = f1_percent(labels, preds)
        cases.append({"kind": "f1", "labels": labels.tolist(), "predictions": preds.tolist(), "f1": f1, "accuracy": acc})
    return cases


# ---------------------------------------------------------------------------------------------

def main():
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    os.makedirs(os.path.join(OUT, "scenes"), exist_ok=True)
    expected = {}

    # Classifier: 300 SGD steps on training images, evaluated on the first t10k images.
    train_x, train_y = fashion("train")
    test_x, test_y = fashion("t10k")
    clf = Classifier()
    opt = torch.optim.SGD(clf.parameters(), lr=0.05, momentum=0.9)
    for step in range(300):
        idx = rng.integers(0, len(train_x), 64)
        x = torch.from_numpy(train_x[idx]).float().div(255).unsqueeze(1)
        loss = nn.functional.cross_entropy(clf(x), torch.from_numpy(train_y[idx]).long())
        opt.zero_grad()
        loss.backward()
        opt.step()
    clf.eval()
    x = torch.from_numpy(test_x[:CLASSIFIER_SAMPLES].copy()).float().div(255).unsqueeze(1)
    logits = batched(clf, [x]).numpy()
    labels = test_y[:CLASSIFIER_SAMPLES]
    export(clf, (x[:2],), ["input"], os.path.join(OUT, "classifier.onnx"))
    # The same weights with a fixed batch of 3: 1000 samples leave a padded last batch.
    export(clf, (x[:3],), ["input"], os.path.join(OUT, "classifier_batch3.onnx"), fixed_batch=True)
    expected["classifier"] = {"task": "fashion-mnist", "limit": CLASSIFIER_SAMPLES,
                              "top1": topk_percent(logits, labels, 1), "top5": topk_percent(logits, labels, 5)}

    # Segmenter: 200 steps on scenes from training images, evaluated on 12 scenes from t10k images.
    seg = Segmenter()
    opt = torch.optim.Adam(seg.parameters(), lr=0.01)
    for step in range(200):
        img, mask = make_scenes(train_x, train_y, 8, rng)
        loss = nn.functional.cross_entropy(seg(torch.from_numpy(img).float().div(255)), torch.from_numpy(mask).long())
        opt.zero_grad()
        loss.backward()
        opt.step()
    seg.eval()
    img, mask = make_scenes(test_x, test_y, 12, rng)
    np.save(os.path.join(OUT, "scenes", "images.npy"), img)
    np.save(os.path.join(OUT, "scenes", "labels.npy"), mask)
    x = torch.from_numpy(img).float().div(255)
    preds = batched(seg, [x]).argmax(1).numpy()
    export(seg, (x[:2],), ["input"], os.path.join(OUT, "segmenter.onnx"), spatial=True)
    miou, _ = miou_percent(mask, preds, 11)
    pixel_acc = float(100.0 * np.mean(mask == preds))
    expected["segmenter"] = {"task": "fashion-scenes", "miou": miou, "pixel_accuracy": pixel_acc}

    # Text: labels 1 for the true pairs (the first five and the hand-made ones), 0 for the swapped.
    vocab = make_vocab(PAIRS)
    with open(os.path.join(OUT, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")
    lookup = {t: i for i, t in enumerate(vocab)}
    pair_labels = [1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0]
    with open(os.path.join(OUT, "pairs.tsv"), "wb") as f:
        for label, (a, b) in zip(pair_labels, PAIRS):
            f.write(b"%d\t%s\t%s\n" % (label, a, b))
    enc = [encode_pair(lookup, a, b, TEXT_LENGTH) for a, b in PAIRS]
    ids = torch.tensor([e[0] for e in enc])
    types = torch.tensor([e[1] for e in enc])
    mask = torch.tensor([e[2] for e in enc])
    labels = np.array(pair_labels)
    for name, with_types in [("text_bert", True), ("text_roberta", False)]:
        model = PairClassifier(len(vocab), with_types)
        args = [ids, mask, types] if with_types else [ids, mask]
        # A few steps towards the labels, so the predictions are not all one class.
        opt = torch.optim.Adam(model.parameters(), lr=0.02)
        for step in range(15):
            loss = nn.functional.cross_entropy(model(*args), torch.from_numpy(labels))
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        names = ["input_ids", "attention_mask", "token_type_ids"] if with_types else ["input_ids", "attention_mask"]
        export(model, tuple(a[:2] for a in args), names, os.path.join(OUT, name + ".onnx"))
        preds = batched(model, args).argmax(1).numpy()
        f1, acc = f1_percent(labels, preds)
        expected[name] = {"task": "manpage-pairs", "f1": f1, "accuracy": acc}

    with open(os.path.join(OUT, "tokenizer_cases.tsv"), "wb") as f:
        for (a, b), (i, t, m) in zip(PAIRS, enc):
            row = [a, b] + [" ".join(map(str, v)).encode() for v in (i, t, m)]
            f.write(b"\t".join(row) + b"\n")
    with open(os.path.join(OUT, "fashion_facts.json"), "w") as f:
        json.dump({"count": int(len(test_x)), "rows": int(test_x.shape[1]), "cols": int(test_x.shape[2]),
                   "first_labels": test_y[:20].tolist(), "class_counts": np.bincount(test_y, minlength=10).tolist(),
                   "pixel_sum_first": int(test_x[0].astype(np.int64).sum()),
                   "pixel_sum_all": int(test_x.astype(np.int64).sum()),
                   "pixel_sum_last": int(test_x[-1].astype(np.int64).sum())}, f)
    scene_labels = np.load(os.path.join(OUT, "scenes", "labels.npy"))
    scene_images = np.load(os.path.join(OUT, "scenes", "images.npy"))
    with open(os.path.join(OUT, "scenes_facts.json"), "w") as f:
        json.dump({"count": int(len(scene_labels)), "class_pixels": np.bincount(scene_labels.reshape(-1), minlength=11).tolist(),
                   "pixel_sum": int(scene_images.astype(np.int64).sum())}, f)
    with open(os.path.join(OUT, "two_members.gz"), "wb") as f:
        f.write(gzip.compress(b"hello ", mtime=0) + gzip.compress(b"world", mtime=0))
    with open(os.path.join(OUT, "metric_cases.json"), "w") as f:
        json.dump(metric_cases(rng), f)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(json.dumps(expected, indent=1))


if __name__ == "__main__":
    main()
