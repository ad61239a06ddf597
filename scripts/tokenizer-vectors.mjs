// SPDX-License-Identifier: GPL-3.0-or-later
// Prints the token ids that the reference tokenizer (npm `tiktoken`, the WASM build of OpenAI's
// Rust core) gives for Lathe's edge-case inputs, as the JSON stored in
// tests/data/tokenizers/extra_vectors.json. The tests read that file; CI never needs node.
//
//   npm install --prefix /tmp/tok tiktoken      # a temporary folder, never the project
//   node scripts/tokenizer-vectors.mjs /tmp/tok > tests/data/tokenizers/extra_vectors.json
//
// A case with `repeat` stands for `text` repeated that many times, so long runs stay small here.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const prefix = process.argv[2];
if (!prefix) {
    console.error("usage: node scripts/tokenizer-vectors.mjs NPM_PREFIX");
    process.exit(2);
}
const require = createRequire(path.join(path.resolve(prefix), "node_modules", "noop.js"));
const { get_encoding } = require("tiktoken");
// The package's "exports" hide package.json from require(), so it is read as a file.
const packageJson = path.join(path.resolve(prefix), "node_modules", "tiktoken", "package.json");
const version = JSON.parse(readFileSync(packageJson, "utf8")).version;

const cases = [
    ["empty", ""],
    ["whitespace mix", " \n\n  \t"],
    ["trailing spaces", "hello   "],
    ["trailing spaces then newline", "hello   \n"],
    ["crlf lines", "line one\r\nline two\r\n"],
    ["lone carriage returns", "a\rb\r\r c\r"],
    ["spaces between words", "a    b  c d"],
    ["tabs and blank lines", "\t\tindented\n\n\n\tcode\n \n  \n"],
    ["only whitespace", "   \t \n  \r\n \u3000 \u00a0"],
    ["non-ascii spaces", "a\u2003b\u00a0 c\u3000\u3000d\u2028e\u0085f\u1680g\u202f h"],
    ["information separators are not spaces", "a\x1c\x1d b\x1f c"],
    ["contractions lower case", "it's don't we're they've I'm you'll he'd"],
    ["contractions upper case", "IT'S DON'T WE'RE THEY'VE I'M YOU'LL HE'D"],
    ["contractions mixed case", "It'S dOn'T We'Re 'll 'LL 're' 'x ''s"],
    ["contraction with long s", "it\u2019s it'\u017f IT'\u017f '\u017f"],
    ["contractions after digits and punctuation", "123's ?'t 'd'm"],
    ["numbers in digit groups", "1 12 123 1234 12345 1234567 3.14159 1,000,000 -42 0x1F"],
    ["non-ascii numbers", "\u0663\u0664\u0665\u0666 \u00b2\u00b3 \u00bd \u216b\u2169 \ud835\udfd9\ud835\udfda\ud835\udfdb\ud835\udfdc"],
    ["emoji and zwj sequences", "\ud83d\udc4d\ud83c\udffd \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66 \ud83c\udff3\ufe0f\u200d\ud83c\udf08 \u2764\ufe0f\u200d\ud83d\udd25 \ud83c\uddeb\ud83c\uddf7\ud83c\udde9\ud83c\uddea"],
    ["cjk", "\u4e2d\u6587\u5206\u8bcd\u6d4b\u8bd5\uff0c\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3001\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8\u3002"],
    ["arabic with harakat", "\u0645\u064e\u0631\u0652\u062d\u064e\u0628\u064b\u0627 \u0628\u0650\u0627\u0644\u0652\u0639\u064e\u0627\u0644\u064e\u0645\u0650"],
    ["hindi with combining marks", "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e, \u0915\u094d\u0937\u0924\u094d\u0930\u093f\u092f"],
    ["thai and hebrew marks", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e0a\u0e32\u0e27\u0e42\u0e25\u0e01 \u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd"],
    ["greek and cyrillic case", "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u041f\u0420\u0418\u0412\u0415\u0422 \u041c\u0438\u0440 \u0391\u0392\u0393"],
    ["camel and upper case words", "HTTPServer parseJSON iPhone McDonald's \u00c9COLE \u00c9lan XMLHttpRequest ABCdef"],
    ["titlecase letters", "\u01c5ungla \u01c8 \u01cb\u01cb x\u01c5"],
    ["marks without a base", "\u0301abc \u0301\u0302 e\u0301 !\u0301 1\u0301"],
    ["modifier letters", "\u02b0\u02b1a \u02c6x \u3005\u3005 A\u02b0B"],
    ["supplementary plane letters", "\ud801\udc00\ud801\udc28 \ud801\udc00\ud801\udc00x \ud835\udc00\ud835\udc1a"],
    ["private use and noncharacters", "\ue000\uf8ff \ufdd0 \ufffe"],
    ["lone surrogates", "\ud800abc\udc00 x\udbff"],
    ["special token text is ordinary", "<|endoftext|> and <|fim_prefix|><|endofprompt|> <|im_start|>"],
    ["source code", "for (int i = 0; i < n; ++i) {\n    sum += a[i];\n}\n// comment /* x */ path/to/file\n"],
    ["slashes after punctuation", "a+/b ?//\n x;/\r\n ./x //\n"],
    ["punctuation then line breaks", "end.\n\nNext!\r\n\r\n?\n"],
    ["json", "{\"key\": [1, 2.5, null], \"nested\": {\"a\": \"b\"}}\n"],
    ["one letter, long run", "a", 100000],
    ["one space, long run", " ", 100000],
    ["newlines, long run", "\n", 20000],
    ["digits, long run", "7", 3000],
    ["punctuation, long run", "!", 50000],
    ["two letters, long run", "ab", 5000],
    ["cjk letter, long run", "\u5b57", 3000],
];

const specialCases = [
    ["every special token", "<|fim_prefix|>x<|fim_middle|>y<|fim_suffix|><|endofprompt|>z <|endoftext|>"],
    ["special tokens between whitespace", "a  <|endoftext|>  b\n<|endoftext|><|endoftext|>"],
];

const encodings = ["cl100k_base", "o200k_base"];
const encoders = Object.fromEntries(encodings.map((name) => [name, get_encoding(name)]));

const entry = ([label, text, repeat], allowed) => {
    const full = repeat ? text.repeat(repeat) : text;
    const result = { label, text };
    if (repeat)
        result.repeat = repeat;
    for (const name of encodings)
        result[name] = Array.from(allowed ? encoders[name].encode(full, "all") : encoders[name].encode(full, [], []));
    return result;
};

const output = {
    generator: `npm tiktoken@${version} (WASM) via scripts/tokenizer-vectors.mjs; cases: encode(text, [], []) ` +
        `(special-token text is ordinary text); special_allowed_cases: encode(text, "all")`,
    cases: cases.map((c) => entry(c, false)),
    special_allowed_cases: specialCases.map((c) => entry(c, true)),
};
for (const encoder of Object.values(encoders))
    encoder.free();
// One case per line: the file stays diffable without a line per token id.
const lines = (list) => list.map((c) => "  " + JSON.stringify(c)).join(",\n");
process.stdout.write(`{\n "generator": ${JSON.stringify(output.generator)},\n "cases": [\n${lines(output.cases)}\n ],\n` +
    ` "special_allowed_cases": [\n${lines(output.special_allowed_cases)}\n ]\n}\n`);
