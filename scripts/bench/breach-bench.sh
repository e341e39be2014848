#!/usr/bin/env bash
# Benchmark of the breached-password store (not run in CI: it writes ~5 GB and needs root for the cold runs).
#
#   sudo scripts/bench/breach-bench.sh [N] [DIR]      (default N = 100000000 SHA-1 hashes, DIR = /var/tmp)
#
# 1. Generates a synthetic HIBP SHA-1 download of N hashes (scripts/bench/hibpgen.c, HASH:COUNT CRLF lines,
#    unsorted) with the SHA-1s of 100 known passwords planted in it.
# 2. Imports it with `pwguard hashes import` (time, hashes/s, peak RSS, bytes per hash) and verifies it.
# 3. Known passwords are found, random ones are not (100 each, in-process through `hashes check`).
# 4. Fresh-process `pwguard hashes check` on the big store, warm: median whole-process time beside the same
#    command on a 3-hash store, and the in-process open and hash+lookup times (--timing).
# 5. Cold: `echo 3 > /proc/sys/vm/drop_caches`, then the binary is paged in again by a lookup in the tiny
#    store, then one lookup in the big store is timed (whole process and in-process); median of the runs.
# 6. `pwguard check` with a policy holding length + breached (the big store) vs the same policy without the
#    breached rule, side by side, interleaved, same input (a strong password: the lookup misses).
# The generated file and the store are deleted at the end (the disk is shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000000}
base=${2:-/var/tmp}
cold_runs=${COLD_RUNS:-15}
warm_runs=${WARM_RUNS:-300}
[ "$(id -u)" = 0 ] || { echo "needs root (drop_caches)" >&2; exit 1; }
work=$(mktemp -d "$base/pwguard-breach-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/hibpgen" scripts/bench/hibpgen.c
gcc -O2 -o "$work/spawnbench" scripts/bench/spawnbench.c
bin=$(scripts/build-release.sh | tail -n 1)
now() { echo "${EPOCHREALTIME/./}"; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) cpu, $(free -g | awk '/Mem:/ { print $2 }') GB RAM, $(uname -r); store in $work ($(df -h "$work" | awk 'NR == 2 { print $1 }'))"
echo "pwguard: $bin"

# 1. the download
for i in $(seq 1 100); do printf 'breach-bench-known-%d' "$i" | "$bin" hashes hash --kind sha1; done > "$work/known.txt"
t=$(now)
"$work/hibpgen" "$n" 42 40 "$work/known.txt" > "$work/pwned-passwords-sha1.txt"
echo "generated $n lines ($(du -h "$work/pwned-passwords-sha1.txt" | cut -f1)) in $(ms "$t" "$(now)") ms"

# 2. import
/usr/bin/time -f "import: %e s wall, %M KB peak RSS" "$bin" hashes import --kind sha1 --quiet -o "$work/hibp.pwgs" \
    "$work/pwned-passwords-sha1.txt" 2>&1 | sed 's/^/  /'
rm -f "$work/pwned-passwords-sha1.txt"
"$bin" hashes info "$work/hibp.pwgs" --verify | sed 's/^/  /'
printf '%s\n' 'known-1' 'known-2' 'known-3' | "$bin" hashes import --kind sha1 --plain --quiet -o "$work/tiny.pwgs" > /dev/null

# 3. found / not found
found=0; absent_found=0
for i in $(seq 1 100); do
    rc=0; printf 'breach-bench-known-%d' "$i" | "$bin" hashes check --store "$work/hibp.pwgs" > /dev/null || rc=$?
    if [ "$rc" = 1 ]; then found=$((found + 1)); fi
done
for i in $(seq 1 100); do
    if ! head -c 24 /dev/urandom | base64 | tr -d '\n' | "$bin" hashes check --store "$work/hibp.pwgs" > /dev/null; then
        absent_found=$((absent_found + 1))
    fi
done
echo "known passwords found: $found/100; random passwords reported found: $absent_found/100"

# 4. warm
printf 'breach-bench-known-7' > "$work/known-input"
"$work/spawnbench" -n "$warm_runs" -i "$work/known-input" \
    -- "$bin" hashes check --store "$work/hibp.pwgs" \
    -- "$bin" hashes check --store "$work/tiny.pwgs" | sed 's/^/  /'
for i in $(seq 1 101); do
    printf 'breach-bench-known-%d' "$((i % 100 + 1))" | "$bin" hashes check --timing --store "$work/hibp.pwgs" 2>&1 >/dev/null || true
done | awk '{ print $3 " " $6 }' > "$work/warm-timing"
echo "warm, in-process (median of 101 fresh processes): open $(cut -d' ' -f1 "$work/warm-timing" | median) us," \
     "hash+lookup $(cut -d' ' -f2 "$work/warm-timing" | median) us"

# 5. cold
: > "$work/cold"
for i in $(seq 1 "$cold_runs"); do
    sync; echo 3 > /proc/sys/vm/drop_caches
    printf 'x' | "$bin" hashes check --store "$work/tiny.pwgs" > /dev/null   # page the binary back in
    t=$(now)
    tm=$(printf 'breach-bench-known-%d' "$i" | "$bin" hashes check --timing --store "$work/hibp.pwgs" 2>&1 >/dev/null || true)
    echo "$(ms "$t" "$(now)") $(echo "$tm" | awk '{ print $3 " " $6 }')" >> "$work/cold"
done
echo "cold ($cold_runs runs, caches dropped before each): whole process median $(cut -d' ' -f1 "$work/cold" | median) ms" \
     "(incl. ~1 ms of shell fork/exec); in-process open $(cut -d' ' -f2 "$work/cold" | median) us," \
     "hash+lookup $(cut -d' ' -f3 "$work/cold" | median) us"

# 6. check with vs without the breached rule
policy() {
    cat <<TOML
default_policy = "p"
[stores]
hibp = "$work/hibp.pwgs"
[[policy]]
name = "p"
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "length"
min = 8
TOML
}
policy > "$work/without.toml"
{ policy; printf '[[policy.rule_set.rule]]\nid = "breached"\nstores = ["hibp"]\n'; } > "$work/with.toml"
printf 'Vx9-Kelp-Zorbu-Frimt' > "$work/strong-input"
"$work/spawnbench" -n "$warm_runs" -i "$work/strong-input" \
    -e SAMBA_CPS_ACCOUNT_NAME=maryjones -e "PWGUARD_LOG_SOCKET=$work/no-syslog" \
    -- "$bin" check --config "$work/without.toml" \
    -- "$bin" check --config "$work/with.toml" | sed 's/^/  /'
echo "rows: check without the breached rule | check with it (ratio = with / without)"
