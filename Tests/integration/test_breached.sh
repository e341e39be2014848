# test_breached.sh - the breached rule and pwguard audit against a real DC.
#
# A synthetic HIBP-format NTLM download (random HASH:COUNT lines, unsorted, a few malformed, with the
# NTLM hashes of BT_HIBP_* planted) is imported with `pwguard hashes import`; a SHA-1 store is built from a
# plain-text "our own leaks" list. pwguard, configured with both stores ([stores] hibp, ours), is the DC's
# check password script:
#   - a password in the HIBP store is refused through samba-tool and through kpasswd, one in "ours"
#     through an LDAP change; explain, the syslog event and the JSON event name the store as the list;
#   - a truncated store makes pwguard refuse every change (on_error = reject) with cause=store naming it;
#   - pwguard audit (root, privileged ldapi socket) finds exactly the enabled users whose passwords are in
#     the NTLM store (set up before pwguard became the script), not the clean or disabled ones.

BT_DIR=$LAB/bt
BT_BIN=$LAB/bin/pwguard-bt
BT_CONFIG=$BT_DIR/breached.toml
BT_SOCK=$LAB/bt-log.sock
BT_EVENTS=$BT_DIR/events.log
BT_JSON=$BT_DIR/events.jsonl
BT_LISTENER_PID=$BT_DIR/log-listener.pid
BT_HIBP_1='Sunflower#2019'
BT_HIBP_2='Qwerty!Dragon77'
BT_HIBP_3='Liverpool-Fan-1892'
BT_OURS_1='Acme-Corp-Spring!24'
BT_INIT='Init-Qw7-Plomb-Bt'
BT_GOOD='Vx9-Kelp-Zorbu-Frimt-Bt'

bt_pwguard() { "$BT_BIN" "$@"; }

setup_file() {
    local bin=${PWGUARD:-$REPO_ROOT/.build-static/release/pwguard}
    [ -x "$bin" ] || { echo "PWGUARD=$bin is not an executable (scripts/test.sh sets it)"; return 1; }
    rm -rf "$BT_DIR"; mkdir -p "$BT_DIR" "$LAB/bin"
    cp -f "$bin" "$BT_BIN" && chmod 0755 "$BT_BIN" || return 1

    # the synthetic HIBP NTLM download: 20,000 random hashes, the planted ones, 2 malformed lines, shuffled
    {
        python3 -c '
import os, random
r = random.Random(4)
for i in range(20000):
    print("%032X:%d" % (r.getrandbits(128), r.randint(1, 5000)))
print("this line is not a hash")
print("0123:12")'
        for pw in "$BT_HIBP_1" "$BT_HIBP_2" "$BT_HIBP_3"; do
            printf '%s:%s\r\n' "$(printf %s "$pw" | bt_pwguard hashes hash --kind ntlm)" 1234
        done
    } | shuf --random-source=<(yes) > "$BT_DIR/pwned-passwords-ntlm.txt"
    bt_pwguard hashes import --kind ntlm --keep-counts -o "$BT_DIR/hibp-ntlm.pwgs" "$BT_DIR/pwned-passwords-ntlm.txt" \
        > "$BT_DIR/import.out" 2>&1 || { cat "$BT_DIR/import.out"; return 1; }
    cat "$BT_DIR/import.out"
    grep -q '20,003 ntlm records' "$BT_DIR/import.out" || { echo "unexpected record count"; return 1; }
    grep -q ' 2 malformed' "$BT_DIR/import.out" || { echo "malformed lines not counted"; return 1; }
    printf '%s\n' "$BT_OURS_1" 'another-leaked-one' > "$BT_DIR/our-leaks.txt"
    bt_pwguard hashes import --kind sha1 --plain -o "$BT_DIR/ours.pwgs" "$BT_DIR/our-leaks.txt" >/dev/null || return 1
    bt_pwguard hashes info "$BT_DIR/hibp-ntlm.pwgs" --verify || return 1

    cat > "$BT_CONFIG" <<TOML
default_policy = "everyone"
[stores]
hibp = "hibp-ntlm.pwgs"
ours = "$BT_DIR/ours.pwgs"
[directory]
private_dir = "$LAB_PRIVATE_DIR"
[log]
json_file = "$BT_JSON"
[[policy]]
name = "everyone"
[[policy.rule_set]]
[[policy.rule_set.rule]]
id = "length"
min = 8
[[policy.rule_set.rule]]
id = "breached"
stores = ["hibp", "ours"]
TOML
    bt_pwguard config check "$BT_CONFIG" || return 1

    # audit subjects, created while the stand-in script (accepts these) is the DC's script
    local u
    for u in bt_leak1:"$BT_HIBP_1" bt_leak2:"$BT_HIBP_2" bt_clean1:"$BT_GOOD-1" bt_clean2:"$BT_OURS_1" bt_off:"$BT_HIBP_3"; do
        if lab_user_exists "${u%%:*}"; then lab_user_del "${u%%:*}" >/dev/null; fi
        lab_user_add "${u%%:*}" "${u#*:}" >/dev/null || { echo "create ${u%%:*}: $LAB_OUT"; return 1; }
    done
    lab_tool user disable bt_off >/dev/null || { echo "disable bt_off: $LAB_OUT"; return 1; }

    log_listener_start "$BT_SOCK" "$BT_EVENTS" "$BT_LISTENER_PID" || return 1
    lab_use_cps "PWGUARD_LOG_SOCKET=$BT_SOCK exec $BT_BIN check --config $BT_CONFIG" || { echo "cannot restart the DC"; return 1; }
}

