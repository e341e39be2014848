# test_history.sh - password history (issue 5) on the lab DC, with the real pwguard as the check script.
#
#   check password script = PWGUARD_LOG_SOCKET=$LAB/hist-log.sock exec $LAB/bin/pwguard-hist check --config $LAB/history.toml
#
# setup_file loads samba-examples/schema (the attribute pwguardPasswordHistory) into the fresh lab DC with
# load-schema.sh. Policies (fixtures/history.toml): "deep" count 24 (default), "three" count 3 for hcount
# and hpath, "one" count 1 for hsamba, "days" 30 days for hdays; records are confirmed within 4 s or dropped.
# Events (check and history_recorded / history_not_recorded) go to a log listener at $LAB/hist-log.sock.
#
#   - the schema loads (and a second load does nothing); the attribute is confidential;
#   - reuse within the last 3 is refused on every change path, by pwguard (its event says failed=history);
#   - after 3 other changes the old password is accepted; the 30-day window refuses a (backdated) record
#     from 10 days ago and accepts one from 40 days ago, SHA-256 records being read beside Argon2id ones;
#   - a change Samba refuses after the script (its own history) and a rolled-back create record nothing;
#   - 20 users changing in parallel and one user changing 10 times in a row: every committed change is
#     recorded exactly once; every check computed Argon2 once whatever the depth;
#   - an ordinary user reads no history, of others or their own; `pwguard history show/clear` work, as root only;
#   - a record whose Argon2id cost cannot be met (memory allocation fails) makes the check follow on_error;
#   - issue 12: without_rule = "delete" deletes pwguard's records only (4); a refused change followed by a
#     committed retry is not recorded (10, 13); four resets within one second keep the three newest (13);
#     quick refused changes leave at most one record process per user reading the directory (10); the
#     record process's events also reach [log] json_file.

H_BIN=$LAB/bin/pwguard-hist
H_CONFIG=$LAB/history.toml
H_SOCK=$LAB/hist-log.sock
H_EVENTS=$LAB/hist-events.log
H_JSON=$LAB/hist-events.jsonl
H_LISTENER_PID=$LAB/hist-listener.pid
H_ATTR=pwguardPasswordHistory
# 4 GiB of address space: enough for pwguard, too little for a 4 GiB Argon2id record (the allocation-failure test)
H_CPS="ulimit -v 4194304; PWGUARD_LOG_SOCKET=$H_SOCK exec $H_BIN check --config $H_CONFIG"

setup_file() {
    local bin=${PWGUARD:-$REPO_ROOT/.build-static/release/pwguard}
    [ -x "$bin" ] || { echo "PWGUARD=$bin is not an executable (scripts/test.sh sets it)"; return 1; }
    mkdir -p "$LAB/bin"
    cp -f "$bin" "$H_BIN.new" && chmod 0755 "$H_BIN.new" && mv -f "$H_BIN.new" "$H_BIN" || return 1
    sed -e "s#@PRIVATE_DIR@#$LAB_PRIVATE_DIR#" -e "s#@LAB@#$LAB#g" "$FIXTURES/history.toml" > "$H_CONFIG"
    : > "$H_JSON"
    "$H_BIN" config check "$H_CONFIG" >/dev/null || { echo "invalid $H_CONFIG"; return 1; }
    L env SMB_CONF="$LAB_SMBCONF" "$REPO_ROOT/samba-examples/schema/load-schema.sh" "$LAB_SAMLDB" > "$LAB/load-schema.out" 2>&1 \
        || { cat "$LAB/load-schema.out"; echo "load-schema.sh failed"; return 1; }
    h_listener_stop
    : > "$H_EVENTS"
    setsid python3 "$FIXTURES/log-listener.py" "$H_SOCK" "$H_EVENTS" "$$" < /dev/null > /dev/null 2>&1 &
    echo $! > "$H_LISTENER_PID"
    for _ in $(seq 1 50); do [ -S "$H_SOCK" ] && break; sleep 0.1; done
    [ -S "$H_SOCK" ] || { echo "log listener did not create $H_SOCK"; return 1; }
    # Samba's prefork workers answer pwguard's lookups too: with bursts of parallel changes, the README
    # recommends more than the default 4 (see test_history_starved_workers_fail_closed_and_record_nothing)
    h_set_prefork 24
    h_restart || { echo "cannot restart the DC"; return 1; }
    local u
    for u in hpath hcount hsamba hdays hten hread hargon hdel hretry hburst hbound; do
        lab_user_add "$u" "Init-$u-Pass-01" >/dev/null || { echo "create $u: $LAB_OUT"; return 1; }
    done
    for u in $(seq -f 'hpar%02g' 1 20); do
        lab_user_add "$u" "Init-$u-Pass-01" >/dev/null || { echo "create $u: $LAB_OUT"; return 1; }
    done
}

