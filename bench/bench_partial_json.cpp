// SPDX-License-Identifier: GPL-3.0-or-later
// What following a streamed JSON answer costs the response pane: PartialJsonParser fed token by
// token, with the snapshot a 60 Hz pane would take, and one snapshot of a large answer.
//
//   bench_partial_json
//
// The answer is a synthetic support-ticket triage as a model writes it under a JSON schema
// (pretty-printed, keys in schema order, some non-ASCII text and escapes), 4 KB for the stream
// and 50 KB for the large snapshot. The stream is cut into 4-byte tokens (cuts fall inside
// strings, escapes, numbers and UTF-8 characters alike). At 1,000 tokens/s a 16 ms frame holds
// 16 tokens, so a snapshot is taken after every 16th. Times are the thread's CPU time, median
// and best of many runs; "core share" is that CPU time as a fraction of the wall time the
// tokens span at 1,000 tokens/s (or of one second, for 60 snapshots).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "schema/PartialJsonParser.h"

using Lathe::Schema::PartialJsonParser;

namespace
{

constexpr std::size_t kStreamBytes = 4 * 1024;
constexpr std::size_t kLargeBytes = 50 * 1024;
constexpr std::size_t kTokenBytes = 4;
constexpr std::size_t kTokensPerFrame = 16;
constexpr int kStreamRuns = 301;
constexpr int kSnapshotRuns = 301;

const char *const kProducts[] = {"Lathe Pro annual plan", "Caf\xC3\xA9 Widget 3000",
                                 "Z\xC3\xBCrich data export", "Team seats (5)", "Priority support add-on"};
const char *const kMentions[] = {
    "I was charged twice for the \"Pro\" plan this month",
    "the export to Z\xC3\xBCrich failed again\nwith error 0x1F",
    "Please refund the second charge \xE2\x80\x94 thanks \xF0\x9F\x99\x8F",
    "my manager approved the upgrade on 2025-03-14",
};

/** A triage answer of at least `targetBytes`, pretty-printed as models print JSON. */
std::string makeAnswer(std::size_t targetBytes)
{
    nlohmann::ordered_json answer = {
        {"ticket_id", "T-2025-0412"},
        {"language", "en"},
        {"summary", "Customer reports a duplicate charge for the annual plan and asks for a refund of the "
                    "second payment; an export job to the EU region also fails intermittently."},
        {"sentiment", {{"label", "negative"}, {"score", -0.62}}},
        {"categories", {"billing", "refund", "data-export"}},
        {"entities", nlohmann::ordered_json::array()},
        {"actions", nlohmann::ordered_json::array()},
        {"follow_up_required", true},
        {"notes", nullptr},
    };
    for (int i = 0; answer.dump(2, ' ', false).size() < targetBytes; ++i) {
        answer["entities"].push_back({
            {"name", kProducts[i % 5]},
            {"type", i % 3 == 0 ? "product" : "feature"},
            {"confidence", 0.5 + (i * 37 % 50) / 100.0},
            {"mentions",
             {{{"start", 12 + i * 7}, {"end", 40 + i * 7}, {"text", kMentions[i % 4]}},
              {{"start", 95 + i * 3}, {"end", 130 + i * 3}, {"text", kMentions[(i + 1) % 4]}}}},
        });
        answer["actions"].push_back(
            {{"step", i + 1},
             {"description", "Verify the payment ledger entry and issue a refund if it "
                             "is a duplicate"},
             {"owner", i % 2 ? "billing" : "support"},
             {"due_in_hours", 24 + i},
             {"automated", i % 4 == 0}});
    }
    return answer.dump(2, ' ', false);
}

double threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

struct Figures
{
    double median;
    double best;
};

template <typename Run> Figures measure(int runs, Run run)
{
    std::vector<double> times;
    times.reserve(static_cast<std::size_t>(runs));
    for (int r = 0; r < runs; ++r) {
        const double start = threadCpuNs();
        run();
        times.push_back(threadCpuNs() - start);
    }
    std::sort(times.begin(), times.end());
    return {times[times.size() / 2], times.front()};
}

/** Feeds `text` token by token; with `snapshotEvery` > 0, takes a snapshot after every such count. */
std::size_t stream(std::string_view text, std::size_t snapshotEvery, nlohmann::json &last)
{
    PartialJsonParser parser;
    std::size_t tokens = 0;
    for (std::size_t at = 0; at < text.size(); at += kTokenBytes) {
        parser.append(text.substr(at, kTokenBytes));
        if (snapshotEvery && ++tokens % snapshotEvery == 0)
            last = parser.snapshot();
    }
    if (!parser.complete())
        std::abort();
    last = parser.snapshot();
    return tokens;
}

std::size_t nodeCount(const nlohmann::json &root)
{
    std::size_t count = 0;
    std::vector<const nlohmann::json *> pending{&root};
    while (!pending.empty()) {
        const nlohmann::json *node = pending.back();
        pending.pop_back();
        ++count;
        if (!node->is_structured())
            continue; // iterating a scalar visits the scalar itself
        for (const auto &child : *node)
            pending.push_back(&child);
    }
    return count;
}

} // namespace

