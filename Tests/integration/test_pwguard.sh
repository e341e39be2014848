# test_pwguard.sh - the real pwguard as the DC's check password script.
#
#   check password script = PWGUARD_LOG_SOCKET=$LAB/log.sock exec $LAB/bin/pwguard check
#
# with no configuration file (the embedded default policy), then with --config
# fixtures/pwguard-lab.toml (copied to $LAB/pwguard.toml). The binary is $PWGUARD (scripts/test.sh sets
# it), copied into $LAB/bin so the DC (root) can exec it and a rebuild cannot swap it mid-run; without
# $PWGUARD it is built here (swift build -c release -Xswiftc -static-executable, ~40 s clean).
# pwguard's syslog events go to fixtures/log-listener.py (a unix datagram socket at $LAB/log.sock),
# one line per datagram in $LAB/events.log.
#
#   - every change path: a password the default policy refuses is refused by the client (and does not
#     work for a login), a strong one is set and works (LDAP simple bind and Kerberos);
#   - the account-name and display-name rules; a configured policy refuses what the default accepts;
#     a configuration pwguard cannot load refuses every change (fails closed, whatever on_error says);
#   - a monitor policy still refuses what Samba's own complexity check would have (abc-def-ghi);
#   - exactly one event per check, with the account and the verdict, in the order of the changes;
#   - no rejected password is written anywhere under $LAB (events, logs, the DC's databases).

PG_BIN=$LAB/bin/pwguard
PG_SOCK=$LAB/log.sock
PG_EVENTS=$LAB/events.log
PG_LISTENER_PID=$LAB/log-listener.pid
PG_CONFIG=$LAB/pwguard.toml
PG_EXPECTED=$LAB/pg-expected-events       # "ACCOUNT VERDICT" per check the tests caused, in order
PG_REJECTED=$LAB/pg-rejected-sha256       # sha256 of every password the tests had refused
PG_START=$LAB/pg-start-marker             # files newer than this were written during this file's run
PG_CPS_DEFAULT="PWGUARD_LOG_SOCKET=$PG_SOCK exec $PG_BIN check"
PG_CPS_CONFIG="PWGUARD_LOG_SOCKET=$PG_SOCK exec $PG_BIN check --config $PG_CONFIG"

# the passwords the embedded default refuses (common passwords, also with substitutions and affixes)
PG_BAD1='Password1'
PG_BAD2='P@ssw0rd2024!'

setup_file() {
    local bin=${PWGUARD:-}
    if [ -z "$bin" ]; then
        echo "PWGUARD is not set: building the release binary (swift build -c release -Xswiftc -static-executable)"
        command -v swift >/dev/null 2>&1 || PATH="/opt/swift/usr/bin:$PATH"
        command -v swift >/dev/null 2>&1 ||
            { echo "PWGUARD is not set and swift is not installed: set PWGUARD=/path/to/pwguard"; return 1; }
        if ! ( cd "$REPO_ROOT" && swift build -c release -Xswiftc -static-executable --scratch-path .build-static ) \
                > "$LAB/pwguard-build.log" 2>&1; then
            tail -n 30 "$LAB/pwguard-build.log"
            echo "building pwguard failed (full log: $LAB/pwguard-build.log); or set PWGUARD=/path/to/pwguard"
            return 1
        fi
        tail -n 1 "$LAB/pwguard-build.log"
        bin=$REPO_ROOT/.build-static/release/pwguard
    fi
    [ -x "$bin" ] || { echo "PWGUARD=$bin is not an executable file"; return 1; }
    if [ -e /etc/pwguard/pwguard.toml ]; then
        echo "/etc/pwguard/pwguard.toml exists on this machine: 'pwguard check' without --config would use it" \
             "instead of the embedded default policy these tests expect; move it away while they run"
        return 1
    fi
    mkdir -p "$LAB/bin"
    cp -f "$bin" "$PG_BIN.new" && chmod 0755 "$PG_BIN.new" && mv -f "$PG_BIN.new" "$PG_BIN" || return 1
    echo "pwguard: $bin ($("$PG_BIN" --version 2>&1)) copied to $PG_BIN"
    cp -f "$FIXTURES/pwguard-lab.toml" "$PG_CONFIG"
    "$PG_BIN" config check "$PG_CONFIG" || { echo "the lab configuration is invalid"; return 1; }

    pg_listener_stop
    : > "$PG_EVENTS"; : > "$PG_EXPECTED"; : > "$PG_REJECTED"
    # the listener leaves by itself when run.sh ($$ in this subshell) is gone
    setsid python3 "$FIXTURES/log-listener.py" "$PG_SOCK" "$PG_EVENTS" "$$" \
        < /dev/null > /dev/null 2>&1 &
    echo $! > "$PG_LISTENER_PID"
    for _ in $(seq 1 50); do [ -S "$PG_SOCK" ] && break; sleep 0.1; done
    [ -S "$PG_SOCK" ] || { echo "log listener did not create $PG_SOCK"; return 1; }
    echo "log listener pid $(cat "$PG_LISTENER_PID") on $PG_SOCK -> $PG_EVENTS"

    lab_use_cps "$PG_CPS_DEFAULT" || { echo "cannot restart the DC with pwguard"; return 1; }
    sleep 1; touch "$PG_START"       # (1 s: -newer compares at the file system's time granularity)
}

