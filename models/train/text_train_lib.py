"""Data, training loop, metrics, ONNX export, record.json and the edgerun cross-check for text models."""
import json
import math
import os
import random
import subprocess
import tempfile
import time

import numpy as np
import onnx
import torch
from torch import nn

import text_tokenizer as tok

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(REPO, "models", "data", "manpage_pairs")
TRAINED = os.path.join(REPO, "models", "trained")


class Split:
    """One TSV split encoded at L=128: ids, types, mask int64 [N,128], labels int64 [N]."""

    def __init__(self, vocab, name, rows=None):
        self.vocab = vocab
        self.rows = rows if rows is not None else tok.read_tsv(os.path.join(DATA, name + ".tsv"))
        rows = self.rows
        enc = [tok.encode_pair(vocab, s, d) for _, s, d in rows]
        self.ids = torch.tensor([e[0] for e in enc])
        self.types = torch.tensor([e[1] for e in enc])
        self.mask = torch.tensor([e[2] for e in enc])
        self.labels = torch.tensor([r[0] for r in rows])

    def resampled(self, seed):
        """The same positives, each summary's negative description drawn afresh (from the positives)."""
        rng = random.Random(seed)
        pos = [(s, d) for label, s, d in self.rows if label == 1]
        rows = []
        for i, (s, d) in enumerate(pos):
            j = rng.randrange(len(pos) - 1)
            rows += [(1, s, d), (0, s, pos[j + (j >= i)][1])]
        return Split(self.vocab, None, rows)

    def __len__(self):
        return len(self.labels)

    def batch(self, idx, trim):
        """Inputs for rows idx. trim: cut the padding columns no row uses. Padding keys get -10000 in
        attention and positions are absolute, so real tokens' outputs are the same as at L=128."""
        ids, types, mask = self.ids[idx], self.types[idx], self.mask[idx]
        if trim:
            t = int(mask.sum(1).max())
            ids, types, mask = ids[:, :t], types[:, :t], mask[:, :t]
        return ids, types, mask


def run_model(model, ids, types, mask):
    if model.config.roberta:
        return model(ids, mask)
    return model(ids, mask, types)


@torch.no_grad()
def logits_of(model, split, full_length=True, batch=200):
    model.eval()
    out = []
    for i in range(0, len(split), batch):
        idx = torch.arange(i, min(i + batch, len(split)))
        out.append(run_model(model, *split.batch(idx, trim=not full_length)))
    return torch.cat(out)


def metrics(logits, labels):
    pred = logits.argmax(1)
    tp = int(((pred == 1) & (labels == 1)).sum())
    fp = int(((pred == 1) & (labels == 0)).sum())
    fn = int(((pred == 0) & (labels == 1)).sum())
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    acc = float((pred == labels).float().mean())
    return {"f1": round(100 * f1, 2), "accuracy": round(100 * acc, 2)}


def length_buckets(split, batch, g, chunk=16):
    """Shuffled batches of similar lengths (less padding to trim): sort each chunk of chunk*batch
    shuffled rows by length, cut it into batches, shuffle the batches."""
    perm = torch.randperm(len(split), generator=g)
    lengths = split.mask.sum(1)
    batches = []
    for i in range(0, len(perm), chunk * batch):
        part = perm[i:i + chunk * batch]
        part = part[torch.argsort(lengths[part], stable=True)]
        batches += [part[j:j + batch] for j in range(0, len(part), batch)]
    return [batches[i] for i in torch.randperm(len(batches), generator=g)]


def match_targets(ids, types):
    """Per token: 1 if the same token id occurs in the other segment (specials and padding excluded),
    and the mask of tokens that count."""
    real = ids > tok.SEP
    same = (ids[:, :, None] == ids[:, None, :]) & (types[:, :, None] != types[:, None, :])
    return (same & real[:, None, :]).any(2).float(), real


