# test_changepaths.sh - every way a password can be set or changed on the DC runs the check password
# script (here the stand-in, fixtures/cps-standin.sh: rejects passwords containing "bad"):
#   - a password the script rejects is refused by the client, and neither it works for a login nor
#     does the old one stop working;
#   - a password the script accepts is set: it works for a login (LDAP simple bind and Kerberos) and
#     Kerberos refuses the old one;
#   - the script got the account name (SAMBA_CPS_ACCOUNT_NAME) and the new password's exact bytes.

# a user per path (sAMAccountName: at most 20 characters)
_cp_user() { local u="cp_${1//_/}"; printf '%s' "${u:0:20}"; }

# what each client prints when the DC refuses the password (extended regex)
_cp_refusal() {
    case $1 in
        setpassword_local|setpassword_ldap|ldap_reset|ldap_change) echo '0000052D' ;;
        self_change) echo 'NT_STATUS_PASSWORD_RESTRICTION' ;;
        samr_change) echo 'password update rule has been violated' ;;
        kpasswd) echo 'does not meet complexity requirements' ;;
        net_rpc_reset) echo 'does not meet the length, complexity, or history requirements' ;;
    esac
}

# check_change_path PATH
check_change_path() {
    local path=$1 user init bad good mark
    user=$(_cp_user "$path")
    init="Init!${path}#1aA"
    bad="Xbad!${path}#2aA"      # the stand-in rejects it
    good="Good!${path}#3aA"

    lab_user_exists "$user" && { lab_user_del "$user" || fail_op "cannot delete leftover $user"; }
    mark=$(standin_mark)
    expect_ok "create $user" lab_user_add "$user" "$init"
    standin_expect "$mark" "$user" "$init" accept

    # rejected by the script -> refused by the client, nothing changes
    mark=$(standin_mark)
    expect_refused "$path to a password the script rejects" pw_change "$path" "$user" "$init" "$bad"
    assert_match "$path refusal message" "$(_cp_refusal "$path")" "$LAB_OUT"
    standin_expect "$mark" "$user" "$bad" reject
    cannot_login "$user" "$bad"
    cannot_login "$user" "$bad" kinit
    can_login "$user" "$init" both

    # accepted by the script -> set
    mark=$(standin_mark)
    expect_ok "$path to a password the script accepts" pw_change "$path" "$user" "$init" "$good"
    standin_expect "$mark" "$user" "$good" accept
    can_login "$user" "$good" both
    cannot_login "$user" "$init" kinit
}

test_path_setpassword_local() { check_change_path setpassword_local; }
test_path_setpassword_ldap()  { check_change_path setpassword_ldap; }
test_path_self_change()       { check_change_path self_change; }
test_path_ldap_reset()        { check_change_path ldap_reset; }
test_path_ldap_change()       { check_change_path ldap_change; }
test_path_samr_change()       { check_change_path samr_change; }
test_path_kpasswd()           { check_change_path kpasswd; }
test_path_net_rpc_reset()     { check_change_path net_rpc_reset; }

# user create with a rejected password fails and leaves no account behind
test_create_rejected() {
    local user=cp_createbad mark
    lab_user_exists "$user" && lab_user_del "$user"
    mark=$(standin_mark)
    expect_refused "user create with a rejected password" lab_user_add "$user" 'Very!bad#Pw2024'
    standin_expect "$mark" "$user" 'Very!bad#Pw2024' reject
    if lab_user_exists "$user"; then fail "$user exists after a refused create"; fi
}