teardown_file() {
    pg_listener_stop
    # the DC keeps its script line; run.sh puts the stand-in back before the next file
}

# stop the listener we started (its pid from the pid file, only if it still is that listener)
pg_listener_stop() { log_listener_stop "$PG_SOCK" "$PG_LISTENER_PID"; }

# ---- events -------------------------------------------------------------------------------------------
pg_mark() { if [ -f "$PG_EVENTS" ]; then wc -l < "$PG_EVENTS" | tr -d ' '; else echo 0; fi; }
pg_since() { tail -n +"$(($1 + 1))" "$PG_EVENTS"; }
# pg_field LINE KEY: KEY's value in an event line (unquoted values only)
pg_field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }

# pg_expect_event MARK ACCOUNT VERDICT [CONFIG [ERE]]: since MARK pwguard sent exactly one event, a check
# of ACCOUNT with VERDICT (reject: severity notice, accept: info) under CONFIG (default $PG_EXPECT_CONFIG,
# else embedded-default; '*': any),
# decided well within the deadline, and matching ERE if given. The line is left in PG_LINE.
pg_expect_event() {
    local mark=$1 acct=$2 verdict=$3 config=${4:-${PG_EXPECT_CONFIG:-embedded-default}} ere=${5:-}
    local lines n pri ms
    # the datagram is sent before pwguard exits, i.e. before the client hears back, but the listener
    # may not have written it yet
    for _ in $(seq 1 100); do
        [ "$(pg_mark)" -gt "$mark" ] && break
        sleep 0.03
    done
    sleep 0.05
    lines=$(pg_since "$mark")
    n=$(printf '%s' "$lines" | grep -c '^' || true)
    if [ "$n" != 1 ]; then
        diag "events since mark $mark:" "${lines:-(none)}"
        fail "expected exactly one pwguard event for $acct ($verdict), got $n"
    fi
    printf '%s %s\n' "$acct" "$verdict" >> "$PG_EXPECTED"
    PG_LINE=$lines                 # (for callers)
    export PG_LINE
    assert_match "event format" '^<[0-9]+>pwguard\[[0-9]+\]: event=check ' "$lines"
    assert_eq "event account" "$acct" "$(pg_field "$lines" account)"
    assert_eq "event verdict" "$verdict" "$(pg_field "$lines" verdict)"
    [ "$config" = '*' ] || assert_eq "event config" "$config" "$(pg_field "$lines" config)"
    case $verdict in reject) pri='<85>' ;; *) pri='<86>' ;; esac    # authpriv.notice / authpriv.info
    assert_eq "event priority" "$pri" "${lines%%pwguard*}"
    ms=$(pg_field "$lines" duration_ms)
    assert_match "event duration_ms" '^[0-9]+\.[0-9]+$' "$ms"
    [ "${ms%%.*}" -lt 250 ] || fail "pwguard took $ms ms under Samba (deadline 500 ms)"
    [ -z "$ere" ] || assert_match "event" "$ere" "$lines"
}
pg_note_rejected() { sha256_of "$1" >> "$PG_REJECTED"; }