teardown_file() {
    h_listener_stop
    sed -i '/^\tprefork children = /d' "$LAB_SMBCONF"    # the next file's restart goes back to Samba's default
}

h_set_prefork() {
    sed -i '/^\tprefork children = /d' "$LAB_SMBCONF"
    sed -i "s/^\[global\]\$/[global]\n\tprefork children = $1/" "$LAB_SMBCONF"
}
h_restart() {
    lab_running && { "$LAB_SCRIPTS/dc-down.sh" > /dev/null || return 1; }
    CPS="$H_CPS" KEEP=1 "$LAB_SCRIPTS/dc-up.sh" > "$LAB/hist-dc-up.out" 2>&1 \
        || { cat "$LAB/hist-dc-up.out"; return 1; }
}

h_listener_stop() {
    local pid
    pid=$(cat "$H_LISTENER_PID" 2>/dev/null) || return 0
    if [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "log-listener.py $H_SOCK"; then
        kill -TERM "$pid" 2>/dev/null
    fi
    rm -f "$H_LISTENER_PID" "$H_SOCK"
}

# h_values USER: the user's history values, one per line (read as root on the privileged socket)
h_values() {
    LT ldapsearch -LLL -o ldif-wrap=no -x -H "$LAB_LDAPI_PRIV_URL" -b "$LAB_BASE_DN" "(sAMAccountName=$1)" "$H_ATTR" \
        | sed -n "s/^$H_ATTR: //p"
}
h_count() { h_values "$1" | grep -c . ; }
# h_wait USER N: wait (≤ 8 s) until USER has N records; fails otherwise
h_wait() {
    local n
    for _ in $(seq 1 80); do n=$(h_count "$1"); [ "$n" = "$2" ] && return 0; sleep 0.1; done
    fail "$1 has $n history records, expected $2"
}
h_mark() { wc -l < "$H_EVENTS" | tr -d ' '; }
# h_wait_events MARK ERE N: wait (≤ 10 s) until N events since MARK match ERE
h_wait_events() {
    for _ in $(seq 1 100); do [ "$(h_since "$1" | grep -cE "$2")" -ge "$3" ] && return 0; sleep 0.1; done
    return 1
}
h_since() { tail -n +"$(($1 + 1))" "$H_EVENTS"; }
# h_change PATH USER OLD NEW, recording OLD/NEW as the user's current password on success
h_last_check() { h_since "$1" | grep "event=check account=$2 " | tail -n 1; }

test_history_schema_loaded_and_confidential() {
    # added here, or already by test_ansible.sh's role run on the same DC
    assert_match "load-schema output" "added pwguardPasswordHistory|already in" "$(cat "$LAB/load-schema.out")"
    local again flags
    again=$(L env SMB_CONF="$LAB_SMBCONF" "$REPO_ROOT/samba-examples/schema/load-schema.sh" "$LAB_SAMLDB" 2>&1) || fail "second load failed: $again"
    assert_match "second load" "already in" "$again"
    flags=$(lab_ldapsearch -b "CN=Schema,CN=Configuration,$LAB_BASE_DN" "(lDAPDisplayName=$H_ATTR)" searchFlags | sed -n 's/^searchFlags: //p')
    assert_eq "searchFlags (confidential)" "128" "$flags"
}

test_history_reuse_refused_on_every_path() {
    local cur="Init-hpath-Pass-01" new path i=0 m ev
    h_wait hpath 1      # the create was recorded
    for path in "${LAB_PW_PATHS[@]}"; do
        i=$((i + 1)); new="Path-$i-Reuse-Test-x"
        expect_ok "$path: a new password" pw_change "$path" hpath "$cur" "$new"
        h_wait hpath $((i < 3 ? i + 1 : 3))
        m=$(h_mark)
        expect_refused "$path: the previous password again" pw_change "$path" hpath "$new" "$cur"
        ev=$(h_last_check "$m" hpath)
        assert_match "$path: pwguard refused it for history" "verdict=reject failed=history" "$ev"
        assert_match "$path: one Argon2 computation" " argon2=1 " "$ev"
        cur=$new
    done
}

test_history_accepted_after_three_other_changes() {
    h_wait hcount 1
    local p
    for p in Count-Two-Pass-x Count-Three-Pass-x Count-Four-Pass-x; do
        expect_ok "change to $p" pw_setpassword_local hcount "$p"
        sleep 0.3
    done
    h_wait hcount 3
    expect_refused "the 3rd most recent" pw_setpassword_local hcount Count-Two-Pass-x
    expect_ok "the 4th most recent (the initial one) is out of the last 3" pw_setpassword_local hcount Init-hcount-Pass-01
    can_login hcount Init-hcount-Pass-01 kinit
}

# a salted SHA-256 record (the legacy format) of PASSWORD dated DAYS ago
h_sha256_record() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import base64, hashlib, os, sys, time
salt = os.urandom(16)
b = lambda x: base64.b64encode(x).decode().rstrip("=")
h = hashlib.sha256(salt + sys.argv[1].encode()).digest()
print("pwg1$sha256$-$%s$%d$%s" % (b(salt), int(time.time()) - int(sys.argv[2]) * 86400, b(h)))
PY
}

