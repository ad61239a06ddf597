// SPDX-License-Identifier: GPL-3.0-or-later
// What Lathe's client costs per stream when many answers stream at once: N concurrent
// streams through the real StreamHub (its network thread, scheduler and, optionally, the
// request ledger) against a separately started simulator, so that the simulator's CPU is not
// counted in the client's.
//
//   lathe-cli serve-mock --tokens-per-second 200 --first-token-ms 50
//   bench_concurrent_streams --url http://127.0.0.1:PORT[,URL...] [--streams 1,8,32,64]
//                            [--repeats 3] [--warm-up 32] [--mode both|no-ledger|ledger]
//                            [--write-expected FILE]
//
// Qt 6.4's QNetworkAccessManager opens at most 6 connections to one host and port and queues
// the other requests, whatever the scheduler allows. Given several simulators (several URLs),
// the streams are dealt out to them in turn, so that more than 6 can stream at once.
//
// Every stream is the same request (model lathe-sim, one fixed prompt), so every answer is the
// simulator's deterministic answer to it (Mock::simulateAnswer); the bench checks each one,
// both the outcome's text and the text delivered to the main thread, and exits 1 otherwise.
// --write-expected saves the prompt and the expected answer as JSON for the peer
// (bench/peers/openai-node-streams.mjs); without --url the bench stops there.
//
// Per N it prints a readable line and a tab-separated RESULT line (scripts/bench-streams-peers.sh
// reads those): the CPU figure is the best of the repeats (process user + system time,
// getrusage RUSAGE_SELF: every thread, the main one, lathe-network and Qt's own HTTP thread),
// with the range; wall time, inter-token latency and time to first token are the median run's.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sys/resource.h>
#include <vector>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include "mock/SimulatedAnswer.h"
#include "providers/RequestScheduler.h"
#include "providers/StreamHub.h"

using namespace Lathe;
using Providers::StreamId;

