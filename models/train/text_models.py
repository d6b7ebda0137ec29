"""Mini BERT and RoBERTa (the same architecture as BERT-base / RoBERTa-base, scaled down).

Post-LN encoder layers, exact (erf) GELU, learned absolute positions, additive attention mask (-10000
on padding keys, as BERT). BERT: token-type embeddings, pooler dense+tanh on [CLS], 2-class classifier.
RoBERTa: no token-type input (a single type embedding, as RoBERTa's type_vocab_size=1), positions
counted from padding_idx+1 over non-padding tokens, head dense+tanh+out_proj on the first token.
"""
import dataclasses
import math

import torch
from torch import nn

PAD_ID = 0


@dataclasses.dataclass
class Config:
    vocab_size: int
    hidden: int = 128
    layers: int = 4
    heads: int = 4
    ffn: int = 512
    seq_len: int = 128
    roberta: bool = False
    dropout: float = 0.1


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.head_dim = c.heads, c.hidden // c.heads
        self.query = nn.Linear(c.hidden, c.hidden)
        self.key = nn.Linear(c.hidden, c.hidden)
        self.value = nn.Linear(c.hidden, c.hidden)
        self.output = nn.Linear(c.hidden, c.hidden)
        self.drop = nn.Dropout(c.dropout)

    def split(self, x):
        n, t, _ = x.shape
        return x.reshape(n, t, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, mask_bias):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask_bias
        ctx = torch.matmul(self.drop(torch.softmax(scores, dim=-1)), v)
        n, _, t, _ = ctx.shape
        return self.output(ctx.transpose(1, 2).reshape(n, t, self.heads * self.head_dim))


class EncoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = SelfAttention(c)
        self.attention_norm = nn.LayerNorm(c.hidden, eps=1e-12)
        self.intermediate = nn.Linear(c.hidden, c.ffn)
        self.ffn_output = nn.Linear(c.ffn, c.hidden)
        self.output_norm = nn.LayerNorm(c.hidden, eps=1e-12)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x, mask_bias):
        x = self.attention_norm(x + self.drop(self.attention(x, mask_bias)))
        h = self.ffn_output(nn.functional.gelu(self.intermediate(x)))
        return self.output_norm(x + self.drop(h))


class TextClassifier(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden, padding_idx=PAD_ID)
        # RoBERTa's positions start at padding_idx + 1, so its table has padding_idx + 1 extra rows.
        positions = c.seq_len + PAD_ID + 1 if c.roberta else c.seq_len
        self.position_embeddings = nn.Embedding(positions, c.hidden)
        self.token_type_embeddings = nn.Embedding(1 if c.roberta else 2, c.hidden)
        self.embedding_norm = nn.LayerNorm(c.hidden, eps=1e-12)
        self.drop = nn.Dropout(c.dropout)
        self.layers = nn.ModuleList([EncoderLayer(c) for _ in range(c.layers)])
        self.pooler = nn.Linear(c.hidden, c.hidden)  # RoBERTa: classification head's dense
        self.classifier = nn.Linear(c.hidden, 2)     # RoBERTa: out_proj
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.bias)
        if isinstance(m, nn.Embedding) and m.padding_idx is not None:
            nn.init.zeros_(m.weight[m.padding_idx])

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        return self.head(self.encode(input_ids, attention_mask, token_type_ids))

    def head(self, x):
        """Logits from the last layer's first token: BERT pooler or RoBERTa classification head."""
        pooled = torch.tanh(self.pooler(self.drop(x[:, 0]) if self.config.roberta else x[:, 0]))
        return self.classifier(self.drop(pooled))

    def encode(self, input_ids, attention_mask, token_type_ids=None):
        """The last encoder layer's output [N, T, hidden]."""
        t = input_ids.shape[1]
        if self.config.roberta:
            not_pad = (input_ids != PAD_ID).long()
            position_ids = torch.cumsum(not_pad, dim=1) * not_pad + PAD_ID
            types = self.token_type_embeddings.weight[0]
        else:
            position_ids = torch.arange(t, device=input_ids.device).unsqueeze(0)
            types = self.token_type_embeddings(token_type_ids)
        x = self.word_embeddings(input_ids) + self.position_embeddings(position_ids) + types
        x = self.drop(self.embedding_norm(x))
        mask_bias = (1.0 - attention_mask.to(x.dtype))[:, None, None, :] * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())
