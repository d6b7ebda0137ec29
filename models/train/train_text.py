#!/usr/bin/python3
"""Train, export and record the text surrogates on manpage-pairs (models/data/manpage_pairs).

    /usr/bin/python3 models/train/train_text.py                      # everything, in order
    /usr/bin/python3 models/train/train_text.py --only bert          # one zoo name
    /usr/bin/python3 models/train/train_text.py --only bert --variant qat

Writes models/trained/<name>/{model.onnx,qat.onnx,pruned.onnx,record.json,vocab.txt}. Each run keeps a
PyTorch checkpoint in build/text_checkpoints/ (not committed) that the variants and students start from.
The vocabulary is built from train.tsv (tokens seen >= 2 times) and shared by every text model.
"""
import argparse
import os
import shutil
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import text_models as M          # noqa: E402
import text_tokenizer as tok     # noqa: E402
import text_train_lib as L       # noqa: E402
import text_whitebox as W        # noqa: E402

SEED = 0
# Weight of the auxiliary token-match loss. RoBERTa has no segment input and, at weight 1, memorised the
# training positives (dev accuracy 60%) instead of learning to compare the segments.
MATCH_WEIGHTS = {"roberta": 3.0, "roberta-student": 3.0}
# Pruning fine-tuning epochs; mini RoBERTa fell to chance with 4 (sparsity reaches 90% after 2).
PRUNE_EPOCHS = {"roberta": 12}
CKPT = os.path.join(L.REPO, "build", "text_checkpoints")

# name: architecture, config overrides, epochs, lr, teacher
SPECS = {
    "bert": ("mini BERT: 2 layers, hidden 64, 2 heads, FFN 256 (surrogate of BERT-base)",
             dict(layers=2, hidden=64, heads=2, ffn=256), 15, 1e-3, None),
    "roberta": ("mini RoBERTa: 2 layers, hidden 64, 2 heads, FFN 256 (surrogate of RoBERTa-base)",
                dict(layers=2, hidden=64, heads=2, ffn=256, roberta=True), 30, 1e-3, None),
    "bert-student": ("mini BERT student: 2 layers, hidden 32, 2 heads, FFN 128 (surrogate of BERT-small)",
                     dict(layers=2, hidden=32, heads=2, ffn=128), 15, 2e-3, "bert"),
    "roberta-student": ("mini RoBERTa student: 2 layers, hidden 32, 2 heads, FFN 128 "
                        "(surrogate of RoBERTa-tiny)",
                        dict(layers=2, hidden=32, heads=2, ffn=128, roberta=True), 30, 2e-3, "roberta"),
}
ORDER = ["bert", "roberta", "bert-student", "roberta-student"]
WHITEBOX = ("bert", "roberta")


def vocab_list():
    rows = tok.read_tsv(os.path.join(L.DATA, "train.tsv"))
    return tok.build_vocab([t for _, s, d in rows for t in (s, d)])


def build(name, vocab_size):
    return M.TextClassifier(M.Config(vocab_size=vocab_size, **SPECS[name][1]))


def checkpoint(name, variant="fp32"):
    return os.path.join(CKPT, f"{name}-{variant}.pt")


def load_trained(name, vocab_size):
    path = checkpoint(name)
    if not os.path.exists(path):
        sys.exit(f"{path} missing: run --only {name} --variant fp32 first")
    model = build(name, vocab_size)
    model.load_state_dict(torch.load(path))
    return model


def finish(name, variant, model, seconds, epochs, how, data, extra=None):
    """Export, measure on the full test split at L=128, cross-check with edgerun, record."""
    folder = os.path.join(L.TRAINED, name)
    file = {"fp32": "model.onnx", "qat": "qat.onnx", "pruned": "pruned.onnx"}[variant]
    path = os.path.join(folder, file)
    L.export_onnx(model, path)
    if variant == "pruned":
        want = len(W.encoder_linears(model))
        got = W.onnx_block_sparse_weights(path)
        if got != want:
            sys.exit(f"{path}: {got} weights with 4x1 block sparsity >= {W.SPARSITY}, expected {want}")
    test_logits = L.logits_of(model, data["test"])
    m = L.metrics(test_logits, data["test"].labels)
    diff = L.edgerun_check(path, data["test"], test_logits)
    print(f"{name} {variant}: test {m}, edgerun max |diff| on 8 test pairs: {diff}", flush=True)
    torch.save(model.state_dict(), checkpoint(name, variant))
    entry = {"file": file, "epochs": epochs, "seed": SEED, "train_seconds": round(seconds, 1),
             "train_samples": len(data["train"]), "metrics": m, "how": how}
    entry.update(extra or {})
    base = {"zoo_name": name, "architecture": SPECS[name][0], "task": "manpage-pairs", "metric": "f1",
            "parameters": M.parameter_count(model)}
    if SPECS[name][4]:
        base["teacher"] = SPECS[name][4]
    L.update_record(folder, base, variant, entry)


def run_fp32(name, vocab, data):
    arch, _, epochs, lr, teacher = SPECS[name]
    torch.manual_seed(SEED)
    model = build(name, len(vocab))
    print(f"{name}: {arch}, {M.parameter_count(model)} parameters", flush=True)
    how = f"AdamW lr {lr} (10% warmup, linear decay), batch 32, weight decay 0.01, dropout 0.1"
    t_model = None
    if teacher:
        t_model = load_trained(teacher, len(vocab))
        how += (f"; distilled from {teacher} (its eval-mode logits): "
                "0.5 * CE + 0.5 * KL(teacher||student) * T^2 at temperature T = 2")
    match_weight = MATCH_WEIGHTS.get(name, 1.0)
    how += f"; auxiliary token-match loss (weight {match_weight}, training only, see text_train_lib.train)"
    how += "; negatives re-drawn every epoch after the first from train.tsv's positives"
    seconds = L.train(model, data["train"], data["dev"], epochs, lr, SEED, teacher=t_model,
                      match_weight=match_weight, resample=True)
    finish(name, "fp32", model, seconds, epochs, how, data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=ORDER)
    ap.add_argument("--variant", choices=["fp32", "qat", "pruned", "all"], default="all")
    a = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(CKPT, exist_ok=True)
    words = vocab_list()
    vocab = {t: i for i, t in enumerate(words)}
    data = {s: L.Split(vocab, s) for s in ("train", "dev", "test")}
    for name in [a.only] if a.only else ORDER:
        folder = os.path.join(L.TRAINED, name)
        os.makedirs(folder, exist_ok=True)
        tok.save_vocab(words, os.path.join(folder, "vocab.txt"))
        start = time.time()
        if a.variant in ("fp32", "all"):
            run_fp32(name, words, data)
        if name in WHITEBOX and a.variant in ("qat", "all"):
            model = load_trained(name, len(words))
            seconds, epochs, how, extra = W.qat(model, data, SEED, MATCH_WEIGHTS.get(name, 1.0))
            finish(name, "qat", model, seconds, epochs, how, data, extra)
        if name in WHITEBOX and a.variant in ("pruned", "all"):
            model = load_trained(name, len(words))
            seconds, epochs, how, extra = W.prune(model, data, SEED, MATCH_WEIGHTS.get(name, 1.0),
                                                PRUNE_EPOCHS.get(name, W.PRUNE_EPOCHS))
            finish(name, "pruned", model, seconds, epochs, how, data, extra)
        print(f"{name}: done in {time.time() - start:.0f}s", flush=True)
    shutil.rmtree(os.path.join(L.REPO, "models", "train", "__pycache__"), ignore_errors=True)


if __name__ == "__main__":
    main()