# ---- change paths -------------------------------------------------------------------------------------
_pg_user() { local u="pg_${1//_/}"; printf '%s' "${u:0:20}"; }
_pg_refusal() {   # what each client prints when the DC refuses the password (ERE)
    case $1 in
        setpassword_local|setpassword_ldap|ldap_reset|ldap_change|create) echo '0000052D' ;;
        self_change) echo 'NT_STATUS_PASSWORD_RESTRICTION' ;;
        samr_change) echo 'password update rule has been violated' ;;
        kpasswd) echo 'does not meet complexity requirements' ;;
        net_rpc_reset) echo 'does not meet the length, complexity, or history requirements' ;;
    esac
}
_pg_tag() {   # a distinct suffix per path: Samba keeps a password history, every good password is new
    case $1 in
        setpassword_local) echo Ax ;; setpassword_ldap) echo Bx ;; self_change) echo Cx ;;
        ldap_reset) echo Dx ;; ldap_change) echo Ex ;; samr_change) echo Fx ;; kpasswd) echo Gx ;;
        net_rpc_reset) echo Hx ;; *) echo Zx ;;
    esac
}

# pg_new_user USER PASSWORD [ARGS...]: (re)create USER through pwguard (one accept event)
pg_new_user() {
    local user=$1 pw=$2 mark; shift 2
    if lab_user_exists "$user"; then lab_user_del "$user" || fail_op "cannot delete leftover $user"; fi
    mark=$(pg_mark)
    expect_ok "create $user" lab_user_add "$user" "$pw" "$@"
    pg_expect_event "$mark" "$user" accept
}

# pg_check_path PATH BAD: BAD is refused through PATH, a strong password is accepted
pg_check_path() {
    local path=$1 bad=$2 user tag init good mark
    user=$(_pg_user "$path")
    tag=$(_pg_tag "$path")
    init="Init-Qw7-Plomb-$tag"
    good="Vx9-Kelp-Zorbu-Frimt-$tag"
    pg_new_user "$user" "$init"

    pg_note_rejected "$bad"
    mark=$(pg_mark)
    expect_refused "$path to a password the default policy rejects" pw_change "$path" "$user" "$init" "$bad"
    assert_match "$path refusal message" "$(_pg_refusal "$path")" "$LAB_OUT"
    pg_expect_event "$mark" "$user" reject "" 'failed="password_dictionary '
    cannot_login "$user" "$bad" kinit
    can_login "$user" "$init" kinit

    mark=$(pg_mark)
    expect_ok "$path to a strong password" pw_change "$path" "$user" "$init" "$good"
    pg_expect_event "$mark" "$user" accept
    can_login "$user" "$good" both
    cannot_login "$user" "$init" kinit
}

test_pwguard_setpassword_local() { pg_check_path setpassword_local "$PG_BAD1"; }
test_pwguard_setpassword_ldap()  { pg_check_path setpassword_ldap "$PG_BAD2"; }
test_pwguard_self_change()       { pg_check_path self_change "$PG_BAD1"; }
test_pwguard_ldap_reset()        { pg_check_path ldap_reset "$PG_BAD2"; }
test_pwguard_ldap_change()       { pg_check_path ldap_change "$PG_BAD1"; }
test_pwguard_samr_change()       { pg_check_path samr_change "$PG_BAD2"; }
test_pwguard_kpasswd()           { pg_check_path kpasswd "$PG_BAD1"; }
test_pwguard_net_rpc_reset()     { pg_check_path net_rpc_reset "$PG_BAD2"; }

# samba-tool user create: a rejected password leaves no account; a strong one creates a working one
test_pwguard_user_create() {
    local user=pg_create mark good='Vx9-Kelp-Zorbu-Frimt-Cr'
    if lab_user_exists "$user"; then lab_user_del "$user" || fail_op "cannot delete leftover $user"; fi
    pg_note_rejected "$PG_BAD2"
    mark=$(pg_mark)
    expect_refused "user create with a rejected password" lab_user_add "$user" "$PG_BAD2"
    assert_match "create refusal message" "$(_pg_refusal create)" "$LAB_OUT"
    pg_expect_event "$mark" "$user" reject
    if lab_user_exists "$user"; then fail "$user exists after a refused create"; fi
    mark=$(pg_mark)
    expect_ok "user create with a strong password" lab_user_add "$user" "$good"
    pg_expect_event "$mark" "$user" accept
    can_login "$user" "$good" both
}

