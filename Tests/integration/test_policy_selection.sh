# test_policy_selection.sh - which policy applies, decided from a real directory lookup.
#
# Objects: OU=Staff and OU=IT,OU=Staff; groups Board (member of Executives: nested); users
#   psceo   in OU=IT,OU=Staff, member of Board  -> Executives (transitive group)
#   psclerk in OU=Staff                         -> "Staff exactly"
#   psdev   in OU=IT,OU=Staff                   -> "Staff subtree"
#   pssvc   in OU=IT,OU=Staff, exempt by allow  -> Everyone
#   psnobody in CN=Users                        -> Everyone
# pwguard explain reads the privileged ldapi socket directly; one test goes through a real password change
# with pwguard as the DC's check password script, which finds the socket through SMB_CONF_PATH.

PS_BIN=$LAB/bin/pwguard-ps
PS_CONFIG=$LAB/policy-selection.toml

setup_file() {
    local bin=${PWGUARD:-$REPO_ROOT/.build-static/release/pwguard}
    [ -x "$bin" ] || { echo "PWGUARD=$bin is not an executable (scripts/test.sh sets it)"; return 1; }
    mkdir -p "$LAB/bin"
    cp -f "$bin" "$PS_BIN" && chmod 0755 "$PS_BIN" || return 1
    sed "s#@PRIVATE_DIR@#$LAB_PRIVATE_DIR#" "$FIXTURES/policy-selection.toml" > "$PS_CONFIG"
    "$PS_BIN" config check "$PS_CONFIG" >/dev/null || { echo "invalid $PS_CONFIG"; return 1; }
    lab_ou_add Staff >/dev/null; lab_ou_add "OU=IT,OU=Staff" >/dev/null
    lab_group_add Executives >/dev/null; lab_group_add Board >/dev/null
    lab_group_addmembers Executives Board >/dev/null
    local u ou
    for u in psceo:OU=IT,OU=Staff psclerk:OU=Staff psdev:OU=IT,OU=Staff pssvc:OU=IT,OU=Staff psnobody:; do
        ou=${u#*:}
        if [ -n "$ou" ]; then
            lab_user_add "${u%%:*}" 'Init-Qw7-Plomb-Nm-1' --userou="$ou" >/dev/null || { echo "create ${u%%:*}: $LAB_OUT"; return 1; }
        else
            lab_user_add "${u%%:*}" 'Init-Qw7-Plomb-Nm-1' >/dev/null || { echo "create ${u%%:*}: $LAB_OUT"; return 1; }
        fi
    done
    lab_group_addmembers Board psceo >/dev/null
}

# ps_policy ACCOUNT: the policy explain chooses, through the directory
ps_policy() {
    printf 'Zz9-Vexa-Lumb-Qorp-Twix' | "$PS_BIN" explain --config "$PS_CONFIG" --account "$1" --json \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["policy"]["name"] if d["policy"] else "(none)")'
}

test_selection_nested_group_gets_executives() {
    assert_eq "policy for psceo (Board inside Executives)" "Executives" "$(ps_policy psceo)"
}

test_selection_container_exact() {
    assert_eq "policy for psclerk (OU=Staff)" "Staff exactly" "$(ps_policy psclerk)"
}

test_selection_container_subtree() {
    assert_eq "policy for psdev (OU=IT,OU=Staff)" "Staff subtree" "$(ps_policy psdev)"
}

test_selection_allow_exemption() {
    assert_eq "policy for pssvc (allow-listed)" "Everyone" "$(ps_policy pssvc)"
}

test_selection_default_for_others() {
    assert_eq "policy for psnobody (CN=Users)" "Everyone" "$(ps_policy psnobody)"
}

test_selection_explain_shows_why() {
    local out
    out=$(printf 'Short-Pass-1x' | "$PS_BIN" explain --config "$PS_CONFIG" --account psceo) && fail "expected a rejection"
    assert_match "explain names the DN" 'dn +CN=psceo,OU=IT,OU=Staff,DC=lab,DC=example' "$out"
    assert_match "explain says the directory was used" 'directory +looked up in' "$out"
    assert_match "explain names the group" 'block list contains group "Executives"' "$out"
    assert_match "explain's verdict" 'Verdict: REJECT' "$out"
}

