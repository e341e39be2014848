#!/bin/bash
# load-schema.sh - add pwguard's password history attribute to a Samba AD forest's schema (run as root on
# one DC; the schema replicates to the others). Idempotent: does nothing when the attribute exists.
#
#   samba-examples/schema/load-schema.sh [SAM_LDB]          # default /var/lib/samba/private/sam.ldb
#   SMB_CONF=/path/smb.conf load-schema.sh SAM_LDB          # passes -s to the ldb tools
#
# Samba refuses schema changes over LDAP unless "dsdb:schema update allowed" is set and the DC restarted;
# ldbmodify on sam.ldb with the option given on the command line works on a running DC, which picks the
# change up by itself. Exit 0: loaded or already there (prints which); 1: failed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
SAM=${1:-/var/lib/samba/private/sam.ldb}
CONF=()
[ -n "${SMB_CONF:-}" ] && CONF=(-s "$SMB_CONF")
[ -e "$SAM" ] || { echo "load-schema: no $SAM (give the DC's sam.ldb)" >&2; exit 1; }
schema_dn=$(ldbsearch "${CONF[@]}" -H "$SAM" -s base -b "" schemaNamingContext 2>/dev/null | sed -n 's/^schemaNamingContext: //p')
[ -n "$schema_dn" ] || { echo "load-schema: cannot read schemaNamingContext from $SAM" >&2; exit 1; }
forest_dn=${schema_dn#CN=Schema,CN=Configuration,}
have_attr() {
    ldbsearch "${CONF[@]}" -H "$SAM" -b "$schema_dn" -s one "(lDAPDisplayName=pwguardPasswordHistory)" dn 2>/dev/null | grep -q '^dn:'
}
have_may() {
    ldbsearch "${CONF[@]}" -H "$SAM" -b "CN=User,$schema_dn" -s base mayContain 2>/dev/null | grep -qi '^mayContain: pwguardPasswordHistory$'
}
if have_attr && have_may; then
    echo "load-schema: pwguardPasswordHistory already in $schema_dn and in the user class"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One ldbmodify per record: a new process loads the schema the previous one changed (the user class can
# only mention the attribute once the attribute exists in the loaded schema).
sed "s/DC=X\$/$forest_dn/" "$here/pwguard-history.ldif" | grep -v '^#' \
    | awk -v dir="$tmp" 'BEGIN { RS = ""; n = 0 } { n++; print > (dir "/" n ".ldif") }'
if ! have_attr; then
    ldbmodify "${CONF[@]}" -H "$SAM" --option="dsdb:schema update allowed=true" "$tmp/1.ldif"
fi
if ! have_may; then
    ldbmodify "${CONF[@]}" -H "$SAM" --option="dsdb:schema update allowed=true" "$tmp/2.ldif"
fi
have_attr && have_may || { echo "load-schema: the attribute is still missing after ldbmodify" >&2; exit 1; }
echo "load-schema: added pwguardPasswordHistory to $schema_dn and to the user class"
