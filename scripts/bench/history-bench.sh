#!/usr/bin/env bash
# Password history on a real Samba AD DC (the lab, on loopback), as root. Everything side by side in one run:
#  1. `pwguard check` as a whole process with the history rule at depth 1, 24 and 100 (the password checked is
#     each user's OLDEST one, so every record is compared), interleaved with the same check without history
#     (same directory lookup): wall time (flat across depths is the goal) and the history/Argon2 share;
#  2. the same at depth 1 for several Argon2id parameter sets (OWASP's list and the issue's two), to choose the
#     default;
#  3. the logon freeze: `kinit` latency for an unrelated user while another user's password changes in a loop
#     (samba-tool, local), with no script, with pwguard without history, and with pwguard with history.
#
#   scripts/bench/history-bench.sh [RUNS]      (default 40)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-40}
[ "$(id -u)" = 0 ] || { echo "needs root (it starts a Samba AD DC in a private namespace)" >&2; exit 1; }
export LAB=${LAB:-/var/tmp/pwguard-hbench}
. scripts/lab/lab-env.sh
bin=${PWGUARD:-$(scripts/build-release.sh | tail -n 1)}
tools=$(mktemp -d /tmp/pwguard-hbench.XXXXXX)
gcc -O2 -o "$tools/spawnbench" scripts/bench/spawnbench.c
trap 'scripts/lab/dc-down.sh >/dev/null 2>&1 || true; rm -rf "$tools"' EXIT
mkdir -p "$LAB/bin" && cp -f "$bin" "$LAB/bin/pwguard"
PG="$LAB/bin/pwguard"
OLD='Bench-Oldest-Pass-1'

# config NAME HISTORY-RULE-LINES [HISTORY-SECTION-LINES]: a policy needing the directory (givenName rule)
config() {
    cat > "$LAB/$1.toml" <<TOML
deadline_ms = 900
default_policy = "p"
[directory]
private_dir = "$LAB_PRIVATE_DIR"
[history]
confirm_timeout_seconds = 10
${3:-}
[[policy]]
name = "p"
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "length"
min = 8
[[policy.rule_set.rule]]
id = "given_name"
${2:-}
TOML
    "$PG" config check "$LAB/$1.toml" > /dev/null
}
HIST=$'[[policy.rule_set.rule]]\nid = "history"\ncount = 100'
config nohist ""
config hist "$HIST"
PGCPS="PWGUARD_LOG_SOCKET=/nonexistent exec $PG check --config $LAB/current.toml"
cp "$LAB/hist.toml" "$LAB/current.toml"
echo "== starting the lab DC with schema and pwguard (history, count 100) as the check password script"
CPS="$PGCPS" scripts/lab/dc-up.sh > /dev/null
L env SMB_CONF="$LAB_SMBCONF" samba-examples/schema/load-schema.sh "$LAB_SAMLDB"
sleep 2

adduser() {   # adduser USER PW [ARGS]: samba-tool user create, retried (the first lookups after a start can be slow)
    local i
    for i in 1 2 3; do
        lab_user_add "$@" --use-username-as-cn > /dev/null && return 0
        echo "create $1 (try $i): $LAB_OUT" >&2; sleep 1
    done
    return 1
}
hcount() {
    LT ldapsearch -LLL -o ldif-wrap=no -x -H "$LAB_LDAPI_PRIV_URL" -b "$LAB_BASE_DN" "(sAMAccountName=$1)" pwguardPasswordHistory \
        | grep -c '^pwguardPasswordHistory:' || true
}
hwait() { for _ in $(seq 1 100); do [ "$(hcount "$1")" -ge "$2" ] && return 0; sleep 0.1; done; echo "$1: no $2 records" >&2; return 1; }
reset() {   # reset USER PW: an administrator's LDAP reset (the script runs)
    printf 'dn: %s\nchangetype: modify\nreplace: unicodePwd\nunicodePwd:: %s\n-\n' "$(lab_dn_of "$1")" "$(unipwd "$2")" | lab_ldapmodify
}
echo "== building histories of depth 1, 24 and 100 (the oldest password is $OLD for each)"
for d in 1 24 100; do
    adduser "hb$d" "$OLD" --given-name=Quokka
    hwait "hb$d" 1
    for i in $(seq 2 "$d"); do reset "hb$d" "Bench-$d-Pass-$i-x"; hwait "hb$d" "$i"; done
    echo "hb$d: $(hcount "hb$d") records"
