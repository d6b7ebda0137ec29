#!/usr/bin/python3
"""Write models/data/manpage_pairs/tokenizer_fixture.tsv: pairs encoded by text_tokenizer.py at L=128
against models/trained/bert/vocab.txt, for the C++ tokenizer's test. One line per pair:
"summary<TAB>description<TAB>input_ids<TAB>token_type_ids<TAB>attention_mask" (space-separated ints).
The file is UTF-8 (fields hold multi-byte characters, control bytes and DEL, never TAB or newline).

    /usr/bin/python3 models/train/text_fixture.py
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import text_tokenizer as tok  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(REPO, "models", "data", "manpage_pairs")

EDGE_CASES = [
    ("", ""),                                          # both empty
    ("   ", "\x01\x02\x7f"),                           # only spaces, control bytes and DEL
    ("list directory contents", ""),                   # empty description
    ("", "ls lists information about the FILEs."),     # empty summary
    ("Ls \u2014 LIST Directory", "caf\u00e9 na\u00efve \u4e2d\u6587 \u00fcber-tool"),  # non-ASCII
    ("C++ ==> a->b; x!=y", "!!!...??? (([[{{}}]])) $@#%^&*~`|\\/<>'\""),  # punctuation runs
    ("v2.38.1 ipv6 x86_64", "0x7FFF 1e-12 3.14159 10,000 2023-02-05 123abc abc123"),  # digits
    ("MiXeD CaSe ABC", "HTTP/1.1 GET; UTF-8 \u00c9T\u00c9"),
    ("word" * 50, "a"),                                # one very long token
    ("short summary", " ".join(f"word{i}" for i in range(300))),  # long description: b truncated
    (" ".join(["the"] * 200), "the file"),             # long summary: a truncated
    (" ".join(["a"] * 100), " ".join(["b"] * 100)),    # both long: drop from b on ties
    (" ".join(["x"] * 62), " ".join(["y"] * 63)),      # exactly fits: 62 + 63 + 3 = 128
    (" ".join(["x"] * 63), " ".join(["y"] * 63)),      # one over: b loses one (equal lengths)
    ("tab\u00a0nbsp\u2003emspace", "zero\u200bwidth"),  # non-ASCII spaces split tokens
    ("unknownzzqqtoken xyzzy", "qwertyuiopasdf the"),  # [UNK]
]


def main():
    vocab = tok.load_vocab(os.path.join(REPO, "models", "trained", "bert", "vocab.txt"))
    rows = tok.read_tsv(os.path.join(DATA, "test.tsv"))
    picked = random.Random(0).sample(rows, 14)
    pairs = EDGE_CASES + [(s, d) for _, s, d in picked]
    with open(os.path.join(DATA, "tokenizer_fixture.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for s, d in pairs:
            assert "\t" not in s + d and "\n" not in s + d and "\r" not in s + d
            enc = tok.encode_pair(vocab, s, d)
            f.write("\t".join([s, d] + [" ".join(map(str, x)) for x in enc]) + "\n")
    print(f"{len(pairs)} pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