test_history_day_window_with_backdated_sha256_records() {
    h_wait hdays 1
    local dn r10 r40 m
    dn=$(lab_dn_of hdays)
    r10=$(h_sha256_record Days-Ten-Ago-Pass 10); r40=$(h_sha256_record Days-Forty-Ago-Pass 40)
    printf 'dn: %s\nchangetype: modify\nadd: %s\n%s: %s\n%s: %s\n-\n' "$dn" "$H_ATTR" "$H_ATTR" "$r10" "$H_ATTR" "$r40" \
        | lab_ldapmodify > /dev/null || fail_op "cannot write backdated records (as the administrator)"
    m=$(h_mark)
    expect_refused "used 10 days ago" pw_setpassword_local hdays Days-Ten-Ago-Pass
    assert_match "refused by history" "verdict=reject failed=history" "$(h_last_check "$m" hdays)"
    expect_ok "used 40 days ago" pw_setpassword_local hdays Days-Forty-Ago-Pass
    # the new Argon2id record joins; the 40-day-old SHA-256 one is pruned (outside 30 days)
    h_wait hdays 3
    h_values hdays | grep -q "^pwg1\$sha256\$-\$.*" || fail "the 10-day SHA-256 record was dropped"
}

test_history_samba_refusal_records_nothing() {
    h_wait hsamba 1
    expect_ok "a second password" pw_ldap_change hsamba Init-hsamba-Pass-01 Second-hsamba-Pass
    h_wait hsamba 1     # count 1: the new record replaced the first
    local before m
    before=$(h_values hsamba)
    m=$(h_mark)
    # pwguard keeps only the last password and accepts the first again; Samba's own history refuses it after
    expect_refused "Samba's own history" pw_ldap_change hsamba Second-hsamba-Pass Init-hsamba-Pass-01
    assert_match "pwguard accepted" "verdict=accept" "$(h_last_check "$m" hsamba)"
    sleep 5
    assert_match "not recorded" "event=history_not_recorded account=hsamba .*result=unconfirmed" "$(h_since "$m")"
    assert_eq "history unchanged" "$before" "$(h_values hsamba)"
}

