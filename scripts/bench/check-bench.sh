#!/usr/bin/env bash
# Benchmark: one `pwguard check` as a whole process, side by side with `pwqcheck -1` (passwdqc) on the
# same input, interleaved in one run. Reports median/p90/p99 wall time, peak RSS and the ratio to pwqcheck.
# Issue target: median <= 1.5x pwqcheck (goal <= 1.0x), peak RSS <= 15 MB.
#
#   scripts/bench/check-bench.sh [RUNS]          (default 300 runs per command)
#
# Also times a fully static "hello" and a --static-swift-stdlib "hello" so the cost of process start-up
# in each link mode is visible beside pwguard's.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-300}
command -v pwqcheck >/dev/null || { echo "pwqcheck missing: apt-get install passwdqc" >&2; exit 1; }
work=$(mktemp -d /tmp/pwguard-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/spawnbench" scripts/bench/spawnbench.c
bin=$(scripts/build-release.sh | tail -n 1)
echo 'if CommandLine.arguments.count > 5 { print("") }' > "$work/hello.swift"
swiftc -O -static-executable "$work/hello.swift" -o "$work/hello-static" 2>/dev/null
swiftc -O -static-stdlib "$work/hello.swift" -o "$work/hello-stdlib" 2>/dev/null
cat > "$work/min.toml" <<'TOML'
default_policy = "p"
[[policy]]
name = "p"
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "length"
min = 8
TOML
echo "pwguard: $bin ($(du -h "$bin" | cut -f1))"
echo "machine: $(nproc) cpu, $(uname -r); pwqcheck from passwdqc $(dpkg-query -W -f='${Version}' passwdqc 2>/dev/null || echo '?')"
for pw in 'Password1' 'Vx9-Kelp-Zorbu-Frimt' 'Maryjones#2024x'; do
    printf '%s' "$pw" > "$work/input"
    echo
    echo "== input: ${#pw} characters ($( [ "$pw" = Vx9-Kelp-Zorbu-Frimt ] && echo strong || echo weak ))"
    "$work/spawnbench" -n "$runs" -i "$work/input" \
        -e SAMBA_CPS_ACCOUNT_NAME=maryjones -e "SAMBA_CPS_FULL_NAME=Mary Jones" -e "PWGUARD_LOG_SOCKET=$work/no-syslog" \
        -- pwqcheck -1 \
        -- "$bin" check \
        -- "$bin" check --config "$work/min.toml" \
        -- "$work/hello-static" \
        -- "$work/hello-stdlib"
done
echo
echo "rows: pwqcheck -1 | pwguard check (embedded default policy) | pwguard check with a one-rule config |"
echo "      Swift hello fully static | Swift hello with --static-swift-stdlib. Ratio = median / pwqcheck's median."

# The strength rule's cost (issue 11): the embedded default side by side with the same policy without its
# strength rule, on a 20-character password and on 1,024-byte adversarial passwords (every character
# ambiguous under substitution, long repeats, keyboard runs), beside pwqcheck -1.
"$bin" config show-default | awk '/^# How many guesses/ { exit } { print }' > "$work/no-strength.toml"
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
cases = {
    "20 characters": "Tr0ub4dor&3Horse!x9Q",
    "1024 x '1' (1, i, l)": "1" * 1024,
    "1024: '@$3!' repeated": "@$3!" * 256,
    "1024: 'P@$$w0rd' x 128": "P@$$w0rd" * 128,
    "1024: keyboard columns": ("1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/" * 26)[:1024],
}
for i, (name, pw) in enumerate(cases.items()):
    open(f"{w}/strength-{i}", "w").write(pw)
    open(f"{w}/strength-{i}.name", "w").write(name)
PY
for f in "$work"/strength-?; do
    echo
    echo "== strength: $(cat "$f.name") ($(wc -c < "$f") bytes)"
    "$work/spawnbench" -n "$runs" -i "$f" \
        -e SAMBA_CPS_ACCOUNT_NAME=maryjones -e "SAMBA_CPS_FULL_NAME=Mary Jones" -e "PWGUARD_LOG_SOCKET=$work/no-syslog" \
        -- pwqcheck -1 \
        -- "$bin" check \
        -- "$bin" check --config "$work/no-strength.toml"
done
echo
echo "strength rows: pwqcheck -1 | pwguard check (embedded default, with strength) | the same policy without strength"
