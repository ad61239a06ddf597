// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonExtraction.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>

namespace Lathe::Schema
{

namespace
{

using nlohmann::json;
using Source = JsonCandidate::Source;

constexpr std::size_t kNone = std::string_view::npos;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skipSpace(std::string_view text, std::size_t begin, std::size_t end)
{
    while (begin < end && isSpace(text[begin]))
        ++begin;
    return begin;
}

std::size_t trimSpaceBack(std::string_view text, std::size_t begin, std::size_t end)
{
    while (end > begin && isSpace(text[end - 1]))
        --end;
    return end;
}

struct SpanEnd
{
    std::size_t end = 0;
    bool terminated = false;
};

/** From the bracket at `begin` to just past the bracket that balances it, or else to `limit`. */
SpanEnd scanSpan(std::string_view text, std::size_t begin, std::size_t limit)
{
    std::size_t depth = 0;
    char previous = '\0'; // the last character outside strings that is not whitespace
    for (std::size_t i = begin; i < limit; ++i) {
        const char c = text[i];
        const bool opensString =
            c == '"' ||
            (c == '\'' && (previous == '{' || previous == '[' || previous == ',' || previous == ':'));
        if (opensString) {
            for (++i; i < limit && text[i] != c; ++i) {
                if (text[i] == '\\')
                    ++i;
            }
            if (i >= limit)
                return {limit, false};
            previous = c;
            continue;
        }
        if (c == '{' || c == '[')
            ++depth;
        else if ((c == '}' || c == ']') && --depth == 0)
            return {i + 1, true};
        if (!isSpace(c))
            previous = c;
    }
    return {limit, false};
}

/** Adds the top-level {...} and [...] spans of the prose `text[begin, end)`. */
void addEmbeddedSpans(std::string_view text, std::size_t begin, std::size_t end,
                      std::vector<JsonCandidate> &out)
{
    const std::string_view prose = text.substr(0, end);
    std::size_t pos = begin;
    while (pos < end) {
        const std::size_t open = prose.find_first_of("{[", pos);
        if (open == kNone)
            return;
        const SpanEnd span = scanSpan(text, open, end);
        out.push_back({open, span.end, Source::EmbeddedSpan, span.terminated});
        pos = span.end;
    }
}

/**
 * The trimmed text `text[begin, end)` as one candidate, when it is one balanced {...} or [...],
 * or a strict JSON scalar. (A bracket left open may be a stray one before a code block: that is
 * for the fence search to decide.)
 */
std::optional<JsonCandidate> wholeTextCandidate(std::string_view text, std::size_t begin, std::size_t end)
{
    if (text[begin] == '{' || text[begin] == '[') {
        const SpanEnd span = scanSpan(text, begin, end);
        if (span.terminated && span.end == end)
            return JsonCandidate{begin, end, Source::WholeText, true};
        return std::nullopt;
    }
    if (json::accept(text.substr(begin, end - begin)))
        return JsonCandidate{begin, end, Source::WholeText, true};
    return std::nullopt;
}

struct FenceOpening
{
    char marker = '`';
    std::size_t length = 0;
};

/** The fence `line` (without its LF) opens, if it is a CommonMark fence line. */
std::optional<FenceOpening> fenceOpening(std::string_view line)
{
    std::size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
        ++i;
    if (i == line.size() || (line[i] != '`' && line[i] != '~'))
        return std::nullopt;
    const char marker = line[i];
    const std::size_t runStart = i;
    while (i < line.size() && line[i] == marker)
        ++i;
    if (i - runStart < 3)
        return std::nullopt;
    // As in CommonMark: with a backtick after the run, "```json {...}```" is inline code, not a fence.
    if (marker == '`' && line.find('`', i) != kNone)
        return std::nullopt;
    return FenceOpening{marker, i - runStart};
}

bool closesFence(std::string_view line, const FenceOpening &opening)
{
    std::size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
        ++i;
    const std::size_t runStart = i;
    while (i < line.size() && line[i] == opening.marker)
        ++i;
    return i - runStart >= opening.length && skipSpace(line, i, line.size()) == line.size();
}

QString sourceName(Source source)
{
    switch (source) {
    case Source::WholeText:
        return QStringLiteral("the whole answer");
    case Source::FencedBlock:
        return QStringLiteral("a code block");
    case Source::EmbeddedSpan:
        return QStringLiteral("a bracketed span in the prose");
    }
    return {};
}

/** Lower is better; see extractJson. */
using Rank = std::tuple<bool, bool, bool, std::size_t, bool, std::size_t>;

Rank rankOf(const JsonCandidate &candidate, const Result<RepairedJson> &attempt)
{
    const bool inProse = candidate.source == Source::EmbeddedSpan;
    const std::size_t length = candidate.end - candidate.begin;
    return Rank{!attempt.has_value(),
                inProse,
                attempt.has_value() && !attempt->value.is_structured(),
                inProse ? SIZE_MAX - length : 0,
                attempt.has_value() && attempt->repaired,
                candidate.begin};
}

} // namespace

std::vector<JsonCandidate> extractJsonCandidates(std::string_view text)
{
    std::vector<JsonCandidate> candidates;
    const std::size_t start =
        text.substr(0, kByteOrderMark.size()) == kByteOrderMark ? kByteOrderMark.size() : 0;
    const std::size_t trimmedBegin = skipSpace(text, start, text.size());
    const std::size_t trimmedEnd = trimSpaceBack(text, trimmedBegin, text.size());
    if (trimmedBegin == trimmedEnd)
        return candidates;
    if (const auto whole = wholeTextCandidate(text, trimmedBegin, trimmedEnd)) {
        candidates.push_back(*whole);
        return candidates;
    }

    std::size_t proseBegin = start;
    std::size_t lineStart = start;
    while (lineStart < text.size()) {
        const std::size_t lineEnd = std::min(text.find('\n', lineStart), text.size());
        const auto opening = fenceOpening(text.substr(lineStart, lineEnd - lineStart));
        if (!opening) {
            lineStart = lineEnd + 1;
            continue;
        }
        addEmbeddedSpans(text, proseBegin, lineStart, candidates);

        const std::size_t bodyBegin = std::min(lineEnd + 1, text.size());
        std::size_t bodyEnd = text.size();
        std::size_t afterFence = text.size();
        bool terminated = false;
        for (std::size_t at = bodyBegin; at < text.size();) {
            const std::size_t end = std::min(text.find('\n', at), text.size());
            if (closesFence(text.substr(at, end - at), *opening)) {
                bodyEnd = at;
                afterFence = std::min(end + 1, text.size());
                terminated = true;
                break;
            }
            at = end + 1;
        }
        const std::size_t first = skipSpace(text, bodyBegin, bodyEnd);
        const std::size_t last = terminated ? trimSpaceBack(text, first, bodyEnd) : bodyEnd;
        if (first < last)
            candidates.push_back({first, last, Source::FencedBlock, terminated});
        proseBegin = lineStart = afterFence;
    }
    addEmbeddedSpans(text, proseBegin, text.size(), candidates);
    // No fence and one bracket from the start to the end: the whole answer, cut off.
    if (candidates.size() == 1 && candidates[0].begin == trimmedBegin && !candidates[0].terminated)
        candidates[0].source = Source::WholeText;
    return candidates;
}

Result<ExtractedJson> extractJson(std::string_view modelOutput)
{
    const std::vector<JsonCandidate> candidates = extractJsonCandidates(modelOutput);
    const int count = static_cast<int>(candidates.size());
    if (candidates.empty())
        return fail(
            ErrorCode::Protocol,
            QStringLiteral("expected JSON in the answer (a code block, a {...} or [...], or a JSON value "
                           "as the whole answer), found none"));

    // Each span is read on its own, with places relative to it: the spans do not overlap, so
    // this stays linear. Only the one kept is read again to place its fixes in the answer.
    const auto attemptAt = [&](std::size_t i) {
        return parseLenient(modelOutput.substr(candidates[i].begin, candidates[i].end - candidates[i].begin));
    };
    std::size_t best = 0;
    Result<RepairedJson> bestAttempt = attemptAt(0);
    Rank bestRank = rankOf(candidates[0], bestAttempt);
    for (std::size_t i = 1; i < candidates.size(); ++i) {
        Result<RepairedJson> attempt = attemptAt(i);
        if (const Rank rank = rankOf(candidates[i], attempt); rank < bestRank) {
            best = i;
            bestRank = rank;
            bestAttempt = std::move(attempt);
        }
    }

    const JsonCandidate &candidate = candidates[best];
    if (bestAttempt && !bestAttempt->repaired)
        return ExtractedJson{std::move(bestAttempt->value), candidate, {}, false, count};
    Result<RepairedJson> placed = parseLenient(modelOutput, candidate.begin, candidate.end);
    if (!placed) {
        Error error = placed.error();
        error.message += count == 1 ? QStringLiteral(" (in %1)").arg(sourceName(candidate.source))
                                    : QStringLiteral(" (in %1; none of the %2 candidates could be read)")
                                          .arg(sourceName(candidate.source))
                                          .arg(count);
        return tl::unexpected(std::move(error));
    }
    return ExtractedJson{std::move(placed->value), candidate, std::move(placed->fixes), true, count};
}

} // namespace Lathe::Schema
