#!/usr/bin/python3
"""Extract the manpage-pairs task (the MRPC stand-in) from the man pages installed by Debian packages.

For every man page (gzipped roff, man(7) macros; mdoc pages, .so links and symlinks are skipped) take
the NAME section's one-line summary (the text after "\\-") and the first paragraph of DESCRIPTION,
stripped of roff by the small parser below. Pages are deduplicated, split into train/dev/test by page
(no page's text appears in two splits), and each page yields one pair: label 1 = its own description,
label 0 = the description of another page of the same split (half of the negatives "hard": a page
sharing a word of its name, e.g. git-commit / git-push, where one exists). Classes are balanced.

    /usr/bin/python3 models/train/extract_manpage_pairs.py --out models/data/manpage_pairs

The committed TSV files are the dataset; training never reads the man pages.
"""
import argparse
import gzip
import os
import random
import re
import sys

SECTIONS = ["man1", "man2", "man3", "man4", "man5", "man6", "man7", "man8"]
HARD_FRACTION = 0.5      # negatives drawn from a page sharing a word of the name, where one exists
# google-cloud-cli (Google's apt repository, not the Debian archive) installs 16k formulaic gcloud pages
# that would swamp the Debian text; they are left out.
SKIP_PREFIX = ("gcloud",)
MAX_DESC_CHARS = 320      # bounded description: cut at a word boundary
MIN_SUMMARY_WORDS = 2
MAX_SUMMARY_WORDS = 30
MIN_DESC_WORDS = 8

# Named glyphs \(xx and \[xx] that matter for English text; others become nothing.
GLYPHS = {"em": " - ", "en": "-", "hy": "-", "mi": "-", "aq": "'", "dq": '"', "lq": '"', "rq": '"',
          "oq": "'", "cq": "'", "bu": "*", "co": "(c)", "rg": "(R)", "tm": "(TM)", "ga": "`", "ti": "~",
          "ha": "^", "rs": "\\", "ba": "|", "bv": "|", "lh": "", "rh": "", "Fo": "<<", "Fc": ">>",
          "fm": "'", "sd": '"', "pl": "+", "eq": "=", "<=": "<=", ">=": ">=", "mu": "x", "de": " degrees",
          "sl": "/", "ul": "_", "dg": "", "sc": "", "at": "@", "sh": "#", "Do": "$", "lB": "[", "rB": "]",
          "lC": "{", "rC": "}", "la": "<", "ra": ">", "->": "->", "<-": "<-"}
STRINGS = {"R": "(R)", "Tm": "(TM)", "lq": '"', "rq": '"', "Aq": "'", "dq": '"', "C+": "C++", "L\"": '"',
           "R\"": '"', "PI": "pi"}

ESCAPE = re.compile(r"""\\(?:
      \((?P<g2>..)              # \(xx glyph
    | \[(?P<gb>[^\]]*)\]        # \[name] glyph
    | \*\((?P<s2>..)            # \*(xx string
    | \*\[(?P<sb>[^\]]*)\]      # \*[name] string
    | \*(?P<s1>.)               # \*x string
    | f(?:\(..|\[[^\]]*\]|.)    # font change
    | s[+-]?(?:\d\d?|\(\d\d|\[\d+\]|'\d+')   # size change
    | [hvwlLDoHSxZbX](?:'[^']*'|\[[^\]]*\])  # drawing/motion requests with an argument
    | [kzYVMmn](?:\(..|\[[^\]]*\]|.)         # registers, colours, marks
    | (?P<ch>.)                 # one-character escapes
    )""", re.X)
ONE_CHAR = {"-": "-", "e": "\\", "\\": "\\", "&": "", "|": "", "^": "", "c": "", "%": "", " ": " ",
            "0": " ", "~": " ", "'": "'", "`": "`", ".": ".", "t": " ", "/": "", ",": "", ":": "", "}": "",
            "{": "", "!": "", "a": ""}


def unescape(s):
    def rep(m):
        if m.group("g2") is not None:
            return GLYPHS.get(m.group("g2"), "")
        if m.group("gb") is not None:
            return GLYPHS.get(m.group("gb"), "")
        for g in ("s2", "sb", "s1"):
            if m.group(g) is not None:
                return STRINGS.get(m.group(g), "")
        if m.group("ch") is not None:
            return ONE_CHAR.get(m.group("ch"), "")
        return ""
    return ESCAPE.sub(rep, s)


