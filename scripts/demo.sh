#!/usr/bin/env bash
# demo.sh - pwguard's main job, for real: Samba AD DC runs pwguard on every password change.
#
#   sudo scripts/demo.sh                  # on a fresh Debian 12 machine, from a clone of this repository
#
# 1. installs the Debian packages (scripts/ci/install-deps.sh; SKIP_INSTALL=1 skips it)
# 2. builds pwguard (swift build -c release -Xswiftc -static-executable; Swift 6 on the PATH or in
#    /opt/swift/usr/bin)
# 3. provisions a throw-away Samba AD DC (realm LAB.EXAMPLE) on loopback, in its own network and mount
#    namespace (scripts/lab/), with pwguard and its embedded default policy as check password script
# 4. creates the user maryjones ("Mary Jones") and tries a handful of passwords through real password
#    changes (an administrator's reset with samba-tool and over LDAP, Mary's own change with kpasswd);
#    for each it prints what Samba answered, why pwguard decided so (`pwguard explain`, the password
#    on stdin), and the event pwguard logged
# 5. stops the DC (always, also on error or Ctrl-C)
#
# Environment: LAB (default /var/tmp/pwguard-demo: everything lives there; PURGE=1 removes it at the
# end), KEEP=1 (reuse the domain provisioned by an earlier run: a few seconds faster), SKIP_INSTALL=1,
# PWGUARD=/path/to/pwguard (use that binary instead of building one).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD

now_us() { echo "${EPOCHREALTIME/./}"; }
secs() { local d=$(( $(now_us) - $1 )); printf '%d.%02d' $((d / 1000000)) $(((d / 10000) % 100)); }
T0=$(now_us)

if [ -t 1 ]; then B=$'\e[1m' R=$'\e[31m' G=$'\e[32m' D=$'\e[2m' N=$'\e[0m'; else B='' R='' G='' D='' N=''; fi
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run me as root (sudo $0): the demo installs packages and runs a Samba AD DC in private namespaces"

# ---- 1. packages -----------------------------------------------------------------------------------
step "1/5  Debian packages (scripts/ci/install-deps.sh)"
if [ "${SKIP_INSTALL:-0}" = 1 ]; then
    echo "skipped (SKIP_INSTALL=1)"
else
    scripts/ci/install-deps.sh || die "installing the packages failed; see the output above"
fi

# ---- 2. build --------------------------------------------------------------------------------------
if [ -n "${PWGUARD:-}" ]; then
    step "2/5  pwguard: using PWGUARD=$PWGUARD (not building)"
    [ -x "$PWGUARD" ] || die "PWGUARD=$PWGUARD is not an executable file"
    BIN=$PWGUARD
else
    step "2/5  building pwguard (swift build -c release -Xswiftc -static-executable)"
    command -v swift > /dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
    command -v swift > /dev/null 2>&1 ||
        die "the Swift 6 toolchain is not installed: get it from https://www.swift.org/install/linux/ (on the PATH or in /opt/swift)"
    t=$(now_us)
    build_log=$(mktemp)
    if ! swift build -c release -Xswiftc -static-executable --scratch-path .build-static > "$build_log" 2>&1; then
        tail -n 30 "$build_log" >&2; rm -f "$build_log"; die "build failed"
    fi
    tail -n 1 "$build_log"; rm -f "$build_log"
    BIN=$REPO/.build-static/release/pwguard
    echo "built in $(secs "$t") s: $BIN"
fi

# ---- 3. the DC -------------------------------------------------------------------------------------
export LAB=${LAB:-/var/tmp/pwguard-demo}
# shellcheck source=scripts/lab/lab-env.sh
. "$REPO/scripts/lab/lab-env.sh"
PWG=$LAB/bin/pwguard
SOCK=$LAB/log.sock
EVENTS=$LAB/events.log
LISTENER=''
DC_STARTED=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ "$DC_STARTED" = 1 ] || lab_running; then
        printf '\n%s== stopping the DC%s\n' "$B" "$N"
        PURGE=${PURGE:-0} "$LAB_SCRIPTS/dc-down.sh" || true
    fi
    if [ -n "$LISTENER" ] && [ -e "/proc/$LISTENER" ]; then kill -TERM "$LISTENER" 2>/dev/null || true; fi
    rm -f "$SOCK"
    [ "$rc" = 0 ] || echo "demo: failed (status $rc); the DC's logs are in $LAB/dc/log" >&2
    exit "$rc"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted" >&2; exit 130' INT TERM HUP

