# test_ansible.sh - the Ansible role samba-examples/ansible/roles/pwguard against the lab DC.
#
# ansible-playbook (ansible-core, pip-installed into /var/tmp/pwguard-ansible-core-$ANS_VERSION when
# not on the PATH) runs samba-examples/ansible/playbook.yml with `-i localhost, -c local`, pointed at
# the lab: smb.conf $LAB/dc/etc/smb.conf, binary $PWGUARD -> $LAB/ansible/sbin/pwguard, configuration
# in $LAB/ansible/etc, and as restart command dc-down.sh + `KEEP=1 CPS_FROM_CONF=1 dc-up.sh`, which
# restarts the DC with the line the role wrote. The configuration bans "ansible" (defined_text) and
# the words of a list the role copies ("tower").
#
#   - first run changes things, the DC then runs with the role's line; a second run changes nothing;
#     --check with another configuration changes nothing;
#   - the installed pwguard refuses a password containing "ansible" (or a list word), accepts a
#     strong one;
#   - a broken configuration fails the run and leaves the installed file byte-identical, the line and
#     the DC untouched; a `%` in the line and a mistyped variable fail before any change;
#   - a breached-password store is copied and verified; a truncated one fails the run, the live one untouched;
#   - pwguard_load_schema loads the history schema once (on the schema master: this DC);
#   - pwguard_enabled=false removes the line and restarts the DC without a script; once more: no change.
# Every ansible run is bounded (timeout ANS_TIMEOUT, default 300 s). teardown_file puts the stand-in
# script back and removes the test user.

ANS_VERSION=2.17.14
ANS_DIR=/var/tmp/pwguard-ansible-core-$ANS_VERSION
ANS_TIMEOUT=${ANS_TIMEOUT:-300}
ANS_ROOT=$LAB/ansible
ANS_PLAYBOOK=$REPO_ROOT/samba-examples/ansible/playbook.yml
ANS_BIN=$ANS_ROOT/sbin/pwguard
ANS_CONFDIR=$ANS_ROOT/etc/pwguard
ANS_CONF=$ANS_CONFDIR/pwguard.toml
ANS_VARS=$ANS_ROOT/vars.yml
ANS_OUT=$ANS_ROOT/last-run.out
ANS_USER=ansuser
ANS_LINE="exec $ANS_BIN check --config $ANS_CONF"

# the configuration the role installs: "ansible" inline, "tower" from a list the role copies
ans_config() {
    cat <<TOML
on_error = "reject"
default_policy = "ansible-lab"

[directory]
enabled = false

[stores]
leaked = "$ANS_CONFDIR/stores/leaked.pwgs"

[[policy]]
name = "ansible-lab"
mode = "enforce"

[[policy.rule_set]]
name = "banned words"
require = "all"

[[policy.rule_set.rule]]
id = "defined_text"
words = ["ansible"]
lists = ["$ANS_CONFDIR/lists/banned.txt"]

[[policy.rule_set.rule]]
id = "length"
min = 12

[[policy.rule_set.rule]]
id = "breached"
stores = ["leaked"]
TOML
}

# ansible-playbook, installed once with pip when missing (a --target directory: no system site
# packages touched, works with Debian's externally-managed python too)
ans_ensure() {
    if command -v ansible-playbook >/dev/null 2>&1; then ANS_PLAYBOOK_CMD=(ansible-playbook); return 0; fi
    if [ ! -x "$ANS_DIR/bin/ansible-playbook" ]; then
        echo "installing ansible-core==$ANS_VERSION into $ANS_DIR (pip)"
        rm -rf "$ANS_DIR.tmp"
        timeout -k 10 600 python3 -m pip install -q --disable-pip-version-check --no-warn-script-location \
            --target "$ANS_DIR.tmp" "ansible-core==$ANS_VERSION" 2>&1 | grep -v 'Running pip as the' ||
            true
        [ -x "$ANS_DIR.tmp/bin/ansible-playbook" ] || { echo "pip install ansible-core failed"; return 1; }
        rm -rf "$ANS_DIR" && mv "$ANS_DIR.tmp" "$ANS_DIR" || return 1
    fi
    ANS_PLAYBOOK_CMD=(env "PYTHONPATH=$ANS_DIR${PYTHONPATH:+:$PYTHONPATH}" "$ANS_DIR/bin/ansible-playbook")
}

