// SPDX-License-Identifier: GPL-3.0-or-later
// The peer of bench/bench_concurrent_streams.cpp: the official OpenAI Node SDK streaming N
// concurrent chat completions against the same `lathe-cli serve-mock`, with the same request,
// measured the same way (process CPU time, wall time, tokens, inter-token latency from the
// arrival of each content delta, time to first token from the call). Each answer is checked
// against the expected text that `bench_concurrent_streams --write-expected FILE` wrote.
//
//   node openai-node-streams.mjs --url http://127.0.0.1:PORT[,URL...] --expected FILE
//                                [--streams 1,8,32,64] [--repeats 3]
//
// Given several simulators (several URLs), the streams are dealt out to them in turn, as the
// Lathe bench does.
//
// `openai` is imported from beside this file: scripts/bench-streams-peers.sh installs it into a
// temporary folder and runs a copy of this file from there, never from the project.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const urls = (option('--url') ?? '').split(',').filter(Boolean);
const expectedPath = option('--expected');
const counts = option('--streams', '1,8,32,64').split(',').map(Number);
const repeats = Number(option('--repeats', '3'));
if (urls.length === 0 || !expectedPath) {
  console.error('usage: openai-node-streams.mjs --url URL[,URL...] --expected FILE [--streams 1,8,32,64] [--repeats 3]');
  process.exit(2);
}
const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
// The SDK's own retries are off: a failure must show, not be hidden by a second attempt.
const clients = urls.map((url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'dummy', maxRetries: 0 }));

// Nearest rank, as Lathe's ChatOutcome::interTokenLatency() computes it.
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

async function oneStream(client) {
  const sent = performance.now();
  const stream = await client.chat.completions.create({
    model: expected.model,
    messages: [{ role: 'user', content: expected.prompt }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finishReason = null;
  let usage = null;
  const arrivals = [];
  for await (const chunk of stream) {
    const now = performance.now();
    const choice = chunk.choices[0];
    const content = choice?.delta?.content;
    if (content) {
      text += content;
      arrivals.push(now - sent);
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  const end = performance.now() - sent;
  return { text, finishReason, usage, arrivals, end };
}

async function runOnce(n) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: n }, (_, i) => oneStream(clients[i % clients.length])));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const run = { n, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, tokens: 0, gaps: [], ttft: [], atOnce: 0 };
  const edges = [];
  for (const [i, r] of results.entries()) {
    if (r.text !== expected.text || r.finishReason !== 'stop' || r.usage?.completion_tokens !== expected.tokens)
      throw new Error(`stream ${i}: ${r.text.length} characters (${expected.text.length} expected), ` +
                      `finish ${r.finishReason}, usage ${JSON.stringify(r.usage)}`);
    run.tokens += r.arrivals.length;
    run.ttft.push(r.arrivals[0]);
    for (let k = 1; k < r.arrivals.length; k++) run.gaps.push(r.arrivals[k] - r.arrivals[k - 1]);
    // All streams start within the same tick, so their own clocks line up closely enough.
    edges.push([r.arrivals[0], 1], [r.end, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let receiving = 0;
  for (const [, delta] of edges) run.atOnce = Math.max(run.atOnce, (receiving += delta));
  return run;
}

const f = (x, digits = 1) => x.toFixed(digits);
let sdkVersion = 'unknown';
try {
  sdkVersion = JSON.parse(readFileSync(new URL('./node_modules/openai/package.json', import.meta.url), 'utf8')).version;
} catch {}
console.log(`openai ${sdkVersion} ` +
            `on node ${process.version}; ${expected.tokens} tokens per answer, ${repeats} runs per N, ` +
            `streams dealt to ${urls.length} simulator(s)`);
// Unmeasured: V8 compiles the SDK's hot paths as they warm up, and the first streams cost more
// than twice the CPU of later ones; a long-running app runs warm. The Lathe bench warms up with
// the same 32 streams.
await runOnce(32);
for (const n of counts) {
  const runs = [];
  for (let r = 0; r < repeats; r++) runs.push(await runOnce(n));
  if (runs.some((run) => run.tokens !== runs[0].tokens)) throw new Error('token counts differ between runs');
  const byCpu = [...runs].sort((a, b) => a.cpuMs - b.cpuMs);
  const best = byCpu[0], worst = byCpu[byCpu.length - 1];
  const median = [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)];
  const perThousand = (best.cpuMs * 1000) / best.tokens;
  const wallS = median.wallMs / 1000;
  const p = (values, at) => percentile(values, at);
  console.log(`openai-node N=${n}: wall ${f(wallS, 2)} s, CPU ${f(best.cpuMs)} ms (runs ${f(best.cpuMs)}-${f(worst.cpuMs)}), ` +
              `${f(perThousand)} ms per 1k tokens, ${best.tokens} tokens`);
  console.log(`  ITL p50/p95/max ${f(p(median.gaps, 50))}/${f(p(median.gaps, 95))}/${f(p(median.gaps, 100))} ms; ` +
              `TTFT p50/p95 ${f(p(median.ttft, 50), 0)}/${f(p(median.ttft, 95), 0)} ms (from the call)`);
  console.log(`  streams receiving at once: at most ${median.atOnce} of ${n}`);
  console.log(['RESULT', 'openai-node', n, f(wallS, 2), f(best.cpuMs), f(best.cpuMs), f(worst.cpuMs), f(perThousand),
               best.tokens, f(p(median.gaps, 50)), f(p(median.gaps, 95)), f(p(median.gaps, 100)),
               f(p(median.ttft, 50), 0), f(p(median.ttft, 95), 0), '-', median.atOnce].join('\t'));
}
