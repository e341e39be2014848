# test_directory.sh - pwguard's directory lookup (Sources/PwguardDirectory) against the lab DC, through the
# developer tool pwguard-lookup (key: value lines; exit 0 found, 1 no such user, 3 other errors):
#
#   - over the privileged ldapi socket (no credentials): DN, names, SID, OU path, and tokenGroups with
#     every transitive group (user in g1, g1 in g2, g2 in g3: all three SIDs);
#   - configured group names resolved in one search (member or not, unknown name, DOMAIN\ prefix, a SID);
#   - an unknown user is "no such user"; a filter metacharacter in the account name matches nothing;
#   - a listener that accepts and never answers gives a timeout error within timeout_ms + 50 ms;
#     no socket, or a socket nobody listens on (what a stopped samba leaves), fails at once;
#   - ldaps:// and ldap:// + StartTLS simple binds with a root-only password file; a readable password
#     file and a network URI without credentials are refused; GSSAPI with a ticket obtained beforehand
#     (skipped without the Cyrus SASL GSSAPI plugin).
#
# The tool is $PWGUARD_LOOKUP, or built here (swift build --product pwguard-lookup, debug: a dynamically
# linked build, where TLS works; the fully static pwguard refuses ldaps/StartTLS, see DirectoryLookup).

DL_BIN=$LAB/bin/pwguard-lookup
DL_OU="OU=pwgdir,$LAB_BASE_DN"
DL_USER=dl_alice
DL_DN="CN=Alice Dirtest,OU=pwgdir,$LAB_BASE_DN"   # samba-tool names the entry after the full name
DL_PW='Dl!Alice#Init2024'
DL_BIND=dl_bind
DL_BIND_PW='Dl!Bind#Passw0rd24'
DL_PWFILE=$LAB/dl-bind.pw
DL_HANG_PID=$LAB/dl-hang.pid

setup_file() {
    local bin=${PWGUARD_LOOKUP:-}
    if [ -z "$bin" ]; then
        command -v swift >/dev/null 2>&1 || PATH="/opt/swift/usr/bin:$PATH"
        command -v swift >/dev/null 2>&1 ||
            { echo "PWGUARD_LOOKUP is not set and swift is not installed"; return 1; }
        echo "building pwguard-lookup (swift build --product pwguard-lookup)"
        ( cd "$REPO_ROOT" && swift build --product pwguard-lookup ) 2>&1 | tail -n 3
        bin=$(cd "$REPO_ROOT" && swift build --show-bin-path)/pwguard-lookup
    fi
    [ -x "$bin" ] || { echo "pwguard-lookup ($bin) is not an executable file"; return 1; }
    mkdir -p "$LAB/bin"
    cp -f "$bin" "$DL_BIN.new" && chmod 0755 "$DL_BIN.new" && mv -f "$DL_BIN.new" "$DL_BIN" || return 1

    # users and groups (KEEP=1 may leave them from an earlier run)
    lab_tool ou add "$DL_OU" >/dev/null 2>&1
    lab_user_exists "$DL_USER" && lab_user_del "$DL_USER"
    lab_user_add "$DL_USER" "$DL_PW" --userou=OU=pwgdir --given-name=Alice --surname=Dirtest ||
        { echo "cannot create $DL_USER: $LAB_OUT"; return 1; }
    local g
    for g in dl_g1 dl_g2 dl_g3 dl_other; do
        lab_tool group show "$g" >/dev/null 2>&1 || lab_group_add "$g" || { echo "cannot add $g: $LAB_OUT"; return 1; }
    done
    lab_group_addmembers dl_g1 "$DL_USER" >/dev/null 2>&1
    lab_group_addmembers dl_g2 dl_g1 >/dev/null 2>&1
    lab_group_addmembers dl_g3 dl_g2 >/dev/null 2>&1
    lab_user_exists "$DL_BIND" || lab_user_add "$DL_BIND" "$DL_BIND_PW" ||
        { echo "cannot create $DL_BIND: $LAB_OUT"; return 1; }
    ( umask 077; printf '%s\n' "$DL_BIND_PW" > "$DL_PWFILE" )
}

teardown_file() {
    dl_hang_stop
    rm -f "$DL_PWFILE" "$LAB/dl-hang.sock" "$LAB/dl-stale.sock" "$LAB/dl-krb5cc"
}