# the account name and a display-name part may not be in the password (Windows complexity, which
# the default keeps because Samba stops checking it once a script is configured)
test_pwguard_account_and_display_name() {
    local user=pg_names mark
    pg_new_user "$user" 'Init-Qw7-Plomb-Nm' --given-name=Ada --surname=Lovelace --use-username-as-cn
    pg_note_rejected 'Xy7!pg_names#Qz'
    mark=$(pg_mark)
    expect_refused "kpasswd to a password containing the account name" \
        pw_change kpasswd "$user" 'Init-Qw7-Plomb-Nm' 'Xy7!pg_names#Qz'
    assert_match "kpasswd refusal message" "$(_pg_refusal kpasswd)" "$LAB_OUT"
    pg_expect_event "$mark" "$user" reject "" 'failed="windows_complexity matched=pg_names[;"]'
    pg_note_rejected 'Xy7!PG_NAMES#Qz'
    mark=$(pg_mark)
    expect_refused "LDAP reset to a password containing the account name in capitals" \
        pw_ldap_reset "$user" 'Xy7!PG_NAMES#Qz'
    pg_expect_event "$mark" "$user" reject "" 'failed="windows_complexity '
    pg_note_rejected 'Xy7!lovelace#Qz'
    mark=$(pg_mark)
    expect_refused "LDAP reset to a password containing the surname" pw_ldap_reset "$user" 'Xy7!lovelace#Qz'
    pg_expect_event "$mark" "$user" reject "" 'failed="windows_complexity '
    can_login "$user" 'Init-Qw7-Plomb-Nm' kinit
    mark=$(pg_mark)
    expect_ok "LDAP reset to a password with neither" pw_ldap_reset "$user" 'Xy7!Lovel#Qz-Nm'
    pg_expect_event "$mark" "$user" accept
    can_login "$user" 'Xy7!Lovel#Qz-Nm' kinit
}

# The embedded default's strength rule (issue 11) through Samba: passwords built the way people build them
# (a word + year + symbol, a keyboard walk, a doubled word, a name + digits) pass Windows complexity and
# the common-password list, and are refused; four uncommon words with a capital and a digit are set.
test_pwguard_default_refuses_what_attackers_guess_first() {
    local user=pg_strength mark pw init='Init-Qw7-Plomb-St' good='Quillet7-Marrowfat-Obtund-Sparger'
    pg_new_user "$user" "$init"
    for pw in 'Review2024!' '!QAZ2wsx#EDC' 'Serenity.Serenity7' 'Mendez1!'; do
        pg_note_rejected "$pw"
        mark=$(pg_mark)
        expect_refused "kpasswd to a guessable password" pw_change kpasswd "$user" "$init" "$pw"
        assert_match "kpasswd refusal message" "$(_pg_refusal kpasswd)" "$LAB_OUT"
        pg_expect_event "$mark" "$user" reject "" 'failed=("[^"]*)?strength\b'
        case $PG_LINE in *"$pw"*) fail "the event shows the whole password";; esac
    done
    can_login "$user" "$init" kinit
    mark=$(pg_mark)
    expect_ok "LDAP reset to four uncommon words" pw_ldap_reset "$user" "$good"
    pg_expect_event "$mark" "$user" accept
    can_login "$user" "$good" kinit
}

# What Samba does around the script: its minimum length (7) is checked before (the script is not
# even run), the password history after (the script's accept is logged, the change still refused).
test_pwguard_samba_checks_around_the_script() {
    local user=pg_order mark
    pg_new_user "$user" 'Init-Qw7-Plomb-Or'
    mark=$(pg_mark)
    expect_ok "first change" pw_kpasswd "$user" 'Init-Qw7-Plomb-Or' 'Vx9-Kelp-Zorbu-Or1'
    pg_expect_event "$mark" "$user" accept
    mark=$(pg_mark)
    expect_refused "change back to the previous password" \
        pw_kpasswd "$user" 'Vx9-Kelp-Zorbu-Or1' 'Init-Qw7-Plomb-Or'
    assert_match "history refusal" 'password history' "$LAB_OUT"
    pg_expect_event "$mark" "$user" accept     # pwguard accepted it; Samba's history check refused it
    pg_note_rejected 'Ab1!x'
    mark=$(pg_mark)
    expect_refused "a 5-character password" pw_kpasswd "$user" 'Vx9-Kelp-Zorbu-Or1' 'Ab1!x'
    assert_match "length refusal" 'at least 7 characters' "$LAB_OUT"
    sleep 0.3
    assert_eq "events for a password shorter than Samba's minimum" 0 "$(pg_since "$mark" | grep -c '^' || true)"
    can_login "$user" 'Vx9-Kelp-Zorbu-Or1' kinit
}

