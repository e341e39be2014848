#!/bin/bash
# dc-up.sh - provision a throw-away Samba AD DC (realm LAB.EXAMPLE, domain LAB, host dc1.lab.example
# on 127.0.0.2) under $LAB/dc and start it inside the lab namespaces (see labns). Needs root.
#
# Environment:
#   LAB       lab directory (default /var/tmp/pwguard-lab); everything lives below it
#   CPS       "check password script" line, run by Samba as `/bin/sh -c "$CPS"`; unset or empty: none.
#             e.g. CPS='exec /usr/local/bin/pwguard check --config /etc/pwguard.toml'
#   MODEL     samba process model: prefork (default) | standard | single
#   KEEP=1    reuse an already provisioned domain in $LAB/dc (only rewrite CPS/LOGLEVEL and start)
#   CPS_FROM_CONF=1  with KEEP=1: ignore CPS and keep the script line the existing smb.conf already has
#             (none if it has none), e.g. when a configuration tool (samba-examples/ansible) wrote it
#   LOGLEVEL  samba "log level" (default: none set, i.e. 0); 100 shows the script's stdout/stderr
#   WAIT      seconds to wait for the DC to answer (default 120)
#
# Files: $LAB/dc (provisioned domain; smb.conf in $LAB/dc/etc), $LAB/dc/log (samba's logs, incl.
# samba.stdout), $LAB/provision.log, $LAB/dc.pid (samba master pid), $LAB/dc.env (how it was started).
# The domain gets minimum password age 0 (so a user may change the password repeatedly); everything
# else, password history included, stays at Samba's provisioning defaults.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=${LAB:-/var/tmp/pwguard-lab}
export LAB
DC=$LAB/dc
LABNS=$HERE/labns
ADMIN_PASS='Adm1n!Passw0rd#2024'
CPS=${CPS:-}
MODEL=${MODEL:-prefork}
WAIT=${WAIT:-120}

now_us() { echo "${EPOCHREALTIME/./}"; }
secs() { local d=$(( ${2:-$(now_us)} - $1 )); printf '%d.%03d' $((d / 1000000)) $(((d / 1000) % 1000)); }
die() { echo "dc-up: $*" >&2; exit 1; }
T0=$(now_us)

[ "$(id -u)" = 0 ] || die "must run as root (network/mount namespaces, samba AD DC)"
case $MODEL in prefork|standard|single) ;; *) die "MODEL must be prefork, standard or single" ;; esac
case $CPS in *$'\n'*) die "CPS must be a single line" ;; esac
for c in samba samba-tool ldapsearch unshare nsenter ip findmnt flock; do
    command -v "$c" >/dev/null 2>&1 || die "'$c' not found; run scripts/ci/install-deps.sh"
done

mkdir -p "$LAB"
if [ -f "$LAB/dc.pid" ]; then
    pid=$(cat "$LAB/dc.pid")
    if [ -e "/proc/$pid" ] && [ "$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" = \
                                "$(stat -L -c %i "$LAB/netns" 2>/dev/null)" ]; then
        die "DC already running (pid $pid); run scripts/lab/dc-down.sh first"
    fi
    rm -f "$LAB/dc.pid"
fi

# templates and namespace (labns copies hosts/krb5.conf/client.conf into $LAB)
LAB_REFRESH=1 "$LABNS" true

if [ "${KEEP:-0}" != 1 ] || [ ! -f "$DC/etc/smb.conf" ]; then
    rm -rf "$DC" "$LAB/client-state" "$LAB/run-samba" "$LAB/krb5cc"
    LAB_REFRESH=1 "$LABNS" true                # recreate client-state and run-samba
    mkdir -p "$DC"
    : > "$LAB/empty-smb.conf"                  # provision from nothing: no Debian default shares
    t=$(now_us)
    if ! "$LABNS" samba-tool domain provision -s "$LAB/empty-smb.conf" \
        --targetdir="$DC" --realm=LAB.EXAMPLE --domain=LAB --server-role=dc \
        --dns-backend=SAMBA_INTERNAL --adminpass="$ADMIN_PASS" \
        --host-name=dc1 --host-ip=127.0.0.2 --use-rfc2307 \
        --option="interfaces=127.0.0.2" --option="bind interfaces only=yes" \
        --option="log file=$DC/log/log.%m" --option="max log size=0" \
        --option="pid directory=$DC/run" --option="ncalrpc dir=$DC/run/ncalrpc" \
        --option="ntp signd socket directory=$DC/run/ntp_signd" \
        --option="disable netbios=yes" \
        --option="load printers=no" --option="printcap name=/dev/null" \
        > "$LAB/provision.log" 2>&1; then
        tail -n 20 "$LAB/provision.log" >&2
        die "provision failed; see $LAB/provision.log"
    fi
    # no DNS forwarding out of the lab
    sed -i '/dns forwarder/d' "$DC/etc/smb.conf"
    # tests change one user's password several times in a row
    "$LABNS" samba-tool domain passwordsettings set --min-pwd-age=0 -s "$DC/etc/smb.conf" \
        >> "$LAB/provision.log" 2>&1 || die "passwordsettings failed; see $LAB/provision.log"
    echo "dc-up: provisioned LAB.EXAMPLE in $(secs "$t") s"
