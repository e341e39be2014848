#!/usr/bin/env bash
# Runs every test of pwguard: unit and contract tests (swift test), then the integration tests against a
# real Samba AD DC on loopback (Tests/integration/run.sh: needs root, provisions and stops its own DC).
#
#   scripts/test.sh              install what is missing, build, run everything
#   SKIP_INSTALL=1 scripts/test.sh   do not call apt-get (packages already there)
#   SKIP_INTEGRATION=1 ...       unit tests only (for a machine without root); CI never sets this
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
    if [ "$(id -u)" = 0 ]; then
        scripts/ci/install-deps.sh
    else
        echo "test.sh: not root, skipping apt-get (set SKIP_INSTALL=1 to silence)" >&2
    fi
fi

echo "== swift build"
swift build 2>&1 | tail -n 3
echo "== swift test"
mkdir -p .build
set +e
swift test > .build/swift-test.log 2>&1
status=$?
set -e
grep -E "✘|error:|recorded an issue|XCTAssert" .build/swift-test.log | head -n 60 || true
tail -n 4 .build/swift-test.log
[ "$status" = 0 ] || { echo "swift test failed (full log: .build/swift-test.log)" >&2; exit "$status"; }

if [ "${SKIP_INTEGRATION:-0}" = 1 ]; then
    echo "== integration tests skipped (SKIP_INTEGRATION=1)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "integration tests need root (they provision a Samba AD DC in a private network namespace)" >&2
    exit 1
fi
echo "== integration tests (real Samba AD DC on loopback)"
PWGUARD="$(scripts/build-release.sh | tail -n 1)"
export PWGUARD
Tests/integration/run.sh
