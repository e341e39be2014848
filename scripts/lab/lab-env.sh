# lab-env.sh - helpers for the pwguard Samba AD DC lab. Source it from bash (root):
#
#   export LAB=/var/tmp/pwguard-lab          # optional; this is the default
#   . scripts/lab/lab-env.sh
#   lab_up 'exec /usr/local/bin/pwguard check --config /etc/pwguard.toml'   # or CPS= ... dc-up.sh
#   lab_user_add alice 'Al1ce!Init#2024'
#   pw_change ldap_change alice 'Al1ce!Init#2024' 'N3w!Secret#2024'; echo $?
#   pwok alice 'N3w!Secret#2024' && echo "login works"
#   lab_down
#
# Safe under `set -u`; changes no shell options. Every client runs inside the lab namespaces (L) with
# a timeout (LT). Functions that run a client return the client's exit status and leave its combined
# output in $LAB/last-op.out (and LAB_OUT); LAB_VERBOSE=1 also copies it to stderr.
#
# Variables (read-only use):
#   LAB LAB_SCRIPTS LAB_REALM LAB_DOMAIN LAB_DNSDOMAIN LAB_DC_IP LAB_DC_HOST LAB_BASE_DN
#   LAB_ADMIN_USER LAB_ADMIN_PASS LAB_ADMIN_DN LAB_SMBCONF LAB_CLIENTCONF LAB_SAMLDB LAB_PRIVATE_DIR
#   LAB_LDAPS_URL LAB_LDAPI_PRIV_URL (privileged ldapi socket, URL-encoded)  LAB_TIMEOUT (default 60)
#   LAB_PW_PATHS (array of every password change path name understood by pw_change)
#
# Functions:
#   L CMD...                          run CMD in the lab namespaces (no timeout; fine for shells)
#   LT CMD...                         same, killed after $LAB_TIMEOUT s
#   lab_up [CPS-LINE]                 start the DC (KEEP=1 reuse domain; MODEL, LOGLEVEL honoured)
#   lab_down                          stop it
#   lab_running                       status 0 if the recorded DC is alive
#   lab_use_cps CPS-LINE              make sure the DC runs with this script line (restart, KEEP=1)
#   lab_tool ARGS...                  local samba-tool on the DC's smb.conf
#   lab_user_add USER PW [ARGS...]    samba-tool user create (ARGS e.g. --userou=OU=x --given-name=A)
#   lab_user_del USER                 samba-tool user delete
#   lab_user_exists USER
#   lab_user_move USER PARENT-DN      samba-tool user move (e.g. "OU=staff,$LAB_BASE_DN")
#   lab_group_add GROUP [ARGS...]     samba-tool group add
#   lab_group_addmembers GROUP M[,M]  samba-tool group addmembers (members may be groups)
#   lab_ou_add OU [ARGS...]           samba-tool ou add; "staff" means "OU=staff"; nested: "OU=a,OU=b"
#   lab_pwsettings ARGS...            samba-tool domain passwordsettings set ARGS
#   lab_dn_of NAME                    print the DN of a sAMAccountName
#   lab_ldapsearch ARGS...            ldapsearch over ldaps bound as Administrator
#   lab_ldapmodify                    ldapmodify over ldaps as Administrator, LDIF on stdin
#   unipwd PW                         base64 of the quoted UTF-16LE unicodePwd value
# Password change paths (one each; OLD is ignored by admin resets when called through pw_change):
#   pw_setpassword_local USER NEW     samba-tool user setpassword on the local sam.ldb (admin reset)
#   pw_setpassword_ldap USER NEW      samba-tool user setpassword -H ldap:// as Administrator
#   pw_self_change USER OLD NEW       samba-tool user password (the user changes their own)
#   pw_ldap_reset USER NEW            LDAP modify over ldaps as Administrator: replace unicodePwd
#   pw_ldap_change USER OLD NEW       LDAP modify over ldaps as USER: delete old + add new unicodePwd
#   pw_samr_change USER OLD NEW       smbpasswd -r (SAMR ChangePasswordUser)
#   pw_kpasswd USER OLD NEW           kpasswd (Kerberos change-password protocol)
#   pw_net_rpc_reset USER NEW         net rpc password as Administrator (SAMR SetUserInfo)
#   pw_change PATH USER OLD NEW       dispatch to one of the above by name (see LAB_PW_PATHS)
#   pw_path_is_reset PATH             status 0 if PATH is an admin reset (no old password)
# Logins:
#   pwok USER PW [ldaps|kinit|both]   status 0 if USER can log in with PW (default: ldaps simple bind)
#     NB: Samba's "old password allowed period" (default 60 min) lets the PREVIOUS password still
#     pass an LDAP simple bind (NTLM-style check) after a change; kinit refuses it at once. To show
#     that an old password is gone, use `pwok USER OLD kinit`.

