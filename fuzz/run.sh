#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer (in build-fuzz, only when needed) and runs each
# for SECONDS, one at a time, on a scratch copy of its committed corpus.
# Prints per target: executions, coverage (libFuzzer's cov:), time and
# crashes. Crash inputs are left in build-fuzz/crashes/<target>/; copy the
# ones worth keeping into fuzz/corpus/<target>/ so ctest replays them.
# Exits non-zero if any target crashed. Needs no terminal (CI=true is fine).
# FAULTLINE_FUZZ_RUNS=N also stops a target after N executions, whichever
# limit comes first.
#
#   fuzz/run.sh TARGET|all SECONDS
set -euo pipefail

usage() {
  echo "usage: fuzz/run.sh TARGET|all SECONDS" >&2
  echo "targets: ${targets[*]}" >&2
  exit 2
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${FAULTLINE_FUZZ_BUILD:-$root/build-fuzz}"
# The list fuzz/CMakeLists.txt registers, so the two cannot drift apart.
read -r -a targets <<<"$(sed -n 's/^set(fuzz_targets \(.*\)/\1/p; s/^    \([a-z_ ]*\))$/\1/p' \
  "$root/fuzz/CMakeLists.txt" | tr '\n' ' ')"

[[ $# -eq 2 ]] || usage
[[ "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || usage
seconds=$2
if [[ "$1" == all ]]; then
  selected=("${targets[@]}")
else
  [[ " ${targets[*]} " == *" $1 "* ]] || usage
  selected=("$1")
fi

jobs="${FAULTLINE_FUZZ_JOBS:-2}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFAULTLINE_FUZZ=ON \
    -DCMAKE_CXX_COMPILER=clang++ -DFAULTLINE_TESTS=OFF -DFAULTLINE_BENCH=OFF \
    -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" >/dev/null
fi
cmake --build "$build" --parallel "$jobs" --target "${selected[@]/%/_fuzz}" >/dev/null

# Both sanitizers stop at the first report, so every finding is a crash.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

failed=0
printf '%-16s %12s %8s %8s %8s\n' target executions cov seconds crashes
for target in "${selected[@]}"; do
  work="$build/fuzz-run/$target"
  crashes="$build/crashes/$target"
  rm -rf "$work"
  mkdir -p "$work" "$crashes"
  # A scratch corpus: what libFuzzer adds stays out of the source tree.
  cp -r "$root/fuzz/corpus/$target/." "$work/"
  dict=()
  [[ -f "$root/fuzz/$target.dict" ]] && dict=("-dict=$root/fuzz/$target.dict")
  [[ -n "${FAULTLINE_FUZZ_RUNS:-}" ]] && dict+=("-runs=$FAULTLINE_FUZZ_RUNS")
  log="$build/fuzz-run/$target.log"
  marker="$build/fuzz-run/$target.start"
  touch "$marker"
  start=$(date +%s)
  status=0
  "$build/fuzz/${target}_fuzz" "$work" "${dict[@]}" -max_total_time="$seconds" \
    -artifact_prefix="$crashes/" -print_final_stats=1 -rss_limit_mb=2048 -timeout=30 \
    </dev/null >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  found=$(find "$crashes" -type f -newer "$marker" | wc -l)
  printf '%-16s %12s %8s %8s %8s\n' "$target" "${runs:-?}" "${cov:-?}" "$elapsed" "$found"
  if [[ $status -ne 0 || $found -ne 0 ]]; then
    failed=1
    echo "  $target: exit $status; log $log; inputs in $crashes" >&2
    grep -m3 -E 'ERROR|runtime error|SUMMARY' "$log" | sed 's/^/    /' >&2 || true
  fi
done
exit $failed
