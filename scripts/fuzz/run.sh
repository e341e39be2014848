#!/usr/bin/env bash
# Runs one libFuzzer target (scripts/fuzz/build.sh builds it) for SECONDS, from its seed corpus.
#
#   scripts/fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#
# Targets: rule_engine, config_loader, store_reader, word_index_reader, history_job (see build.sh). The seeds
# in Tests/fuzz/corpus/TARGET/ are read, never
# written: new inputs go to .build-fuzz/corpus/TARGET/ (kept between runs), findings (crash-*, timeout-*,
# oom-*) to .build-fuzz/findings/TARGET/. Exit status: 0 when the run ended with no finding. The last lines
# print the number of inputs run (libFuzzer's "stat::number_of_executed_units") and the time taken.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 2 ] || { echo "usage: $0 TARGET SECONDS [libFuzzer options...]" >&2; exit 2; }
target=$1 seconds=$2; shift 2
bin=$(scripts/fuzz/build.sh "$target" | tail -n 1)
seeds=Tests/fuzz/corpus/$target
work=.build-fuzz/corpus/$target
findings=.build-fuzz/findings/$target
mkdir -p "$work" "$findings"
[ -d "$seeds" ] || { echo "no seed corpus $seeds" >&2; exit 2; }
log=.build-fuzz/$target.log
start=$(date +%s)
set +e
# -timeout: one input taking over 5 s is a finding (instrumented code on a shared 2-core machine runs a
# check 20-50x slower than the release binary; 1 s gave false alarms under load); the Swift runtime's
# own backtracer is off so a finding prints ASan's report, not two interleaved ones. LeakSanitizer is off:
# at exit it reports Swift's lazily initialised globals (rule examples, policies), whose references it
# cannot see in Swift's packed enum payloads, and TOMLKit, which never frees toml++'s tables (~280 bytes per
# configuration parsed: harmless in a process that parses one and exits). A leak large enough to matter
# still ends the run through -rss_limit_mb.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=2048 -detect_leaks=0 \
    -print_final_stats=1 -artifact_prefix="$findings/" "$@" "$work" "$seeds" > "$log" 2>&1
status=$?
set -e
end=$(date +%s)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
grep -E '^(==[0-9]+==ERROR|SUMMARY|.*Fatal error|.*deadly signal|.*Test unit written)' "$log" | head -n 20 || true
echo "fuzz $target: ${runs:-?} inputs in $((end - start)) s, exit $status (log: $log)"
exit "$status"
