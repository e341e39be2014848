# test_failure_modes.sh - README "Failure modes" rows that need the lab DC or root (the rest are unit tests
# on the binary: Tests/PwguardCLITests/FailureModeTests.swift).
#
# pwguard check runs on the host as Samba would run it (password on stdin, SAMBA_CPS_* in the environment),
# with a configuration whose non-default policy filters on a group, so every check looks the user up:
#   - a slow directory (fixtures/slow-proxy.py holds the DC's first answer back 300 ms): with the default
#     timeout_ms (200) the lookup times out and on_error applies within the deadline; with timeout_ms 450
#     the lookup succeeds and the group's policy applies, still within the 500 ms deadline;
#   - unexpected attribute values (given name, surname, display name with control characters, line breaks,
#     the longest values AD accepts, emoji, a right-to-left override): the check decides quickly and its
#     event stays one line;
#   - the JSON log on a read-only and on a full file system (tmpfs mounts): a warning naming the cause,
#     the verdict unchanged.

FM_BIN=$LAB/bin/pwguard-fm
FM_USER=fmuser
FM_GROUP=FMGroup

setup_file() {
    local bin=${PWGUARD:-$REPO_ROOT/.build-static/release/pwguard}
    [ -x "$bin" ] || { echo "PWGUARD=$bin is not an executable (scripts/test.sh sets it)"; return 1; }
    mkdir -p "$LAB/bin" "$LAB/fm"
    cp -f "$bin" "$FM_BIN" && chmod 0755 "$FM_BIN" || return 1
    lab_user_exists "$FM_USER" || lab_user_add "$FM_USER" 'Init-Qw7-Plomb-Fm-1' >/dev/null ||
        { echo "create $FM_USER: $LAB_OUT"; return 1; }
    lab_group_add "$FM_GROUP" >/dev/null 2>&1
    lab_group_addmembers "$FM_GROUP" "$FM_USER" >/dev/null 2>&1
    return 0
}

teardown_file() {
    local m
    for m in "$LAB/fm/ro" "$LAB/fm/full"; do mountpoint -q "$m" && umount "$m"; done
    return 0
}

# fm_config FILE URI TIMEOUT_MS [ON_ERROR [JSON_FILE]]: members of FMGroup need 30 characters, others 8
fm_config() {
    printf 'on_error = "%s"\ndeadline_ms = 500\ndefault_policy = "everyone"\n[directory]\nuri = "%s"\ntimeout_ms = %s\n' \
        "${4:-reject}" "$2" "$3" > "$1"
    [ -z "${5:-}" ] || printf '[log]\njson_file = "%s"\n' "$5" >> "$1"
    cat >> "$1" <<'EOF'
[[policy]]
name = "fmgroup"
[policy.applies_to]
groups = { block = ["FMGroup"] }
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "length"
min = 30
[[policy]]
name = "everyone"
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "length"
min = 8
[[policy.rule_set.rule]]
id = "given_name"
[[policy.rule_set.rule]]
id = "surname"
[[policy.rule_set.rule]]
id = "display_name"
EOF
}

# fm_check CONFIG PASSWORD [ACCOUNT]: runs pwguard check; FM_RC, FM_MS (wall time), FM_ERR (the event: no
# syslog socket, so it goes to stderr)
fm_check() {
    local t0 t1
    t0=$(date +%s%N)
    printf %s "$2" | SAMBA_CPS_ACCOUNT_NAME=${3:-$FM_USER} PWGUARD_LOG_SOCKET=$LAB/fm/none.sock \
        "$FM_BIN" check --config "$1" 2> "$LAB/fm/err"
    FM_RC=$?
    t1=$(date +%s%N)
    FM_MS=$(( (t1 - t0) / 1000000 ))
    FM_ERR=$(cat "$LAB/fm/err")
}

