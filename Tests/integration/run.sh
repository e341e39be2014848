#!/bin/bash
# run.sh - pwguard's lab integration tests against a real, throw-away Samba AD DC.
#
#   sudo Tests/integration/run.sh [REGEX...]     # run every test (or those whose name matches)
#
# Brings a DC up (scripts/lab/dc-up.sh) with the stand-in check password script
# (fixtures/cps-standin.sh), sources every Tests/integration/test_*.sh in name order and runs every
# function named test_* in it (in the order they are written), each in its own subshell, printing
# `ok - NAME` or `not ok - NAME` (failure details as `# ` lines). The DC is always brought down (also
# on error or interrupt), and the last line is `N passed, M failed`; exit status 1 if any failed.
#
# A test file may define:
#   setup_file / teardown_file   run before / after its tests; a failing setup_file fails them all
# Before each file the DC runs with $STANDIN_CPS; a file that needs another script (pwguard itself,
# a different config) calls `lab_use_cps "LINE"` in setup_file, which restarts the DC on the same
# domain. Tests see lab-env.sh (L, pw_*, pwok, lab_user_add ...) and helpers.sh (assertions), and:
#   REPO_ROOT  FIXTURES  STANDIN  STANDIN_LOG  STANDIN_CPS
#
# Environment: LAB (default /var/tmp/pwguard-lab-it, apart from an interactive lab's default),
# KEEP=1 (reuse the provisioned domain: faster, tests must tolerate leftovers), MODEL (samba process
# model), LAB_VERBOSE=1 (show every lab client call), VERBOSE=1 (show output of passing tests too).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
FIXTURES=$HERE/fixtures

if [ "$(id -u)" != 0 ]; then
    echo "run.sh: refusing to run as uid $(id -u): the lab tests need root to create network and" \
         "mount namespaces and to run a Samba AD DC (CI runs them as root; try sudo)." >&2
    exit 2
fi
missing=""
for c in samba samba-tool ldapsearch ldapmodify ldbsearch smbpasswd kpasswd kinit net unshare \
         nsenter ip findmnt flock iconv sha256sum timeout; do
    command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
    echo "run.sh: missing commands:$missing; install them with scripts/ci/install-deps.sh" >&2
    exit 2
fi

export LAB=${LAB:-/var/tmp/pwguard-lab-it}
# shellcheck source=../../scripts/lab/lab-env.sh
. "$REPO_ROOT/scripts/lab/lab-env.sh"
# shellcheck source=helpers.sh
. "$HERE/helpers.sh"

now_us() { echo "${EPOCHREALTIME/./}"; }
secs() { local d=$(( ${2:-$(now_us)} - $1 )); printf '%d.%03d' $((d / 1000000)) $(((d / 1000) % 1000)); }
T_RUN=$(now_us)

STANDIN=$FIXTURES/cps-standin.sh
STANDIN_LOG=$LAB/cps-standin.log
STANDIN_CPS="exec $(printf %q "$STANDIN") $(printf %q "$STANDIN_LOG")"
export REPO_ROOT FIXTURES STANDIN STANDIN_LOG STANDIN_CPS

PASSED=0
FAILED=0
TIMES=()
DC_IS_UP=0
mkdir -p "$LAB/test-out"

teardown_dc() {
    if [ "$DC_IS_UP" = 1 ] || [ -f "$LAB/dc.pid" ]; then
        "$REPO_ROOT/scripts/lab/dc-down.sh" 2>&1 | sed 's/^/# /'
        DC_IS_UP=0
    fi
}
trap teardown_dc EXIT
trap 'echo "# interrupted"; exit 130' INT TERM HUP

report() {   # report NAME RC OUTFILE SECONDS
    if [ "$2" = 0 ]; then
        PASSED=$((PASSED + 1))
        echo "ok - $1"
        [ "${VERBOSE:-0}" = 1 ] && sed 's/^/#   /' "$3"
    else
        FAILED=$((FAILED + 1))
        echo "not ok - $1"
        sed '/^#/!s/^/#   /' "$3"
    fi
    TIMES+=("$4 s  $1")
}