test_history_rolled_back_create_records_nothing() {
    local m out
    m=$(h_mark)
    out=$(printf 'Ghost-Pass-Rollback-1' | L /usr/bin/python3 "$FIXTURES/create-rolled-back.py" "$LAB_SMBCONF" "$LAB_SAMLDB" hghost 2>&1) \
        || fail "rollback helper: $out"
    assert_match "the script ran for the create" "event=check account=hghost .*verdict=accept" "$(h_since "$m")"
    sleep 5
    lab_user_exists hghost && fail "hghost exists: the create was not rolled back"
    assert_match "not recorded" "event=history_not_recorded account=hghost .*result=unconfirmed" "$(h_since "$m")"
}

# h_parallel PREFIX OLDPW-FORMAT NEWPW-FORMAT: the 20 users PREFIX01..20 change their own password over
# LDAP all at once; sets H_OK (users whose change succeeded) and H_REFUSED
h_parallel() {
    local u pids=() users=()
    for u in $(seq -f "$1%02g" 1 20); do
        users+=("$u")
        printf 'dn: %s\nchangetype: modify\ndelete: unicodePwd\nunicodePwd:: %s\n-\nadd: unicodePwd\nunicodePwd:: %s\n-\n' \
            "$(lab_dn_of "$u")" "$(unipwd "$(printf "$2" "$u")")" "$(unipwd "$(printf "$3" "$u")")" > "$LAB/par-$u.ldif"
    done
    for u in "${users[@]}"; do
        L timeout 60 ldapmodify -x -H "$LAB_LDAPS_URL" -D "$u@$LAB_DNSDOMAIN" -w "$(printf "$2" "$u")" -f "$LAB/par-$u.ldif" \
            > "$LAB/par-$u.out" 2>&1 &
        pids+=($!)
    done
    H_OK=(); H_REFUSED=()
    local i
    for i in "${!pids[@]}"; do
        if wait "${pids[$i]}"; then H_OK+=("${users[$i]}"); else H_REFUSED+=("${users[$i]}"); fi
    done
}

test_history_parallel_users_each_recorded_once() {
    local u m
    for u in $(seq -f 'hpar%02g' 1 20); do h_wait "$u" 1; done
    m=$(h_mark)
    h_parallel hpar 'Init-%s-Pass-01' 'Parallel-%s-New-1'
    [ "${#H_REFUSED[@]}" = 0 ] || fail "${#H_REFUSED[@]} parallel changes failed: $(cat "$LAB"/par-*.out | sort | uniq -c | head -5)"
    for u in $(seq -f 'hpar%02g' 1 20); do h_wait "$u" 2; done
    sleep 1
    for u in $(seq -f 'hpar%02g' 1 20); do
        assert_eq "$u records" 2 "$(h_count "$u")"
        assert_eq "$u history_recorded events" 1 "$(h_since "$m" | grep -c "event=history_recorded account=$u ")"
    done
}

