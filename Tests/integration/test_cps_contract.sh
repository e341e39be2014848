# test_cps_contract.sh - what Samba hands the check password script (see the stand-in's log format in
# fixtures/cps-standin.sh): environment, stdin bytes, user.

# the account name, UPN and display name arrive in SAMBA_CPS_*; the script runs as root with
# SMB_CONF_PATH pointing at the DC's smb.conf
test_env_account_upn_fullname() {
    local user=ct_names mark
    lab_user_exists "$user" && lab_user_del "$user"
    expect_ok "create $user" lab_user_add "$user" 'Init!Names#2024' --given-name=Ada --surname=Lovelace
    mark=$(standin_mark)
    expect_ok "admin reset" pw_ldap_reset "$user" 'Next!Names#2024'
    standin_expect "$mark" "$user" 'Next!Names#2024' accept
    assert_eq "SAMBA_CPS_USER_PRINCIPAL_NAME" "$user@$LAB_DNSDOMAIN" "$(standin_field "$STANDIN_LINE" upn)"
    assert_eq "SAMBA_CPS_FULL_NAME" "Ada Lovelace" "$(standin_field "$STANDIN_LINE" fullname)"
    assert_eq "SMB_CONF_PATH" "$LAB_SMBCONF" "$(standin_field "$STANDIN_LINE" smbconf)"
    assert_eq "script uid" 0 "$(standin_field "$STANDIN_LINE" uid)"
    assert_eq "script argc" 1 "$(standin_field "$STANDIN_LINE" argc)"
}

# without a UPN or display name, those variables are not set at all (not set to "")
test_env_without_upn_or_fullname() {
    local user=ct_bare mark dn
    lab_user_exists "$user" && lab_user_del "$user"
    expect_ok "create $user" lab_user_add "$user" 'Init!Bare#2024'
    dn=$(lab_dn_of "$user")
    [ -n "$dn" ] || fail "no DN for $user"
    expect_ok "remove the UPN" lab_ldapmodify < <(
        printf 'dn: %s\nchangetype: modify\ndelete: userPrincipalName\n-\n' "$dn")
    mark=$(standin_mark)
    expect_ok "admin reset" pw_ldap_reset "$user" 'Next!Bare#2024'
    standin_expect "$mark" "$user" 'Next!Bare#2024' accept
    assert_eq "SAMBA_CPS_USER_PRINCIPAL_NAME" "(unset)" "$(standin_field "$STANDIN_LINE" upn)"
    assert_eq "SAMBA_CPS_FULL_NAME" "(unset)" "$(standin_field "$STANDIN_LINE" fullname)"
}

# a unicodePwd (UTF-16LE on the wire) reaches the script as UTF-8, without a trailing newline
test_stdin_utf8_exact_bytes() {
    local user=ct_utf8 mark pw='Pässwörd€1!𝄞'
    lab_user_exists "$user" && lab_user_del "$user"
    expect_ok "create $user" lab_user_add "$user" 'Init!Utf8#2024'
    mark=$(standin_mark)
    expect_ok "admin reset to a non-ASCII password" pw_ldap_reset "$user" "$pw"
    standin_expect "$mark" "$user" "$pw" accept
    assert_eq "UTF-8 byte count" 19 "$(standin_field "$STANDIN_LINE" bytes)"
    can_login "$user" "$pw" both
}