teardown_file() { log_listener_stop "$BT_SOCK" "$BT_LISTENER_PID"; }


bt_mark() { wc -l < "$BT_EVENTS" | tr -d ' '; }
# bt_event MARK: the one event since MARK (waits for the listener), in BT_LINE
bt_event() {
    local n
    for _ in $(seq 1 100); do [ "$(bt_mark)" -gt "$1" ] && break; sleep 0.03; done
    sleep 0.05
    BT_LINE=$(tail -n +"$(($1 + 1))" "$BT_EVENTS")
    n=$(printf '%s' "$BT_LINE" | grep -c '^' || true)
    [ "$n" = 1 ] || { diag "events since mark $1:" "${BT_LINE:-(none)}"; fail "expected exactly one event, got $n"; }
}

# bt_new_user USER: (re)create USER with a clean password (accepted)
bt_new_user() {
    if lab_user_exists "$1"; then lab_user_del "$1" >/dev/null || fail_op "cannot delete leftover $1"; fi
    expect_ok "create $1" lab_user_add "$1" "$BT_INIT"
}

# bt_refused PATH USER PASSWORD STORE REFUSAL: PASSWORD is refused through PATH, the event names STORE
bt_refused() {
    local path=$1 user=$2 pw=$3 store=$4 refusal=$5 mark
    mark=$(bt_mark)
    expect_refused "$path to a breached password" pw_change "$path" "$user" "$BT_INIT" "$pw"
    assert_match "$path refusal" "$refusal" "$LAB_OUT"
    bt_event "$mark"
    assert_match "event" "event=check account=$user .*verdict=reject failed=\"breached list=$store\"" "$BT_LINE"
    printf '%s' "$BT_LINE" | grep -qF -- "$pw" && fail "the event contains the password"
    assert_match "JSON event" "\"account\":\"$user\".*\"failed\":\[\{\"rule\":\"breached\",\"list\":\"$store\"" "$(tail -n 1 "$BT_JSON")"
    cannot_login "$user" "$pw" kinit
}

test_breached_samba_tool_setpassword() {
    bt_new_user bt_chg1
    bt_refused setpassword_local bt_chg1 "$BT_HIBP_3" hibp '0000052D'
    expect_ok "a clean password" pw_change setpassword_local bt_chg1 "$BT_INIT" "$BT_GOOD-2"
    can_login bt_chg1 "$BT_GOOD-2" kinit
}