# a directory that answers, but only after 300 ms
test_failure_slow_directory() {
    local sock=$LAB/fm/slow.sock pid uri cfg=$LAB/fm/slow.toml
    rm -f "$sock"
    python3 "$FIXTURES/slow-proxy.py" "$sock" "$LAB_PRIVATE_DIR/ldap_priv/ldapi" 300 30 &
    pid=$!
    for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
    uri="ldapi://$(printf %s "$sock" | sed 's#/#%2F#g')"
    fm_config "$cfg" "$uri" 200
    fm_check "$cfg" 'Vx9-Kelp-Zorbu-Frimt'
    assert_eq "timeout_ms 200: exit status (on_error reject)" 3 "$FM_RC"
    assert_match "timeout_ms 200: the event names the timeout" 'cause=directory directory=timeout .*verdict=reject' "$FM_ERR"
    [ "$FM_MS" -lt 450 ] || fail "timeout_ms 200: took $FM_MS ms"
    fm_config "$cfg" "$uri" 200 accept
    fm_check "$cfg" 'Vx9-Kelp-Zorbu-Frimt'
    assert_eq "timeout_ms 200, on_error accept: exit status" 0 "$FM_RC"
    assert_match "on_error accept: verdict" 'verdict=accept-on-error' "$FM_ERR"
    fm_config "$cfg" "$uri" 450
    fm_check "$cfg" 'Vx9-Kelp-Zorbu-Frimt'
    kill "$pid" 2>/dev/null
    assert_eq "timeout_ms 450: the lookup succeeds, FMGroup's 30 characters reject" 1 "$FM_RC"
    assert_match "timeout_ms 450: event" 'policy=fmgroup .*directory=ok lookup_ms=[3-4][0-9][0-9]\.' "$FM_ERR"
    [ "$FM_MS" -lt 500 ] || fail "timeout_ms 450: took $FM_MS ms (deadline 500)"
}

# attribute values no sane admin sets: control characters, line breaks, maximal lengths, emoji, RTL override
test_failure_unexpected_attribute_values() {
    local user=fmodd dn long cfg=$LAB/fm/odd.toml
    lab_user_exists "$user" || lab_user_add "$user" 'Init-Qw7-Plomb-Fm-2' >/dev/null || fail_op "create $user"
    dn=$(lab_dn_of "$user")
    long=$(head -c 64 /dev/zero | tr '\0' 'q')      # sn's longest (rangeUpper 64)
    expect_ok "set odd attribute values" lab_ldapmodify < <(
        printf 'dn: %s\nchangetype: modify\nreplace: givenName\ngivenName:: %s\n-\nreplace: sn\nsn: %s\n-\nreplace: displayName\ndisplayName:: %s\n-\n' \
            "$dn" "$(printf 'Ada\nevent=check verdict=accept\x1b[2J\x07' | base64 -w0)" "$long" \
            "$(printf '\xf0\x9f\x98\x80 Ada \xe2\x80\xae Lovelace\r\n%s' "$(head -c 200 /dev/zero | tr '\0' z)" | base64 -w0)")
    fm_config "$cfg" "$LAB_LDAPI_PRIV_URL" 200
    fm_check "$cfg" 'Vx9-Kelp-Zorbu-Frimt' "$user"
    assert_eq "a password with none of the names: accepted" 0 "$FM_RC"
    assert_match "looked up" 'directory=ok' "$FM_ERR"
    fm_check "$cfg" 'Xy7-ada-Zorbu-Frimt' "$user"
    assert_eq "the given name's first line (Ada) in the password: rejected" 1 "$FM_RC"
    [ "$FM_MS" -lt 500 ] || fail "took $FM_MS ms"
    assert_eq "one event line" 1 "$(printf '%s\n' "$FM_ERR" | grep -c '^<')"
    assert_eq "no line break or escape inside the event" 0 "$(printf '%s' "$FM_ERR" | tr -d '\n' | grep -c $'[\x01-\x1f]' || true)"
}

# the optional JSON log on a read-only and on a full file system: the verdict stands, a warning says why
test_failure_json_log_read_only_or_full() {
    local m cfg=$LAB/fm/json.toml
    for m in ro full; do mkdir -p "$LAB/fm/$m"; mountpoint -q "$LAB/fm/$m" && umount "$LAB/fm/$m"; done
    mount -t tmpfs -o ro,size=64k tmpfs "$LAB/fm/ro" || fail_op "mount a read-only tmpfs"
    mount -t tmpfs -o size=4k tmpfs "$LAB/fm/full" || fail_op "mount a small tmpfs"
    head -c 4096 /dev/zero > "$LAB/fm/full/filler" 2>/dev/null
    for m in ro:'Read-only file system' full:'No space left on device'; do
        fm_config "$cfg" "$LAB_LDAPI_PRIV_URL" 200 reject "$LAB/fm/${m%%:*}/events.jsonl"
        "$FM_BIN" config check "$cfg" > /dev/null || fail "invalid $cfg: $(cat "$cfg")"
        fm_check "$cfg" 'Short-1' nobody-here
        assert_eq "${m%%:*}: the verdict (length 8) stands" 1 "$FM_RC"
        assert_match "${m%%:*}: a warning naming the cause" "cause=json_log detail=.*${m#*:}" "$FM_ERR"
        fm_check "$cfg" 'Vx9-Kelp-Zorbu-Frimt' nobody-here
        assert_eq "${m%%:*}: an accepted check is still accepted" 0 "$FM_RC"
    done
    umount "$LAB/fm/ro"; umount "$LAB/fm/full"
}