# Issue 12, finding 5: a group whose cn copies a configured name (in another OU, with its own sAMAccountName,
# as anyone allowed to create groups in some OU can make) does not count as that group.
test_selection_group_cn_copy_does_not_count() {
    lab_ou_add Delegated >/dev/null
    printf 'dn: CN=Executives,OU=Delegated,%s\nchangetype: add\nobjectClass: group\nsAMAccountName: psfakeexec\n' "$LAB_BASE_DN" \
        | lab_ldapmodify >/dev/null
    [ -n "$(lab_dn_of psfakeexec)" ] || fail_op "creating CN=Executives,OU=Delegated (sAMAccountName psfakeexec)"
    lab_user_add psspoof 'Init-Qw7-Plomb-Nm-1' >/dev/null
    lab_group_addmembers psfakeexec psspoof >/dev/null || fail_op "adding psspoof to psfakeexec"
    assert_eq "policy for psspoof (member of a group whose cn is Executives)" "Everyone" "$(ps_policy psspoof)"
    assert_eq "policy for psceo (the real Executives)" "Executives" "$(ps_policy psceo)"
    # the same group given by DN or SID
    local cfg=$LAB/group-by-dn.toml sid
    sid=$(LT ldbsearch -H "$LAB_SAMLDB" "(sAMAccountName=psfakeexec)" objectSid 2>/dev/null | sed -n 's/^objectSid: //p')
    sed "s#^groups = { block = \[\"Executives\"\] }\$#groups = { block = [\"cn=executives, ou=DELEGATED,$LAB_BASE_DN\"] }#" "$PS_CONFIG" > "$cfg"
    assert_eq "policy for psspoof with the group given by DN" "Executives" \
        "$(printf 'Zz9-Vexa-Lumb-Qorp-Twix' | "$PS_BIN" explain --config "$cfg" --account psspoof --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["policy"]["name"])')"
    sed -i "s#^groups = { block = \[.*\] }\$#groups = { block = [\"$sid\"] }#" "$cfg"
    assert_eq "policy for psspoof with the group given by SID ($sid)" "Executives" \
        "$(printf 'Zz9-Vexa-Lumb-Qorp-Twix' | "$PS_BIN" explain --config "$cfg" --account psspoof --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["policy"]["name"])')"
}

# Issue 12, finding 14: a configured group that does not exist (a typo) is named by config check, by check's
# event=warning (which never holds the password) and by explain's filter line.
test_selection_unknown_group_is_named() {
    local cfg=$LAB/unknown-group.toml rc out
    sed 's/^groups = { block = \["Executives"\] }$/groups = { block = ["Executives", "Domain Admin"] }/' "$PS_CONFIG" > "$cfg"
    out=$("$PS_BIN" config check "$cfg" 2>&1) || fail "config check refused $cfg: $out"
    assert_match "config check on the DC names the group" 'no group "Domain Admin" in the directory' "$out"
    printf 'Vexa-Lumb-42xy-Unk' | SAMBA_CPS_ACCOUNT_NAME=psclerk PWGUARD_LOG_SOCKET=$LAB/none.sock "$PS_BIN" check --config "$cfg" 2>"$LAB/unknown.err"
    rc=$?
    assert_eq "exit status (decided normally: Staff exactly accepts)" 0 "$rc"
    out=$(cat "$LAB/unknown.err")
    assert_match "check warns naming the group" 'event=warning account=psclerk .*cause=unknown_group group="Domain Admin"' "$out"
    assert_match "then the decision" 'event=check account=psclerk .*policy="Staff exactly"' "$out"
    if grep -q 'Vexa-Lumb-42xy-Unk' "$LAB/unknown.err"; then fail "the password reached the log: $out"; fi
    out=$(printf 'Zz9-Vexa-Lumb-Qorp-Twix' | "$PS_BIN" explain --config "$cfg" --account psclerk)
    assert_match "explain's filter line names it" 'groups: not in the block list; no such group in the directory: "Domain Admin"' "$out"
}

