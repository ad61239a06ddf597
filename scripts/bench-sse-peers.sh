#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Measures Lathe's stream decoding beside eventsource-parser (the SSE parser of the Vercel AI
# SDK and many Node clients) on the same bytes, fed in the same 1,400-byte pieces.
# The npm package goes into a temporary folder, never into the project.
# Usage: scripts/bench-sse-peers.sh [BUILD_DIR]   (default build/ci; builds bench_stream_decoding)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --build "$build" --target bench_stream_decoding >/dev/null
echo "== Lathe ($(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
"$build/bench/bench_stream_decoding" --write-corpus "$work/corpus.txt"

(cd "$work" && npm install --silent --no-audit --no-fund eventsource-parser@3 >/dev/null)
cat > "$work/bench.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
const corpus = readFileSync(process.argv[2]);
const decoder = new TextDecoder();
const piece = 1400;
function run(withJson) {
  let events = 0, text = '';
  const parser = createParser({ onEvent(e) {
    events++;
    if (withJson && e.data !== '[DONE]') text += JSON.parse(e.data).choices[0].delta.content;
  } });
  // A streaming TextDecoder, as fetch-based clients use, keeps split UTF-8 sequences intact.
  for (let at = 0; at < corpus.length; at += piece)
    parser.feed(decoder.decode(corpus.subarray(at, at + piece), { stream: true }));
  return events;
}
for (const withJson of [false, true]) {
  let best = Infinity, events = 0;
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    events = run(withJson);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  const mb = corpus.length / 1e6;
  console.log(withJson
    ? `eventsource-parser + JSON.parse: ${(mb / best).toFixed(1).padStart(8)} MB/s  ${(200000 / best).toFixed(0).padStart(10)} deltas/s`
    : `eventsource-parser:              ${(mb / best).toFixed(1).padStart(8)} MB/s  ${(events / best).toFixed(0).padStart(10)} events/s`);
}
JS
echo "== eventsource-parser $(node -p "require('$work/node_modules/eventsource-parser/package.json').version") on node $(node --version)"
node "$work/bench.mjs" "$work/corpus.txt"