# With Samba's default 4 prefork workers, 20 parallel LDAP changes leave every worker waiting for the write
# lock that the worker running pwguard holds: pwguard's lookup finds no worker to answer it. It must fail
# closed within its directory timeout (naming the cause), and nothing may be recorded for those changes.
test_history_starved_workers_fail_closed_and_record_nothing() {
    h_set_prefork 4
    h_restart || fail "cannot restart the DC with 4 prefork workers"
    local u m ev
    for u in $(seq -f 'hpar%02g' 1 20); do h_wait "$u" 2; done
    m=$(h_mark)
    h_parallel hpar 'Parallel-%s-New-1' 'Starved-%s-New-2'
    diag "with 4 prefork workers: ${#H_OK[@]} of 20 parallel changes committed, ${#H_REFUSED[@]} refused"
    sleep 5
    for u in "${H_OK[@]}"; do
        assert_eq "$u (committed) records" 3 "$(h_count "$u")"
        assert_eq "$u history_recorded events" 1 "$(h_since "$m" | grep -c "event=history_recorded account=$u ")"
    done
    for u in "${H_REFUSED[@]}"; do
        assert_eq "$u (refused) records" 2 "$(h_count "$u")"
        ev=$(h_since "$m" | grep -E "account=$u " | grep -E "event=(check|error)" | tail -n 1)
        # refused by pwguard (directory timeout: fail closed) or, after pwguard accepted, by Samba itself
        printf '%s' "$ev" | grep -Eq "cause=directory directory=timeout .*verdict=reject|verdict=accept" \
            || fail "$u: unexpected last event: $ev"
    done
    h_set_prefork 24
    h_restart || fail "cannot restart the DC with 24 prefork workers"
}

test_history_ten_changes_in_a_row_each_recorded_once() {
    h_wait hten 1
    local i m
    m=$(h_mark)
    for i in $(seq 1 10); do
        expect_ok "change $i" pw_setpassword_local hten "Ten-In-A-Row-$i-x"
    done
    h_wait hten 11
    sleep 1
    assert_eq "records after 10 changes" 11 "$(h_count hten)"
    assert_eq "distinct records" 11 "$(h_values hten | sort -u | grep -c .)"
    # every check computed exactly one Argon2 hash, from 1 to 10 stored records
    assert_eq "checks with argon2=1" 10 "$(h_since "$m" | grep "event=check account=hten " | grep -c " argon2=1 ")"
    expect_refused "any of the last 24" pw_setpassword_local hten "Ten-In-A-Row-3-x"
}

test_history_ordinary_user_cannot_read() {
    h_wait hread 1
    h_wait hten 11
    local own other filt
    own=$(LT ldapsearch -LLL -o ldif-wrap=no -x -H "$LAB_LDAPS_URL" -D "hread@$LAB_DNSDOMAIN" -w Init-hread-Pass-01 \
        -b "$(lab_dn_of hread)" -s base "$H_ATTR" 2>&1) || fail "hread cannot search itself: $own"
    other=$(LT ldapsearch -LLL -o ldif-wrap=no -x -H "$LAB_LDAPS_URL" -D "hread@$LAB_DNSDOMAIN" -w Init-hread-Pass-01 \
        -b "$(lab_dn_of hten)" -s base "$H_ATTR" 2>&1) || fail "hread cannot search hten: $other"
    filt=$(LT ldapsearch -LLL -x -H "$LAB_LDAPS_URL" -D "hread@$LAB_DNSDOMAIN" -w Init-hread-Pass-01 \
        -b "$LAB_BASE_DN" "($H_ATTR=*)" dn 2>&1)
    printf '%s' "$own$other" | grep -q "^$H_ATTR" && fail "an ordinary user read the history: $own $other"
    printf '%s' "$filt" | grep -q '^dn:' && fail "an ordinary user matched the history in a filter: $filt"
    # positive control: the admin reads it
    lab_ldapsearch -o ldif-wrap=no -b "$(lab_dn_of hten)" -s base "$H_ATTR" | grep -q "^$H_ATTR: pwg[12]" \
        || fail "the administrator cannot read the history (control)"
}