test_breached_kpasswd_and_ldap_change() {
    bt_new_user bt_chg2
    bt_refused kpasswd bt_chg2 "$BT_HIBP_1" hibp 'does not meet complexity requirements'
    bt_refused ldap_change bt_chg2 "$BT_OURS_1" ours '0000052D'
}

test_breached_explain_names_the_store() {
    local out rc
    out=$(printf %s "$BT_HIBP_2" | bt_pwguard explain --config "$BT_CONFIG" --account bt_nobody --json); rc=$?
    assert_eq "explain exit status" 1 "$rc"
    assert_eq "explain's failing rule and list" "breached hibp" "$(printf %s "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s %s" % (r["id"], r.get("list")) for s in d["policy"]["rule_sets"] for r in s["rules"] if not r["passed"]))')"
    printf %s "$out" | grep -qF -- "$BT_HIBP_2" && fail "explain printed the password"
    out=$(printf %s "$BT_GOOD" | bt_pwguard hashes check --store "$BT_DIR/hibp-ntlm.pwgs" --store "$BT_DIR/ours.pwgs"); rc=$?
    assert_eq "hashes check of a clean password" "0 not found" "$rc $out"
    out=$(printf %s "$BT_HIBP_2" | bt_pwguard hashes check --store "$BT_DIR/hibp-ntlm.pwgs"); rc=$?
    assert_eq "hashes check of a planted password" "1 found in $BT_DIR/hibp-ntlm.pwgs (count 1234)" "$rc $out"
}

test_breached_corrupt_store_refuses_with_a_log_line() {
    local mark store=$BT_DIR/hibp-ntlm.pwgs
    bt_new_user bt_chg3
    cp -f "$store" "$store.good"
    head -c -100 "$store.good" > "$store.tmp" && mv -f "$store.tmp" "$store"
    mark=$(bt_mark)
    expect_refused "a clean password with a truncated store" pw_change setpassword_local bt_chg3 "$BT_INIT" "$BT_GOOD-3"
    for _ in $(seq 1 100); do [ "$(bt_mark)" -gt "$mark" ] && break; sleep 0.03; done
    sleep 0.05
    BT_LINE=$(tail -n +"$((mark + 1))" "$BT_EVENTS")
    mv -f "$store.good" "$store"
    assert_match "error event" "event=error account=bt_chg3 .*cause=store store=hibp detail=\"$store: truncated: .*verdict=reject" "$BT_LINE"
    can_login bt_chg3 "$BT_INIT" kinit
    expect_ok "the same change with the store restored" pw_change setpassword_local bt_chg3 "$BT_INIT" "$BT_GOOD-3"
}

test_breached_audit_finds_exactly_the_breached_accounts() {
    local out rc found
    out=$(bt_pwguard audit --config "$BT_CONFIG" --json 2>&1); rc=$?
    assert_eq "audit exit status (some found)" 1 "$rc"
    found=$(printf %s "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["without_nt_hash"] == 0, d
print(" ".join(sorted("%s:%s:%s" % (f["account"], f["store"], f["count"]) for f in d["found"] if f["account"].startswith("bt_"))))')
    assert_eq "accounts found" "bt_leak1:hibp:1234 bt_leak2:hibp:1234" "$found"
    printf %s "$out" | grep -qiE '"nt_hash"|[0-9a-f]{32}' && fail "audit printed NT hashes without --show-hashes"
    out=$(bt_pwguard audit --config "$BT_CONFIG" --store hibp 2>&1)
    assert_match "table" "^ACCOUNT +STORE +COUNT" "$out"
    assert_match "table row" "bt_leak1 +hibp +1234" "$out"
    out=$(bt_pwguard audit --config "$BT_CONFIG" --show-hashes 2>&1)
    assert_match "--show-hashes" "bt_leak2 +hibp +1234 +$(printf %s "$BT_HIBP_2" | bt_pwguard hashes hash --kind ntlm | tr A-F a-f)" "$out"
    out=$(bt_pwguard audit --config "$BT_CONFIG" --store ours 2>&1); rc=$?
    assert_eq "a SHA-1 store cannot audit NT hashes" 2 "$rc"
    assert_match "its message" "holds sha1 hashes" "$out"
}
