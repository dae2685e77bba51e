#!/usr/bin/env python3
"""Rewrites the last domain group of assets/vocabulary.json: every other word a reader looks for.

The typo corrector only corrects a word into a domain word, so a reader's word missing from the
vocabulary is never reached through a typo ("mnus three dB" stays unread). This script collects the
words of four letters or more that the readers of src/assistant/understand/ spell out in their
string literals (tests left out) and that the curated groups do not hold, and writes them as the
last group ("everyday": false). Left out:
- a reader's own spelling of a typo ("regae", "amonut"): it keeps being corrected to the word;
- a curated word with another ending ("sounds" beside "sound"): it keeps being folded into it.

Run it after changing the readers, then scripts/english_words.py (the dictionary words near the
new domain words), then retrain the scorer (DAIW_RETRAIN=1, see tests/understand_model.rs):

    python3 scripts/reader_words.py && python3 scripts/english_words.py
"""

import glob
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOCABULARY = os.path.join(ROOT, "assets", "vocabulary.json")
READERS = os.path.join(ROOT, "src", "assistant", "understand", "*.rs")

# Readers' spellings of typos (they match the typo itself); corrected to the word they mean.
READER_TYPOS = set(
    "hafl harmonys harmoniz harmonis griev euphori titels robott sould happpy sloww barrs "
    "vulnerab neosoul regae menor minore mayor reverbe robo amonut ammount duble folow humaniz "
    "humanis remov chang seren".split()
)

ABOUT = (
    "Every other word a reader looks for, after the groups above so that their words win a tie "
    "(written by scripts/reader_words.py from the readers' own words). Left out: a reader's "
    "spelling that is itself a near miss of a word above (it keeps being corrected to that "
    "word), and a word above with another ending ('sounds', 'setting'), which keeps being "
    "folded into it. Real English words near any of these are kept from correction by "
    "english_words.json. Not everyday words: a name made of them ('Lil Baby', 'Stevie Wonder') "
    "is still a name."
)


def common_prefix(a, b):
    """How many first letters two words share."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def same_stem(word, curated):
    """Whether `word` is a curated word with another ending (vocab.rs's `same_stem`, loosened to
    either way round): four letters or more shared, at most three after them."""
    return any(
        common_prefix(word, c) >= 4 and common_prefix(word, c) + 3 >= max(len(word), len(c))
        for c in curated
    )


def reader_words():
    """The words of the readers' string literals, in file order (tests left out)."""
    seen = []
    for path in sorted(glob.glob(READERS)):
        if path.endswith("_tests.rs") or path.endswith("vocab.rs"):
            continue
        with open(path, encoding="utf-8") as f:
            source = f.read().split("#[cfg(test)]")[0]
        for literal in re.findall(r'"([a-z][a-z \'-]*)"', source):
            for word in re.split(r"[ -]", literal):
                if len(word) >= 4 and word.isalpha() and word not in seen:
                    seen.append(word)
    return seen


def main():
    with open(VOCABULARY, encoding="utf-8") as f:
        vocabulary = json.load(f)
    groups = [g for g in vocabulary["domain"] if g.get("everyday", True)]
    curated = {w for g in groups for w in g["words"]}
    english = set(vocabulary["english"])
    words = sorted(
        w
        for w in reader_words()
        if w not in curated
        and w not in english
        and w not in READER_TYPOS
        and not same_stem(w, curated)
    )
    groups.append({"about": ABOUT, "everyday": False, "words": words})
    vocabulary["domain"] = groups
    with open(VOCABULARY, "w", encoding="utf-8") as f:
        json.dump(vocabulary, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(words)} reader words in the last group of {VOCABULARY}")


if __name__ == "__main__":
    main()