LAB=${LAB:-/var/tmp/pwguard-lab}
export LAB
LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_REALM=LAB.EXAMPLE
LAB_DOMAIN=LAB
LAB_DNSDOMAIN=lab.example
LAB_DC_IP=127.0.0.2
LAB_DC_HOST=dc1.lab.example
LAB_BASE_DN='DC=lab,DC=example'
LAB_ADMIN_USER=Administrator
LAB_ADMIN_PASS='Adm1n!Passw0rd#2024'     # must match dc-up.sh
LAB_ADMIN_DN="CN=Administrator,CN=Users,$LAB_BASE_DN"
LAB_SMBCONF=$LAB/dc/etc/smb.conf
LAB_CLIENTCONF=$LAB/client.conf
LAB_PRIVATE_DIR=$LAB/dc/private
LAB_SAMLDB=$LAB_PRIVATE_DIR/sam.ldb
LAB_LDAPS_URL=ldaps://$LAB_DC_IP
LAB_LDAPI_PRIV_URL="ldapi://$(printf %s "$LAB_PRIVATE_DIR/ldap_priv/ldapi" | sed 's#/#%2F#g')"
LAB_TIMEOUT=${LAB_TIMEOUT:-60}
LAB_PW_PATHS=(setpassword_local setpassword_ldap self_change ldap_reset ldap_change samr_change
              kpasswd net_rpc_reset)
LAB_OUT=
LAB_RC=0
export LDAPTLS_REQCERT=never            # the DC's self-signed certificate

L() { "$LAB_SCRIPTS/labns" "$@"; }
LT() { timeout -k 5 "$LAB_TIMEOUT" "$LAB_SCRIPTS/labns" "$@"; }

# _lab_op CMD...: run CMD through LT, stdin passed on; output to $LAB/last-op.out and LAB_OUT
_lab_op() {
    mkdir -p "$LAB"
    LT "$@" > "$LAB/last-op.out" 2>&1
    LAB_RC=$?
    LAB_OUT=$(grep -v 'setproctitle' "$LAB/last-op.out")
    if [ "${LAB_VERBOSE:-0}" = 1 ]; then
        printf '+ %s -> %s\n' "$*" "$LAB_RC" >&2
        [ -n "$LAB_OUT" ] && printf '%s\n' "$LAB_OUT" | sed 's/^/  | /' >&2
    fi
    return $LAB_RC
}

lab_up() {
    if [ $# -gt 0 ]; then CPS=$1 "$LAB_SCRIPTS/dc-up.sh"; else "$LAB_SCRIPTS/dc-up.sh"; fi
}
lab_down() { "$LAB_SCRIPTS/dc-down.sh"; }
lab_running() {
    local pid
    pid=$(cat "$LAB/dc.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ -e "/proc/$pid" ] &&
        [ "$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" = "$(stat -L -c %i "$LAB/netns" 2>/dev/null)" ]
}
# lab_use_cps LINE: restart the DC (same domain, same process model and log level unless MODEL or
# LOGLEVEL say otherwise) unless it already runs with exactly LINE
lab_use_cps() {
    local want=${1:-} cur_cps='' cur_model=prefork cur_loglevel=''
    if [ -f "$LAB/dc.env" ]; then
        cur_cps=$(. "$LAB/dc.env" && printf %s "${DC_CPS:-}")
        cur_model=$(. "$LAB/dc.env" && printf %s "${DC_MODEL:-prefork}")
        cur_loglevel=$(. "$LAB/dc.env" && printf %s "${DC_LOGLEVEL:-}")
    fi
    if lab_running; then
        [ "$cur_cps" = "$want" ] && [ "${MODEL:-$cur_model}" = "$cur_model" ] && return 0
        "$LAB_SCRIPTS/dc-down.sh" || return 1
    fi
    CPS=$want KEEP=1 MODEL=${MODEL:-$cur_model} LOGLEVEL=${LOGLEVEL:-$cur_loglevel} "$LAB_SCRIPTS/dc-up.sh"
}

lab_tool() { _lab_op samba-tool "$@" -s "$LAB_SMBCONF"; }
lab_user_add() { local u=$1 p=$2; shift 2; lab_tool user create "$u" "$p" "$@"; }
lab_user_del() { lab_tool user delete "$1"; }
lab_user_exists() { lab_tool user show "$1" >/dev/null 2>&1; }
lab_user_move() { lab_tool user move "$1" "$2"; }
lab_group_add() { local g=$1; shift; lab_tool group add "$g" "$@"; }
lab_group_addmembers() { lab_tool group addmembers "$1" "$2"; }
lab_ou_add() {
    local ou=$1; shift
    case $ou in *=*) ;; *) ou="OU=$ou" ;; esac
    lab_tool ou add "$ou" "$@"
}
lab_pwsettings() { lab_tool domain passwordsettings set "$@"; }
lab_dn_of() {
    LT ldbsearch -H "$LAB_SAMLDB" "(sAMAccountName=$1)" dn 2>/dev/null | sed -n 's/^dn: //p'
}
lab_ldapsearch() {
    LT ldapsearch -LLL -x -H "$LAB_LDAPS_URL" -D "$LAB_ADMIN_DN" -w "$LAB_ADMIN_PASS" "$@"
}
lab_ldapmodify() { _lab_op ldapmodify -x -H "$LAB_LDAPS_URL" -D "$LAB_ADMIN_DN" -w "$LAB_ADMIN_PASS"; }