test_history_show_and_clear() {
    h_wait hcount 3
    local out
    out=$(L "$H_BIN" history show --config "$H_CONFIG" hcount) || fail "history show: $out"
    assert_match "show counts" "3 records in $H_ATTR" "$out"
    assert_match "show lists algorithms" "argon2id\(m=19456,t=2,p=1\)" "$out"
    printf '%s' "$out" | grep -q 'pwg1\$' && fail "history show printed a record: $out"
    out=$(L setpriv --reuid=65534 --regid=65534 --clear-groups "$H_BIN" history show --config "$H_CONFIG" hcount 2>&1) \
        && fail "history show ran as nobody"
    assert_match "non-root refused" "must be run as root" "$out"
    # --directory (as explain's): a directory that is not there fails; the privileged socket named explicitly works
    out=$(L "$H_BIN" history show --config "$H_CONFIG" --directory "ldapi://%2Fnonexistent%2Fldapi" hcount 2>&1) \
        && fail "history show --directory with no such socket succeeded: $out"
    out=$(L "$H_BIN" history show --config "$H_CONFIG" --directory "$LAB_LDAPI_PRIV_URL" hcount) || fail "history show --directory: $out"
    assert_match "show --directory counts" "3 records in $H_ATTR" "$out"
    out=$(L "$H_BIN" history clear --config "$H_CONFIG" hcount) || fail "history clear: $out"
    assert_match "clear" "deleted 3 history records" "$out"
    assert_eq "records after clear" 0 "$(h_count hcount)"
}

test_history_argon2_allocation_failure_follows_on_error() {
    h_wait hargon 1
    local rec m
    # a record asking for 4 GiB (the most a pwg1 record may ask), which the script's 4 GiB address space cannot give
    rec="pwg1\$argon2id\$m=4194304,t=1,p=1\$c2FsdHNhbHRzYWx0c2FsdA\$$(date +%s)\$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    printf 'dn: %s\nchangetype: modify\nadd: %s\n%s: %s\n-\n' "$(lab_dn_of hargon)" "$H_ATTR" "$H_ATTR" "$rec" \
        | lab_ldapmodify > /dev/null || fail_op "cannot plant the record"
    m=$(h_mark)
    expect_refused "Argon2 cannot allocate" pw_setpassword_local hargon "Argon-Fail-Pass-2x"
    assert_match "the error names Argon2 and the cause" \
        "event=error .*cause=history detail=\"Argon2id \(m=4194304,t=1,p=1\) failed: Memory allocation error\" on_error=reject verdict=reject" \
        "$(h_since "$m")"
}

# Finding 4: without_rule = "delete" (hdel's policy "nohist" has no history rule) deletes pwguard's records
# (pwg1, pwg2) one by one, never another program's values or a newer format's; with none, no job at all.
test_history_delete_takes_only_pwguard_records() {
    local dn r1 r2 m ev
    dn=$(lab_dn_of hdel)
    r1=$(h_sha256_record Del-Old-Pass-1 3)
    r2="pwg2\$sha256\$-\$AQEBAQEBAQEBAQEBAQEBAQ\$$(date +%s).123456\$AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI"
    printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n%s: %s\n%s: %s\n%s: %s\n-\n' "$dn" "$H_ATTR" \
        "$H_ATTR" "$r1" "$H_ATTR" "$r2" "$H_ATTR" 'pwg9$future$format$x$1$y' "$H_ATTR" '\\server\profiles\hdel' \
        | lab_ldapmodify > /dev/null || fail_op "cannot plant the values"
    m=$(h_mark)
    expect_ok "a change under a policy without a history rule" pw_setpassword_local hdel Del-New-Pass-2
    for _ in $(seq 1 80); do h_since "$m" | grep -q "event=history_deleted account=hdel " && break; sleep 0.1; done
    assert_match "deleted" "event=history_deleted account=hdel .*pruned=2 .*result=ok" "$(h_since "$m")"
    assert_eq "what is left" "$(printf '%s\n' 'pwg9$future$format$x$1$y' '\\server\profiles\hdel' | sort)" "$(h_values hdel | sort)"
    # no pwguard record left: the next change starts no job
    m=$(h_mark)
    expect_ok "another change" pw_setpassword_local hdel Del-New-Pass-3
    ev=$(h_last_check "$m" hdel)
    assert_match "accepted" "verdict=accept" "$ev"
    printf '%s' "$ev" | grep -q "history_job=" && fail "a job was started with no pwguard record to delete: $ev"
    sleep 1
    assert_eq "values after the second change" 2 "$(h_count hdel)"
}