# ans_run [ARGS...]: run the playbook on the lab (extra vars from $ANS_VARS, then ARGS), bounded in
# time; output in $ANS_OUT; sets ANS_RC, ANS_CHANGED, ANS_FAILED from the PLAY RECAP (-1 if absent)
ans_run() {
    ans_ensure || return 1
    mkdir -p "$ANS_ROOT/tmp" "$ANS_ROOT/home"
    [ -f "$ANS_ROOT/ansible.cfg" ] || printf "[defaults]\n" > "$ANS_ROOT/ansible.cfg"   # ignore any other ansible.cfg
    ( cd "$ANS_ROOT" &&
      LC_ALL=C.UTF-8 LANG=C.UTF-8 ANSIBLE_HOME=$ANS_ROOT/home ANSIBLE_LOCAL_TEMP=$ANS_ROOT/tmp \
      ANSIBLE_REMOTE_TEMP=$ANS_ROOT/tmp ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
      ANSIBLE_CONFIG=$ANS_ROOT/ansible.cfg \
      timeout -k 10 "$ANS_TIMEOUT" "${ANS_PLAYBOOK_CMD[@]}" -i localhost, -c local "$ANS_PLAYBOOK" \
          -e target=localhost -e pwguard_become=false \
          -e "ansible_python_interpreter={{ ansible_playbook_python }}" -e "@$ANS_VARS" "$@" ) > "$ANS_OUT" 2>&1 < /dev/null
    ANS_RC=$?
    local recap
    recap=$(grep -E '^localhost +: ok=' "$ANS_OUT" | tail -n 1)
    ANS_CHANGED=$(printf '%s' "$recap" | sed -n 's/.* changed=\([0-9]*\).*/\1/p'); ANS_CHANGED=${ANS_CHANGED:--1}
    ANS_FAILED=$(printf '%s' "$recap" | sed -n 's/.* failed=\([0-9]*\).*/\1/p'); ANS_FAILED=${ANS_FAILED:--1}
    echo "ansible-playbook $* -> rc $ANS_RC, recap: ${recap:-none}"
    return 0
}
ans_show() { sed 's/^/#   | /' "$ANS_OUT" | tail -n 60; }
ans_fail() { diag "FAIL: $*"; ans_show; exit 1; }
ans_expect_ok() {   # ans_expect_ok WHAT CHANGED(N|+) [ARGS...]
    local what=$1 want=$2; shift 2
    ans_run "$@"
    [ "$ANS_RC" = 0 ] && [ "$ANS_FAILED" = 0 ] || ans_fail "$what: ansible-playbook failed (rc $ANS_RC)"
    case $want in
        +) [ "$ANS_CHANGED" -gt 0 ] || ans_fail "$what: expected changed>0, got changed=$ANS_CHANGED" ;;
        *) [ "$ANS_CHANGED" = "$want" ] || ans_fail "$what: expected changed=$want, got changed=$ANS_CHANGED" ;;
    esac
}
ans_expect_fail() {   # ans_expect_fail WHAT [ARGS...]
    local what=$1; shift
    ans_run "$@"
    [ "$ANS_RC" != 0 ] || ans_fail "$what: expected ansible-playbook to fail, it succeeded"
}
# the script line in [global] of the lab's smb.conf (empty if none)
smb_cps() { sed -n 's/^[[:space:]]*check password script[[:space:]]*=[[:space:]]*//p' "$LAB_SMBCONF" | tail -n 1; }
dc_cps() { ( . "$LAB/dc.env" && printf %s "${DC_CPS:-}" ); }
dc_pid() { cat "$LAB/dc.pid" 2>/dev/null; }
sha_file() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
# snapshot of what a failed or check-mode run must not change
ans_snapshot() {
    printf '%s %s %s %s\n' "$(sha_file "$ANS_CONF")" "$(sha_file "$LAB_SMBCONF")" "$(sha_file "$ANS_BIN")" "$(dc_pid)"
}