# a configuration file (--config): refuses passwords the embedded default accepts
test_pwguard_config_file() {
    local user=pg_config mark pw
    # the embedded default accepts both
    for pw in 'Qm4-Tarn-Vilb' 'Lab-Qm4-Tarn-Vilbe'; do
        printf %s "$pw" | "$PG_BIN" explain --account "$user" > /dev/null ||
            fail "the embedded default policy should accept a test password (${#pw} characters)"
    done
    lab_use_cps "$PG_CPS_CONFIG" || fail "cannot restart the DC with --config"
    PG_EXPECT_CONFIG=$PG_CONFIG
    pg_new_user "$user" 'Vx9-Kelp-Zorbu-Frimt-Cf'
    mark=$(pg_mark)
    pg_note_rejected 'Qm4-Tarn-Vilb'
    expect_refused "LDAP reset to a 13-character password (min 14)" pw_ldap_reset "$user" 'Qm4-Tarn-Vilb'
    assert_match "refusal" '0000052D' "$LAB_OUT"
    pg_expect_event "$mark" "$user" reject "" 'policy=lab .*failed="?length'
    mark=$(pg_mark)
    pg_note_rejected 'Lab-Qm4-Tarn-Vilbe'
    expect_refused "kpasswd to a password containing \"lab\"" \
        pw_kpasswd "$user" 'Vx9-Kelp-Zorbu-Frimt-Cf' 'Lab-Qm4-Tarn-Vilbe'
    assert_match "refusal" 'does not meet complexity requirements' "$LAB_OUT"
    pg_expect_event "$mark" "$user" reject "" 'failed="defined_text matched=lab"'
    mark=$(pg_mark)
    expect_ok "kpasswd to a password the configured policy accepts" \
        pw_kpasswd "$user" 'Vx9-Kelp-Zorbu-Frimt-Cf' 'Hq3-Wend-Osprel-Tamv'
    pg_expect_event "$mark" "$user" accept "" 'policy=lab '
    can_login "$user" 'Hq3-Wend-Osprel-Tamv' both
}

# a configuration pwguard cannot load fails closed: every change is refused (exit 2), with an error event
test_pwguard_broken_config_fails_closed() {
    local user=pg_broken mark lines
    PG_EXPECT_CONFIG='*' pg_new_user "$user" 'Init-Qw7-Plomb-Bk'      # under whichever script line runs now
    printf '# broken on purpose by test_pwguard.sh\non_error = "accept"\nno_such_key = 1\n' > "$LAB/broken.toml"
    lab_use_cps "PWGUARD_LOG_SOCKET=$PG_SOCK exec $PG_BIN check --config $LAB/broken.toml" ||
        fail "cannot restart the DC with the broken configuration"
    mark=$(pg_mark)
    expect_refused "LDAP reset while the configuration is broken" pw_ldap_reset "$user" 'Vx9-Kelp-Zorbu-Frimt-Bk'
    assert_match "refusal" '0000052D' "$LAB_OUT"
    for _ in $(seq 1 100); do [ "$(pg_mark)" -gt "$mark" ] && break; sleep 0.03; done
    sleep 0.05
    lines=$(pg_since "$mark")
    assert_match "error event (severity err, cause config, on_error ignored)" \
        "^<83>pwguard\\[[0-9]+\\]: event=error account=$user cause=config detail=\".*no_such_key.*\" verdict=reject\$" "$lines"
    assert_eq "events for the refused change" 1 "$(printf '%s\n' "$lines" | grep -c '^')"
    printf '%s reject\n' "$user" >> "$PG_EXPECTED"
    cannot_login "$user" 'Vx9-Kelp-Zorbu-Frimt-Bk' kinit
    can_login "$user" 'Init-Qw7-Plomb-Bk' kinit
}