# Issue 12, finding 5: a name that names two groups. Samba refuses a second sAMAccountName "Executives", but two
# DCs can each create one before they replicate; the test makes that state by renaming the cn copy in the
# domain partition's file directly (below Samba's modules), and renames it back at the end.
ps_rename_fake() {
    printf 'dn: CN=Executives,OU=Delegated,%s\nchangetype: modify\nreplace: sAMAccountName\nsAMAccountName: %s\n' "$LAB_BASE_DN" "$1" \
        | LT ldbmodify -H "$LAB_PRIVATE_DIR/sam.ldb.d/$(printf %s "$LAB_BASE_DN" | tr '[:lower:]' '[:upper:]').ldb" >/dev/null 2>&1
}
test_selection_ambiguous_group_follows_on_error() {
    local cfg=$LAB/ambiguous.toml rc out
    [ -n "$(lab_dn_of psfakeexec)" ] || fail "psfakeexec (test_selection_group_cn_copy_does_not_count) is missing"
    trap 'ps_rename_fake psfakeexec' EXIT
    ps_rename_fake Executives || fail "cannot rename psfakeexec in the partition file"
    [ "$(LT ldbsearch -H "$LAB_SAMLDB" '(sAMAccountName=Executives)' dn 2>/dev/null | grep -c '^dn: ')" = 2 ] \
        || fail "expected two groups named Executives"
    out=$("$PS_BIN" config check "$PS_CONFIG" 2>&1)
    rc=$?
    assert_eq "config check on the DC: exit status" 2 "$rc"
    assert_match "config check names the group and both DNs" '"Executives" names 2 groups .*OU=Delegated' "$out"
    printf 'Vexa-Lumb-42xy-Amb' | SAMBA_CPS_ACCOUNT_NAME=psclerk PWGUARD_LOG_SOCKET=$LAB/none.sock "$PS_BIN" check --config "$PS_CONFIG" 2>"$LAB/ambiguous.err"
    rc=$?
    out=$(cat "$LAB/ambiguous.err")
    assert_eq "check: on_error reject (3)" 3 "$rc"
    assert_match "the event names the group" 'event=error account=psclerk .*cause=directory directory=ambiguous_group detail="the configured group \\"Executives\\" names 2 groups' "$out"
    sed 's/^default_policy = "Everyone"$/on_error = "accept"\n&/' "$PS_CONFIG" > "$cfg"
    printf 'Vexa-Lumb-42xy-Amb' | SAMBA_CPS_ACCOUNT_NAME=psclerk PWGUARD_LOG_SOCKET=$LAB/none.sock "$PS_BIN" check --config "$cfg" 2>"$LAB/ambiguous2.err"
    rc=$?
    assert_eq "check with on_error = accept" 0 "$rc"
    assert_match "accept-on-error" 'directory=ambiguous_group .*verdict=accept-on-error' "$(cat "$LAB/ambiguous2.err")"
    # block_if_groups_unresolved: the Executives policy (min 20) applies as if psclerk were a member, and a
    # warning names the group
    sed 's/^groups = { block = \["Executives"\] }$/&\nblock_if_groups_unresolved = true/' "$PS_CONFIG" > "$cfg"
    printf 'Vexa-Lumb-42xy-Amb' | SAMBA_CPS_ACCOUNT_NAME=psclerk PWGUARD_LOG_SOCKET=$LAB/none.sock "$PS_BIN" check --config "$cfg" 2>"$LAB/ambiguous3.err"
    rc=$?
    out=$(cat "$LAB/ambiguous3.err")
    assert_eq "check with block_if_groups_unresolved: Executives (min 20) rejects" 1 "$rc"
    assert_match "a warning names the group" 'event=warning account=psclerk .*cause=ambiguous_group group=Executives ' "$out"
    assert_match "the event" 'policy=Executives .*directory=unresolved:ambiguous_group' "$out"
    if grep -q 'Vexa-Lumb-42xy-Amb' "$LAB/ambiguous.err" "$LAB/ambiguous2.err" "$LAB/ambiguous3.err"; then fail "the password reached the log"; fi
}