# dl_lookup ARGS...: run the tool on the host (the privileged socket is a file under $LAB); output in DL_OUT
dl_lookup() {
    DL_OUT=$("$DL_BIN" "$@" 2>&1)
    DL_RC=$?
    printf '%s\n' "$DL_OUT" | sed 's/^/  | /'
    return 0
}
# dl_lookup_ns ARGS...: the same inside the lab's network namespace (ldaps://, ldap://)
dl_lookup_ns() {
    DL_OUT=$(LT "$DL_BIN" "$@" 2>&1)
    DL_RC=$?
    printf '%s\n' "$DL_OUT" | sed 's/^/  | /'
    return 0
}
dl_field() { printf '%s\n' "$DL_OUT" | sed -n "s/^$1: //p" | head -n 1; }
dl_expect_rc() { [ "$DL_RC" = "$1" ] || fail "$2: expected exit status $1, got $DL_RC"; }
# SID of an account or group, in string form, from sam.ldb
dl_sid_of() {
    LT ldbsearch -H "$LAB_SAMLDB" "(sAMAccountName=$1)" objectSid 2>/dev/null | sed -n 's/^objectSid: //p'
}
dl_elapsed_within() {   # dl_elapsed_within MAX_MS: the in-process elapsed_ms of the last lookup
    local e
    e=$(dl_field elapsed_ms)
    [ -n "$e" ] || fail "no elapsed_ms in the output"
    [ "$(echo "$e <= $1" | bc)" = 1 ] || fail "the lookup took $e ms, more than $1 ms"
}