namespace
{

const QString kModel = QStringLiteral("lathe-sim");
const QString kPrompt =
    QStringLiteral("Compare three answers to the same question side by side and say which is clearest.");
constexpr int kRunTimeoutMs = 120'000;
constexpr double kFrameMs = 16.0; // the response pane repaints at most once per 16 ms frame

double cpuMs()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto ms = [](const timeval &t) {
        return t.tv_sec * 1000.0 + t.tv_usec / 1000.0;
    };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

/** Nearest-rank percentile, as ChatOutcome::interTokenLatency() computes it. */
double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return std::nan("");
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * double(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

struct Run
{
    int streams = 0;
    double wallMs = 0;
    double cpuMs = 0;
    qint64 tokens = 0;            // text deltas delivered to the main thread
    qint64 signalCount = 0;       // eventsReceived signals delivered to the main thread
    std::vector<double> gaps;     // inter-token gaps of every stream (ChatOutcome timings), ms
    std::vector<double> ttft;     // ChatOutcome::timings.firstTokenMs: from the request's post()
    std::vector<double> mainTtft; // from hub.start() to the first text on the main thread
    std::vector<double> mainGaps; // gaps between a stream's signals on the main thread, ms
    int maxSignalsPerFrame = 0;   // eventsReceived signals in the busiest 16 ms window
    int maxStreamsReceiving = 0;  // streams between their first text and their end, at once
    int maxQueuedMs = 0;          // the longest wait in the scheduler's queue
    int maxStreamP95Ms = 0;       // the worst stream's own interTokenLatency().p95Ms
    QString failure;              // empty: every stream completed with the expected text
};

struct StreamState
{
    double firstTextMs = -1;
    double lastSignalMs = -1;
    double finishedMs = -1;
    QString text;
    std::optional<Providers::RunOutcome> outcome;
};

Run runOnce(Providers::StreamHub &hub, int streams, const QList<Providers::ChatTarget> &targets,
            const Providers::ChatRequest &request, const QString &expectedText)
{
    Run run;
    run.streams = streams;
    QHash<StreamId, StreamState> states;
    std::vector<double> signalTimes;
    signalTimes.reserve(static_cast<std::size_t>(streams) * 256);
    int finished = 0;
    QEventLoop loop;
    QElapsedTimer wall;
    QObject context; // the connections below end with the run

    QObject::connect(&hub, &Providers::StreamHub::eventsReceived, &context,
                     [&](StreamId id, const QList<Providers::StreamEvent> &events) {
                         const double now = wall.nsecsElapsed() / 1e6;
                         StreamState &state = states[id];
                         ++run.signalCount;
                         signalTimes.push_back(now);
                         bool hadText = false;
                         for (const auto &event : events) {
                             if (event.kind != Providers::StreamEvent::Kind::TextDelta ||
                                 event.text.isEmpty())
                                 continue;
                             ++run.tokens;
                             state.text += event.text;
                             hadText = true;
                         }
                         if (hadText) {
                             if (state.firstTextMs < 0)
                                 state.firstTextMs = now;
                             else
                                 run.mainGaps.push_back(now - state.lastSignalMs);
                             state.lastSignalMs = now;
                         }
                     });
    QObject::connect(&hub, &Providers::StreamHub::streamFinished, &context,
                     [&](StreamId id, const Providers::RunOutcome &outcome) {
                         StreamState &state = states[id];
                         state.finishedMs = wall.nsecsElapsed() / 1e6;
                         state.outcome = outcome;
                         if (++finished == streams)
                             loop.quit();
                     });
    QTimer::singleShot(kRunTimeoutMs, &loop, [&] {
        run.failure = QStringLiteral("only %1 of %2 streams finished within %3 s")
                          .arg(finished)
                          .arg(streams)
                          .arg(kRunTimeoutMs / 1000);
        loop.quit();
    });
    // Every stream runs at once: the scheduler's cap (4 per provider unless configured) is
    // raised to N. The limits are queued to the network thread before the streams are.
    for (const auto &target : targets)
        hub.setProviderLimits(Providers::schedulerKey(target.endpoint),
                              Providers::ProviderLimits{streams, 0, 0});

    const double cpuBefore = cpuMs();
    wall.start();
    for (int i = 0; i < streams; ++i)
        states.insert(hub.start({targets[i % targets.size()]}, request), StreamState{});
    loop.exec();
    run.wallMs = wall.nsecsElapsed() / 1e6;
    run.cpuMs = cpuMs() - cpuBefore;
    if (!run.failure.isEmpty())
        return run;

    std::vector<std::pair<double, int>> edges; // +1 at a stream's first text, -1 at its end
    for (auto it = states.cbegin(); it != states.cend(); ++it) {
        const StreamState &state = it.value();
        if (!state.outcome) {
            run.failure = QStringLiteral("stream %1 did not finish").arg(it.key());
            return run;
        }
        const Providers::ChatOutcome &outcome = state.outcome->outcome;
        if (!outcome.completed || state.outcome->attempts.size() != 1) {
            run.failure = QStringLiteral("stream %1: %2 after %3 attempt(s)")
                              .arg(it.key())
                              .arg(outcome.completed ? QStringLiteral("completed") : QStringLiteral("failed"))
                              .arg(state.outcome->attempts.size());
            for (const auto &attempt : state.outcome->attempts) {
                const auto &error = attempt.outcome.error;
                run.failure += QStringLiteral("\n  attempt %1 (waited %2 ms, queued %3 ms): %4")
                                   .arg(attempt.attempt)
                                   .arg(attempt.waitedMs)
                                   .arg(attempt.queuedMs)
                                   .arg(error ? error->toString() : QStringLiteral("completed"));
            }
            return run;
        }
        if (outcome.text != expectedText || state.text != expectedText) {
            run.failure = QStringLiteral("stream %1: the text differs from Mock::simulateAnswer's (%2 and %3 "
                                         "characters delivered, %4 expected)")
                              .arg(it.key())
                              .arg(outcome.text.size())
                              .arg(state.text.size())
                              .arg(expectedText.size());
            return run;
        }
        const QList<double> &arrivals = outcome.timings.deltaArrivalMs;
        for (qsizetype i = 1; i < arrivals.size(); ++i)
            run.gaps.push_back(arrivals[i] - arrivals[i - 1]);
        if (const auto latency = outcome.interTokenLatency())
            run.maxStreamP95Ms = std::max(run.maxStreamP95Ms, static_cast<int>(std::lround(latency->p95Ms)));
        run.ttft.push_back(outcome.timings.firstTokenMs);
        run.mainTtft.push_back(state.firstTextMs);
        run.maxQueuedMs = std::max(run.maxQueuedMs, state.outcome->attempts.front().queuedMs);
        edges.emplace_back(state.firstTextMs, 1);
        edges.emplace_back(state.finishedMs, -1);
    }
    std::sort(edges.begin(), edges.end());
    int receiving = 0;
    for (const auto &[at, delta] : edges)
        run.maxStreamsReceiving = std::max(run.maxStreamsReceiving, receiving += delta);
    // The busiest frame: the most signals within any 16 ms window.
    std::sort(signalTimes.begin(), signalTimes.end());
    for (std::size_t first = 0, last = 0; last < signalTimes.size(); ++last) {
        while (signalTimes[last] - signalTimes[first] >= kFrameMs)
            ++first;
        run.maxSignalsPerFrame = std::max(run.maxSignalsPerFrame, static_cast<int>(last - first + 1));
    }
    return run;
}

template <typename Field> const Run &medianBy(const std::vector<Run> &runs, Field field)
{
    std::vector<const Run *> sorted;
    for (const Run &run : runs)
        sorted.push_back(&run);
    std::sort(sorted.begin(), sorted.end(),
              [&](const Run *a, const Run *b) { return field(*a) < field(*b); });
    return *sorted[sorted.size() / 2];
}

/** Runs `repeats` times and prints the figures; false if a stream failed. */
bool measure(const QString &client, Providers::StreamHub &hub, int streams, int repeats,
             const QList<Providers::ChatTarget> &targets, const Providers::ChatRequest &request,
             const QString &expectedText)
{
    std::vector<Run> runs;
    for (int r = 0; r < repeats; ++r) {
        runs.push_back(runOnce(hub, streams, targets, request, expectedText));
        if (!runs.back().failure.isEmpty()) {
            std::fprintf(stderr, "%s N=%d: %s\n", qPrintable(client), streams,
                         qPrintable(runs.back().failure));
            return false;
        }
        if (runs.back().tokens != runs.front().tokens) {
            std::fprintf(stderr, "%s N=%d: token counts differ between runs\n", qPrintable(client), streams);
            return false;
        }
    }
    const auto byCpu = [](const Run &a, const Run &b) {
        return a.cpuMs < b.cpuMs;
    };
    const Run &best = *std::min_element(runs.begin(), runs.end(), byCpu);
    const Run &worst = *std::max_element(runs.begin(), runs.end(), byCpu);
    const Run &median = medianBy(runs, [](const Run &run) { return run.wallMs; });
    const double perThousand = best.cpuMs * 1000.0 / double(best.tokens);
    const double wallS = median.wallMs / 1000.0;
    const auto p = [](const std::vector<double> &values, double at) {
        return percentile(values, at);
    };

    std::printf("%s N=%d: wall %.2f s, CPU %.1f ms (runs %.1f-%.1f), %.1f ms per 1k tokens, %lld tokens\n",
                qPrintable(client), streams, wallS, best.cpuMs, best.cpuMs, worst.cpuMs, perThousand,
                static_cast<long long>(best.tokens));
    std::printf("  ITL p50/p95/max %.1f/%.1f/%.1f ms (worst stream's p95 %d ms); TTFT p50/p95 %.0f/%.0f ms "
                "(from post), %.0f/%.0f ms (from hub.start() to the main thread)\n",
                p(median.gaps, 50), p(median.gaps, 95), p(median.gaps, 100), median.maxStreamP95Ms,
                p(median.ttft, 50), p(median.ttft, 95), p(median.mainTtft, 50), p(median.mainTtft, 95));
    std::printf("  main thread: %lld eventsReceived signals, %.0f/s, %.2f deltas per signal, busiest 16 ms "
                "frame %d signals; gap between a stream's signals p95/max %.1f/%.1f ms\n",
                static_cast<long long>(median.signalCount), median.signalCount / wallS,
                double(median.tokens) / double(median.signalCount), median.maxSignalsPerFrame,
                p(median.mainGaps, 95), p(median.mainGaps, 100));
    std::printf(
        "  streams receiving at once: at most %d of %d; longest wait in the scheduler's queue %d ms\n",
        median.maxStreamsReceiving, streams, median.maxQueuedMs);
    // client N wall_s cpu_ms cpu_min cpu_max cpu_per_1k tokens itl_p50 itl_p95 itl_max ttft_p50 ttft_p95
    // signals_per_s streams_at_once
    std::printf(
        "RESULT\t%s\t%d\t%.2f\t%.1f\t%.1f\t%.1f\t%.1f\t%lld\t%.1f\t%.1f\t%.1f\t%.0f\t%.0f\t%.0f\t%d\n",
        qPrintable(client), streams, wallS, best.cpuMs, best.cpuMs, worst.cpuMs, perThousand,
        static_cast<long long>(best.tokens), p(median.gaps, 50), p(median.gaps, 95), p(median.gaps, 100),
        p(median.ttft, 50), p(median.ttft, 95), median.signalCount / wallS, median.maxStreamsReceiving);
    std::fflush(stdout);
    return true;
}

qsizetype countLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    return file.readAll().count('\n');
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    const auto option = [&arguments](const QString &name, const QString &fallback) {
        const auto at = arguments.indexOf(name);
        return at >= 0 && at + 1 < arguments.size() ? arguments[at + 1] : fallback;
    };
    const QStringList urls =
        option(QStringLiteral("--url"), QString()).split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QString mode = option(QStringLiteral("--mode"), QStringLiteral("both"));
    const int repeats = option(QStringLiteral("--repeats"), QStringLiteral("3")).toInt();
    const int warmUp = option(QStringLiteral("--warm-up"), QStringLiteral("32")).toInt();
    std::vector<int> counts;
    for (const QString &n :
         option(QStringLiteral("--streams"), QStringLiteral("1,8,32,64")).split(QLatin1Char(',')))
        counts.push_back(n.toInt());

    Providers::ChatRequest request;
    request.model = kModel;
    request.messages = {{QStringLiteral("user"), kPrompt}};
    const Mock::SimulatedAnswer answer = Mock::simulateAnswer(kModel, request.messages, std::nullopt);
    const QString expectedText = answer.text();

    if (const QString path = option(QStringLiteral("--write-expected"), QString()); !path.isEmpty()) {
        const nlohmann::json expected = {{"model", kModel.toStdString()},
                                         {"prompt", kPrompt.toStdString()},
                                         {"text", expectedText.toStdString()},
                                         {"tokens", answer.tokens.size()}};
        QFile file(path);
        const QByteArray bytes = QByteArray::fromStdString(expected.dump()) + '\n';
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
            return 1;
        }
    }
    if (urls.isEmpty())
        return 0;
    if (std::any_of(urls.begin(), urls.end(), [](const QString &url) { return !QUrl(url).isValid(); }) ||
        repeats < 1 || warmUp < 0 || std::any_of(counts.begin(), counts.end(), [](int n) { return n < 1; })) {
        std::fprintf(
            stderr,
            "usage: bench_concurrent_streams --url http://127.0.0.1:PORT[,URL...] [--streams 1,8,32,64] "
            "[--repeats 3] [--warm-up 32] [--mode both|no-ledger|ledger] [--write-expected FILE]\n");
        return 2;
    }

