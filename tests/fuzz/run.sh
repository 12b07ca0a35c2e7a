#!/bin/sh
# run.sh CLANG BUILD_DIR SECONDS - builds the libFuzzer harnesses of
# tests/fuzz with CLANG in BUILD_DIR (-DMMSIM_FUZZ=ON) and runs each for
# SECONDS on a seed corpus made from the bundled scenarios and their
# schedule strings.  Fails on any finding (a crash, a sanitizer report, a
# property check).  Prints how many inputs each harness ran.
set -eu
clang=$1 secs=$3
# clang without libFuzzer's runtime (Debian: libclang-rt-N-dev, only a
# recommendation of clang): nothing to run; 77 is ctest's "skipped"
probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }\n' \
  > "$probe/p.c"
if ! "$clang" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" 2>/dev/null; then
  rm -rf "$probe"
  echo "fuzz: skipped, $clang cannot link -fsanitize=fuzzer (no libFuzzer)"
  exit 77
fi
rm -rf "$probe"
mkdir -p "$2"
build=$(cd "$2" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
CC=$clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMMSIM_FUZZ=ON -DMMSIM_FUZZ_CI=OFF >/dev/null
cmake --build "$build" --target fuzz_scenario fuzz_schedule fuzz_cond -j2 \
  >/dev/null
corpus=$build/corpus
mkdir -p "$corpus/scenario" "$corpus/schedule" "$corpus/cond"
cp "$src"/scenarios/*.scn "$src"/scenarios/litmus/*.scn "$corpus/scenario/"
i=0
for s in $(sed -n 's/^run schedule \([^ ]*\).*/\1/p' "$src"/scenarios/*.scn) \
  0 '0*3.1.0*2' '1*2.0.1*2' '0*100000000' '7.0*2.3'; do
  i=$((i + 1))
  printf '%s' "$s" > "$corpus/schedule/seed$i"
done
# symbolic schedules (sim/symsched.h), read by the same harness
for s in 'cpu1 until invalidate_inode_pages2_range:page_mapped; cpu0; cpu1' \
  'cpu0 until do_no_page:"pte_none? set_pte_at"#2; 1 until lock_page;' \
  'blockdev; exit until "x"#100000000'; do
  i=$((i + 1))
  printf '%s' "$s" > "$corpus/schedule/seed$i"
done
# the condition lines of the bundled scenarios, after their 'expect '
i=0
sed -n 's/^expect \(\(on [^ ]* \)\{0,1\}\(exists\|never\|always\) .*\)/\1/p' \
  "$src"/scenarios/*.scn | while IFS= read -r c; do
  i=$((i + 1))
  printf '%s\n' "$c" > "$corpus/cond/seed$i"
done
printf 'exists cpu0.load1 == old and not (pte(p1,0x10000).dirty)\n' \
  > "$corpus/cond/seed-extra"
total=0
for h in scenario schedule cond; do
  log=$build/fuzz_$h.log
  if ! (cd "$build" && ./fuzz_$h -max_total_time="$secs" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 "$corpus/$h" >"$log" 2>&1); then
    tail -40 "$log"
    echo "fuzz_$h: FINDING (log: $log)"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz_$h: ${runs:-?} inputs in ${secs} s, no finding"
  total=$((total + ${runs:-0}))
done
echo "fuzz: $total inputs in total"
