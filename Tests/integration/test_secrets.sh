# test_secrets.sh - no password pwguard sees is written anywhere, through every change path on the lab DC.
#
# The DC runs pwguard (Samba runs scripts with umask 0000) with a configuration in its own directory
# ($LAB/sec-etc) that turns on everything that writes: syslog events (fixtures/log-listener.py), the JSON
# event file and the opt-in capture_rejected_file. Through every change path (and user create) one
# distinctive password is rejected (it holds the banned word "plumbago") and one accepted. Then every file
# written since the start under $LAB, /tmp, /var/tmp and the configuration directory (find -newer) is
# searched for every one of those passwords: as UTF-8 in any letter case, as UTF-16LE, and as the base64
# unicodePwd an LDAP client sends. The only file that may hold any is capture_rejected_file, which must hold
# exactly the rejected ones and be 0600; the JSON file is 0600 too.
# (Other engineers' labs, /var/tmp/pwguard-lab-* other than $LAB, are left out: their DCs never see these
# passwords. In CI there are none.)

SEC_BIN=$LAB/bin/pwguard-sec
SEC_ETC=$LAB/sec-etc
SEC_OUT=$LAB/sec-out
SEC_SOCK=$LAB/sec-log.sock
SEC_EVENTS=$LAB/sec-events.log
SEC_START=$LAB/sec-start-marker
SEC_PWS=$LAB/sec-passwords           # "accept|reject PASSWORD" per password the tests sent (root-only)
SEC_PATHS="setpassword_local setpassword_ldap self_change ldap_reset ldap_change samr_change kpasswd net_rpc_reset"

