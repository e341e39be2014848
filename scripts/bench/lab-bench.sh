#!/usr/bin/env bash
# Benchmark on a real Samba AD DC (the lab, on loopback), as root:
#  1. one `pwguard check` as a whole process, side by side with `pwqcheck -1` (interleaved, same input):
#     the embedded default policy (no directory), and a policy with a group filter, which makes pwguard
#     look the user up over the DC's privileged ldapi socket (user + tokenGroups + group names);
#  2. 50 consecutive `samba-tool user setpassword` with no check password script, then with pwguard
#     (the policy with the lookup): the overhead a real change sees, as a ratio.
#
#   scripts/bench/lab-bench.sh [RUNS]      (default 200)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-200}
[ "$(id -u)" = 0 ] || { echo "needs root (it starts a Samba AD DC in a private namespace)" >&2; exit 1; }
export LAB=${LAB:-/var/tmp/pwguard-bench}
. scripts/lab/lab-env.sh
bin=$(scripts/build-release.sh | tail -n 1)
tools=$(mktemp -d /tmp/pwguard-labbench.XXXXXX)
gcc -O2 -o "$tools/spawnbench" scripts/bench/spawnbench.c
trap 'scripts/lab/dc-down.sh >/dev/null 2>&1 || true; rm -rf "$tools"' EXIT
scripts/lab/dc-up.sh > /dev/null
mkdir -p "$LAB/bin" && cp -f "$bin" "$LAB/bin/pwguard"
lab_group_add BenchOuter >/dev/null; lab_group_add BenchInner >/dev/null
lab_group_addmembers BenchOuter BenchInner >/dev/null
lab_user_add benchuser 'Init-Qw7-Plomb-Nm-1' >/dev/null
lab_group_addmembers BenchInner benchuser >/dev/null
cat > "$LAB/lookup.toml" <<TOML
default_policy = "Everyone"
[directory]
private_dir = "$LAB_PRIVATE_DIR"
[[policy]]
name = "Outer"
priority = 1
[policy.applies_to]
groups = { block = ["BenchOuter"] }
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "windows_complexity"
[[policy.rule_set.rule]]
id = "length"
min = 12
[[policy.rule_set.rule]]
id = "password_dictionary"
[[policy]]
name = "Everyone"
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "length"
min = 8
TOML
"$LAB/bin/pwguard" config check "$LAB/lookup.toml" >/dev/null
printf 'Vx9-Kelp-Zorbu-Frimt' | SAMBA_CPS_ACCOUNT_NAME=benchuser PWGUARD_LOG_SOCKET=/nonexistent "$LAB/bin/pwguard" check --config "$LAB/lookup.toml" 2>&1 | grep -q 'policy=Outer.*directory=ok' \
    || { echo "the lookup policy did not resolve benchuser's nested group" >&2; exit 1; }
printf 'Vx9-Kelp-Zorbu-Frimt' > "$LAB/input"
echo "== one check as a whole process, $runs runs each, interleaved (input: a strong 20-character password)"
"$tools/spawnbench" -n "$runs" -i "$LAB/input" -e SAMBA_CPS_ACCOUNT_NAME=benchuser -e PWGUARD_LOG_SOCKET=/nonexistent \
    -- pwqcheck -1 \
    -- "$LAB/bin/pwguard" check \
    -- "$LAB/bin/pwguard" check --config "$LAB/lookup.toml"
echo "rows: pwqcheck | pwguard, embedded default (no directory) | pwguard with a group filter (ldapi lookup)"

setpw_loop() {   # setpw_loop TAG: 50 consecutive changes; prints seconds
    local t0 t1 i
    t0=$(date +%s.%N)
    for i in $(seq 1 50); do
        pw_setpassword_local benchuser "Kx7-Vorn-Plim-$i-$1" || {
            echo "setpassword $i failed: $LAB_OUT" >&2
            echo "pwguard's last events:" >&2; tail -n 3 "$LAB/events.log" >&2 2>/dev/null
            exit 1
        }
    done
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}
lab_pwsettings --history-length=0 >/dev/null
echo
echo "== 50 consecutive samba-tool user setpassword (local), no script vs pwguard (lookup policy)"
lab_use_cps "" >/dev/null
none=$(setpw_loop Qa)
lab_use_cps "exec cat >/dev/null" >/dev/null   # a script must read stdin: /bin/true makes Samba fail the change
trivial=$(setpw_loop Qt)
rm -f "$LAB/log.sock" "$LAB/events.log"
setsid python3 Tests/integration/fixtures/log-listener.py "$LAB/log.sock" "$LAB/events.log" "$$" </dev/null >/dev/null 2>&1 &
sleep 0.3
lab_use_cps "PWGUARD_LOG_SOCKET=$LAB/log.sock exec $LAB/bin/pwguard check --config $LAB/lookup.toml" >/dev/null
with=$(setpw_loop Qb)
lookups=$(sed -n 's/.* lookup_ms=\([0-9.]*\).*/\1/p' "$LAB/events.log" | sort -n)
[ -n "$lookups" ] && echo "directory lookup inside the script (lookup_ms of the events): median $(echo "$lookups" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms, max $(echo "$lookups" | tail -n 1) ms over $(echo "$lookups" | wc -l) changes"
printf 'script "exec cat >/dev/null": %.2f s (%.1f ms per change): what Samba itself adds for running any script\n' "$trivial" "$(echo "$trivial * 20" | bc -l)"
printf 'no script: %.2f s (%.1f ms per change)\nwith pwguard: %.2f s (%.1f ms per change)\nratio: %.3fx\n' \
    "$none" "$(echo "$none * 20" | bc -l)" "$with" "$(echo "$with * 20" | bc -l)" "$(echo "$with / $none" | bc -l)"
printf 'pwguard vs cat as the script: %.3fx\n' "$(echo "$with / $trivial" | bc -l)"