: > "$STANDIN_LOG"
t=$(now_us)
if CPS=$STANDIN_CPS "$LAB_SCRIPTS/dc-up.sh" > "$LAB/test-out/dc-up.log" 2>&1; then
    DC_IS_UP=1
    sed 's/^/# /' "$LAB/test-out/dc-up.log"
    T_DCUP=$(secs "$t")
else
    echo "not ok - dc-up"
    sed 's/^/#   /' "$LAB/test-out/dc-up.log"
    FAILED=1
    teardown_dc
    echo "$PASSED passed, $FAILED failed"
    exit 1
fi

selected() {
    [ $# -gt 1 ] || return 0
    local name=$1 re; shift
    for re in "$@"; do [[ $name =~ $re ]] && return 0; done
    return 1
}

for file in "$HERE"/test_*.sh; do
    [ -f "$file" ] || continue
    # forget the previous file's functions
    for f in $(declare -F | awk '{print $3}' | grep -E '^(test_|setup_file$|teardown_file$)'); do
        unset -f "$f"
    done
    # shellcheck disable=SC1090
    . "$file"
    # tests in the order they are written, then any defined another way (eval) by name
    names=$(grep -oE '^[[:space:]]*(function[[:space:]]+)?test_[A-Za-z0-9_]+[[:space:]]*\(\)' "$file" |
            sed -E 's/^[[:space:]]*(function[[:space:]]+)?//; s/[[:space:]]*\(\)$//')
    names="$names $(declare -F | awk '{print $3}' | grep '^test_' | grep -vxF -f <(printf '%s\n' $names) || true)"
    todo=()
    for n in $names; do
        declare -F "$n" >/dev/null && selected "$n" "$@" && todo+=("$n")
    done
    [ ${#todo[@]} -gt 0 ] || continue
    echo "# $(basename "$file")"

    lab_use_cps "$STANDIN_CPS" > "$LAB/test-out/use-cps.log" 2>&1 ||
        { sed 's/^/# /' "$LAB/test-out/use-cps.log"; }
    setup_rc=0
    if declare -F setup_file >/dev/null; then
        out=$LAB/test-out/$(basename "$file" .sh).setup.log
        ( setup_file ) > "$out" 2>&1
        setup_rc=$?
        if [ $setup_rc != 0 ]; then
            echo "# setup_file of $(basename "$file") failed (status $setup_rc):"
            sed 's/^/#   /' "$out"
        fi
    fi
    for n in "${todo[@]}"; do
        out=$LAB/test-out/$n.log
        t=$(now_us)
        if [ $setup_rc = 0 ]; then
            ( "$n" ) > "$out" 2>&1 < /dev/null
            rc=$?
        else
            echo "setup_file failed" > "$out"
            rc=1
        fi
        report "$n" "$rc" "$out" "$(secs "$t")"
        if ! lab_running; then
            echo "# the DC died during $n (see $LAB/dc/log); restarting it"
            lab_use_cps "$STANDIN_CPS" 2>&1 | sed 's/^/#   /'
        fi
    done
    if declare -F teardown_file >/dev/null; then
        ( teardown_file ) > "$LAB/test-out/$(basename "$file" .sh).teardown.log" 2>&1 ||
            echo "# teardown_file of $(basename "$file") failed"
    fi
done

teardown_dc
echo "# per-test times:"
printf '#   %s\n' "${TIMES[@]:-none}"
echo "# dc-up ${T_DCUP} s, whole run $(secs "$T_RUN") s; logs in $LAB/test-out, DC logs in $LAB/dc/log"
if [ $((PASSED + FAILED)) = 0 ]; then
    echo "# no test ran"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && [ $((PASSED + FAILED)) -gt 0 ]
