#!/usr/bin/env bash
# Builds pwguard's libFuzzer targets with AddressSanitizer, without SwiftPM: each module's sources are
# compiled directly with swiftc -sanitize=fuzzer,address (TOMLKit's C++ core, toml++, with clang++
# -fsanitize=fuzzer-no-link,address), then linked into one executable per target under .build-fuzz/.
#
#   scripts/fuzz/build.sh [TARGET...]     default: every target; prints each executable's path
#
# Targets (sources under Tests/fuzz/):
#   rule_engine     Tests/fuzz/RuleEngine: the rule engine over arbitrary password bytes and identities
#   config_loader   Tests/fuzz/ConfigLoader: the TOML configuration loader
#   store_reader    Tests/fuzz/StoreReader: the breached-password store reader (damaged copies of a valid store)
#   word_index_reader Tests/fuzz/WordIndexReader: the word-index reader and the word rules' walks over it
#   dn_parser       Tests/fuzz/DNParser: the DN parser (PwguardCore's DN) and the selection filters on it
#   history_job     Tests/fuzz/HistoryJob: the job text the root history record process reads on stdin
# A new target: a directory Tests/fuzz/<Name> with one file defining LLVMFuzzerTestOneInput, a line in
# TARGETS below naming the modules it needs, and a seed corpus Tests/fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v swiftc >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
ROOT=$PWD
OUT=$ROOT/.build-fuzz
MODS=$OUT/modules
mkdir -p "$MODS" "$OUT/obj"

# target -> "source dir|modules it links (in dependency order)"
declare -A TARGETS=(
    [rule_engine]="RuleEngine|CTOML TOMLKit PwguardData PwguardCore PwguardConfig"
    [config_loader]="ConfigLoader|CTOML TOMLKit PwguardData PwguardCore PwguardConfig"
    [store_reader]="StoreReader|PwguardData PwguardCore"
    [word_index_reader]="WordIndexReader|PwguardData PwguardCore"
    [dn_parser]="DNParser|PwguardData PwguardCore"
    [history_job]="HistoryJob|PwguardData PwguardCore"
)
# extra sources compiled into a target's own module (the check's input decoding and decision)
declare -A EXTRA=(
    [rule_engine]="Sources/PwguardCheck/Input.swift Sources/PwguardCheck/Decision.swift Sources/PwguardCheck/Disclosure.swift"
    [config_loader]=""
    [store_reader]="Tests/fuzz/Shared/Damage.swift"
    [word_index_reader]="Tests/fuzz/Shared/Damage.swift"
    [dn_parser]=""
    [history_job]=""
)

[ -d .build/checkouts/TOMLKit ] || swift package resolve >/dev/null
TOMLKIT=$ROOT/.build/checkouts/TOMLKit/Sources
SAN=(-sanitize=fuzzer,address)
SWIFTFLAGS=(-O -g -parse-as-library -enable-testing "${SAN[@]}" -I "$MODS" -I "$TOMLKIT/CTOML/include" -I "$ROOT/Sources/CArgon2" -I "$ROOT/Sources/PwguardData/include")

# newer DEST SOURCES...: whether DEST is missing or older than any source (incremental rebuilds)
stale() { local d=$1; shift; [ -e "$d" ] || return 0; for s in "$@"; do [ "$s" -nt "$d" ] && return 0; done; return 1; }

build_module() {
    local m=$1 srcs=() flags=()
    case $m in
        CTOML)
            local cpp o objs=()
            for cpp in "$TOMLKIT"/CTOML/Sources/*.cpp; do
                o=$OUT/obj/CTOML-$(basename "${cpp%.cpp}" | tr -c 'A-Za-z0-9\n' _).o
                if stale "$o" "$cpp" "$TOMLKIT"/CTOML/Sources/*.hpp; then
                    clang++ -std=c++17 -w -O1 -g -fsanitize=fuzzer-no-link,address -DTOML_EXCEPTIONS=1 \
                        -I "$TOMLKIT/CTOML/include" -c "$cpp" -o "$o"
                fi
                objs+=("$o")
            done
            return ;;
        PwguardData)
            # the built-in ranked lists: data.c embeds blobs/*.pwgr with .incbin (found through -I blobs)
            local d=Sources/PwguardData
            if stale "$OUT/obj/PwguardData.o" "$d/data.c" "$d/include/pwguard_data.h" "$d"/blobs/*; then
                clang -O1 -g -fsanitize=fuzzer-no-link,address -I "$d/include" -I "$d/blobs" -c "$d/data.c" -o "$OUT/obj/PwguardData.o"
            fi
            return ;;
        TOMLKit) mapfile -t srcs < <(find "$TOMLKIT/TOMLKit" -name '*.swift' | sort); flags=(-swift-version 5) ;;
        *) mapfile -t srcs < <(find "Sources/$m" -name '*.swift' | sort); flags=(-swift-version 6) ;;
    esac
    if stale "$OUT/obj/$m.o" "${srcs[@]}"; then
        echo "fuzz build: $m (${#srcs[@]} files)" >&2
        swiftc "${SWIFTFLAGS[@]}" "${flags[@]}" -module-name "$m" -wmo -c "${srcs[@]}" -o "$OUT/obj/$m.o" \
            -emit-module -emit-module-path "$MODS/$m.swiftmodule"
    fi
}

build_target() {
    local t=$1 spec dir mods m objs=() srcs
    spec=${TARGETS[$t]:-}
    [ -n "$spec" ] || { echo "unknown fuzz target $t (known: ${!TARGETS[*]})" >&2; return 2; }
    dir=${spec%%|*}; mods=${spec#*|}
    for m in $mods; do
        build_module "$m"
        if [ "$m" = CTOML ]; then objs+=("$OUT"/obj/CTOML-*.o); else objs+=("$OUT/obj/$m.o"); fi
    done
    # shellcheck disable=SC2206
    srcs=(Tests/fuzz/"$dir"/*.swift ${EXTRA[$t]})
    if stale "$OUT/$t" "${srcs[@]}" "${objs[@]}"; then
        echo "fuzz build: $t" >&2
        swiftc "${SWIFTFLAGS[@]}" -swift-version 6 -module-name "Fuzz_$t" "${srcs[@]}" "${objs[@]}" -lstdc++ -o "$OUT/$t"
    fi
    echo "$OUT/$t"
}

if [ $# = 0 ]; then set -- rule_engine config_loader store_reader word_index_reader dn_parser history_job; fi
for t in "$@"; do build_target "$t"; done