dl_hang_start() {   # a unix socket that accepts connections and never answers
    dl_hang_stop
    rm -f "$LAB/dl-hang.sock"
    setsid python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(16)
open(sys.argv[2], "w").write(str(os.getpid()))
held = []
end = time.time() + 120          # never outlive the test run by much
s.settimeout(1)
while time.time() < end:
    try:
        c, _ = s.accept(); held.append(c)
    except socket.timeout:
        pass
' "$LAB/dl-hang.sock" "$DL_HANG_PID" </dev/null >/dev/null 2>&1 &
    local i
    for i in $(seq 50); do [ -S "$LAB/dl-hang.sock" ] && [ -s "$DL_HANG_PID" ] && return 0; sleep 0.1; done
    fail "the never-answering listener did not start"
}
dl_hang_stop() {
    local pid
    pid=$(cat "$DL_HANG_PID" 2>/dev/null) && [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -f "$DL_HANG_PID"
}

test_dir_user_over_privileged_socket() {
    dl_lookup "$DL_USER" --private-dir "$LAB_PRIVATE_DIR"
    dl_expect_rc 0 "lookup of $DL_USER"
    assert_eq "dn" "$DL_DN" "$(dl_field dn)"
    assert_eq "uri" "$LAB_LDAPI_PRIV_URL" "$(dl_field uri)"
    assert_eq "given name" "Alice" "$(dl_field given_name)"
    assert_eq "surname" "Dirtest" "$(dl_field surname)"
    assert_eq "upn" "$DL_USER@$LAB_DNSDOMAIN" "$(dl_field upn)"
    assert_eq "objectSid" "$(dl_sid_of "$DL_USER")" "$(dl_field sid)"
    assert_eq "domain" "$LAB_DNSDOMAIN" "$(dl_field domain)"
    assert_eq "ou path" "$LAB_DNSDOMAIN/pwgdir" "$(dl_field ou_path)"
    assert_match "pwdLastSet" '^[0-9]{15,}$' "$(dl_field pwd_last_set)"
}

test_dir_smb_conf_private_dir() {
    # no --private-dir: the private dir comes from the smb.conf at $SMB_CONF_PATH (as Samba sets it)
    DL_OUT=$(SMB_CONF_PATH=$LAB_SMBCONF "$DL_BIN" "$DL_USER" 2>&1); DL_RC=$?
    printf '%s\n' "$DL_OUT" | sed 's/^/  | /'
    dl_expect_rc 0 "lookup with the private dir from smb.conf"
    assert_eq "uri" "$LAB_LDAPI_PRIV_URL" "$(dl_field uri)"
}

test_dir_nested_groups_transitive() {
    dl_lookup "$DL_USER" --private-dir "$LAB_PRIVATE_DIR"
    dl_expect_rc 0 "lookup of $DL_USER"
    local g sid sids
    sids=$(printf '%s\n' "$DL_OUT" | sed -n 's/^group_sid: //p')
    for g in dl_g1 dl_g2 dl_g3 "Domain Users"; do
        sid=$(dl_sid_of "$g")
        [ -n "$sid" ] || fail "no SID for $g in sam.ldb"
        printf '%s\n' "$sids" | grep -qxF "$sid" || fail "tokenGroups lacks $g ($sid)"
    done
    printf '%s\n' "$sids" | grep -qxF "S-1-5-32-545" || fail "tokenGroups lacks BUILTIN\\Users (S-1-5-32-545)"
    sid=$(dl_sid_of dl_other)
    if printf '%s\n' "$sids" | grep -qxF "$sid"; then fail "tokenGroups has dl_other, which $DL_USER is not in"; fi
}

test_dir_configured_group_names() {
    dl_lookup "$DL_USER" --private-dir "$LAB_PRIVATE_DIR" --group dl_g3 --group "$LAB_DOMAIN\\DL_G2" \
        --group dl_other --group no_such_group --group S-1-5-32-545 --group "Domain Admins"
    dl_expect_rc 0 "lookup with groups"
    assert_eq "dl_g3" "group: dl_g3 sids=$(dl_sid_of dl_g3) member=yes" "$(printf '%s\n' "$DL_OUT" | grep '^group: dl_g3 ')"
    assert_eq "LAB\\DL_G2" "group: $LAB_DOMAIN\\DL_G2 sids=$(dl_sid_of dl_g2) member=yes" \
        "$(printf '%s\n' "$DL_OUT" | grep -F "group: $LAB_DOMAIN\\DL_G2 ")"
    assert_eq "dl_other" "group: dl_other sids=$(dl_sid_of dl_other) member=no" "$(printf '%s\n' "$DL_OUT" | grep '^group: dl_other ')"
    assert_eq "unknown group" "group: no_such_group sids=(not found) member=no" "$(printf '%s\n' "$DL_OUT" | grep '^group: no_such_group ')"
    assert_eq "SID as group" "group: S-1-5-32-545 sids=S-1-5-32-545 member=yes" "$(printf '%s\n' "$DL_OUT" | grep '^group: S-1-5-32-545 ')"
    assert_match "Domain Admins" 'member=no$' "$(printf '%s\n' "$DL_OUT" | grep '^group: Domain Admins ')"
}

test_dir_unknown_user() {
    dl_lookup dl_nobody --private-dir "$LAB_PRIVATE_DIR"
    dl_expect_rc 1 "unknown user"
    assert_match "message" 'no such user: dl_nobody' "$DL_OUT"
    assert_eq "cause" "no_such_user" "$(dl_field error)"
    # a filter metacharacter is a literal character, not a wildcard
    dl_lookup 'dl_ali*' --private-dir "$LAB_PRIVATE_DIR"
    dl_expect_rc 1 "an account name with *"
    dl_lookup "$DL_USER)(cn=*" --private-dir "$LAB_PRIVATE_DIR"
    dl_expect_rc 1 "an account name with a filter injection"
}

test_dir_never_answering_server_times_out() {
    dl_hang_start
    local url t
    url="ldapi://$(printf %s "$LAB/dl-hang.sock" | sed 's#/#%2F#g')"
    for t in 100 250; do
        dl_lookup "$DL_USER" --uri "$url" --timeout-ms "$t"
        dl_expect_rc 3 "never-answering server, timeout $t ms"
        assert_eq "cause" "timeout" "$(dl_field error)"
        assert_match "message" "directory did not answer within $t ms .*-M single" "$DL_OUT"
        dl_elapsed_within $((t + 50))
    done
    dl_hang_stop
}

test_dir_no_server_fails_at_once() {
    # no socket at all
    dl_lookup "$DL_USER" --private-dir "$LAB/no-such-private-dir" --timeout-ms 400
    dl_expect_rc 3 "missing socket"
    assert_eq "cause" "connect" "$(dl_field error)"
    assert_match "message" "cannot connect .*no socket at $LAB/no-such-private-dir/ldap_priv/ldapi" "$DL_OUT"
    dl_elapsed_within 20
    # a socket file nobody listens on: what a stopped samba leaves behind
    rm -f "$LAB/dl-stale.sock"
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$LAB/dl-stale.sock"
    [ -S "$LAB/dl-stale.sock" ] || fail "could not create a stale socket"
    dl_lookup "$DL_USER" --uri "ldapi://$(printf %s "$LAB/dl-stale.sock" | sed 's#/#%2F#g')" --timeout-ms 400
    dl_expect_rc 3 "socket without a listener"
    assert_eq "cause" "connect" "$(dl_field error)"
    assert_match "message" "cannot connect" "$DL_OUT"
    dl_elapsed_within 50
}

test_dir_ldaps_simple_bind() {
    dl_lookup_ns "$DL_USER" --uri "ldaps://$LAB_DC_HOST" --bind-dn "CN=$DL_BIND,CN=Users,$LAB_BASE_DN" \
        --password-file "$DL_PWFILE" --group dl_g3 --timeout-ms 800
    dl_expect_rc 0 "ldaps simple bind"
    assert_eq "dn" "$DL_DN" "$(dl_field dn)"
    assert_match "group over ldaps" 'member=yes$' "$(printf '%s\n' "$DL_OUT" | grep '^group: dl_g3 ')"
}

test_dir_starttls_simple_bind() {
    dl_lookup_ns "$DL_USER" --uri "ldap://$LAB_DC_HOST" --bind-dn "CN=$DL_BIND,CN=Users,$LAB_BASE_DN" \
        --password-file "$DL_PWFILE" --timeout-ms 800
    dl_expect_rc 0 "ldap:// + StartTLS simple bind"
    assert_eq "dn" "$DL_DN" "$(dl_field dn)"
    # wrong password: a bind error, not a crash or a hang
    local bad=$LAB/dl-bad.pw
    ( umask 077; printf 'not-the-password' > "$bad" )
    dl_lookup_ns "$DL_USER" --uri "ldap://$LAB_DC_HOST" --bind-dn "CN=$DL_BIND,CN=Users,$LAB_BASE_DN" \
        --password-file "$bad" --timeout-ms 800
    rm -f "$bad"
    dl_expect_rc 3 "wrong bind password"
    assert_eq "cause" "bind" "$(dl_field error)"
    assert_match "message" 'Invalid credentials' "$DL_OUT"
}

test_dir_refused_settings() {
    local loose=$LAB/dl-loose.pw
    ( umask 022; printf '%s' "$DL_BIND_PW" > "$loose" )
    chmod 0644 "$loose"
    dl_lookup_ns "$DL_USER" --uri "ldaps://$LAB_DC_HOST" --bind-dn "CN=$DL_BIND,CN=Users,$LAB_BASE_DN" --password-file "$loose"
    rm -f "$loose"
    dl_expect_rc 3 "world-readable password file"
    assert_eq "cause" "config" "$(dl_field error)"
    assert_match "message" 'readable or writable by group or others' "$DL_OUT"
    dl_lookup_ns "$DL_USER" --uri "ldap://$LAB_DC_HOST"
    dl_expect_rc 3 "ldap:// without credentials"
    assert_match "message" 'needs credentials' "$DL_OUT"
}

test_dir_gssapi_with_existing_ticket() {
    if ! ls /usr/lib/*/sasl2/libgssapiv2.so* >/dev/null 2>&1; then
        echo "# skipped: the Cyrus SASL GSSAPI plugin is not installed (libsasl2-modules-gssapi-mit)"
        return 0
    fi
    local cc=FILE:$LAB/dl-krb5cc
    printf '%s\n' "$DL_BIND_PW" | LAB_KRB5CCNAME=$cc LT kinit "$DL_BIND@$LAB_REALM" >/dev/null 2>&1 ||
        fail "kinit $DL_BIND failed"
    DL_OUT=$(LAB_KRB5CCNAME=$cc LT "$DL_BIN" "$DL_USER" --uri "ldap://$LAB_DC_HOST" --sasl gssapi --timeout-ms 800 2>&1)
    DL_RC=$?
    printf '%s\n' "$DL_OUT" | sed 's/^/  | /'
    dl_expect_rc 0 "GSSAPI bind with a ticket"
    assert_eq "dn" "$DL_DN" "$(dl_field dn)"
    # no ticket: a clear bind error
    DL_OUT=$(LAB_KRB5CCNAME=FILE:$LAB/dl-no-krb5cc LT "$DL_BIN" "$DL_USER" --uri "ldap://$LAB_DC_HOST" --sasl gssapi --timeout-ms 800 2>&1)
    DL_RC=$?
    dl_expect_rc 3 "GSSAPI without a ticket"
    assert_match "message" 'GSSAPI needs a valid ticket' "$DL_OUT"
}