def split_args(s):
    """Macro arguments: whitespace-separated, double quotes group."""
    return [(q if q else w).replace('""', '"') for q, w in re.findall(r'"((?:[^"]|"")*)"?|(\S+)', s)]


FONT_MACROS = {"B", "I", "SM", "SB"}
ALT_MACROS = {"BR", "RB", "BI", "IB", "IR", "RI"}
BREAK_MACROS = {"PP", "P", "LP", "TP", "IP", "HP", "SH", "SS", "sp", "TQ", "RS", "RE", "nf", "EX", "TS",
                "PD", "in", "ti", "de", "ig", "ds", "if", "ie", "el", "Sh"}


def roff_line_text(line):
    """Text of one input line, or None for a paragraph break, or '' for a request without text."""
    if line.startswith(".") or line.startswith("'"):
        m = re.match(r"[.'][ \t]*(\S*)[ \t]*(.*)", line)
        name, rest = m.group(1), m.group(2)
        if name.startswith('\\"') or name == "":
            return ""
        if name in FONT_MACROS:
            return unescape(" ".join(split_args(rest)))
        if name in ALT_MACROS:
            return unescape("".join(split_args(rest)))
        if name in ("UR", "MT", "UE", "ME", "br", "ne", "fi", "ad", "na", "hy", "nh", "ft", "ps", "vs", "ll",
                    "ta", "cs", "ss", "IX", "iX", "ns", "rs"):
            return ""
        if name in BREAK_MACROS:
            return None
        return ""
    if line.strip() == "":
        return None
    return unescape(line)