else
    echo "dc-up: reusing the domain in $DC (KEEP=1)"
fi

if [ "${CPS_FROM_CONF:-0}" = 1 ] && [ "${KEEP:-0}" = 1 ] && [ -f "$DC/etc/smb.conf" ]; then
    CPS=$(awk '{ l = tolower($0) }
        l ~ /^[ \t]*check[ \t]*password[ \t]*script[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); v = $0 }
        END { print v }' "$DC/etc/smb.conf")
    echo "dc-up: keeping the check password script line of $DC/etc/smb.conf (CPS_FROM_CONF=1)"
fi

# (re)write the lines dc-up owns in [global]; awk takes CPS from the environment, so no quoting or
# escaping of the line is needed here
CPS=$CPS LOGLEVEL=${LOGLEVEL:-} awk '
    /^[ \t]*(check password script|log level)[ \t]*=/ { next }
    { print }
    /^\[global\]/ {
        if (ENVIRON["CPS"] != "") print "\tcheck password script = " ENVIRON["CPS"]
        if (ENVIRON["LOGLEVEL"] != "") print "\tlog level = " ENVIRON["LOGLEVEL"]
    }' "$DC/etc/smb.conf" > "$DC/etc/smb.conf.new"
mv -f "$DC/etc/smb.conf.new" "$DC/etc/smb.conf"
mkdir -p "$DC/log" "$DC/run"
rm -f "$DC/run/samba.pid"

# Start samba in the foreground (-F) as a background job of this script, in its own session, with
# every inherited fd above 2 closed (the DC, and so the check password script, would inherit them).
# setsid/nsenter/unshare/sh all exec, so $! is samba's own pid.
t=$(now_us)
(
    for fd in "/proc/$BASHPID/fd/"*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done 2>/dev/null
    cd /
    exec setsid "$LABNS" samba -s "$DC/etc/smb.conf" -F -M "$MODEL"
) >> "$DC/log/samba.stdout" 2>&1 < /dev/null &
PID=$!
echo "$PID" > "$LAB/dc.pid"
{
    printf 'DC_PID=%q\n' "$PID"
    printf 'DC_MODEL=%q\n' "$MODEL"
    printf 'DC_CPS=%q\n' "$CPS"
    printf 'DC_LOGLEVEL=%q\n' "${LOGLEVEL:-}"
    printf 'DC_STARTED=%q\n' "$(date -u +%FT%TZ)"
} > "$LAB/dc.env"

# Wait until LDAP answers (rootDSE over ldap://), then until the KDC, kpasswd, SMB and ldaps ports
# accept connections; one labns call polls so that each probe is cheap.
if ! "$LABNS" bash -c '
    pid=$1 wait=$2 t0=${EPOCHREALTIME/./}
    deadline=$(( t0 + wait * 1000000 ))
    el() { local d=$(( ${EPOCHREALTIME/./} - t0 )); printf "%d.%03d" $((d/1000000)) $(((d/1000)%1000)); }
    up() { kill -0 "$pid" 2>/dev/null || { echo "dc-up: samba (pid $pid) exited" >&2; exit 3; }; }
    until ldapsearch -x -H ldap://127.0.0.2 -s base -b "" -o nettimeout=2 dnsHostName >/dev/null 2>&1; do
        up; [ "${EPOCHREALTIME/./}" -lt "$deadline" ] || { echo "dc-up: LDAP timeout" >&2; exit 4; }
        sleep 0.1
    done
    echo "dc-up: LDAP answered after $(el) s"
    for port in 88 464 445 636; do
        until (exec 3<>"/dev/tcp/127.0.0.2/$port") 2>/dev/null; do
            up; [ "${EPOCHREALTIME/./}" -lt "$deadline" ] || { echo "dc-up: port $port timeout" >&2; exit 4; }
            sleep 0.1
        done
    done
    echo "dc-up: KDC/kpasswd/SMB/ldaps ports open after $(el) s"
' dc-wait "$PID" "$WAIT"; then
    echo "dc-up: the DC did not come up; last lines of $DC/log:" >&2
    tail -n 15 "$DC/log/samba.stdout" "$DC/log/log.%m" >&2 2>/dev/null || true
    "$HERE/dc-down.sh" >&2 || true
    exit 1
fi

# samba writes its own pid file; it must be the process we started
if [ -f "$DC/run/samba.pid" ]; then
    filepid=$(tr -dc 0-9 < "$DC/run/samba.pid")
    [ "$filepid" = "$PID" ] || echo "dc-up: warning: samba.pid says $filepid, started $PID" >&2
fi
echo "dc-up: samba pid $PID, model $MODEL, check password script: ${CPS:-(none)}"
echo "dc-up: DC started in $(secs "$t") s; dc-up total $(secs "$T0") s"