setup_file() {
    local bin=${PWGUARD:-} model
    if [ -z "$bin" ]; then
        echo "PWGUARD is not set: building with scripts/build-release.sh"
        bin=$("$REPO_ROOT/scripts/build-release.sh" 2> "$LAB/pwguard-build.log" | tail -n 1) ||
            { tail -n 20 "$LAB/pwguard-build.log"; return 1; }
    fi
    [ -x "$bin" ] || { echo "PWGUARD=$bin is not an executable file"; return 1; }
    ans_ensure || return 1
    "${ANS_PLAYBOOK_CMD[@]}" --version | head -n 1

    rm -rf "$ANS_ROOT/sbin" "$ANS_ROOT/etc" "$ANS_ROOT/files"
    mkdir -p "$ANS_ROOT/files"
    printf '# banned by the lab test\ntower\n' > "$ANS_ROOT/files/banned.txt"
    printf 'Leaked-Crane-Pass-77\n' | "$bin" hashes import --kind sha1 --plain --quiet -o "$ANS_ROOT/files/leaked.pwgs" - > /dev/null \
        || { echo "cannot build the test store"; return 1; }
    ans_config > "$ANS_ROOT/good.toml"
    model=$( . "$LAB/dc.env" && printf %s "${DC_MODEL:-prefork}")
    # YAML: every value a single-quoted scalar ('' escapes ')
    yq() { printf "'%s'" "${1//\'/\'\'}"; }
    {
        echo "pwguard_binary_src: $(yq "$bin")"
        echo "pwguard_binary_dest: $(yq "$ANS_BIN")"
        echo "pwguard_config_dir: $(yq "$ANS_CONFDIR")"
        echo "pwguard_smb_conf: $(yq "$LAB_SMBCONF")"
        echo "pwguard_samba_restart_command: $(yq "LAB=$(printf %q "$LAB") $(printf %q "$LAB_SCRIPTS/dc-down.sh") && LAB=$(printf %q "$LAB") KEEP=1 CPS_FROM_CONF=1 MODEL=$model $(printf %q "$LAB_SCRIPTS/dc-up.sh")")"
        echo "pwguard_lists:"
        echo "  - { src: $(yq "$ANS_ROOT/files/banned.txt"), dest: lists/banned.txt }"
        echo "pwguard_stores:"
        echo "  - { src: $(yq "$ANS_ROOT/files/leaked.pwgs"), dest: stores/leaked.pwgs }"
        echo "pwguard_config: |"
        sed 's/^/  /' "$ANS_ROOT/good.toml"
    } > "$ANS_VARS"
    # the DC runs with the stand-in (run.sh); the user is created under it
    lab_user_exists "$ANS_USER" || lab_user_add "$ANS_USER" 'Init!Passw0rd#2024' ||
        { echo "cannot create $ANS_USER: $LAB_OUT"; return 1; }
}

teardown_file() {
    lab_user_del "$ANS_USER" || true
    lab_use_cps "$STANDIN_CPS"
}

test_ansible_first_run_installs() {
    [ "$(dc_cps)" = "$STANDIN_CPS" ] || fail "precondition: the DC should run the stand-in, runs [$(dc_cps)]"
    local pid0; pid0=$(dc_pid)
    ans_expect_ok "first run" +
    grep -q 'RUNNING HANDLER \[pwguard : pwguard restart samba\]' "$ANS_OUT" || ans_fail "no restart handler ran"
    assert_eq "binary mode/owner" "755 root" "$(stat -c '%a %U' "$ANS_BIN")"
    cmp -s "$ANS_BIN" "$PWGUARD" 2>/dev/null || [ -z "${PWGUARD:-}" ] || fail "installed binary differs from \$PWGUARD"
    assert_eq "config mode/owner" "640 root" "$(stat -c '%a %U' "$ANS_CONF")"
    cmp -s "$ANS_CONF" "$ANS_ROOT/good.toml" || fail "installed config differs from the one given"
    assert_eq "list installed" "640" "$(stat -c '%a' "$ANS_CONFDIR/lists/banned.txt")"
    assert_eq "smb.conf line" "$ANS_LINE" "$(smb_cps)"
    assert_eq "number of script lines" 1 "$(grep -ci '^[[:space:]]*check password script' "$LAB_SMBCONF")"
    # the line is in [global]: the section header above it is [global]
    assert_eq "section of the line" "[global]" \
        "$(awk '/^\[/ { s = $0 } /check password script/ { print s }' "$LAB_SMBCONF")"
    lab_running || fail "the DC is not running after the role's restart"
    [ "$(dc_pid)" != "$pid0" ] || fail "the DC was not restarted"
    assert_eq "line the DC was started with" "$ANS_LINE" "$(dc_cps)"
}

test_ansible_second_run_no_change() {
    local pid0 snap; pid0=$(dc_pid); snap=$(ans_snapshot)
    ans_expect_ok "second run" 0
    assert_eq "DC not restarted" "$pid0" "$(dc_pid)"
    assert_eq "nothing touched" "$snap" "$(ans_snapshot)"
}

test_ansible_check_mode_no_change() {
    local snap; snap=$(ans_snapshot)
    ans_expect_ok "--check, same variables" 0 --check
    # another configuration and other script args: reported as changes, none made
    ans_expect_ok "--check, new config and args" + --check \
        -e '{"pwguard_config": "default_policy = \"x\"\n", "pwguard_script_args": "--extra"}'
    assert_eq "nothing touched by --check" "$snap" "$(ans_snapshot)"
}

