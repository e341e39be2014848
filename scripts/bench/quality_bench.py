#!/usr/bin/env python3
"""pwguard's quality benchmark: weak- and strong-by-construction passwords, four checkers, one run.

Run through scripts/bench/quality-bench.sh (it installs the checkers and a venv with zxcvbn and faker).
    quality_bench.py --pwguard LABEL=BIN[:CONFIG]... --cracklib-dict DICT --out DIR [--weak N] [--strong N] [--seed S] [--jobs J]

Corpora (the source words each construction starts from; docs/quality.md describes them):
  dev, held-out  the lists pwguard's strength data is built from (hashes/ranked/), each source word sent
                 to one half by a keyed hash; tune on dev, judge on held-out.
  unseen         lists the data is NOT built from: John the Ripper's password.lst and Nmap's
                 passwords.lst, cracklib's word list (cracklib-small), and names from the faker locales
                 scripts/data/build_ranked_lists.py leaves out.
Everything is deterministic for a given --seed. Synthetic passwords only: they are written to DIR.
"""
import argparse
import concurrent.futures
import hashlib
import hmac
import importlib
import os
import pkgutil
import random
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "data"))
from build_ranked_lists import FAKER_LOCALES, fold  # noqa: E402  (same folding as the shipped names)

RANKED = os.path.join(ROOT, "hashes", "ranked")
SPLIT_KEY = b"pwguard-quality-bench-split-1"
YEARS = [str(y) for y in range(1970, 2031)]
RECENT = [str(y) for y in range(2015, 2031)]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december", "spring", "summer", "autumn", "fall", "winter"]
SUFFIXES = ["1!", "2024!", "123#", "1", "12", "123", "1234", "12345", "!", "1@", "!1", "#1", "01", "007",
            "99", "69!", "11!", "22", "321!", "!!", "1?", "1*", "@1", "$1", "2!", "7", "9", "13", "77", "88",
            "100", "123!", "123@", "1234!", "2023!", "2025!", "2026!", "2024", "2025", "@2024", "#2025"]
SEPARATORS = ["", ".", "-", "_", "!", "@", "#", "+", "*", "&"]
LEET = {"a": "@4", "e": "3", "i": "1!", "o": "0", "s": "$5", "t": "7", "l": "1", "g": "9", "b": "8"}

# US keyboard, unshifted and shifted, by row; columns are the diagonals people walk (1qaz, 2wsx...).
ROWS = ["1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./"]
SHIFT = dict(zip("1234567890-=qwertyuiop[]asdfghjkl;'zxcvbnm,./",
                 "!@#$%^&*()_+QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>?"))


def split_of(word):
    return "dev" if hmac.new(SPLIT_KEY, word.encode(), hashlib.sha256).digest()[0] < 128 else "held-out"


def windows_complex(pw):
    """Windows complexity's character part: 3 of upper, lower, digit, other."""
    return sum([any(c.isupper() for c in pw), any(c.islower() for c in pw),
                any(c.isdigit() for c in pw), any(not c.isalnum() for c in pw)]) >= 3


def read_list(path, limit=None):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.strip()
            if not w or w.startswith("#!comment"):
                continue
            out.append(w.lower())
            if limit and len(out) >= limit:
                break
    return out


def letters(words, lo, hi):
    seen, out = set(), []
    for w in words:
        if lo <= len(w) <= hi and w.isascii() and w.isalpha() and w not in seen:
            seen.add(w)
            out.append(w)
    return out


def common_passwords(words, lo=4, hi=12):
    """Passwords worth transforming: start with a letter, at least 3 letters, printable ASCII."""
    seen, out = set(), []
    for w in words:
        if (lo <= len(w) <= hi and w.isascii() and w[0].isalpha() and sum(c.isalpha() for c in w) >= 3
                and all(0x21 <= ord(c) <= 0x7E for c in w) and w not in seen):
            seen.add(w)
            out.append(w)
    return out


def unseen_faker_names():
    import faker.providers.person as person
    firsts, lasts = [], []
    for m in sorted(pkgutil.iter_modules(person.__path__), key=lambda m: m.name):
        if m.name in FAKER_LOCALES or not m.ispkg:
            continue
        prov = importlib.import_module(f"faker.providers.person.{m.name}").Provider
        for attr, dst in (("first_names_male", firsts), ("first_names_female", firsts), ("first_names", firsts),
                          ("last_names", lasts)):
            v = getattr(prov, attr, None)
            if v is None or isinstance(v, property):
                continue
            dst.extend(x for x in (fold(n) for n in v) if x)
    return letters(firsts, 3, 12), letters(lasts, 3, 12)