# Issue 12, finding 3: without `domain`, a domains filter matches the directory's naming context (DC=lab,
# DC=example → lab.example) by whole labels, also for an account that does not exist yet (user create).
test_selection_domain_from_the_naming_context() {
    local cfg=$LAB/domain-nc.toml rc
    { sed -n '1,/^# Seed 001/p' "$PS_CONFIG" | grep -v '^domain = '
      printf '[[policy]]\nname = "Lab domain"\npriority = 5\n[policy.applies_to]\ndomains = { block = ["LAB.example"] }\n'
      printf '[[policy.rule_set]]\n[[policy.rule_set.rule]]\nid = "length"\nmin = 30\n\n'
      sed -n '/^# Seed 001/,$p' "$PS_CONFIG"; } > "$cfg"
    "$PS_BIN" config check "$cfg" >/dev/null 2>&1 || fail "invalid $cfg"
    assert_eq "policy for psnobody (the DC's domain lab.example from its naming context)" "Lab domain" \
        "$(printf 'Zz9-Vexa-Lumb-Qorp-Twix' | "$PS_BIN" explain --config "$cfg" --account psnobody --upn psnobody@other.example --json \
           | python3 -c 'import json,sys; print(json.load(sys.stdin)["policy"]["name"])')"
    printf 'Vexa-Lumb-42xy' | SAMBA_CPS_ACCOUNT_NAME=psnotyet PWGUARD_LOG_SOCKET=$LAB/none.sock "$PS_BIN" check --config "$cfg" 2>"$LAB/domain-nc.err"
    rc=$?
    assert_eq "a new account (no such user yet) under the lab domain's policy (min 30)" 1 "$rc"
    assert_match "the event" 'policy="Lab domain" .*directory=new-account' "$(cat "$LAB/domain-nc.err")"
    sed -i 's/^domains = { block = \["LAB.example"\] }$/domains = { block = ["example.lab", "b.lab.example"] }/' "$cfg"
    assert_eq "other domains, and a domain below lab.example, do not match" "Staff exactly" \
        "$(printf 'Zz9-Vexa-Lumb-Qorp-Twix' | "$PS_BIN" explain --config "$cfg" --account psclerk --json \
           | python3 -c 'import json,sys; print(json.load(sys.stdin)["policy"]["name"])')"
}

# through Samba: the same 14-character password is refused for the executive (min 20) and set for the clerk
test_selection_through_a_real_change() {
    lab_use_cps "exec $PS_BIN check --config $PS_CONFIG" >/dev/null || fail "restarting the DC with pwguard failed"
    expect_refused "executive: 14 characters under the Executives policy" pw_setpassword_local psceo 'Vexa-Lumb-42xy'
    expect_ok "clerk: the same password under Staff exactly" pw_setpassword_local psclerk 'Vexa-Lumb-42xy'
    can_login psclerk 'Vexa-Lumb-42xy'
    expect_refused "developer: 'deep' is banned in the Staff subtree" pw_setpassword_local psdev 'Deep-Vexa-Lumb-42'
    expect_ok "a new account is in no group: the default applies" lab_user_add psnew 'Vexa-Lumb-42xy'
}

