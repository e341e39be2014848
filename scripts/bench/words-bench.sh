#!/usr/bin/env bash
# Benchmark (not in CI): word rules against a 1,000,000-word list, as text and compiled
# (`pwguard words compile`). Generates a synthetic list of realistic lengths (pronounceable words of 3-14
# letters, some with digits, a few capitalised), compiles it (time, size), then times whole `pwguard check`
# processes side by side, interleaved in one run (scripts/bench/spawnbench.c): no word rule, then for each of
# dictionary (tolerance 4), fuzzy matching (banned_share: entra's edit-distance-1 search; entra itself also
# needs the directory, so it is left to the lab) and password_dictionary (strip_affixes), the list as text and
# compiled. Reports the added milliseconds per check (median minus the no-word-rule median). deadline_ms is
# set to its maximum, 900: a check with the 1 M text list may still hit it (exit 3), which caps its row.
#
#   scripts/bench/words-bench.sh [WORDS] [RUNS]     (default 1000000 words, 15 runs with text lists, 200 without)
set -euo pipefail
cd "$(dirname "$0")/../.."
words=${1:-1000000}
runs=${2:-15}
work=$(mktemp -d /tmp/pwguard-wordsbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/spawnbench" scripts/bench/spawnbench.c
bin=$(scripts/build-release.sh | tail -n 1)

# a deterministic synthetic list: syllables, lengths 3-14 (most 6-10), ~10% with digits, ~5% capitalised,
# plus a few real words the inputs contain
awk -v n="$words" 'BEGIN {
    srand(4242)
    split("b c d f g h j k l m n p r s t v w z br ch cl cr dr fl gr pl pr sh sl st th tr", on, " ")
    split("a e i o u ai ea ee ie oo ou", nu, " ")
    split("n r s t l m nd st rk ng x", co, " ")
    seen["password"] = 1; seen["summer"] = 1; seen["contoso"] = 1; seen["dragon"] = 1
    print "password"; print "summer"; print "contoso"; print "dragon"
    made = 4
    while (made < n) {
        target = 3 + int(rand() * 6) + int(rand() * 6)
        w = ""
        while (length(w) < target) {
            w = w on[1 + int(rand() * length(on))] nu[1 + int(rand() * length(nu))]
            if (rand() < 0.3) w = w co[1 + int(rand() * length(co))]
        }
        w = substr(w, 1, target)
        if (rand() < 0.10) w = w int(rand() * 100)
        if (rand() < 0.05) w = toupper(substr(w, 1, 1)) substr(w, 2)
        if (w in seen) continue
        seen[w] = 1; print w; made++
    }
}' > "$work/words.txt"
echo "list: $(wc -l < "$work/words.txt") entries, $(du -h "$work/words.txt" | cut -f1) of text;" \
     "lengths: $(awk '{ n[length($0)]++ } END { for (l = 3; l <= 16; l++) if (n[l]) printf "%d:%d%% ", l, n[l] * 100 / NR }' "$work/words.txt")"

t0=$(date +%s.%N)
"$bin" words compile "$work/words.txt" -o "$work/words.pwgw"
t1=$(date +%s.%N)
echo "compile: $(echo "$t1 - $t0" | bc) s wall, index $(du -h "$work/words.pwgw" | cut -f1)" \
     "($(( $(stat -c %s "$work/words.pwgw") / $(wc -l < "$work/words.txt") )) bytes per entry)"

config() {  # NAME LIST RULE-LINES
    cat > "$work/$1.toml" <<TOML
default_policy = "p"
deadline_ms = 900
[lists]
big = "$2"
[[policy]]
name = "p"
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "length"
min = 8
$3
TOML
}
config none "$work/words.txt" ""
for form in text pwgw; do
    file=$work/words.$([ $form = text ] && echo txt || echo pwgw)
    config "dictionary-$form" "$file" $'[[policy.rule_set.rule]]\nid = "dictionary"\nlists = ["big"]\ntolerance = 4\nsubstitution = true\nreversed = true'
    config "fuzzy-$form" "$file" $'[[policy.rule_set.rule]]\nid = "banned_share"\nlists = ["big"]\nmin_term_length = 4'
    config "pwdict-$form" "$file" $'[[policy.rule_set.rule]]\nid = "password_dictionary"\nlists = ["big"]\nstrip_affixes = true\nreversed = true'
done

