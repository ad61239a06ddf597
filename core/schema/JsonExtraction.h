// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "JsonRepair.h"
#include "base/Result.h"

namespace Lathe::Schema
{

/** A span of a model's answer that may hold a JSON value. */
struct JsonCandidate
{
    enum class Source
    {
        WholeText,   ///< the answer is nothing but one JSON value (whitespace around it is not in the span)
        FencedBlock, ///< the body of a ``` or ~~~ code block, whatever its language
        EmbeddedSpan ///< a {...} or [...] in the prose outside code blocks
    };

    std::size_t begin = 0; ///< byte offset of the span's first byte in the answer
    std::size_t end = 0;   ///< byte offset just past the span
    Source source = Source::WholeText;
    bool terminated = true; ///< false: the answer ends inside the fence or bracket (cut-off output)
};

/**
 * The spans of a model's UTF-8 `text` that may be JSON, in text order. Offsets are bytes.
 *
 * When the text, trimmed, is one JSON value (one balanced {...} or [...], or a strict JSON scalar
 * such as `42`), that is the only candidate, WholeText; so is a bracket that opens the text and
 * is still open at its end when the text holds no code block (cut-off output). Otherwise:
 * - each fenced code block (a line of three or more ``` or ~~~, any indentation, any info
 *   string, closed by a line of at least as many of the same character) gives its body, trimmed,
 *   unless empty. A block the text ends inside runs to the end; its end is not trimmed, since a
 *   cut-off string keeps its spaces;
 * - outside fences, each top-level {...} or [...] is one candidate. Brackets count inside no
 *   string: "..." always, '...' where a key or value could start (after { [ , :), so that the
 *   apostrophe in "don't" opens nothing. Bracket kinds are not matched, only counted. A span
 *   still open where the prose between two fences (or the text) ends runs to there, unterminated.
 *   Scalars in prose are never candidates.
 * Known limits: a stray opening bracket in prose swallows the prose up to the next fence; code
 * blocks are not searched for further spans.
 *
 * Linear in the text's length; nothing recurses.
 */
std::vector<JsonCandidate> extractJsonCandidates(std::string_view text);

struct ExtractedJson
{
    nlohmann::json value;
    JsonCandidate candidate;      ///< the span the value came from
    std::vector<RepairFix> fixes; ///< places in the whole answer, not in the span
    bool repaired = false;
    int candidateCount = 0; ///< how many candidates the answer held, read or not
};

/**
 * The JSON value a model's answer gives, read with parseLenient from the best candidate. Among
 * the candidates that can be read: the whole text or a code block before any span in prose,
 * then an object or array before a scalar, then a strict read before a repaired one, then the
 * first. Among spans in prose the longest goes before strictness, because prose brackets, such
 * as the citation `[1]`, are short and strict, and must not beat an answer that was cut off.
 *
 * Fails with ErrorCode::Protocol when the answer has no candidate, or when none can be read; then
 * the message is the best candidate's (ranked the same way) and `where` is its place in the whole
 * answer: "line L, column C (byte B)". Linear in the answer's length.
 */
Result<ExtractedJson> extractJson(std::string_view modelOutput);

} // namespace Lathe::Schema
