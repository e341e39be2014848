#!/usr/bin/env bash
# Runs every test of pwguard: unit and contract tests (swift test), then the integration tests against a
# real Samba AD DC on loopback (Tests/integration/run.sh: needs root, provisions and stops its own DC).
#
#   scripts/test.sh              install what is missing, build, run everything
#   SKIP_INSTALL=1 scripts/test.sh   do not call apt-get (packages already there)
#   SKIP_INTEGRATION=1 ...       unit tests only (for a machine without root); CI never sets this
#   SKIP_SANITIZERS=1, SKIP_FUZZ=1   skip the ASan/TSan unit-test runs, the bounded fuzzing; CI never sets these
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
# swift_test LOG [ARGS...]: swift test ARGS, full output in LOG, failures and the summary shown
swift_test() {
    local log=$1 status start; shift
    start=$(date +%s)
    set +e
    swift test "$@" > "$log" 2>&1
    status=$?
    set -e
    grep -E "✘|error:|recorded an issue|XCTAssert|ERROR: (Address|Thread)Sanitizer|WARNING: ThreadSanitizer" "$log" | head -n 60 || true
    tail -n 4 "$log"
    echo "($(( $(date +%s) - start )) s)"
    [ "$status" = 0 ] || { echo "swift test $* failed (full log: $log)" >&2; exit "$status"; }
}
mkdir -p .build
echo "== swift test"
swift_test .build/swift-test.log

# The unit tests again under AddressSanitizer and ThreadSanitizer, each in its own scratch path (a full
# build each; README "What scripts/test.sh runs" has the times). SKIP_SANITIZERS=1 skips them locally.
# LeakSanitizer is off: at exit it reports XCTest's and the Swift runtime's objects and TOMLKit's tables,
# never freed by design in processes that exit; ASan's memory errors (overflows, use after free) still fail.
if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
    echo "== swift test --sanitize=address"
    ASAN_OPTIONS=detect_leaks=0 swift_test .build/swift-test-asan.log --sanitize=address --scratch-path .build-asan
    echo "== swift test --sanitize=thread"
    swift_test .build/swift-test-tsan.log --sanitize=thread --scratch-path .build-tsan
fi

# libFuzzer targets (scripts/fuzz/), each for a bounded time from its seed corpus. SKIP_FUZZ=1 skips them.
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
    echo "== fuzzing (bounded)"
    scripts/fuzz/run.sh rule_engine "${FUZZ_SECONDS_RULE_ENGINE:-60}"
    scripts/fuzz/run.sh config_loader "${FUZZ_SECONDS_CONFIG_LOADER:-45}"
    scripts/fuzz/run.sh store_reader "${FUZZ_SECONDS_STORE_READER:-30}"
    scripts/fuzz/run.sh word_index_reader "${FUZZ_SECONDS_WORD_INDEX_READER:-30}"
    scripts/fuzz/run.sh dn_parser "${FUZZ_SECONDS_DN_PARSER:-20}"
    scripts/fuzz/run.sh history_job "${FUZZ_SECONDS_HISTORY_JOB:-20}"
fi

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
