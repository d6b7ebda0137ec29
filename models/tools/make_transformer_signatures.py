#!/usr/bin/python3
"""Reference signatures of the transformer zoo models, and tiny numeric fixtures.

There is no `transformers` package here, so this file re-implements Hugging Face's BERT and RoBERTa
sequence classifiers module by module (modeling_bert.py / modeling_roberta.py: the same modules,
parameter names, forward order and initialisation), exports each zoo configuration with
torch.onnx.export (opset 17, batch 1, sequence 128, constant folding on) and has edgerun import it and
list its layers after the engine's passes (`edgerun inspect --signature`, models/zoo/layer_signature.h:
every Conv/Gemm/MatMul in graph order with weight and output shapes, fused activation; MACs;
parameters). It writes

- tests/data/zoo/<name>.sig: that signature plus PyTorch's own parameter count (torch_params); the
  ONNX files (BERT-base is 440 MB) are written under /tmp/tzoo and deleted;
- tests/data/zoo/tiny_bert/, tiny_roberta/: a 2-layer, hidden-32 export (model.onnx, the inputs as
  .npy, PyTorch's logits.npy, model.sig) for the numeric check in tests/unit/zoo_transformer_test.cc.

    /usr/bin/python3 models/tools/make_transformer_signatures.py              # all (~5 min)
    /usr/bin/python3 models/tools/make_transformer_signatures.py --only bert  # one
Needs build/tools/edgerun (cmake --build build --target edgerun_cli), or --edgerun PATH.
"""
import argparse
import math
import os
import subprocess

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ZOO_DIR = os.path.join(REPO, "tests", "data", "zoo")
EXPORT_DIR = "/tmp/tzoo"
SEQUENCE = 128
SEED = 20261123

# Hugging Face configs. BERT-small: prajjwal1/bert-small. RoBERTa-tiny: the body of
# haisongzhang/roberta-tiny-cased (4 layers, hidden 512, 8 heads, FFN 2048) with RoBERTa-base's
# byte-level BPE embeddings (vocab 50265, 514 positions, padding_idx 1, one token type).
BERT = dict(roberta=False, vocab=30522, max_pos=512, type_vocab=2, eps=1e-12)
ROBERTA = dict(roberta=True, vocab=50265, max_pos=514, type_vocab=1, eps=1e-5)
CONFIGS = {
    "bert": dict(BERT, hidden=768, layers=12, heads=12, ffn=3072),
    "roberta": dict(ROBERTA, hidden=768, layers=12, heads=12, ffn=3072),
    "bert-student": dict(BERT, hidden=512, layers=4, heads=8, ffn=2048),
    "roberta-student": dict(ROBERTA, hidden=512, layers=4, heads=8, ffn=2048),
}
# Tiny members of both families for the numeric check (small enough to commit).
TINY = {
    "tiny_bert": dict(BERT, vocab=32, max_pos=24, hidden=32, layers=2, heads=4, ffn=32),
    "tiny_roberta": dict(ROBERTA, vocab=32, max_pos=24, hidden=32, layers=2, heads=4, ffn=32),
}
PAD_ID = 1  # RoBERTa's <pad>


# ----------------------------------------------------------------------------------------------
# Hugging Face modules (eval mode: dropout is the identity and is left out)
# ----------------------------------------------------------------------------------------------

