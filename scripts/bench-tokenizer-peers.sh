#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Lathe's BPE tokenizer beside the npm tokenizers, on the same corpora, in one table
# (BENCHMARKS.md, "Tokenizer (issue 4)"). Single thread each; best of several runs; MB/s counts
# UTF-8 bytes. The npm packages go into a temporary folder that is removed afterwards, never
# into the project.
#
#   scripts/bench-tokenizer-peers.sh [BUILD_DIR]     # default: build
#
# Peers: tiktoken (WASM build of OpenAI's Rust core, the reference for exactness), gpt-tokenizer
# and js-tiktoken (pure JavaScript), and tiktoken-node (native tiktoken-rs bindings; it has no
# o200k_base, so it gets cl100k_base rows only). A "tokens" column that differs from tiktoken's
# row means that tokenizer miscounted.
set -euo pipefail

build=${1:-build}
bench="$build/bench/bench_tokenizer"
if [[ ! -x $bench ]]; then
    echo "build it first: cmake --build $build --target bench_tokenizer" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work/npm" --no-audit --no-fund --silent tiktoken gpt-tokenizer js-tiktoken >/dev/null
npm install --prefix "$work/npm" --no-audit --no-fund --silent tiktoken-node >/dev/null 2>&1 ||
    echo "tiktoken-node could not be installed; its rows are left out" >&2

mkdir "$work/corpus"
# One run writes the corpora and measures Lathe; its header line is replaced by the table's.
lathe=$("$bench" --write-corpus "$work/corpus" 2>/dev/null | tail -n +2)

cat >"$work/peers.cjs" <<'EOF'
const fs = require("node:fs");
const path = require("node:path");
const [npmPrefix, corpusDir] = process.argv.slice(2);
const load = (name) => {
    try {
        return require(path.join(npmPrefix, "node_modules", name));
    } catch {
        return null;
    }
};
const versionOf = (name) =>
    JSON.parse(fs.readFileSync(path.join(npmPrefix, "node_modules", name, "package.json"), "utf8")).version;

const encodings = ["cl100k_base", "o200k_base"];
const peers = [];
const tiktoken = load("tiktoken");
peers.push({
    name: `tiktoken@${versionOf("tiktoken")}`,
    make: (encoding) => {
        const enc = tiktoken.get_encoding(encoding);
        return (text) => enc.encode_ordinary(text).length;
    },
});
peers.push({
    name: `gpt-tokenizer@${versionOf("gpt-tokenizer")}`,
    make: (encoding) => {
        const { encode } = require(path.join(npmPrefix, "node_modules", "gpt-tokenizer", "cjs", "encoding", encoding));
        // Special-token text is ordinary text, as in Lathe's count.
        return (text) => encode(text, { disallowedSpecial: new Set() }).length;
    },
});
const jsTiktoken = load("js-tiktoken");
peers.push({
    name: `js-tiktoken@${versionOf("js-tiktoken")}`,
    make: (encoding) => {
        const enc = jsTiktoken.getEncoding(encoding);
        return (text) => enc.encode(text, [], []).length;
    },
});
const tiktokenNode = load("tiktoken-node");
if (tiktokenNode) {
    peers.push({
        name: `tiktoken-node@${versionOf("tiktoken-node")}`,
        encodings: ["cl100k_base"],
        make: (encoding) => {
            const enc = tiktokenNode.getEncoding(encoding);
            return (text) => enc.encode(text).length;
        },
    });
}

const corpora = ["english-code", "multilingual", "mixed"].map((name) => {
    const bytes = fs.readFileSync(path.join(corpusDir, `${name}.txt`));
    return { name, text: bytes.toString("utf8"), megabytes: bytes.length / 1e6 };
});
for (const peer of peers) {
    for (const encoding of peer.encodings ?? encodings) {
        const count = peer.make(encoding);
        for (const corpus of corpora) {
            let best = Infinity;
            let tokens = 0;
            for (let run = 0; run < 3; ++run) {
                const start = process.hrtime.bigint();
                tokens = count(corpus.text);
                best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
            }
            const cells = [peer.name.padEnd(22), corpus.name.padEnd(13), encoding.padEnd(12),
                corpus.megabytes.toFixed(2).padStart(10), String(tokens).padStart(10),
                (corpus.megabytes / best).toFixed(1).padStart(9)];
            console.log(cells.join(" "));
        }
    }
}
EOF

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) vCPU; load average: $(cut -d' ' -f1-3 /proc/loadavg); node $(node --version)"
printf '%-22s %-13s %-12s %10s %10s %9s\n' tokenizer corpus encoding MB tokens MB/s
echo "$lathe" | awk '{ printf "%-22s %-13s %-12s %10s %10s %9s\n", $1, $2, $3, $4, $5, $6 }'
node "$work/peers.cjs" "$work/npm" "$work/corpus"
