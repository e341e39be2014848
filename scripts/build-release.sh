#!/usr/bin/env bash
# Builds the binary to install on a DC: release, fully static (-static-executable).
#
# Why fully static: measured side by side on the 2-vCPU CI machine kind (scripts/bench/check-bench.sh),
# a Swift "hello" starts in ~0.6 ms fully static but ~1.4 ms with only --static-swift-stdlib (the
# dynamic loader, libstdc++ and its static initialisers), and every millisecond holds the DC's sam.ldb write
# lock. The binary needs nothing on the DC but Debian's libldap, which it dlopen()s only for checks whose
# policies need the directory (Debian's libldap cannot be linked statically). Limitation of the static
# build: libldap's TLS (GnuTLS) crashes when dlopen'ed into a static executable, so ldaps:// and StartTLS
# are refused with a clear error; the privileged ldapi socket (the default) and GSSAPI work.
#
#   scripts/build-release.sh            -> prints the path of the built binary on its last line
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release -Xswiftc -static-executable --scratch-path .build-static 2>&1 \
    | grep -vE "requires at runtime the shared libraries from the glibc version|^\[" >&2 || true
bin="$(swift build -c release -Xswiftc -static-executable --scratch-path .build-static --show-bin-path)/pwguard"
[ -x "$bin" ] || { echo "build failed: no $bin" >&2; exit 1; }
echo "$bin"