# a monitor policy is never weaker than Samba without a script: Samba skips its own complexity check once
# a script is set, so pwguard still enforces Windows complexity under mode = "monitor" (issue 12, 15).
# (After the broken-configuration test: it leaves the DC on its own script line, which later tests set.)
test_pwguard_monitor_policy_keeps_samba_complexity() {
    local user=pg_monitor mark
    printf '%s\n' 'default_policy = "watch"' '[[policy]]' 'name = "watch"' 'mode = "monitor"' \
        '[[policy.rule_set]]' '[[policy.rule_set.rule]]' 'id = "length"' 'min = 20' > "$LAB/monitor.toml"
    "$PG_BIN" config check "$LAB/monitor.toml" > /dev/null || fail "the monitor configuration is invalid"
    lab_use_cps "PWGUARD_LOG_SOCKET=$PG_SOCK exec $PG_BIN check --config $LAB/monitor.toml" ||
        fail "cannot restart the DC with the monitor configuration"
    PG_EXPECT_CONFIG=$LAB/monitor.toml
    mark=$(pg_mark)
    if lab_user_exists "$user"; then lab_user_del "$user" || fail_op "cannot delete leftover $user"; fi
    expect_ok "create $user (monitor: the length rule only logs)" lab_user_add "$user" 'Init-Qw7-Plomb-Mo'
    pg_expect_event "$mark" "$user" accept-monitor "" 'mode=monitor .*failed=length'
    pg_note_rejected 'abc-def-ghi'
    mark=$(pg_mark)
    expect_refused "LDAP reset to abc-def-ghi (2 character categories) under a monitor policy" \
        pw_ldap_reset "$user" 'abc-def-ghi'
    assert_match "refusal" '0000052D' "$LAB_OUT"
    pg_expect_event "$mark" "$user" reject "" 'mode=monitor .*failed="length; windows_complexity'
    cannot_login "$user" 'abc-def-ghi' kinit
    mark=$(pg_mark)
    expect_ok "kpasswd to a complex but short password: monitored only" \
        pw_kpasswd "$user" 'Init-Qw7-Plomb-Mo' 'Abc-def-ghi7'
    pg_expect_event "$mark" "$user" accept-monitor "" 'failed=length '
    can_login "$user" 'Abc-def-ghi7' kinit
}

# every check the tests caused logged exactly one event, in order, and nothing else was logged
test_pwguard_one_event_per_check() {
    local want got
    sleep 0.2
    want=$(cat "$PG_EXPECTED")
    got=$(while IFS= read -r l; do printf '%s %s\n' "$(pg_field "$l" account)" "$(pg_field "$l" verdict)"; done < "$PG_EVENTS")
    [ -n "$want" ] || fail "no checks were recorded (did the other tests run?)"
    if [ "$want" != "$got" ]; then
        diag "expected (account verdict):" "$want" "events.log:"
        sed 's/^/#   /' "$PG_EVENTS"
        fail "events.log does not hold exactly one event per check"
    fi
    diag "$(wc -l < "$PG_EVENTS") events, longest check $(sed -n 's/.* duration_ms=\([0-9.]*\).*/\1/p' "$PG_EVENTS" | sort -n | tail -n 1) ms"
    ! grep 'event=error' "$PG_EVENTS" | grep -vq 'cause=config' || fail "pwguard logged an unexpected error event"
}

# no password pwguard rejected was written anywhere under $LAB during this file's run (UTF-8 in any
# letter case, UTF-16LE, or the base64 unicodePwd value an LDAP client sends)
test_pwguard_rejected_passwords_not_written() {
    local pw files hits='' u16 checked=0
    files=$(find "$LAB" -xdev -type f -newer "$PG_START" ! -path "$LAB/netns")
    [ -n "$files" ] || fail "no files written during the run?"
    grep -qx "$(sha256_of "$PG_BAD1")" "$PG_REJECTED" || fail "the tests did not record $PG_BAD1 as rejected"
    for pw in "$PG_BAD1" "$PG_BAD2" 'Xy7!pg_names#Qz' 'Xy7!PG_NAMES#Qz' 'Xy7!lovelace#Qz' 'Ab1!x' \
              'Qm4-Tarn-Vilb' 'Lab-Qm4-Tarn-Vilbe' 'abc-def-ghi'; do
        grep -qx "$(sha256_of "$pw")" "$PG_REJECTED" || continue
        checked=$((checked + 1))
        u16=$(printf %s "$pw" | iconv -f UTF-8 -t UTF-16LE | od -An -v -tx1 | tr -s ' \n' ' ' |
              sed 's/^ //; s/ $//; s/\([0-9a-f][0-9a-f]\)/\\x\1/g; s/ //g')
        # shellcheck disable=SC2086
        hits+=$(printf '%s\n' "$files" | xargs -d '\n' grep -laiF -e "$pw" -e "$(unipwd "$pw")" -- 2>/dev/null)
        hits+=$(printf '%s\n' "$files" | xargs -d '\n' grep -laP -e "$u16" -- 2>/dev/null)
        [ -z "$hits" ] || fail "a rejected password (${#pw} characters) was written to: $hits"
    done
    diag "$checked rejected passwords, none in any of $(printf '%s\n' "$files" | wc -l) files written under $LAB"
}