def train(model, train_split, dev_split, epochs, lr, seed, batch=32, teacher=None,
          temperature=2.0, after_step=None, warmup=0.1, log=print, match_weight=0.0, resample=False):
    """AdamW, linear warmup then linear decay. teacher (a trained model, run in eval mode): distillation,
    loss = 0.5 * CE + 0.5 * KL(teacher_T || student_T) * T^2. after_step(step, total) runs after each
    optimizer step (pruning masks). match_weight > 0 adds an auxiliary token-level loss during training
    only: a linear probe on the last encoder layer predicts, for every token, whether the same token
    occurs in the other segment (binary cross-entropy). A tiny transformer trained from scratch on 4k
    pairs otherwise sits at chance for thousands of steps before it learns to compare the segments; the
    probe is dropped after training, the exported model is the plain classifier."""
    g = torch.Generator().manual_seed(seed)
    probe = nn.Linear(model.config.hidden, 1) if match_weight else None
    params = list(model.parameters()) + (list(probe.parameters()) if probe else [])
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps_per_epoch = math.ceil(len(train_split) / batch)
    total = epochs * steps_per_epoch
    warm = max(1, int(warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    ce = nn.CrossEntropyLoss()
    step, start, base_split = 0, time.time(), train_split
    for epoch in range(epochs):
        model.train()
        if resample and epoch > 0:  # epoch 0 is train.tsv as committed
            train_split = base_split.resampled(seed * 1000 + epoch)
        total_loss = 0.0
        for idx in length_buckets(train_split, batch, g):
            ids, types, mask = train_split.batch(idx, trim=True)
            labels = train_split.labels[idx]
            if probe is not None:
                hidden = model.encode(ids, mask, None if model.config.roberta else types)
                logits = model.head(hidden)
                target, real = match_targets(ids, types)
                match_loss = nn.functional.binary_cross_entropy_with_logits(
                    probe(hidden).squeeze(-1)[real], target[real])
            else:
                logits = run_model(model, ids, types, mask)
            loss = ce(logits, labels)
            if teacher is not None:
                with torch.no_grad():
                    teacher_logits = run_model(teacher.eval(), ids, types, mask)
                t = temperature
                kl = nn.functional.kl_div(nn.functional.log_softmax(logits / t, 1),
                                          nn.functional.softmax(teacher_logits / t, 1),
                                          reduction="batchmean")
                loss = 0.5 * loss + 0.5 * kl * t * t
            if probe is not None:
                loss = loss + match_weight * match_loss
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            if after_step is not None:
                after_step(step, total)
            total_loss += float(loss) * len(idx)
        dev = metrics(logits_of(model, dev_split, full_length=False), dev_split.labels)
        log(f"  epoch {epoch + 1}/{epochs} loss {total_loss / len(train_split):.4f} dev {dev} "
            f"{time.time() - start:.0f}s")
    return time.time() - start


def export_onnx(model, path, opset=17):
    """Export at L=128 with a symbolic batch dim "N"."""
    model.eval()
    n, t = 2, model.config.seq_len
    ids = torch.full((n, t), tok.PAD, dtype=torch.long)
    ids[:, :5] = torch.tensor([tok.CLS, 10, tok.SEP, 11, tok.SEP])
    mask = (ids != tok.PAD).long()
    types = torch.zeros_like(ids)
    if model.config.roberta:
        args, names = (ids, mask), ["input_ids", "attention_mask"]
    else:
        args, names = (ids, mask, types), ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(model, args, path, input_names=names, output_names=["logits"],
                      dynamic_axes={**{k: {0: "N"} for k in names}, "logits": {0: "N"}},
                      opset_version=opset, do_constant_folding=True)


def update_record(folder, base, variant, entry):
    """Merge one variant into folder/record.json (base: the top-level fields)."""
    path = os.path.join(folder, "record.json")
    rec = json.load(open(path)) if os.path.exists(path) else {}
    rec.update(base)
    rec.setdefault("variants", {})[variant] = entry
    order = ["fp32", "qat", "pruned"]
    rec["variants"] = {k: rec["variants"][k] for k in sorted(rec["variants"], key=order.index)}
    with open(path, "w") as f:
        json.dump(rec, f, indent=2)
        f.write("\n")


def edgerun_check(onnx_path, split, torch_logits, rows=8):
    """Run the ONNX file with build/tools/edgerun on the first rows of split; max |diff| vs PyTorch."""
    cli = os.path.join(REPO, "build", "tools", "edgerun")
    if not os.path.exists(cli):
        return None
    with tempfile.TemporaryDirectory() as d:
        args = []
        names = {"input_ids": split.ids, "attention_mask": split.mask, "token_type_ids": split.types}
        inputs = [i.name for i in onnx.load(onnx_path, load_external_data=False).graph.input]
        for name in inputs:
            np.save(os.path.join(d, name + ".npy"), names[name][:rows].numpy())
            args += ["-i", f"{name}={os.path.join(d, name + '.npy')}"]
        subprocess.run([cli, "run", onnx_path, *args, "-o", d], check=True, capture_output=True)
        out = torch.from_numpy(np.load(os.path.join(d, "logits.npy")))
    return float((out - torch_logits[:rows]).abs().max())