step "3/5  a throw-away Samba AD DC on loopback, with pwguard as its check password script"
mkdir -p "$LAB/bin"
cp -f "$BIN" "$PWG.new" && chmod 0755 "$PWG.new" && mv -f "$PWG.new" "$PWG"
if [ -e /etc/pwguard/pwguard.toml ]; then
    echo "note: /etc/pwguard/pwguard.toml exists on this machine, so pwguard uses it instead of its embedded default policy"
fi
# pwguard logs one syslog event per check; here they go to a small listener instead of /dev/log
: > "$EVENTS"
setsid python3 "$REPO/Tests/integration/fixtures/log-listener.py" "$SOCK" "$EVENTS" "$$" \
    < /dev/null > /dev/null 2>&1 &
LISTENER=$!
for _ in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || die "the event listener did not start"

if lab_running; then "$LAB_SCRIPTS/dc-down.sh" > /dev/null; fi      # left over from an interrupted run
CPS="PWGUARD_LOG_SOCKET=$SOCK exec $PWG check"
t=$(now_us)
DC_STARTED=1
if ! CPS=$CPS KEEP=${KEEP:-0} "$LAB_SCRIPTS/dc-up.sh" > "$LAB/demo-dc-up.log" 2>&1; then
    cat "$LAB/demo-dc-up.log" >&2
    die "the DC did not start"
fi
echo "realm LAB.EXAMPLE, DC dc1.lab.example on 127.0.0.2 (private network namespace), files in $LAB"
echo "smb.conf [global]:  check password script = $CPS"
echo "${D}(PWGUARD_LOG_SOCKET only sends pwguard's syslog events to this demo instead of /dev/log; no"
echo " configuration file, so pwguard applies its embedded default policy: \`pwguard config show-default\`)${N}"
echo "DC up in $(secs "$t") s"

# ---- 4. the user and the passwords -------------------------------------------------------------------
USER_NAME=maryjones
FULL_NAME='Mary Jones'
INITIAL='Init-Qw7-Plomb-Mj'
step "4/5  creating $USER_NAME (display name \"$FULL_NAME\")"
if lab_user_exists "$USER_NAME"; then lab_user_del "$USER_NAME" > /dev/null || die "cannot delete the old $USER_NAME"; fi
lab_user_add "$USER_NAME" "$INITIAL" --given-name=Mary --surname=Jones ||
    die "samba-tool user create failed: $LAB_OUT"
echo "samba-tool user create $USER_NAME (its first password went through pwguard too: accepted)"

path_label() {
    case $1 in
        setpassword_local) echo "admin reset, samba-tool user setpassword" ;;
        ldap_reset) echo "admin reset, LDAP unicodePwd over ldaps" ;;
        ldap_change) echo "Mary's own change over LDAP" ;;
        kpasswd) echo "Mary's own change, kpasswd (Kerberos)" ;;
        self_change) echo "Mary's own change, samba-tool user password" ;;
        *) echo "$1" ;;
    esac
}
# the gist of what the client printed when Samba refused
samba_said() {
    printf '%s\n' "$LAB_OUT" | grep -v -E '^(Password for|Enter new password|Enter it again|modifying entry)' |
        sed -E "s/^ERROR(\(ldb\))?: //; s/^ldap_modify: //; s/^[[:space:]]*additional info: //" |
        sed -E "s/.*(0000052D): Constraint violation - check_password_restrictions: (.*[^')>]).*/error \1 (constraint violation): \2/" |
        grep -v '^[[:space:]]*$' | tail -n 1 | cut -c1-140
}
# pwguard's reasons: every failing rule with what it matched (the password goes on stdin only)
reasons() {
    printf '%s' "$1" | "$PWG" explain --account "$USER_NAME" --full-name "$FULL_NAME" --json 2>/dev/null |
        python3 -c '
import json, sys
d = json.load(sys.stdin)
out = []
for s in (d.get("policy") or {}).get("rule_sets", []):
    for r in s["rules"]:
        if r["evaluated"] and not r["passed"]:
            extra = ", ".join(f"{k}: {r[k]}" for k in ("matched", "list") if r.get(k))
            out.append(r["id"] + ": " + r["reason"] + (" (" + extra + ")" if extra else ""))
print(d["verdict"])
print("\n".join(out) if out else "every rule passes")'
}