# short command names in spawnbench's table: run from the work directory
ln -s "$bin" "$work/pwguard"
cd "$work"
bin=./pwguard
env=(-e SAMBA_CPS_ACCOUNT_NAME=maryjones -e "SAMBA_CPS_FULL_NAME=Mary Jones" -e "PWGUARD_LOG_SOCKET=$work/no-syslog")
# the check's deadline is armed at 500 ms before the configuration is read, so a check with the 1 M text list
# ends with cause=deadline; `explain` has no deadline and shows what the text list really costs
textcost() {  # CONFIG
    local t0 t1
    t0=$(date +%s%N)
    ./pwguard explain --config "$1" --account maryjones < input > /dev/null 2>&1 || true
    t1=$(date +%s%N)
    printf '  %-22s explain (no deadline), one run: %d ms\n' "$1" $(( (t1 - t0) / 1000000 ))
}

# the check's own time (duration_ms of its event: configuration, list opening, rules), median of N runs
inproc() {  # CONFIG RUNS
    python3 - "$1" "$2" <<'PY'
import os, re, socket, statistics, subprocess, sys
cfg, runs = sys.argv[1], int(sys.argv[2])
path = os.path.abspath("inproc.sock")
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
env = dict(os.environ, SAMBA_CPS_ACCOUNT_NAME="maryjones", PWGUARD_LOG_SOCKET=path)
data = open("input", "rb").read()
d, errors = [], set()
for _ in range(runs):
    subprocess.run(["./pwguard", "check", "--config", cfg], input=data, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    line = s.recv(65536)
    m = re.search(rb"duration_ms=([0-9.]+)", line)
    if m:
        d.append(float(m.group(1)))
    else:
        errors.add(re.search(rb"cause=(\S+)", line).group(1).decode() if b"cause=" in line else "no duration")
d.sort()
if d:
    print(f"  {cfg:22s} in-process median {statistics.median(d):8.3f} ms   p90 {d[int(len(d) * 0.9)]:8.3f} ms")
if errors:
    print(f"  {cfg:22s} {runs - len(d)} of {runs} runs ended without a decision: {', '.join(sorted(errors))}")
PY
}
for pw in 'Vx9-Kelp-Zorbu-Frimt' 'MyP@ssw0rd2024!' 'Tr0ub4dor&3-horse'; do
    printf '%s' "$pw" > "$work/input"
    echo
    echo "== input: ${#pw} characters"
    echo "-- all side by side ($runs runs each): none | dictionary text, compiled | fuzzy text, compiled | password_dictionary text, compiled"
    ./spawnbench -n "$runs" -w 2 -i input "${env[@]}" \
        -- "$bin" check --config none.toml \
        -- "$bin" check --config dictionary-text.toml \
        -- "$bin" check --config dictionary-pwgw.toml \
        -- "$bin" check --config fuzzy-text.toml \
        -- "$bin" check --config fuzzy-pwgw.toml \
        -- "$bin" check --config pwdict-text.toml \
        -- "$bin" check --config pwdict-pwgw.toml
    echo "-- compiled only (200 runs each): none | dictionary | fuzzy | password_dictionary"
    ./spawnbench -n 200 -w 20 -i input "${env[@]}" \
        -- "$bin" check --config none.toml \
        -- "$bin" check --config dictionary-pwgw.toml \
        -- "$bin" check --config fuzzy-pwgw.toml \
        -- "$bin" check --config pwdict-pwgw.toml
    echo "-- in-process (the event's duration_ms; text lists $runs runs, the others 100)"
    for c in none dictionary-text dictionary-pwgw fuzzy-text fuzzy-pwgw pwdict-text pwdict-pwgw; do
        inproc "$c.toml" "$([ "${c%-text}" = "$c" ] && echo 100 || echo 3)"
    done
    for c in dictionary-text fuzzy-text pwdict-text; do textcost "$c.toml"; done
    for c in none dictionary-text dictionary-pwgw fuzzy-text fuzzy-pwgw pwdict-text pwdict-pwgw; do
        st=0
        SAMBA_CPS_ACCOUNT_NAME=maryjones PWGUARD_LOG_SOCKET="$work/no-syslog" \
            "$bin" check --config "$c.toml" < "$work/input" > /dev/null 2>&1 || st=$?
        printf '%-16s exit %s\n' "$c" "$st"
    done
done
echo
echo "Added ms per check = a row's median minus the first row's (no word rule). Exit 0 accepted, 1 rejected."