    QList<Providers::ChatTarget> targets;
    for (const QString &url : urls) {
        Providers::ChatTarget target;
        target.endpoint.protocol = Providers::WireProtocol::OpenAiChat;
        target.endpoint.baseUrl = QUrl(url + QStringLiteral("/v1"));
        target.model = kModel;
        targets.append(target);
    }
    std::printf(
        "%lld tokens per answer (%lld characters), %d runs per N, streams dealt to %lld simulator(s)\n",
        static_cast<long long>(answer.tokens.size()), static_cast<long long>(expectedText.size()), repeats,
        static_cast<long long>(targets.size()));

    QTemporaryDir ledgerDir;
    bool ok = true;
    for (const bool withLedger : {false, true}) {
        if (mode != QLatin1String("both") && (mode == QLatin1String("ledger")) != withLedger)
            continue;
        const QString ledgerPath =
            withLedger ? ledgerDir.filePath(QStringLiteral("ledger.jsonl")) : QString();
        const QString client =
            withLedger ? QStringLiteral("lathe-ledger") : QStringLiteral("lathe-no-ledger");
        Providers::StreamHub hub(ledgerPath);
        int ledgerFailures = 0;
        QObject::connect(&hub, &Providers::StreamHub::ledgerFailed, &hub, [&](const QString &message) {
            if (ledgerFailures++ == 0)
                std::fprintf(stderr, "ledger: %s\n", qPrintable(message));
        });
        // An unmeasured run first (32 streams unless --warm-up says otherwise): the thread, the
        // network manager and the allocator's pools are set up once in the app too. The Node
        // peer warms its JIT up with the same run.
        if (warmUp > 0)
            ok = ok && runOnce(hub, warmUp, targets, request, expectedText).failure.isEmpty();
        qint64 started = warmUp;
        for (const int n : counts) {
            ok = ok && measure(client, hub, n, repeats, targets, request, expectedText);
            started += qint64(n) * repeats;
        }
        if (withLedger && ok) {
            const qsizetype lines = countLines(ledgerPath);
            std::printf("ledger: %lld lines, %lld bytes for %lld attempts\n", static_cast<long long>(lines),
                        static_cast<long long>(QFile(ledgerPath).size()), static_cast<long long>(started));
            if (lines != started || ledgerFailures > 0) {
                std::fprintf(stderr, "ledger: %lld lines for %lld attempts, %d failures\n",
                             static_cast<long long>(lines), static_cast<long long>(started), ledgerFailures);
                ok = false;
            }
        }
    }
    return ok ? 0 : 1;
}
