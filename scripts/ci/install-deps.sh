#!/bin/bash
# install-deps.sh - install every Debian 12 package pwguard needs to build, benchmark and run its
# Samba AD DC lab tests. Idempotent and quick when everything is already there (runs in every CI run).
#
#   scripts/ci/install-deps.sh            # install what is missing
#   scripts/ci/install-deps.sh --check    # only report what is missing (exit 1 if anything is)
#   PWGUARD_DEPS_GROUPS="build lab" scripts/ci/install-deps.sh   # only some groups
#
# Installing samba must not leave Debian's own samba/smbd/nmbd/winbind daemons running and holding
# ports 53/88/389/445/...: the lab starts its own DC in a private network namespace. While apt runs,
# a policy-rc.d that denies every service start is in place (kept if one was already there); with
# systemd as init, the distribution's units are also stopped and masked afterwards.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

declare -A GROUP_PKGS=(
  [build]="libldap2-dev libargon2-dev libssl-dev pkg-config"
  [bench]="passwdqc cracklib-runtime john-data nmap-common"
  [lab]="samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules krb5-user
         ldap-utils smbclient python3-samba winbind tdb-tools ldb-tools iproute2 util-linux procps bc
         libsasl2-modules-gssapi-mit python3-pip"
)
GROUPS_WANTED=${PWGUARD_DEPS_GROUPS:-build bench lab}
# Debian's daemons that samba/winbind ship; none may run outside the lab.
DISTRO_SERVICES="samba-ad-dc smbd nmbd winbind samba"

CHECK_ONLY=0
case "${1:-}" in
  --check) CHECK_ONLY=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

now_us() { echo "${EPOCHREALTIME/./}"; }
T0=$(now_us)
secs() { local d=$(( $(now_us) - $1 )); printf '%d.%03d' $((d / 1000000)) $(((d / 1000) % 1000)); }

PKGS=()
for g in $GROUPS_WANTED; do
  [ -n "${GROUP_PKGS[$g]+x}" ] || { echo "unknown group '$g' (known: ${!GROUP_PKGS[*]})" >&2; exit 2; }
  # shellcheck disable=SC2206
  PKGS+=(${GROUP_PKGS[$g]})
done

missing() {
  local p st
  for p in "${PKGS[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [ "${st:0:2}" = "ii" ] || echo "$p"
  done
}

MISSING=$(missing | tr '\n' ' ')
MISSING=${MISSING% }
if [ -z "$MISSING" ]; then
  echo "install-deps: all ${#PKGS[@]} packages already installed ($(secs "$T0") s)"
  exit 0
fi
if [ "$CHECK_ONLY" = 1 ]; then
  echo "install-deps: missing: $MISSING"
  exit 1
fi

if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo -E "$0" "$@"
  fi
  echo "install-deps: must run as root (missing: $MISSING)" >&2
  exit 1
fi

systemd_running() { [ -d /run/systemd/system ]; }

# --- forbid service starts while packages are configured -----------------------------------------
POLICY=/usr/sbin/policy-rc.d
OWN_POLICY=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# installed temporarily by pwguard scripts/ci/install-deps.sh\nexit 101\n' > "$POLICY"
  chmod 0755 "$POLICY"
  OWN_POLICY=1
fi
cleanup() { if [ "$OWN_POLICY" = 1 ]; then rm -f "$POLICY"; fi; }
trap cleanup EXIT

if systemd_running; then
  # masking before the units exist is allowed and stops socket/dbus activation as well
  for s in $DISTRO_SERVICES; do systemctl mask "$s.service" >/dev/null 2>&1 || true; done
fi

# krb5-config (pulled in by krb5-user) asks for a default realm and servers; answer so that it writes
# a harmless /etc/krb5.conf (the lab bind-mounts its own over it) and never prompts.
if command -v debconf-set-selections >/dev/null 2>&1; then
  debconf-set-selections <<'EOF'
krb5-config krb5-config/read_conf boolean true
krb5-config krb5-config/add_servers_realm string
krb5-config krb5-config/default_realm string
krb5-config krb5-config/add_servers boolean false
krb5-config krb5-config/kerberos_servers string
krb5-config krb5-config/admin_server string
samba-common samba-common/dhcp boolean false
samba-common samba-common/workgroup string WORKGROUP
EOF
fi

echo "install-deps: installing: $MISSING"
T1=$(now_us)
APT_OPTS=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
apt-get update -q
# shellcheck disable=SC2086
apt-get install "${APT_OPTS[@]}" $MISSING
echo "install-deps: apt took $(secs "$T1") s"

# --- make sure no distribution samba daemon is left running -----------------------------------------
if systemd_running; then
  for s in $DISTRO_SERVICES; do
    systemctl stop "$s.service" >/dev/null 2>&1 || true
    systemctl mask "$s.service" >/dev/null 2>&1 || true
  done
else
  # no systemd (container-like machine): the sysv scripts were blocked by policy-rc.d; if some other
  # policy let one start anyway, stop it through its init script (never by process name)
  # ("status" is useless here: samba-ad-dc's init script reports 0 whenever the host is not a DC)
  for s in $DISTRO_SERVICES; do
    [ -x "/etc/init.d/$s" ] || continue
    case $s in samba-ad-dc) d=samba ;; winbind) d=winbindd ;; *) d=$s ;; esac
    pid=$(cat "/run/samba/$d.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "/usr/sbin/$d" ]; then
      echo "install-deps: stopping distribution service $s (pid $pid)"
      "/etc/init.d/$s" stop || true
    fi
    # keep them from starting at boot on sysv-style hosts
    if command -v update-rc.d >/dev/null 2>&1; then
      update-rc.d "$s" disable >/dev/null 2>&1 || true
    fi
  done
fi

STILL=$(missing | tr '\n' ' ')
if [ -n "${STILL// /}" ]; then
  echo "install-deps: still missing after install: $STILL" >&2
  exit 1
fi
echo "install-deps: done in $(secs "$T0") s"
