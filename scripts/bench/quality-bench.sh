#!/usr/bin/env bash
# Quality benchmark: weak-by-construction and strong-by-construction passwords, checked in one run by
# pwguard's embedded default policy, passwdqc (`pwqcheck -1`), cracklib (`cracklib-check`) and a zxcvbn
# score >= 3 policy; prints weak-accepted % and strong-rejected % side by side per corpus (dev, held-out,
# unseen) and per construction. What the sets are: docs/quality.md.
#
#   scripts/bench/quality-bench.sh                       # builds the release binary, checks its default
#   scripts/bench/quality-bench.sh /path/to/pwguard      # that binary
#   scripts/bench/quality-bench.sh main=/a/pwguard strength=/b/pwguard   # several, side by side
#   PWGUARD=/path/to/pwguard OUT=dir WEAK=1500 STRONG=500 SEED=1 JOBS=2 scripts/bench/quality-bench.sh
#
# A binary may be given as LABEL=BINARY:CONFIG to check a configuration file instead of the default.
# Machine-readable results go to $OUT (default .build/quality-bench): results.tsv, constructions.tsv,
# verdicts.tsv, passwords.tsv (the synthetic passwords), corpora.tsv.
# Needs root once (apt: passwdqc cracklib-runtime john-data nmap-common, via scripts/ci/install-deps.sh's
# bench group) and PyPI (zxcvbn, faker, in a venv under .build/).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in the work tree
OUT=${OUT:-.build/quality-bench}
VENV=${QUALITY_VENV:-.build/quality-venv}

PWGUARD_DEPS_GROUPS=bench scripts/ci/install-deps.sh >&2
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check zxcvbn==4.5.0 faker==40.54.0 >&2

specs=()
for a in "$@"; do
    case $a in
        *=*) specs+=("$a") ;;
        *) specs+=("pwguard default=$a") ;;
    esac
done
if [ ${#specs[@]} -eq 0 ]; then
    bin=${PWGUARD:-$(scripts/build-release.sh | tail -n 1)}
    specs=("pwguard default=$bin")
fi
mkdir -p "$OUT"
args=()
for s in "${specs[@]}"; do
    label=${s%%=*} rest=${s#*=}
    bin=${rest%%:*}
    [ -x "$bin" ] || { echo "quality-bench: $bin is not an executable" >&2; exit 2; }
    # `check` without --config uses /etc/pwguard/pwguard.toml when it exists: pin the embedded default
    if [ "$rest" = "$bin" ] && [ -e /etc/pwguard/pwguard.toml ]; then
        "$bin" config show-default > "$OUT/default-$label.toml"
        rest="$bin:$OUT/default-$label.toml"
        echo "quality-bench: /etc/pwguard/pwguard.toml exists; $label checks 'config show-default' instead" >&2
    fi
    args+=(--pwguard "$label=$rest")
done

# cracklib's dictionary as Debian builds it from its own word list alone (the system's dictionary also
# takes in every /usr/share/dict file installed, so it varies by machine)
mkdir -p "$OUT/cracklib"
create-cracklib-dict -o "$OUT/cracklib/dict" /usr/share/dict/cracklib-small >/dev/null

echo "machine: $(nproc) cpu; passwdqc $(dpkg-query -W -f='${Version}' passwdqc), cracklib-runtime" \
     "$(dpkg-query -W -f='${Version}' cracklib-runtime), zxcvbn $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("zxcvbn"))')"
for s in "${specs[@]}"; do
    b=${s#*=}; b=${b%%:*}
    echo "${s%%=*}: $b (sha256 $(sha256sum "$b" | cut -c1-12))"
done
exec "$VENV/bin/python" scripts/bench/quality_bench.py "${args[@]}" --cracklib-dict "$OUT/cracklib/dict" \
    --out "$OUT" --weak "${WEAK:-1500}" --strong "${STRONG:-500}" --seed "${SEED:-1}" --jobs "${JOBS:-2}"
