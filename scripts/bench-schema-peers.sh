#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Lathe's JSON Schema validator beside ajv (the most used JavaScript validator, with compiled
# validators) on the same schema and answers, in one run (BENCHMARKS.md, "JSON Schema
# validation"). ajv goes into a temporary folder that is removed afterwards, never into the
# project.
#
#   scripts/bench-schema-peers.sh [BUILD_DIR]     # default: build
set -euo pipefail

build=${1:-build}
bench="$build/bench/bench_schema_validation"
if [[ ! -x $bench ]]; then
    echo "build it first: cmake --build $build --target bench_schema_validation" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work/npm" --no-audit --no-fund --silent ajv >/dev/null

mkdir "$work/corpus"
lathe=$("$bench" --write "$work/corpus")

cat >"$work/ajv.cjs" <<'JS'
const fs = require("node:fs");
const path = require("node:path");
const [npmPrefix, corpus] = process.argv.slice(2);
const Ajv2020 = require(path.join(npmPrefix, "node_modules", "ajv", "dist", "2020")).default;
const version = JSON.parse(fs.readFileSync(path.join(npmPrefix, "node_modules", "ajv", "package.json"))).version;
const schema = JSON.parse(fs.readFileSync(path.join(corpus, "schema.json"), "utf8"));
const lines = fs.readFileSync(path.join(corpus, "answers.jsonl"), "utf8").split("\n").filter(Boolean);
const answers = lines.map((line) => JSON.parse(line));
const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
const latheVerdicts = fs.readFileSync(path.join(corpus, "verdicts.txt"), "utf8").split("\n").filter(Boolean);
const measure = (validateOne) => {
    let best = Infinity;
    let invalid = 0;
    for (let round = 0; round < 7; round++) {
        const start = process.hrtime.bigint();
        let passes = 0;
        do {
            invalid = 0;
            for (let i = 0; i < answers.length; i++) invalid += validateOne(i) ? 0 : 1;
            passes++;
        } while (Number(process.hrtime.bigint() - start) < 2e8);
        best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / passes / answers.length);
    }
    return [invalid, best];
};
const row = (input, mode, [invalid, best], disagreements) =>
    console.log(`ajv@${version}\t${input}\t${mode}\t${answers.length}\t${invalid}\t${best.toFixed(2)}\t` +
        `${(bytes / answers.length / best).toFixed(0)}\t(${disagreements} verdicts differ from Lathe's)`);
for (const allErrors of [false, true]) {
    // format is an annotation on both sides, as the 2020-12 default says.
    const ajv = new Ajv2020({ allErrors, validateFormats: false, strict: false });
    const validate = ajv.compile(schema);
    const disagreements = answers.filter((answer, i) => (validate(answer) ? "1" : "0") !== latheVerdicts[i]).length;
    const mode = allErrors ? "all errors" : "first error";
    // Already-parsed JavaScript objects, as Lathe's "parsed" rows take nlohmann::json values.
    row("parsed", mode, measure((i) => validate(answers[i])), disagreements);
    // From the answer's text, as Lathe's "text" row: JSON.parse, then validate.
    if (!allErrors) row("text", mode, measure((i) => validate(JSON.parse(lines[i]))), disagreements);
}
JS

echo "node $(node --version); $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "$lathe"
node "$work/ajv.cjs" "$work/npm" "$work/corpus"