def clean(text):
    text = "".join(" " if (c in "\t\r\n" or ord(c) < 32) else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def parse_page(raw):
    """(names, summary, first description paragraph) or None."""
    lines = raw.split("\n")
    if any(l.startswith(".so ") for l in lines[:5]) or any(l.startswith(".Sh ") for l in lines):
        return None  # link or mdoc page
    # Join continuation lines (trailing backslash).
    joined, buf = [], ""
    for l in lines:
        if l.endswith("\\") and not l.endswith("\\\\"):
            buf += l[:-1]
            continue
        joined.append(buf + l)
        buf = ""
    section, name_text, desc, in_desc_started, skip_to = None, [], [], False, None
    for l in joined:
        if skip_to is not None:  # inside a macro definition or .ig block
            if re.sub(r"^([.'])\s+", r"\1", l.strip()) == skip_to:
                skip_to = None
            continue
        m = re.match(r"[.']\s*(de|de1|am|ig)\b\s*\S*\s*(\S*)", l)
        if m:
            skip_to = "." + (m.group(2) or ".")
            continue
        m = re.match(r"\.\s*SH\s+(.*)", l)
        if m:
            title = clean(unescape(" ".join(split_args(m.group(1))))).upper()
            if section == "DESCRIPTION":
                break
            section = title
            continue
        if l.startswith(".\\\"") or l.startswith("'\\\""):
            continue
        if section == "NAME":
            t = roff_line_text(l)
            if t:
                name_text.append(t)
        elif section == "DESCRIPTION":
            t = roff_line_text(l)
            if t is None:
                if in_desc_started and len(" ".join(desc).split()) >= MIN_DESC_WORDS:
                    break
                continue
            if t:
                desc.append(t)
                in_desc_started = True
    name_line = clean(" ".join(name_text))
    m = re.match(r"(.*?)\s+-+\s+(.*)", name_line)
    if not m:
        return None
    names = [n.strip() for n in m.group(1).split(",") if n.strip()]
    return names, clean(m.group(2)), clean(" ".join(desc))


def bound(desc):
    if len(desc) <= MAX_DESC_CHARS:
        return desc
    cut = desc[:MAX_DESC_CHARS]
    return cut[:cut.rfind(" ")] if " " in cut else cut


def printable_ascii(s):
    return all(32 <= ord(c) < 127 for c in s)


def collect(root):
    pages, seen_sum, seen_desc = [], set(), set()
    for sec in SECTIONS:
        d = os.path.join(root, sec)
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            path = os.path.join(d, fn)
            if os.path.islink(path) or not fn.endswith(".gz") or fn.startswith(SKIP_PREFIX):
                continue
            try:
                raw = gzip.open(path).read().decode("utf-8", errors="replace")
            except (OSError, EOFError):
                continue
            parsed = parse_page(raw)
            if parsed is None:
                continue
            names, summary, desc = parsed
            desc = bound(desc)
            if len(summary.split()) < MIN_SUMMARY_WORDS or len(desc.split()) < MIN_DESC_WORDS:
                continue
            if not printable_ascii(summary + desc):
                continue  # roff left-overs or non-English pages
            if len(summary.split()) > MAX_SUMMARY_WORDS:
                continue  # NAME sections that run on into other text
            if re.search(r"\\[$*n(\[]|\$\{|@[A-Z_]+@", summary + desc):
                continue  # unstripped escapes or template placeholders
            ks, kd = summary.lower(), desc.lower()
            if ks in seen_sum or kd in seen_desc:
                continue
            seen_sum.add(ks)
            seen_desc.add(kd)
            words = set(w for n in names for w in re.split(r"[-_.:]+", n.lower()) if len(w) >= 3)
            pages.append({"path": os.path.join(sec, fn), "names": names, "words": words,
                          "summary": summary, "desc": desc})
    return pages


def make_pairs(pages, rng):
    """Two pairs per page: (summary, own description, 1) and (summary, other description, 0)."""
    by_word = {}
    for i, p in enumerate(pages):
        for w in sorted(p["words"]):
            by_word.setdefault(w, []).append(i)
    pairs, hard = [], 0
    for i, p in enumerate(pages):
        pairs.append((1, p["summary"], p["desc"]))
        j = i
        if rng.random() < HARD_FRACTION:
            cands = sorted(set(c for w in p["words"] for c in by_word.get(w, []) if c != i))
            if cands:
                j = rng.choice(cands)
                hard += 1
        while j == i:
            j = rng.randrange(len(pages))
        pairs.append((0, p["summary"], pages[j]["desc"]))
    rng.shuffle(pairs)
    return pairs, hard


def owners(man_root):
    """Man page path -> Debian package that installed it (from dpkg's file lists)."""
    own = {}
    info = "/var/lib/dpkg/info"
    for fn in sorted(os.listdir(info)) if os.path.isdir(info) else []:
        if fn.endswith(".list"):
            with open(os.path.join(info, fn), errors="replace") as f:
                for line in f:
                    line = line.strip()
                    if line.startswith(man_root + "/"):
                        own[line[len(man_root) + 1:]] = fn[:-5].split(":")[0]
    return own


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--man-root", default="/usr/share/man")
    ap.add_argument("--out", default="models/data/manpage_pairs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dev-pages", type=int, default=400, help="each page gives 2 pairs")
    ap.add_argument("--test-pages", type=int, default=400, help="train gets all other usable pages")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    pages = collect(a.man_root)
    print(f"usable pages: {len(pages)}", file=sys.stderr)
    sizes = [len(pages) - a.dev_pages - a.test_pages, a.dev_pages, a.test_pages]
    if sizes[0] < 100:
        sys.exit(f"only {len(pages)} usable pages")
    rng.shuffle(pages)
    start = 0
    os.makedirs(a.out, exist_ok=True)
    own = owners(a.man_root)
    sources = []
    for name, n in zip(["train", "dev", "test"], sizes):
        split = pages[start:start + n]
        start += n
        sources += [(name, p["path"], own.get(p["path"], "?")) for p in split]
        pairs, hard = make_pairs(split, rng)
        with open(os.path.join(a.out, name + ".tsv"), "w") as f:
            for label, s, d in pairs:
                f.write(f"{label}\t{s}\t{d}\n")
        pos = sum(p[0] for p in pairs)
        print(f"{name}: {len(pairs)} pairs, {pos} positive, {len(pairs) - pos} negative ({hard} hard)",
              file=sys.stderr)
    with open(os.path.join(a.out, "sources.txt"), "w") as f:
        for row in sources:
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