# Findings 10 and 13: a user change back to an old password passes pwguard (count 3) and is refused by
# Samba's own history; the user at once sets another one. The refused password must not be recorded (it
# was: the first record process took the retry's commit for its own), so the 3 most recent passwords
# actually set stay in the history and an admin reset to the oldest of them is refused.
test_history_refused_change_then_retry_records_only_the_retry() {
    h_wait hretry 1
    local cur=Init-hretry-Pass-01 p m
    m=$(h_mark)
    for p in Retry-One-Pass-x Retry-Two-Pass-x Retry-Three-Pass-x; do
        expect_ok "change to $p" pw_ldap_change hretry "$cur" "$p"
        cur=$p
    done
    h_wait_events "$m" "event=history_recorded account=hretry " 3 || fail "the three changes were not recorded: $(h_since "$m" | grep hretry)"
    h_wait hretry 3
    m=$(h_mark)
    expect_refused "back to the first password: Samba's own history" pw_ldap_change hretry "$cur" Init-hretry-Pass-01
    assert_match "pwguard accepted it (not in its last 3)" "verdict=accept" "$(h_last_check "$m" hretry)"
    expect_ok "a quick retry" pw_ldap_change hretry "$cur" Retry-Four-Pass-x
    h_wait_events "$m" "event=history_(not_)?recorded account=hretry " 2
    assert_match "the refused one: not recorded" "event=history_not_recorded account=hretry .*result=not_committed" "$(h_since "$m")"
    assert_eq "recorded once (the retry)" 1 "$(h_since "$m" | grep -c "event=history_recorded account=hretry ")"
    assert_eq "records" 3 "$(h_count hretry)"
    m=$(h_mark)
    expect_refused "an admin reset to the 3rd most recent password actually set" pw_ldap_reset hretry Retry-Two-Pass-x
    assert_match "refused by history" "verdict=reject failed=history" "$(h_last_check "$m" hretry)"
}

# Finding 13: four admin resets on one LDAP connection within one second, count 3. Whole-second record
# times tied, pruning kept the older ones and the current password was never recorded.
test_history_four_resets_within_a_second_keep_the_three_newest() {
    h_wait hburst 1
    local dn i f=$LAB/burst.ldif m j
    dn=$(lab_dn_of hburst)
    : > "$f"
    for i in 1 2 3 4; do
        printf 'dn: %s\nchangetype: modify\nreplace: unicodePwd\nunicodePwd:: %s\n-\n\n' "$dn" "$(unipwd "Burst-$i-Pass-x")" >> "$f"
    done
    # start early in a second, so the four fit in it
    while [ "$(date +%N | cut -c1)" != 0 ]; do sleep 0.02; done
    m=$(h_mark); j=$(wc -l < "$H_JSON")
    L timeout 30 ldapmodify -x -H "$LAB_LDAPS_URL" -D "$LAB_ADMIN_DN" -w "$LAB_ADMIN_PASS" -f "$f" > "$LAB/burst.out" 2>&1 \
        || fail "the four resets failed: $(cat "$LAB/burst.out")"
    diag "check times of the burst: $(h_since "$m" | grep -c "event=check account=hburst .*verdict=accept") accepted"
    h_wait_events "$m" "event=history_(not_)?recorded account=hburst " 4
    assert_eq "recorded" 4 "$(h_since "$m" | grep -c "event=history_recorded account=hburst .*result=ok")"
    assert_eq "records" 3 "$(h_count hburst)"
    assert_eq "recorded events in the JSON file" 4 "$(tail -n +"$((j + 1))" "$H_JSON" | grep -c '"event":"history_recorded","account":"hburst"')"
    expect_refused "a reset back to the current password" pw_ldap_reset hburst Burst-4-Pass-x
    expect_refused "a reset back to the 3rd most recent" pw_ldap_reset hburst Burst-2-Pass-x
    expect_ok "the 4th most recent is out of the last 3" pw_ldap_reset hburst Burst-1-Pass-x
}

