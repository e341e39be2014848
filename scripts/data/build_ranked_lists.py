#!/usr/bin/env python3
"""Write pwguard's ranked word lists (hashes/ranked/*.txt) from pinned, permissively licensed sources.

Usage: build_ranked_lists.py OUTDIR --seclists FILE --scowl DIR
(zxcvbn and faker are imported from the running interpreter; build-ranked-lists.sh pins their versions).

Every list: UTF-8, lower-case, one entry per line, most common first, de-duplicated, no empty lines.
Deterministic: no randomness, every tie broken alphabetically.
"""
import argparse
import importlib
import os
import re
import sys
import unicodedata

PASSWORDS_MAX = int(os.environ.get("PASSWORDS_MAX", "200000"))
SCOWL_MAX_LEVEL = int(os.environ.get("SCOWL_MAX_LEVEL", "70"))

# Faker person locales whose names go into the shipped lists. Every other locale (Nordic, Central and
# Eastern European, Turkish...) is kept OUT on purpose: scripts/bench/quality-bench.sh draws its
# "unseen" names from them, so the benchmark measures names the data has never seen.
FAKER_LOCALES = [
    "en_US", "en", "en_GB", "en_IE", "en_NZ", "en_CA", "en_AU", "en_IN", "en_KE", "en_PK",
    "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CA", "fr_CH", "es_ES", "es_MX", "es_AR", "es_CO",
    "it_IT", "nl_NL", "nl_BE", "pt_PT", "pt_BR", "pl_PL",
]

WORD = re.compile(r"^[a-z]+$")


def fold(s):
    """Lower-case, strip accents (é -> e), drop spaces, hyphens and apostrophes; None unless a-z only."""
    s = unicodedata.normalize("NFKD", s.strip().lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("œ", "oe").replace("ł", "l")
    s = re.sub(r"[\s'\-.’]", "", s)
    return s if WORD.match(s) else None


def uniq(seq):
    seen, out = set(), []
    for x in seq:
        if x and x not in seen:
            seen.add(x)
            out.append(x)
    return out


def interleave(*lists):
    """Merge ranked lists by rank: every list's 1st entry, then every list's 2nd, ..."""
    out = []
    for i in range(max(len(l) for l in lists)):
        for l in lists:
            if i < len(l):
                out.append(l[i])
    return out


def write(path, entries):
    entries = uniq(entries)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for e in entries:
            assert e and e == e.lower() and "\n" not in e and e.strip() == e
            f.write(e + "\n")
    print(f"{os.path.basename(path)}: {len(entries)} entries", file=sys.stderr)
    return entries


def passwords(seclists):
    out = []
    with open(seclists, "rb") as f:
        for raw in f:
            try:
                p = raw.rstrip(b"\r\n").decode("ascii")
            except UnicodeDecodeError:
                continue
            # printable ASCII without spaces; one entry per lower-cased form, at its best rank
            if p and all(0x21 <= ord(c) <= 0x7E for c in p):
                out.append(p.lower())
    return uniq(out)[:PASSWORDS_MAX]


SUFFIXES = ["'s", "s", "es", "ed", "d", "ing", "er", "ers", "est", "ly", "ies", "ied", "ness", "ment", "ments"]


def stem_rank(w, rank):
    """Rank of the best-ranked base word of an inflected form (whooshed -> whoosh), else None."""
    best = None
    for suf in SUFFIXES:
        if not w.endswith(suf) or len(w) - len(suf) < 3:
            continue
        b = w[: -len(suf)]
        cands = [b, b + "e"]
        if suf in ("ies", "ied"):
            cands.append(b + "y")
        if len(b) > 3 and b[-1] == b[-2]:
            cands.append(b[:-1])  # stopped -> stop
        for c in cands:
            r = rank.get(c)
            if r is not None and (best is None or r < best):
                best = r
    return best


def english(fl, scowl):
    """Frequency-ranked words (zxcvbn), merged with SCOWL's size levels.

    zxcvbn keeps a word only in the list where it ranks best, so common words that are also common
    passwords or names (victory, windows) are missing from its English lists. SCOWL level N holds roughly
    the cum(N) most common words (cum = the number of words in levels <= N), so an unranked word of level
    N is placed at rank cum(N): after the frequency-ranked words up to that rank. Within a level, forms of
    frequency-ranked words first (by their base word's rank: whooshed after whoosh), then alphabetically.
    """
    ranked = uniq(w for w in interleave(fl["english_wikipedia"], fl["us_tv_and_film"]) if WORD.match(w))
    rank = {w: i for i, w in enumerate(ranked)}
    levels = [10, 20, 35, 40, 50, 55, 60, 70, 80, 95]
    keyed = [((i, 0, 0, ""), w) for i, w in enumerate(ranked)]
    seen = set(ranked)
    cum = set()
    for lv in (l for l in levels if l <= SCOWL_MAX_LEVEL):
        words = set()
        for variant in ("english", "american", "british"):
            p = os.path.join(scowl, f"{variant}-words.{lv}")
            if not os.path.exists(p):
                continue
            with open(p, encoding="latin-1") as f:
                for line in f:
                    w = line.strip()
                    if w.endswith("'s") or not w:
                        continue
                    w = fold(w)
                    if w:
                        words.add(w)
        cum |= words
        far = len(ranked) + 1
        for w in words - seen:
            keyed.append(((len(cum), 1, stem_rank(w, rank) or far, w), w))
        seen |= words
    return [w for _, w in sorted(keyed)]


def faker_names(locales):
    firsts, lasts = [], []
    for loc in locales:
        try:
            prov = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except ModuleNotFoundError:
            continue

        def ordered(attr):
            v = prov.__dict__.get(attr)
            if v is None:
                for base in prov.__mro__[1:]:
                    if attr in base.__dict__:
                        v = base.__dict__[attr]
                        break
            if v is None or isinstance(v, property):
                return []
            if isinstance(v, dict):  # weighted: by weight, most frequent first
                return [k for k, _ in sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))]
            return list(v)

        f1 = interleave(ordered("first_names_male"), ordered("first_names_female")) or ordered("first_names")
        firsts.append(uniq(fold(x) for x in f1 + ordered("first_names") + ordered("first_names_nonbinary")))
        lasts.append(uniq(fold(x) for x in ordered("last_names")))
    return firsts, lasts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seclists", required=True)
    ap.add_argument("--scowl", required=True)
    a = ap.parse_args()
    from zxcvbn.frequency_lists import FREQUENCY_LISTS as fl

    os.makedirs(a.outdir, exist_ok=True)
    write(os.path.join(a.outdir, "passwords.txt"), passwords(a.seclists))
    write(os.path.join(a.outdir, "english.txt"), english(fl, a.scowl))
    firsts, lasts = faker_names(FAKER_LOCALES)
    census_first = interleave(fl["male_names"], fl["female_names"])
    # zxcvbn keeps a word only in its best-ranked list, so its census lists lack names that are also
    # common passwords (jordan, hunter); faker's en_US lists carry US frequencies (SSA first names, 2000
    # census surnames): merge them with the census ranks, then every locale's list by position.
    assert FAKER_LOCALES[0] == "en_US"
    write(os.path.join(a.outdir, "first-names.txt"),
          interleave([fold(x) for x in census_first], firsts[0]) + interleave(*firsts))
    write(os.path.join(a.outdir, "surnames.txt"),
          interleave([fold(x) for x in fl["surnames"]], lasts[0]) + interleave(*lasts))


if __name__ == "__main__":
    main()