done
printf '%s' "$OLD" > "$LAB/input"
echo
echo "== 1. one check as a whole process, $runs runs each, interleaved; every history check ends in a match on the oldest record"
"$tools/spawnbench" -n "$runs" -i "$LAB/input" -e PWGUARD_LOG_SOCKET=/nonexistent \
    -- env SAMBA_CPS_ACCOUNT_NAME=hb100 "$PG" check --config "$LAB/nohist.toml" \
    -- env SAMBA_CPS_ACCOUNT_NAME=hb1 "$PG" check --config "$LAB/hist.toml" \
    -- env SAMBA_CPS_ACCOUNT_NAME=hb24 "$PG" check --config "$LAB/hist.toml" \
    -- env SAMBA_CPS_ACCOUNT_NAME=hb100 "$PG" check --config "$LAB/hist.toml"
echo "rows: no history rule (same lookup) | history depth 1 | depth 24 | depth 100"
for d in 1 24 100; do
    printf '%s' "$OLD" | SAMBA_CPS_ACCOUNT_NAME="hb$d" PWGUARD_LOG_SOCKET=/nonexistent "$PG" check --config "$LAB/hist.toml" 2>&1 \
        | grep -o 'history_records=[0-9]* argon2=[0-9]* argon2_ms=[0-9.]*' | sed "s/^/depth $d: /" || true
done

echo
echo "== 2. Argon2id parameter sets (depth 1, one computation each), $runs runs each, interleaved"
sets=("19456 2 1" "12288 3 1" "9216 4 1" "7168 5 1" "47104 1 1" "65536 3 1")
cmds=()
for s in "${sets[@]}"; do
    read -r m t p <<< "$s"
    config "p-$m-$t" "$HIST" "argon2_memory_kib = $m
argon2_iterations = $t
argon2_parallelism = $p"
    cp "$LAB/p-$m-$t.toml" "$LAB/current.toml"
    adduser "hp$m" "$OLD" --given-name=Quokka
    hwait "hp$m" 1
    cmds+=(-- env SAMBA_CPS_ACCOUNT_NAME="hp$m" "$PG" check --config "$LAB/hist.toml")
done
cp "$LAB/hist.toml" "$LAB/current.toml"
"$tools/spawnbench" -n "$runs" -i "$LAB/input" -e PWGUARD_LOG_SOCKET=/nonexistent "${cmds[@]}"
echo "rows (m KiB, t, p): ${sets[*]}"

echo
echo "== 3. logon freeze: kinit latency of an unrelated user while another user's password changes in a loop"
adduser hbk 'Kinit-User-Pass-1'
adduser hbload 'Load-User-Pass-0' --given-name=Quokka
kinit_series() {   # kinit_series LABEL: 40 kinits, median / p95 / max in ms
    local out=() i t0 t1
    for i in $(seq 1 40); do
        t0=${EPOCHREALTIME/./}
        printf 'Kinit-User-Pass-1\n' | LAB_KRB5CCNAME=MEMORY:hb LT kinit "hbk@$LAB_REALM" > /dev/null 2>&1
        t1=${EPOCHREALTIME/./}
        out+=($(( (t1 - t0) / 1000 )))
        sleep 0.05
    done
    printf '%s\n' "${out[@]}" | sort -n | awk -v l="$1" '{a[NR]=$1} END {printf "%-34s kinit median %d ms, p95 %d ms, max %d ms (n=%d)\n", l, a[int(NR/2)+1], a[int(NR*0.95)], a[NR], NR}'
}
load_loop() {   # changes hbload's password until killed
    local i=0
    while :; do i=$((i + 1)); L samba-tool user setpassword hbload --newpassword="Load-User-Pass-$i-$RANDOM" -s "$LAB_SMBCONF" > /dev/null 2>&1; done
}
kinit_series "no password changes"
for mode in none nohist hist; do
    line=$PGCPS
    if [ "$mode" = none ]; then line=""; else cp "$LAB/$mode.toml" "$LAB/current.toml"; fi
    scripts/lab/dc-down.sh > /dev/null; CPS="$line" KEEP=1 scripts/lab/dc-up.sh > /dev/null
    load_loop & lp=$!
    sleep 1
    kinit_series "changes looping, script: $mode"
    kill "$lp" 2>/dev/null; wait "$lp" 2>/dev/null || true
    pkill -f "samba-tool user setpassword hbload" 2>/dev/null || true
done
echo "(none = no check password script; nohist = pwguard with the same lookup and no history rule; hist = history count 100)"