step "5/5  changing Mary's password through Samba"
echo "${D}Samba reports every refusal by its check password script as a complexity failure; the reasons"
echo "below come from \`pwguard explain\` (same policy, same decision), the event is what pwguard logged.${N}"
TRIES=(
    "setpassword_local|Password1"
    "ldap_reset|P@ssw0rd2024!"
    "kpasswd|MaryJones#2024"
    "setpassword_local|Short1!"
    "kpasswd|summer2024"
    "kpasswd|Ab1!x"
    "setpassword_local|Vx9-Kelp-Zorbu-Frimt"
    "kpasswd|Tarn-Osprey-Wilbe-42"
)
CURRENT=$INITIAL
n=0 accepted=0 rejected=0 mismatch=0
for try in "${TRIES[@]}"; do
    path=${try%%|*} pw=${try#*|}
    n=$((n + 1))
    mark=$(wc -l < "$EVENTS")
    t=$(now_us)
    if pw_change "$path" "$USER_NAME" "$CURRENT" "$pw" > /dev/null 2>&1; then ok=1; else ok=0; fi
    took=$(secs "$t")
    mapfile -t why < <(reasons "$pw")
    verdict=${why[0]:-?}
    sleep 0.1
    event=$(tail -n +"$((mark + 1))" "$EVENTS" | head -n 1)

    printf '\n%s%d. %-44s %s%s\n' "$B" "$n" "$(path_label "$path")" "\"$pw\"" "$N"
    if [ $ok = 1 ]; then
        accepted=$((accepted + 1))
        CURRENT=$pw
        printf '   Samba:    %sACCEPTED%s (%s s)\n' "$G" "$N" "$took"
    else
        rejected=$((rejected + 1))
        printf '   Samba:    %sREJECTED%s (%s s): %s\n' "$R" "$N" "$took" "$(samba_said)"
    fi
    printf '   pwguard:  %s\n' "${why[1]:-}"
    for l in "${why[@]:2}"; do printf '             %s\n' "$l"; done
    printf '   %sevent:    %s%s\n' "$D" "${event:-(none: Samba did not run pwguard for this change)}" "$N"
    if [ "$verdict" != accept ] && [ "$verdict" != reject ]; then
        echo "   note: pwguard explain failed for this password"
    elif { [ $ok = 1 ] && [ "$verdict" = reject ]; } || { [ $ok = 0 ] && [ "$verdict" = accept ]; }; then
        mismatch=$((mismatch + 1))
        echo "   note: pwguard explain says \"$verdict\" but Samba did the opposite (Samba's own checks, e.g. history)"
    fi
done

printf '\n'
if pwok "$USER_NAME" "$CURRENT" both; then
    echo "Mary logs in with her current password (\"$CURRENT\") over LDAP and Kerberos: the accepted change is real."
else
    echo "warning: Mary cannot log in with \"$CURRENT\"" >&2
fi
echo "$n password changes: $accepted accepted, $rejected rejected; pwguard logged $(grep -c '^' "$EVENTS") events" \
     "(one per change it checked, and one for the user create) in $EVENTS"
[ $mismatch = 0 ] || echo "warning: $mismatch changes where Samba and pwguard explain disagree" >&2
echo "Try one yourself:  printf '%s' 'Winter2025!' | $PWG explain --account $USER_NAME --full-name '$FULL_NAME'"
echo "demo took $(secs "$T0") s in all"
