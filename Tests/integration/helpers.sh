# helpers.sh - assertions for the lab tests; sourced by run.sh after scripts/lab/lab-env.sh.
# Each test function runs in its own subshell: a failed assertion prints `# ...` lines and exits it.

diag() { local l; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
fail() {
    diag "FAIL: $*"
    exit 1
}
# fail_op MESSAGE: fail, showing the last lab client's exit status and output
fail_op() {
    diag "FAIL: $*" "last client exit status: ${LAB_RC:-?}; output:"
    [ -n "${LAB_OUT:-}" ] && printf '%s\n' "$LAB_OUT" | sed 's/^/#   | /'
    exit 1
}
assert_eq() {   # assert_eq WHAT EXPECTED ACTUAL
    [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
}
assert_match() {   # assert_match WHAT ERE TEXT
    printf '%s' "$3" | grep -Eq -- "$2" || fail "$1: [$3] does not match /$2/"
}
# expect_ok WHAT CMD...: CMD (usually a lab-env function) must succeed
expect_ok() {
    local what=$1; shift
    "$@" || fail_op "$what: expected success"
}
# expect_refused WHAT CMD...: CMD must fail
expect_refused() {
    local what=$1; shift
    if "$@"; then fail_op "$what: expected a refusal, the command succeeded"; fi
}
can_login() {   # can_login USER PW [METHOD]
    pwok "$@" || fail "user $1 cannot log in with a password that should work (${3:-ldaps})"
}
cannot_login() {   # cannot_login USER PW [METHOD]
    if pwok "$@"; then fail "user $1 can log in with a password that should not work (${3:-ldaps})"; fi
}

# ---- the stand-in check password script (fixtures/cps-standin.sh) -----------------------------------
# STANDIN_LOG is set by run.sh; one line per invocation, tab-separated key=value fields.
standin_mark() { if [ -f "$STANDIN_LOG" ]; then wc -l < "$STANDIN_LOG" | tr -d ' '; else echo 0; fi; }
standin_since() { [ -f "$STANDIN_LOG" ] && tail -n +"$(($1 + 1))" "$STANDIN_LOG"; }
# standin_field LINE KEY: print KEY's value from one log line
standin_field() { printf '%s\n' "$1" | tr '\t' '\n' | sed -n "s/^$2=//p" | head -n 1; }
sha256_of() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
# standin_expect MARK ACCOUNT PASSWORD VERDICT: since MARK the script was called for ACCOUNT with
# exactly PASSWORD's bytes on stdin and answered VERDICT; the matching log line is left in STANDIN_LINE
# (call it directly, not inside $(...), or a failure would not end the test)
standin_expect() {
    local mark=$1 acct=$2 pw=$3 verdict=$4 sha bytes line
    sha=$(sha256_of "$pw")
    bytes=$(printf %s "$pw" | wc -c | tr -d ' ')
    line=$(standin_since "$mark" | grep -F "sha256=$sha" | tail -n 1)
    if [ -z "$line" ]; then
        diag "script calls since mark $mark:"
        standin_since "$mark" | cut -f4-7 | sed 's/^/#   /'
        fail "the check password script never saw the password ($bytes bytes) for $acct"
    fi
    assert_eq "SAMBA_CPS_ACCOUNT_NAME reaching the script" "$acct" "$(standin_field "$line" account)"
    assert_eq "stdin byte count" "$bytes" "$(standin_field "$line" bytes)"
    assert_eq "script verdict" "$verdict" "$(standin_field "$line" verdict)"
    STANDIN_LINE=$line
}

# ---- pwguard's syslog events through fixtures/log-listener.py ----------------------------------------------
# log_listener_start SOCK EVENTS PIDFILE: one line per datagram sent to SOCK appended to EVENTS; the listener
# leaves by itself when run.sh ($$) is gone
log_listener_start() {
    log_listener_stop "$1" "$3"
    : > "$2"
    setsid python3 "$FIXTURES/log-listener.py" "$1" "$2" "$$" < /dev/null > /dev/null 2>&1 &
    echo $! > "$3"
    for _ in $(seq 1 50); do [ -S "$1" ] && break; sleep 0.1; done
    [ -S "$1" ] || { echo "log listener did not create $1"; return 1; }
}
# log_listener_stop SOCK PIDFILE: stop the listener we started (only if the pid still is that listener)
log_listener_stop() {
    local pid
    pid=$(cat "$2" 2>/dev/null) || return 0
    if [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "log-listener.py $1"; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 30); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
    fi
    rm -f "$2" "$1"
}