class Embeddings(nn.Module):
    """BertEmbeddings / RobertaEmbeddings: word + token type + absolute position, LayerNorm."""

    def __init__(self, c):
        super().__init__()
        self.roberta = c["roberta"]
        self.word_embeddings = nn.Embedding(c["vocab"], c["hidden"], padding_idx=PAD_ID if self.roberta else 0)
        self.position_embeddings = nn.Embedding(c["max_pos"], c["hidden"],
                                                padding_idx=PAD_ID if self.roberta else None)
        self.token_type_embeddings = nn.Embedding(c["type_vocab"], c["hidden"])
        self.LayerNorm = nn.LayerNorm(c["hidden"], eps=c["eps"])
        self.register_buffer("position_ids", torch.arange(c["max_pos"]).expand((1, -1)))
        self.register_buffer("token_type_ids", torch.zeros((1, c["max_pos"]), dtype=torch.long))

    def forward(self, input_ids, token_type_ids=None):
        batch, seq = input_ids.size()
        if self.roberta:
            # create_position_ids_from_input_ids
            mask = input_ids.ne(PAD_ID).int()
            position_ids = (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + PAD_ID
        else:
            position_ids = self.position_ids[:, :seq]
        if token_type_ids is None:
            token_type_ids = self.token_type_ids[:, :seq].expand(batch, seq)
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.LayerNorm(embeddings)


class SelfAttention(nn.Module):
    """BertSelfAttention (absolute positions, no cache)."""

    def __init__(self, c):
        super().__init__()
        self.heads, self.head_size = c["heads"], c["hidden"] // c["heads"]
        self.query = nn.Linear(c["hidden"], c["hidden"])
        self.key = nn.Linear(c["hidden"], c["hidden"])
        self.value = nn.Linear(c["hidden"], c["hidden"])

    def transpose_for_scores(self, x):
        x = x.view(x.size()[:-1] + (self.heads, self.head_size))
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        mixed_query_layer = self.query(hidden_states)
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        query_layer = self.transpose_for_scores(mixed_query_layer)
        scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        scores = scores / math.sqrt(self.head_size)
        scores = scores + attention_mask
        probs = F.softmax(scores, dim=-1)
        context = torch.matmul(probs, value_layer).permute(0, 2, 1, 3).contiguous()
        return context.view(context.size()[:-2] + (self.heads * self.head_size,))


class AddNorm(nn.Module):
    """BertSelfOutput / BertOutput: dense, residual, LayerNorm."""

    def __init__(self, c, d_in):
        super().__init__()
        self.dense = nn.Linear(d_in, c["hidden"])
        self.LayerNorm = nn.LayerNorm(c["hidden"], eps=c["eps"])

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = SelfAttention(c)
        self.output = AddNorm(c, c["hidden"])

    def forward(self, x, mask):
        return self.output(self.self(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden"], c["ffn"])

    def forward(self, x):
        return F.gelu(self.dense(x))  # hidden_act "gelu": the exact (erf) GELU


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = AddNorm(c, c["ffn"])

    def forward(self, x, mask):
        x = self.attention(x, mask)
        return self.output(self.intermediate(x), x)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList(Layer(c) for _ in range(c["layers"]))

    def forward(self, x, mask):
        for layer in self.layer:
            x = layer(x, mask)
        return x


class Pooler(nn.Module):
    """BertPooler; RobertaClassificationHead.dense is the same dense + tanh on the first token."""

    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden"], c["hidden"])

    def forward(self, hidden_states):
        return torch.tanh(self.dense(hidden_states[:, 0]))


class Model(nn.Module):
    """BertModel (with pooler) or RobertaModel (add_pooling_layer=False)."""

    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)
        self.pooler = None if c["roberta"] else Pooler(c)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        x = self.embeddings(input_ids, token_type_ids)
        # get_extended_attention_mask (the -10000 of transformers 4.x before 4.21)
        mask = attention_mask[:, None, None, :].to(dtype=x.dtype)
        mask = (1.0 - mask) * -10000.0
        return self.encoder(x, mask)


class BertForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = Model(c)
        self.classifier = nn.Linear(c["hidden"], 2)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.classifier(self.bert.pooler(self.bert(input_ids, attention_mask, token_type_ids)))


class RobertaClassificationHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden"], c["hidden"])
        self.out_proj = nn.Linear(c["hidden"], 2)

    def forward(self, features):
        return self.out_proj(torch.tanh(self.dense(features[:, 0, :])))


class RobertaForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.roberta = Model(c)
        self.classifier = RobertaClassificationHead(c)

    def forward(self, input_ids, attention_mask):
        return self.classifier(self.roberta(input_ids, attention_mask))


def build(c, std=0.02):
    """BertPreTrainedModel._init_weights: N(0, std) weights, zero biases, the padding row zeroed."""
    torch.manual_seed(SEED)
    model = (RobertaForSequenceClassification if c["roberta"] else BertForSequenceClassification)(c)
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            m.weight.data.normal_(0.0, std)
        if isinstance(m, nn.Linear):
            m.bias.data.zero_()
        if isinstance(m, nn.Embedding) and m.padding_idx is not None:
            m.weight.data[m.padding_idx].zero_()
        if isinstance(m, nn.LayerNorm):
            m.weight.data.fill_(1.0)
            m.bias.data.zero_()
    return model.eval()


def input_names(c):
    return ["input_ids", "attention_mask"] + ([] if c["roberta"] else ["token_type_ids"])


def example_inputs(c, batch, seq, gen):
    """[CLS]/<s> a [SEP] b [SEP] then padding; the last sequence of the batch is padded more."""
    ids = torch.randint(3, c["vocab"], (batch, seq), generator=gen)
    mask = torch.ones(batch, seq, dtype=torch.int64)
    real = [seq - 2] + [seq // 2] * (batch - 1)
    for b, n in enumerate(real):
        mask[b, n:] = 0
        ids[b, n:] = PAD_ID if c["roberta"] else 0
    ids[:, 0] = 0 if c["roberta"] else 2
    if c["roberta"]:
        return [ids, mask]
    types = torch.zeros(batch, seq, dtype=torch.int64)
    for b, n in enumerate(real):
        types[b, n // 2:n] = 1
    return [ids, mask, types]


def export(model, c, inputs, path):
    torch.onnx.export(model, tuple(inputs), path, opset_version=17, input_names=input_names(c),
                      output_names=["logits"], do_constant_folding=True)


# ----------------------------------------------------------------------------------------------
# Signatures: edgerun imports the export and lists its layers after the engine's passes
# ----------------------------------------------------------------------------------------------

def distinct_weights(model, gen, std):
    """Every parameter random: the exporter merges equal initializers (the all-ones LayerNorm scales,
    the zero biases), which would skew edgerun's parameter count of the import."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(std * torch.randn(p.shape, generator=gen))


def edgerun_signature(edgerun, onnx_path, name, c, params, shape, sig_path):
    tmp_sig = onnx_path + ".sig"
    subprocess.run([edgerun, "inspect", onnx_path, "--signature", tmp_sig], check=True, stdout=subprocess.DEVNULL)
    with open(tmp_sig) as f:
        body = f.read()
    os.remove(tmp_sig)
    head = (f"# {name}: HF {'Roberta' if c['roberta'] else 'Bert'}ForSequenceClassification, layers {c['layers']}, "
            f"hidden {c['hidden']}, heads {c['heads']}, ffn {c['ffn']}, vocab {c['vocab']}; torch {torch.__version__}\n"
            f"# exported to ONNX opset 17, imported by edgerun and passed through the engine's passes:\n"
            f"# models/tools/make_transformer_signatures.py. 'params' is edgerun's count of the import.\n"
            f"input {shape}\ntorch_params {params}\n")
    with open(sig_path, "w") as f:
        f.write(head + body)
    return int(body.split("\n")[1].split()[1])


def make_zoo_signature(name, edgerun):
    c = CONFIGS[name]
    model = build(c)
    params = sum(p.numel() for p in model.parameters())
    gen = torch.Generator().manual_seed(SEED)
    distinct_weights(model, gen, 0.02)
    os.makedirs(EXPORT_DIR, exist_ok=True)
    path = os.path.join(EXPORT_DIR, f"{name}.onnx")
    with torch.no_grad():
        export(model, c, example_inputs(c, 1, SEQUENCE, gen), path)
    del model
    macs = edgerun_signature(edgerun, path, name, c, params, f"1x{SEQUENCE}", os.path.join(ZOO_DIR, f"{name}.sig"))
    os.remove(path)
    print(f"{name}: {params} parameters, {macs / 1e9:.3f} GMAC at L={SEQUENCE}")


def make_tiny_fixture(name, edgerun):
    """Wider weights than BERT's 0.02 and random LayerNorm affines, so attention is not uniform and a
    wrong op shows in the logits."""
    c = TINY[name]
    model = build(c, std=0.15)
    gen = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.bias.data.copy_(0.05 * torch.randn(m.bias.shape, generator=gen))
            if isinstance(m, nn.LayerNorm):
                m.weight.data.copy_(0.8 + 0.4 * torch.rand(m.weight.shape, generator=gen))
                m.bias.data.copy_(0.1 * torch.randn(m.bias.shape, generator=gen))
    inputs = example_inputs(c, 2, 16, gen)
    with torch.no_grad():
        logits = model(*inputs)
    out_dir = os.path.join(ZOO_DIR, name)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "model.onnx")
    export(model, c, inputs, path)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    for n, t in zip(input_names(c), inputs):
        np.save(os.path.join(out_dir, f"{n}.npy"), t.numpy().astype("<i8"))
    np.save(os.path.join(out_dir, "logits.npy"), logits.numpy().astype("<f4"))
    params = sum(p.numel() for p in model.parameters())
    edgerun_signature(edgerun, path, name, c, params, "x".join(map(str, inputs[0].shape)),
                      os.path.join(out_dir, "model.sig"))
    print(f"{name}: {params} parameters, logits {logits.numpy().ravel()}")


def main():
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="zoo or tiny names to make (default: all)")
    parser.add_argument("--edgerun", default=os.path.join(REPO, "build", "tools", "edgerun"),
                        help="the edgerun CLI (with inspect --signature) that computes the signatures")
    args = parser.parse_args()
    names = args.only or list(CONFIGS) + list(TINY)
    os.makedirs(ZOO_DIR, exist_ok=True)
    for name in names:
        if name in CONFIGS:
            make_zoo_signature(name, args.edgerun)
        elif name in TINY:
            make_tiny_fixture(name, args.edgerun)
        else:
            raise SystemExit(f"unknown name {name}; known: {', '.join(list(CONFIGS) + list(TINY))}")


if __name__ == "__main__":
    main()