unipwd() { printf '"%s"' "$1" | iconv -f UTF-8 -t UTF-16LE | base64 -w0; }

# ---- password change paths -------------------------------------------------------------------------
pw_setpassword_local() {
    _lab_op samba-tool user setpassword "$1" --newpassword="$2" -s "$LAB_SMBCONF"
}
pw_setpassword_ldap() {
    _lab_op samba-tool user setpassword "$1" --newpassword="$2" -H "ldap://$LAB_DC_HOST" \
        -U "$LAB_ADMIN_USER%$LAB_ADMIN_PASS" -s "$LAB_CLIENTCONF"
}
pw_self_change() {
    _lab_op samba-tool user password -U "$1%$2" --newpassword="$3" --ipaddress="$LAB_DC_IP" \
        -s "$LAB_CLIENTCONF"
}
pw_ldap_reset() {
    local dn
    dn=$(lab_dn_of "$1"); [ -n "$dn" ] || { LAB_OUT="no such user: $1"; LAB_RC=2; return 2; }
    _lab_op ldapmodify -x -H "$LAB_LDAPS_URL" -D "$LAB_ADMIN_DN" -w "$LAB_ADMIN_PASS" < <(
        printf 'dn: %s\nchangetype: modify\nreplace: unicodePwd\nunicodePwd:: %s\n-\n' \
            "$dn" "$(unipwd "$2")")
}
pw_ldap_change() {
    local dn
    dn=$(lab_dn_of "$1"); [ -n "$dn" ] || { LAB_OUT="no such user: $1"; LAB_RC=2; return 2; }
    _lab_op ldapmodify -x -H "$LAB_LDAPS_URL" -D "$1@$LAB_DNSDOMAIN" -w "$2" < <(
        printf 'dn: %s\nchangetype: modify\ndelete: unicodePwd\nunicodePwd:: %s\n-\nadd: unicodePwd\nunicodePwd:: %s\n-\n' \
            "$dn" "$(unipwd "$2")" "$(unipwd "$3")")
}
pw_samr_change() {
    _lab_op smbpasswd -c "$LAB_CLIENTCONF" -s -r "$LAB_DC_IP" -U "$1" < <(printf '%s\n%s\n%s\n' "$2" "$3" "$3")
}
pw_kpasswd() {
    LAB_KRB5CCNAME=MEMORY:kpasswd _lab_op kpasswd "$1@$LAB_REALM" < <(printf '%s\n%s\n%s\n' "$2" "$3" "$3")
}
pw_net_rpc_reset() {
    _lab_op net -s "$LAB_CLIENTCONF" rpc password "$1" "$2" \
        -U "$LAB_ADMIN_USER%$LAB_ADMIN_PASS" -S "$LAB_DC_HOST" -I "$LAB_DC_IP"
}
pw_path_is_reset() {
    case $1 in setpassword_local|setpassword_ldap|ldap_reset|net_rpc_reset) return 0 ;; esac
    return 1
}
pw_change() {
    local path=$1 user=$2 old=$3 new=$4
    case $path in
        setpassword_local|setpassword_ldap|ldap_reset|net_rpc_reset) "pw_$path" "$user" "$new" ;;
        self_change|ldap_change|samr_change|kpasswd) "pw_$path" "$user" "$old" "$new" ;;
        *) echo "pw_change: unknown path '$path' (known: ${LAB_PW_PATHS[*]})" >&2; return 2 ;;
    esac
}

# ---- logins ---------------------------------------------------------------------------------------
pwok() {
    local user=$1 pw=$2 how=${3:-ldaps}
    case $how in
        ldaps)
            LT ldapsearch -x -H "$LAB_LDAPS_URL" -D "$user@$LAB_DNSDOMAIN" -w "$pw" \
                -s base -b '' dnsHostName >/dev/null 2>&1 ;;
        kinit)
            printf '%s\n' "$pw" | LAB_KRB5CCNAME=MEMORY:pwok LT kinit "$user@$LAB_REALM" >/dev/null 2>&1 ;;
        both) pwok "$user" "$pw" ldaps && pwok "$user" "$pw" kinit ;;
        *) echo "pwok: method must be ldaps, kinit or both" >&2; return 2 ;;
    esac
}