setup_file() {
    local bin=${PWGUARD:-$REPO_ROOT/.build-static/release/pwguard}
    [ -x "$bin" ] || { echo "PWGUARD=$bin is not an executable (scripts/test.sh sets it)"; return 1; }
    mkdir -p "$LAB/bin" "$SEC_ETC" "$SEC_OUT"
    cp -f "$bin" "$SEC_BIN" && chmod 0755 "$SEC_BIN" || return 1
    rm -f "$SEC_OUT"/* "$SEC_SOCK" "$SEC_EVENTS"
    chmod 0700 "$SEC_OUT"
    cat > "$SEC_ETC/pwguard.toml" <<EOF
default_policy = "sec"
[log]
json_file = "$SEC_OUT/events.jsonl"
capture_rejected_file = "$SEC_OUT/rejected.jsonl"
[directory]
enabled = false
[[policy]]
name = "sec"
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "length"
min = 12
[[policy.rule_set.rule]]
id = "defined_text"
words = ["plumbago"]
EOF
    "$SEC_BIN" config check "$SEC_ETC/pwguard.toml" >/dev/null || { echo "invalid configuration"; return 1; }
    ( umask 077; : > "$SEC_PWS" )
    setsid python3 "$FIXTURES/log-listener.py" "$SEC_SOCK" "$SEC_EVENTS" "$$" < /dev/null > /dev/null 2>&1 &
    echo $! > "$LAB/sec-listener.pid"
    for _ in $(seq 1 50); do [ -S "$SEC_SOCK" ] && break; sleep 0.1; done
    [ -S "$SEC_SOCK" ] || { echo "log listener did not start"; return 1; }
    lab_use_cps "PWGUARD_LOG_SOCKET=$SEC_SOCK exec $SEC_BIN check --config $SEC_ETC/pwguard.toml" ||
        { echo "cannot restart the DC with pwguard"; return 1; }
    sleep 1; touch "$SEC_START"       # -newer compares at the file system's time granularity
}

teardown_file() {
    local pid
    pid=$(cat "$LAB/sec-listener.pid" 2>/dev/null)
    if [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "log-listener.py $SEC_SOCK"; then
        kill -TERM "$pid"
    fi
    rm -f "$LAB/sec-listener.pid" "$SEC_PWS"
    return 0
}

# distinctive passwords, one set per path: nothing else on the machine contains them
sec_pw() { printf '%s-Qv7-%s-Xerth-%s' "$1" "$2" "$3"; }

test_secrets_every_change_path() {
    local path user n=0 good bad init
    for path in $SEC_PATHS; do
        n=$((n + 1))
        user=sec$n
        init=$(sec_pw Init "P$n" Ok)
        if lab_user_exists "$user"; then lab_user_del "$user" >/dev/null || fail_op "delete $user"; fi
        expect_ok "create $user" lab_user_add "$user" "$init"
        echo "accept $init" >> "$SEC_PWS"
        bad=$(sec_pw Plumbago "P$n" No)
        good=$(sec_pw Vorpal "P$n" Ok)
        echo "reject $bad" >> "$SEC_PWS"
        expect_refused "$path: a password holding the banned word" pw_change "$path" "$user" "$init" "$bad"
        echo "accept $good" >> "$SEC_PWS"
        expect_ok "$path: a distinctive strong password" pw_change "$path" "$user" "$init" "$good"
        can_login "$user" "$good" kinit
    done
    bad=$(sec_pw Plumbago create No)
    echo "reject $bad" >> "$SEC_PWS"
    lab_user_exists seccreate && lab_user_del seccreate >/dev/null
    expect_refused "user create with a rejected password" lab_user_add seccreate "$bad"
    good=$(sec_pw Vorpal create Ok)
    echo "accept $good" >> "$SEC_PWS"
    expect_ok "user create with a strong password" lab_user_add seccreate "$good"
    sleep 0.3
    assert_eq "events: one per check" "$(wc -l < "$SEC_PWS")" "$(grep -c 'event=check' "$SEC_EVENTS")"
}

# sec_u16 PASSWORD: a grep -P pattern for PASSWORD in UTF-16LE
sec_u16() {
    printf %s "$1" | iconv -f UTF-8 -t UTF-16LE | od -An -v -tx1 | tr -s ' \n' ' ' |
        sed 's/^ //; s/ $//; s/\([0-9a-f][0-9a-f]\)/\\x\1/g; s/ //g'
}

test_secrets_no_password_in_any_file_written() {
    local files verdict pw f capture=$SEC_OUT/rejected.jsonl others pats=$LAB/sec-patterns u16='' hits
    [ -s "$SEC_PWS" ] || fail "no passwords were recorded (did the change test run?)"
    others=$(find /var/tmp -maxdepth 1 -name 'pwguard-lab-*' ! -path "$LAB" -printf '%p\n' 2>/dev/null)
    files=$(find "$LAB" /tmp /var/tmp "$SEC_ETC" -xdev -type f -newer "$SEC_START" ! -path "$SEC_PWS" ! -path "$pats" 2>/dev/null |
            grep -vF "${others:-/nonexistent-lab}" | sort -u)
    printf '%s\n' "$files" | grep -qxF "$SEC_EVENTS" || fail "the syslog capture $SEC_EVENTS is not among the files"
    printf '%s\n' "$files" | grep -qxF "$SEC_OUT/events.jsonl" || fail "the JSON log is not among the files"
    # one pass over the files for every password: UTF-8 (any case) and base64 unicodePwd, then UTF-16LE
    ( umask 077; : > "$pats" )
    while read -r verdict pw; do
        printf '%s\n%s\n' "$pw" "$(unipwd "$pw")" >> "$pats"
        u16+="${u16:+|}$(sec_u16 "$pw")"
    done < "$SEC_PWS"
    hits=$( { printf '%s\n' "$files" | xargs -r -d '\n' grep -laiF -f "$pats" -- 2>/dev/null
              printf '%s\n' "$files" | xargs -r -d '\n' grep -laP -e "$u16" -- 2>/dev/null; } | sort -u)
    rm -f "$pats"
    # the search works: it finds the rejected passwords in the capture file
    printf '%s\n' "$hits" | grep -qxF "$capture" || fail "the search did not find the rejected passwords in $capture"
    while IFS= read -r f; do
        [ -n "$f" ] || continue
        if [ "$f" = "$capture" ]; then
            # the opt-in capture file: rejected passwords only (checked in detail below)
            while read -r verdict pw; do
                [ "$verdict" = accept ] && grep -qF "$pw" "$f" && fail "an accepted password is in $f"
            done < "$SEC_PWS"
            continue
        fi
        fail "a password (accepted or rejected) was written to $f"
    done <<< "$hits"
    diag "$(wc -l < "$SEC_PWS") passwords, none in any of $(printf '%s\n' "$files" | wc -l) files written under $LAB, /tmp, /var/tmp, $SEC_ETC (except $capture)"
}

test_secrets_capture_and_json_files() {
    local f mode
    for f in "$SEC_OUT/events.jsonl" "$SEC_OUT/rejected.jsonl"; do
        [ -f "$f" ] || fail "$f was not written"
        mode=$(stat -c %a "$f")
        assert_eq "mode of $(basename "$f") (Samba runs the script with umask 0000)" 600 "$mode"
    done
    assert_eq "capture_rejected_file: one line per rejected password" \
        "$(grep -c '^reject ' "$SEC_PWS")" "$(wc -l < "$SEC_OUT/rejected.jsonl")"
    while read -r verdict pw; do
        if [ "$verdict" = reject ]; then
            grep -qF "\"password\":\"$pw\"" "$SEC_OUT/rejected.jsonl" || fail "a rejected password is missing from the capture file"
        else
            ! grep -qF "$pw" "$SEC_OUT/rejected.jsonl" || fail "an accepted password is in the capture file"
        fi
    done < "$SEC_PWS"
}