def load_corpora():
    """{corpus: {pool: [words]}} for dev, held-out and unseen."""
    pw = common_passwords(read_list(os.path.join(RANKED, "passwords.txt"), 20000))[:10000]
    en = read_list(os.path.join(RANKED, "english.txt"))
    words = letters(en[:100000], 4, 12)
    deep = letters(en[60000:], 5, 9)
    names = letters(read_list(os.path.join(RANKED, "first-names.txt")) +
                    read_list(os.path.join(RANKED, "surnames.txt")), 3, 12)
    corpora = {}
    for split in ("dev", "held-out"):
        pick = lambda ws: [w for w in ws if split_of(w) == split]  # noqa: E731
        corpora[split] = {"password": pick(pw), "word": pick(words), "name": pick(names), "deep": pick(deep)}
    john = read_list("/usr/share/john/password.lst")
    nmap = read_list("/usr/share/nmap/nselib/data/passwords.lst")
    crack = read_list("/usr/share/dict/cracklib-small")
    # "uncommon": not among the 30,000 most frequent words or passwords, nor the 5,000 commonest names
    frequent = set(en[:30000]) | set(read_list(os.path.join(RANKED, "passwords.txt"), 30000)) \
        | set(read_list(os.path.join(RANKED, "first-names.txt"), 5000)) \
        | set(read_list(os.path.join(RANKED, "surnames.txt"), 5000))
    firsts, lasts = unseen_faker_names()
    first_set = set(firsts)
    corpora["unseen"] = {
        "password": common_passwords(john + nmap),
        "word": letters(crack, 4, 12),
        "name": firsts + [n for n in lasts if n not in first_set],
        "deep": [w for w in letters(crack, 5, 9) if w not in frequent],
    }
    # sample from sorted pools: the sets then depend on which words a pool holds, not on their ranks
    return {c: {p: sorted(ws) for p, ws in pools.items()} for c, pools in corpora.items()}


def cap(w):
    return w[:1].upper() + w[1:]


def leet(r, w):
    chosen = {c: r.choice(LEET[c]) for c in sorted(set(w)) if c in LEET and r.random() < 0.75}
    s = "".join(chosen.get(c, c) for c in w)
    if r.random() < 0.7:
        s = cap(s)
    return s + (r.choice(["", "1", "!", "1!", "123"]) if r.random() < 0.6 else "")


def keyboard_walks():
    cols = ["".join(row[i] for row in ROWS) for i in range(10)]  # 1qaz, 2wsx, ... 0p;/
    out = set()
    shifts = lambda k: [[False] * k, [i % 2 == 0 for i in range(k)], [i % 2 == 1 for i in range(k)],  # noqa: E731
                        [i == 0 for i in range(k)], [i == k - 1 for i in range(k)]]
    for k in (2, 3, 4):
        for s in range(0, 11 - k):
            for depth in (3, 4):
                for pattern in shifts(k):
                    for rev in (False, True):
                        parts = []
                        for j in range(k):
                            c = cols[s + j][:depth]
                            if rev and j == 0:
                                c = c[::-1]  # zaq1 2wsx
                            parts.append("".join(SHIFT[x] for x in c) if pattern[j] else c)
                        out.add("".join(parts))
    for r, row in enumerate(ROWS[:3]):
        for s in range(0, len(row) - 4):
            for n in (4, 5, 6, 7, 8):
                run = row[s:s + n]
                if len(run) < n:
                    continue
                for suf in ("1", "12", "123", "1!", "123!", "!@#", "1234", "!", "@1", "#1", "2024!"):
                    out.add(cap(run) + suf)
                    out.add(run + suf)
                    out.add("".join(SHIFT[x] for x in run[:4]) + run[4:] + suf)
    for s in range(0, 7):  # 1q2w3e4r, q1w2e3r4 and their shifted forms
        for n in (4, 5, 6):
            pairs = [(ROWS[0][s + i], ROWS[1][s + i]) for i in range(n) if s + i < 10]
            a = "".join(d + l for d, l in pairs)
            b = "".join(l + d for d, l in pairs)
            for w in (a, b):
                out.add(w)
                out.add(cap(w) if w[0].isalpha() else w[0] + w[1].upper() + w[2:])
                out.add(w + "!")
    for a, b in (("1234", "qwer"), ("qwer", "1234"), ("1234", "asdf"), ("asdf", "1234"), ("qwer", "asdf"),
                 ("!@#$", "qwer"), ("!@#$", "QWER"), ("qwer", "ASDF"), ("zxcv", "1234"), ("12345", "qwert")):
        for w in (a + b, cap(a) + b, a + cap(b), "".join(SHIFT.get(x, x) for x in a) + b):
            out.add(w)
            out.add(w + "!")
    return sorted(w for w in out if len(w) >= 8 and windows_complex(w))