test_ansible_policy_enforced() {
    expect_refused "a password containing 'ansible'" pw_setpassword_local "$ANS_USER" 'My-Ansible-Pass-2024!'
    expect_refused "a password containing 'tower' (copied list)" pw_setpassword_local "$ANS_USER" 'Big-T0wer-Pass-2024!'
    expect_refused "a password in the copied breached store" pw_setpassword_local "$ANS_USER" 'Leaked-Crane-Pass-77'
    expect_ok "a strong password" pw_setpassword_local "$ANS_USER" 'Vx9-Kelp-Zorbu-Frimt'
    can_login "$ANS_USER" 'Vx9-Kelp-Zorbu-Frimt'
}

test_ansible_broken_config_not_installed() {
    local snap; snap=$(ans_snapshot)
    ans_expect_fail "broken config" -e '{"pwguard_config": "on_error = \"reject\"\n[[policy]\nname = 1\n"}'
    grep -q 'failed to validate' "$ANS_OUT" || ans_fail "the run did not fail at validation"
    assert_eq "config, smb.conf, binary, DC untouched" "$snap" "$(ans_snapshot)"
    cmp -s "$ANS_CONF" "$ANS_ROOT/good.toml" || fail "installed config changed"
    expect_refused "still enforced" pw_setpassword_local "$ANS_USER" 'My-Ansible-Pass-2025!'
}

test_ansible_corrupt_store_not_installed() {
    local live=$ANS_CONFDIR/stores/leaked.pwgs snap
    cmp -s "$live" "$ANS_ROOT/files/leaked.pwgs" || fail "precondition: the store is installed"
    snap=$(sha_file "$live")
    head -c 100 "$ANS_ROOT/files/leaked.pwgs" > "$ANS_ROOT/files/truncated.pwgs"
    ans_expect_fail "truncated store" -e "{\"pwguard_stores\": [{\"src\": \"$ANS_ROOT/files/truncated.pwgs\", \"dest\": \"stores/leaked.pwgs\"}]}"
    grep -q 'failed to validate' "$ANS_OUT" || ans_fail "the run did not fail at the store's validation"
    assert_eq "live store untouched" "$snap" "$(sha_file "$live")"
    expect_refused "the store still works" pw_setpassword_local "$ANS_USER" 'Leaked-Crane-Pass-77'
}

test_ansible_unsafe_line_and_bad_vars_refused() {
    local snap; snap=$(ans_snapshot)
    ans_expect_fail "% in the script args" -e 'pwguard_script_args=%u'
    grep -q 'CVE-2026-4408' "$ANS_OUT" || ans_fail "no CVE-2026-4408 message"
    ans_expect_fail "mistyped variable" -e '{"pwguard_enabled": "maybe"}'
    grep -qi 'argument' "$ANS_OUT" || ans_fail "not refused by the argument spec"
    ans_expect_fail "a list entry without dest" -e '{"pwguard_lists": [{"src": "/etc/hostname"}]}'
    assert_eq "nothing touched" "$snap" "$(ans_snapshot)"
}

test_ansible_loads_history_schema_once() {
    local flags
    ans_expect_ok "pwguard_load_schema=true" + -e pwguard_load_schema=true -e "pwguard_sam_ldb=$LAB_SAMLDB"
    grep -A2 "TASK \[pwguard : Load the history schema" "$ANS_OUT" | grep -q "^changed:" || ans_fail "the schema load did not report a change"
    flags=$(lab_ldapsearch -b "CN=Schema,CN=Configuration,$LAB_BASE_DN" "(lDAPDisplayName=pwguardPasswordHistory)" searchFlags \
        | sed -n 's/^searchFlags: //p')
    assert_eq "attribute loaded, confidential" "128" "$flags"
    ans_expect_ok "pwguard_load_schema=true again" 0 -e pwguard_load_schema=true -e "pwguard_sam_ldb=$LAB_SAMLDB"
}

test_ansible_disable_removes_line() {
    local pid0; pid0=$(dc_pid)
    ans_expect_ok "pwguard_enabled=false" + -e pwguard_enabled=false
    assert_eq "no script line left" 0 "$(grep -ci '^[[:space:]]*check password script' "$LAB_SMBCONF")"
    lab_running || fail "the DC is not running after the restart"
    [ "$(dc_pid)" != "$pid0" ] || fail "the DC was not restarted"
    assert_eq "DC started without a script" "" "$(dc_cps)"
    expect_ok "no script: 'ansible' allowed again" pw_setpassword_local "$ANS_USER" 'My-Ansible-Pass-2026!'
    pid0=$(dc_pid)
    ans_expect_ok "pwguard_enabled=false again" 0 -e pwguard_enabled=false
    assert_eq "DC not restarted" "$pid0" "$(dc_pid)"
}
