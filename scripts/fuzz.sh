#!/usr/bin/env bash
# Runs the cargo-fuzz targets (fuzz/fuzz_targets) for SECONDS each, JOBS at a time, starting
# from the seed corpus in fuzz/seeds; prints each target's executions and whether it found
# a crash (reproducer in fuzz/artifacts/TARGET/). Needs nightly and cargo-fuzz:
#   rustup toolchain install nightly && cargo +nightly install cargo-fuzz
#   scripts/fuzz.sh [SECONDS] [JOBS]          # default 600 s, 2 at a time
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-600}"
jobs="${2:-2}"
targets=(accept authorization language time_zone select strings idempotency_key)
mkdir -p logs
cargo +nightly fuzz build -O
run() {
    local target="$1"
    mkdir -p "corpus/$target"
    if cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 > "logs/$target.log" 2>&1; then
        echo "$target: clean, $(grep -m1 'stat::number_of_executed_units' "logs/$target.log" | awk '{print $2}') executions in ${seconds} s"
    else
        echo "$target: FAILED - see fuzz/logs/$target.log and fuzz/artifacts/$target/"
        return 1
    fi
}
export -f run
export seconds
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run {}'