# h_record_procs: "PID COMM AGE_MS" of this lab's record processes
h_record_procs() {
    local e d hz up
    hz=$(getconf CLK_TCK); up=$(cut -d' ' -f1 /proc/uptime)
    for e in $(find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$H_BIN" 2>/dev/null); do
        d=${e%/exe}
        tr '\0' ' ' 2>/dev/null < "$d/cmdline" | grep -q "__history-record" || continue
        # field 22 of stat: start time in clock ticks since boot (comm, field 2, has no spaces here)
        echo "${d#/proc/} $(cat "$d/comm" 2>/dev/null) $(awk -v up="$up" -v hz="$hz" '{ printf "%d", (up - $22 / hz) * 1000 }' "$d/stat" 2>/dev/null)"
    done
}

# Finding 10: six quick user changes that never commit (pwguard accepts, Samba's own history refuses). Each
# used to leave a root process polling the directory for confirm_timeout_seconds; now one record process
# per user reads the directory at a time (the others wait, named pwguard-wait), at most 2 hold the user's
# seats, and once a change commits the waiting ones learn at once that theirs did not.
test_history_quick_refused_changes_one_reader_per_user() {
    h_wait hbound 1
    local m i max=0 sampler=$LAB/hbound-samples.txt
    m=$(h_mark)
    expect_ok "a second password" pw_ldap_change hbound Init-hbound-Pass-01 Bound-Second-Pass
    h_wait_events "$m" "event=history_recorded account=hbound " 1 || fail "the second password was not recorded"
    m=$(h_mark)
    : > "$sampler"
    # reading the directory: a record process with its turn (pwguard-record: not pwguard-wait, not pwguard-done,
    # which has released its seat and is only exiting)
    ( for _ in $(seq 1 40); do h_record_procs | awk '$2 == "pwguard-record"' | wc -l >> "$sampler"; sleep 0.05; done ) &
    local spid=$!
    for i in 1 2 3 4 5 6; do
        expect_refused "refused change $i (Samba's own history)" pw_ldap_change hbound Bound-Second-Pass Init-hbound-Pass-01
    done
    wait "$spid"
    max=$(sort -n "$sampler" | tail -n 1)
    diag "record processes reading the directory at once: at most $max; alive now: $(h_record_procs | wc -l)"
    [ "$max" -le 1 ] || fail "$max record processes of one user read the directory at once: $(h_record_procs)"
    assert_eq "checks accepted by pwguard" 6 "$(h_since "$m" | grep -c "event=check account=hbound .*verdict=accept")"
    # a change that commits: every waiting process sees another password committed, and stops
    expect_ok "a change that commits" pw_ldap_change hbound Bound-Second-Pass Bound-Third-Pass
    h_wait_events "$m" "event=history_(not_)?recorded account=hbound " 7 || fail "not every record process ended: $(h_since "$m" | grep hbound)"
    assert_eq "not recorded" 6 "$(h_since "$m" | grep -cE "event=history_not_recorded account=hbound .*result=(not_committed|unconfirmed|busy)")"
    assert_eq "recorded" 1 "$(h_since "$m" | grep -c "event=history_recorded account=hbound .*result=ok")"
    sleep 0.5
    assert_eq "record processes left" 0 "$(h_record_procs | wc -l)"
    m=$(h_mark)
    expect_refused "the committed password again" pw_ldap_reset hbound Bound-Third-Pass
    assert_match "refused by history" "verdict=reject failed=history" "$(h_last_check "$m" hbound)"
}