CONSTRUCTIONS = [  # (name, weight, pools it may draw from)
    ("cap+suffix", 20, ("password", "word", "name")),
    ("leetspeak", 12, ("password", "word", "name")),
    ("caps+year", 7, ("password", "word", "name")),
    ("reversed+1!", 6, ("password", "word", "name")),
    ("doubled", 9, ("password", "word", "name")),
    ("repeated", 5, ("password", "word", "name")),
    ("keyboard", 10, ()),
    ("word@year", 5, ("password", "word")),
    ("month+year", 4, ()),
    ("name+birthyear", 10, ("name",)),
    ("prefix", 5, ("password", "word", "name")),
    ("word@123", 7, ("password", "word", "name")),
]


def weak_one(r, how, pools, walks):
    name, _, sources = how
    pool = r.choice(sources) if sources else ("keyboard" if name == "keyboard" else "month")
    w = r.choice(pools[pool]) if sources else None
    return pool, build(r, name, w, walks)


def build(r, name, w, walks):
    if name == "cap+suffix":
        return cap(w) + r.choice(SUFFIXES)
    if name == "leetspeak":
        return leet(r, w)
    if name == "caps+year":
        return w.upper() + r.choice(RECENT) + r.choice(["!", "#", "@", "$", "*", ".", "?"])
    if name == "reversed+1!":
        return cap(w[::-1]) + r.choice(["1!", "1!", "1", "123", "!"])
    if name == "doubled":
        sep = r.choice(SEPARATORS)
        return cap(w) + sep + (cap(w) if r.random() < 0.8 else w) + r.choice(["1", "7", "!", "1!", "12", "2024"])
    if name == "repeated":
        return cap(w) + w * r.choice([2, 3]) + r.choice(["1", "9", "!", "1!"]) if r.random() < 0.3 \
            else cap(w) * r.choice([3, 4]) + r.choice(["1", "9", "!", "1!"])
    if name == "keyboard":
        return r.choice(walks)
    if name == "word@year":
        return cap(w) + r.choice(["@", "#", "!", "_", ".", ""]) + r.choice(RECENT) + r.choice(["", "!"])
    if name == "month+year":
        m = r.choice(MONTHS)
        return (cap(m) if r.random() < 0.8 else m.upper()) + r.choice(["", "@", "#", "_"]) + r.choice(RECENT) \
            + r.choice(["!", "!", "#", "", "$"])
    if name == "name+birthyear":
        y = r.choice(YEARS[:41])  # 1970..2010
        return cap(w) + r.choice([y, y, y[2:], "%02d%02d" % (r.randint(1, 28), r.randint(1, 12)), y + "!", "@" + y])
    if name == "prefix":
        return r.choice(["1", "123", "!", "2024", "#1", "@"]) + cap(w) + r.choice(["", "!", "1", "#"])
    if name == "word@123":
        return cap(w) + r.choice(["@", "#", "!", "$", "_", "."]) + r.choice(["123", "1", "12", "1234", "321", "01"])
    raise ValueError(name)


def weak_set(r, pools, walks, n):
    names = list(CONSTRUCTIONS)
    weights = [c[1] for c in CONSTRUCTIONS]
    out, seen = [], set()
    while len(out) < n:
        how = r.choices(names, weights)[0]
        pool, pw = weak_one(r, how, pools, walks)
        # designed to pass naive complexity: keep only what Windows complexity and length >= 8 accept
        if len(pw) >= 8 and windows_complex(pw) and pw not in seen:
            seen.add(pw)
            out.append((how[0], pool, pw))
    return out


PRINTABLE = [chr(c) for c in range(0x21, 0x7F)]  # printable ASCII without space (line-based checkers)