int main()
{
    const std::string answer = makeAnswer(kStreamBytes);
    const std::size_t tokens = (answer.size() + kTokenBytes - 1) / kTokenBytes;
    const std::size_t snapshots = tokens / kTokensPerFrame;
    nlohmann::json last;
    stream(answer, kTokensPerFrame, last);
    if (last != nlohmann::json::parse(answer)) {
        std::fprintf(stderr, "the streamed value differs from nlohmann::json::parse of the answer\n");
        return 1;
    }
    std::printf("stream: %zu-byte answer in %zu tokens of %zu bytes, a snapshot every %zu tokens (%zu), "
                "thread CPU time, median and best of %d runs\n",
                answer.size(), tokens, kTokenBytes, kTokensPerFrame, snapshots, kStreamRuns);

    const double perThousand = 1000.0 / static_cast<double>(tokens);
    // At 1,000 tokens/s, 1,000 tokens span one second: CPU ns per 1,000 tokens / 1e9 is the share.
    const auto report = [&](const char *what, const Figures &figures) {
        std::printf("%-22s %8.1f us per 1,000 tokens (best %6.1f)  %6.1f ns per token  core share %.4f%%\n",
                    what, figures.median * perThousand / 1e3, figures.best * perThousand / 1e3,
                    figures.median / static_cast<double>(tokens), figures.median * perThousand / 1e9 * 100);
    };
    report("append only", measure(kStreamRuns, [&] { stream(answer, 0, last); }));
    report("append + snapshots", measure(kStreamRuns, [&] { stream(answer, kTokensPerFrame, last); }));

    const std::string large = makeAnswer(kLargeBytes);
    PartialJsonParser parser;
    parser.append(large);
    if (!parser.complete())
        std::abort();
    std::size_t sink = 0;
    const Figures copy = measure(kSnapshotRuns, [&] { sink += parser.snapshot().size(); });
    const Figures reparse = measure(kSnapshotRuns, [&] { sink += nlohmann::json::parse(large).size(); });
    const Figures whole = measure(kSnapshotRuns, [&] {
        PartialJsonParser fresh;
        fresh.append(large);
        sink += fresh.current().size();
    });
    std::printf("\nlarge: %zu-byte answer, %zu nodes\n", large.size(), nodeCount(parser.current()));
    std::printf("snapshot()              %8.1f us (best %6.1f)  60 per second: core share %.3f%%\n",
                copy.median / 1e3, copy.best / 1e3, copy.median * 60 / 1e9 * 100);
    std::printf("for comparison:\n");
    std::printf("  append() of it whole  %8.1f us (best %6.1f)\n", whole.median / 1e3, whole.best / 1e3);
    std::printf("  nlohmann::json::parse %8.1f us (best %6.1f)  (a re-parse per frame)\n",
                reparse.median / 1e3, reparse.best / 1e3);
    return sink == 0 ? 1 : 0;
}