# a directory that accepts connections and never answers: the check ends within its deadline
test_selection_blackholed_directory_hits_timeout() {
    local sock=$LAB/blackhole.sock cfg=$LAB/blackhole.toml pid start end rc
    rm -f "$sock" "$sock.2"
    python3 "$FIXTURES/blackhole.py" "$sock" &
    pid=$!
    for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.05; done   # (a loaded machine needs more than 0.3 s)
    [ -S "$sock" ] || fail "blackhole.py did not create $sock"
    { printf 'on_error = "reject"\ndeadline_ms = 500\ndefault_policy = "Everyone"\n[directory]\nuri = "ldapi://%s"\ntimeout_ms = 150\n' "$(printf %s "$sock" | sed 's#/#%2F#g')"
      sed -n '/^# Seed 001/,$p' "$FIXTURES/policy-selection.toml"; } > "$cfg"
    start=$(date +%s%N)
    printf 'Zz9-Vexa-Lumb-Qorp-Twix' | SAMBA_CPS_ACCOUNT_NAME=psceo PWGUARD_LOG_SOCKET=$LAB/none.sock "$PS_BIN" check --config "$cfg" 2>"$LAB/blackhole.err"
    rc=$?
    end=$(date +%s%N)
    kill "$pid" 2>/dev/null
    assert_eq "exit status (on_error reject, internal error)" 3 "$rc"
    [ $(( (end - start) / 1000000 )) -lt 450 ] || fail "took $(( (end - start) / 1000000 )) ms (deadline 500, directory timeout 150)"
    assert_match "the event names the timeout" 'cause=directory directory=timeout' "$(cat "$LAB/blackhole.err")"
    # block_if_groups_unresolved: the executives policy applies as if the user were a member
    sed -i 's/^groups = { block = \["Executives"\] }$/&\nblock_if_groups_unresolved = true/' "$cfg"
    python3 "$FIXTURES/blackhole.py" "$sock.2" &
    pid=$!
    for _ in $(seq 1 100); do [ -S "$sock.2" ] && break; sleep 0.05; done
    [ -S "$sock.2" ] || fail "blackhole.py did not create $sock.2"
    sed -i "s#$(printf %s "$sock" | sed 's#/#%2F#g')#$(printf %s "$sock.2" | sed 's#/#%2F#g')#" "$cfg"
    printf 'Vexa-Lumb-42xy' | SAMBA_CPS_ACCOUNT_NAME=psclerk PWGUARD_LOG_SOCKET=$LAB/none.sock "$PS_BIN" check --config "$cfg" 2>"$LAB/blackhole2.err"
    rc=$?
    kill "$pid" 2>/dev/null
    assert_eq "groups unresolved + block_if_groups_unresolved: Executives (min 20) rejects" 1 "$rc"
    assert_match "event names the policy" 'policy=Executives' "$(cat "$LAB/blackhole2.err")"
    assert_match "event says unresolved" 'directory=unresolved:timeout' "$(cat "$LAB/blackhole2.err")"
}

# no socket at all (a stopped DC): an immediate, named error
test_selection_missing_socket_fails_fast() {
    local cfg=$LAB/nosocket.toml rc
    { printf 'default_policy = "Everyone"\n[directory]\nprivate_dir = "%s"\n' "$LAB/no-such-private-dir"
      sed -n '/^# Seed 001/,$p' "$FIXTURES/policy-selection.toml"; } > "$cfg"
    printf 'Zz9-Vexa-Lumb-Qorp-Twix' | SAMBA_CPS_ACCOUNT_NAME=psceo PWGUARD_LOG_SOCKET=$LAB/none.sock "$PS_BIN" check --config "$cfg" 2>"$LAB/nosocket.err"
    rc=$?
    assert_eq "exit status" 3 "$rc"
    assert_match "the event names the cause" 'cause=directory directory=connect' "$(cat "$LAB/nosocket.err")"
}

# samba -M single: the DC's only process waits for the script, so the script's lookup cannot be answered.
# pwguard must give up within timeout_ms and say why, not hang until Samba's 10 s kill. (Named to run
# last: it restarts the DC in the single process model, then restores prefork.)
test_selection_zz_single_process_model_is_detected() {
    local sock=$LAB/ps-log.sock events=$LAB/ps-events.log cfg=$LAB/single.toml lpid t0 t1 ms
    rm -f "$sock" "$events"
    setsid python3 "$FIXTURES/log-listener.py" "$sock" "$events" "$$" </dev/null >/dev/null 2>&1 &
    lpid=$!
    sed 's/^timeout_ms = 200$/timeout_ms = 150/' "$PS_CONFIG" > "$cfg"
    MODEL=single lab_use_cps "PWGUARD_LOG_SOCKET=$sock exec $PS_BIN check --config $cfg" >/dev/null \
        || { kill "$lpid"; fail "restarting the DC with -M single failed"; }
    t0=$(date +%s%N)
    expect_refused "an LDAP reset under -M single (the lookup cannot be answered)" pw_ldap_reset psclerk 'Vexa-Lumb-42xy-Single'
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    MODEL=prefork lab_use_cps "exec $PS_BIN check --config $PS_CONFIG" >/dev/null
    sleep 0.2
    kill "$lpid" 2>/dev/null
    [ "$ms" -lt 5000 ] || fail "the refused change took $ms ms: pwguard must not wait for Samba's 10 s timeout"
    assert_match "the event names the timeout and -M single" 'cause=directory directory=timeout .*-M single' "$(cat "$events" 2>/dev/null)"
}