def strong_set(r, deep, n):
    out = []
    while len(out) < n:
        if len(out) % 2 == 0:
            words = [r.choice(deep) for _ in range(4)]
            sep = r.choice(["-", ".", "_", "", "+", "/"])
            if sep == "":
                words = [cap(w) for w in words]
            else:
                i = r.randrange(4)
                words[i] = cap(words[i])
            i = r.randrange(4)
            words[i] += str(r.randint(0, 9))
            pw = sep.join(words)
            how = "4-words"
            if len(pw) > 40:  # passwdqc's default max=40 refuses longer ones: measure strength, not that
                continue
        else:
            pw = "".join(r.choice(PRINTABLE) for _ in range(14))
            how = "14-random"
        out.append((how, "deep" if how == "4-words" else "random", pw))
    return out


# ---- checkers: each takes a list of passwords and returns a list of booleans (accepted) ----

def run_pwguard(binary, config, pws, jobs):
    env = {"PATH": "/usr/bin:/bin", "SAMBA_CPS_ACCOUNT_NAME": "qbench7",
           "PWGUARD_LOG_SOCKET": "/nonexistent/pwguard-quality-bench"}
    argv = [binary, "check"] + (["--config", config] if config else [])
    errors = []

    def one(pw):
        p = subprocess.run(argv, input=pw.encode(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if p.returncode not in (0, 1):
            errors.append(p.returncode)
        return p.returncode == 0

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        res = list(ex.map(one, pws))
    if errors:
        print(f"warning: pwguard check exited {sorted(set(errors))} for {len(errors)} passwords (counted as rejected)",
              file=sys.stderr)
    return res


def run_lines(argv, pws, accepted):
    p = subprocess.run(argv, input="".join(pw + "\n" for pw in pws).encode(), capture_output=True, check=False)
    lines = p.stdout.decode(errors="replace").splitlines()
    if len(lines) != len(pws):
        raise SystemExit(f"{argv[0]}: {len(lines)} answers for {len(pws)} passwords: {p.stderr.decode()[:300]}")
    return [accepted(line, pw) for line, pw in zip(lines, pws)]


def run_pwqcheck(pws):
    return run_lines(["pwqcheck", "-1", "--multi"], pws, lambda line, pw: line == "OK: " + pw)


def run_cracklib(dict_path, pws):
    return run_lines(["cracklib-check", dict_path], pws, lambda line, pw: line == pw + ": OK")


def run_zxcvbn(pws):
    from zxcvbn import zxcvbn
    return [zxcvbn(pw)["score"] >= 3 for pw in pws]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pwguard", action="append", required=True, help="LABEL=BINARY[:CONFIG], repeatable")
    ap.add_argument("--cracklib-dict", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--weak", type=int, default=1500)
    ap.add_argument("--strong", type=int, default=500)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    t0 = time.time()
    corpora = load_corpora()
    walks = keyboard_walks()
    sets = {}
    for corpus, pools in corpora.items():
        cw = walks if corpus == "unseen" else [w for w in walks if split_of(w) == corpus]
        r = random.Random(f"pwguard-quality:{a.seed}:{corpus}")
        sets[corpus] = (weak_set(r, pools, cw, a.weak), strong_set(r, pools["deep"], a.strong))
    with open(os.path.join(a.out, "corpora.tsv"), "w") as f:
        f.write("corpus\tpool\tsize\tin_shipped_lists_pct\n")
        shipped = set()
        for n in ("passwords.txt", "english.txt", "first-names.txt", "surnames.txt"):
            shipped.update(read_list(os.path.join(RANKED, n)))
        for corpus, pools in corpora.items():
            for pool, ws in pools.items():
                pct = 100.0 * sum(w in shipped for w in ws) / max(1, len(ws))
                f.write(f"{corpus}\t{pool}\t{len(ws)}\t{pct:.1f}\n")
        f.write(f"all\tkeyboard-walks\t{len(walks)}\t\n")
    with open(os.path.join(a.out, "passwords.tsv"), "w") as f:
        f.write("corpus\tkind\tconstruction\tsource\tpassword\n")
        for corpus, (weak, strong) in sets.items():
            for kind, items in (("weak", weak), ("strong", strong)):
                for how, pool, pw in items:
                    f.write(f"{corpus}\t{kind}\t{how}\t{pool}\t{pw}\n")

    checkers = []
    for spec in a.pwguard:
        label, _, rest = spec.partition("=")
        binary, _, config = rest.partition(":")
        checkers.append((label, lambda pws, b=binary, c=config: run_pwguard(b, c or None, pws, a.jobs)))
    checkers += [("passwdqc pwqcheck -1", run_pwqcheck),
                 ("cracklib-check", lambda pws: run_cracklib(a.cracklib_dict, pws)),
                 ("zxcvbn score >= 3", run_zxcvbn)]

    results = []  # (checker, corpus, kind, construction, password, accepted, source)
    for label, fn in checkers:
        t = time.time()
        for corpus, (weak, strong) in sets.items():
            items = [("weak",) + x for x in weak] + [("strong",) + x for x in strong]
            verdicts = fn([pw for *_, pw in items])
            results += [(label, corpus, k, how, pw, ok, pool) for (k, how, pool, pw), ok in zip(items, verdicts)]
        print(f"{label}: {time.time() - t:.1f} s", file=sys.stderr)

    corpora_order = list(sets)
    labels = [c[0] for c in checkers]

    def pct(rows, want):
        return 100.0 * sum(r[5] == want for r in rows) / max(1, len(rows))

    with open(os.path.join(a.out, "results.tsv"), "w") as f:
        f.write("checker\tcorpus\tweak_n\tweak_accepted\tweak_accepted_pct\tstrong_n\tstrong_rejected\tstrong_rejected_pct\n")
        for label in labels:
            for corpus in corpora_order:
                w = [r for r in results if r[0] == label and r[1] == corpus and r[2] == "weak"]
                s = [r for r in results if r[0] == label and r[1] == corpus and r[2] == "strong"]
                f.write(f"{label}\t{corpus}\t{len(w)}\t{sum(r[5] for r in w)}\t{pct(w, True):.1f}\t"
                        f"{len(s)}\t{sum(not r[5] for r in s)}\t{pct(s, False):.1f}\n")
    constructions = [c[0] for c in CONSTRUCTIONS] + ["4-words", "14-random"]
    with open(os.path.join(a.out, "constructions.tsv"), "w") as f:
        f.write("checker\tcorpus\tkind\tconstruction\tn\taccepted\taccepted_pct\n")
        for label in labels:
            for corpus in corpora_order:
                for how in constructions:
                    rows = [r for r in results if r[0] == label and r[1] == corpus and r[3] == how]
                    if rows:
                        f.write(f"{label}\t{corpus}\t{rows[0][2]}\t{how}\t{len(rows)}\t{sum(r[5] for r in rows)}\t"
                                f"{pct(rows, True):.1f}\n")
    with open(os.path.join(a.out, "verdicts.tsv"), "w") as f:
        f.write("checker\tcorpus\tkind\tconstruction\tsource\tpassword\taccepted\n")
        for r in results:
            f.write("\t".join(r[:4] + (r[6], r[4])) + f"\t{int(r[5])}\n")

    print()
    print(f"Weak accepted % (lower is better; {a.weak} weak passwords per corpus) and strong rejected % "
          f"({a.strong} strong per corpus), seed {a.seed}:")
    print()
    print("| checker | " + " | ".join(f"{c}: weak accepted | {c}: strong rejected" for c in corpora_order) + " |")
    print("| --- |" + " --- | --- |" * len(corpora_order))
    for label in labels:
        cells = []
        for corpus in corpora_order:
            w = [r for r in results if r[0] == label and r[1] == corpus and r[2] == "weak"]
            s = [r for r in results if r[0] == label and r[1] == corpus and r[2] == "strong"]
            cells += [f"{pct(w, True):.1f} %", f"{pct(s, False):.1f} %"]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    print("Weak accepted % by construction, held-out + unseen together:")
    print()
    print("| construction | n | " + " | ".join(labels) + " |")
    print("| --- | --- |" + " --- |" * len(labels))
    for how in constructions:
        row = []
        n = 0
        for label in labels:
            rows = [r for r in results if r[0] == label and r[1] in ("held-out", "unseen") and r[3] == how]
            n = len(rows)
            row.append(f"{pct(rows, True):.0f} %")
        if n:
            print(f"| {how} | {n} | " + " | ".join(row) + " |")
    print()
    print("Weak accepted % by source list, per corpus (dev / held-out / unseen):")
    print()
    print("| source | " + " | ".join(labels) + " |")
    print("| --- |" + " --- |" * len(labels))
    for pool in ("password", "word", "name", "keyboard", "month"):
        row = []
        for label in labels:
            cells = []
            for corpus in corpora_order:
                rows = [r for r in results if r[0] == label and r[1] == corpus and r[2] == "weak" and r[6] == pool]
                cells.append(f"{pct(rows, True):.0f}")
            row.append(" / ".join(cells) + " %")
        print(f"| {pool} | " + " | ".join(row) + " |")
    print()
    print(f"Results: {a.out}/results.tsv (also constructions.tsv, verdicts.tsv, passwords.tsv, corpora.tsv); "
          f"{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
