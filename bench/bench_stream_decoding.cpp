// SPDX-License-Identifier: GPL-3.0-or-later
// How fast Lathe turns a streamed answer's bytes into events: the SSE parser alone, and the
// whole OpenAI-compatible decoder (SSE + JSON + event mapping). Prints one line per figure.
//
//   bench_stream_decoding [--write-corpus FILE]
//
// The corpus is a synthetic Chat Completions stream of 200,000 chunks with the shape OpenAI
// sends, fed in 1,400-byte pieces (a typical TCP segment). --write-corpus saves it so a peer
// parser can be measured on the same bytes (scripts/bench-sse-peers.sh).
#include <cstdio>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include "http/SseParser.h"
#include "mock/SimulatedAnswer.h"
#include "providers/OpenAiChatProtocol.h"

using namespace Lathe;

namespace
{

constexpr int kChunks = 200'000;
constexpr qsizetype kPieceBytes = 1400;
constexpr int kRepeats = 5;

QByteArray makeCorpus(QString &expectedText)
{
    const auto answer = Mock::simulateAnswer(
        QStringLiteral("bench"), {{QStringLiteral("user"), QStringLiteral("bench")}}, std::nullopt);
    QByteArray corpus;
    corpus.reserve(kChunks * 260);
    for (int i = 0; i < kChunks; ++i) {
        const QString token = answer.tokens[i % answer.tokens.size()];
        expectedText += token;
        QByteArray escaped = token.toUtf8();
        escaped.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
        corpus +=
            "data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\","
            "\"created\":1741569952,\"model\":\"gpt-4.1-2025-04-14\",\"service_tier\":\"default\","
            "\"system_fingerprint\":\"fp_1234567890\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" +
            escaped + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
    }
    corpus += "data: [DONE]\n\n";
    return corpus;
}

template <typename Feed> double bestSeconds(Feed feed)
{
    double best = 1e9;
    for (int r = 0; r < kRepeats; ++r) {
        QElapsedTimer clock;
        clock.start();
        feed();
        best = std::min(best, clock.nsecsElapsed() / 1e9);
    }
    return best;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QString expectedText;
    const QByteArray corpus = makeCorpus(expectedText);
    const QStringList arguments = QCoreApplication::arguments();
    if (const auto at = arguments.indexOf(QStringLiteral("--write-corpus"));
        at >= 0 && at + 1 < arguments.size()) {
        QFile file(arguments[at + 1]);
        if (!file.open(QIODevice::WriteOnly) || file.write(corpus) != corpus.size()) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(arguments[at + 1]));
            return 1;
        }
    }
    const double megabytes = corpus.size() / 1e6;
    std::printf("corpus: %d chunks, %.1f MB, fed in %lld-byte pieces, best of %d runs\n", kChunks, megabytes,
                static_cast<long long>(kPieceBytes), kRepeats);

    std::size_t events = 0;
    const double sseSeconds = bestSeconds([&] {
        Http::SseParser parser;
        std::vector<Http::SseEvent> out;
        events = 0;
        for (qsizetype at = 0; at < corpus.size(); at += kPieceBytes) {
            out.clear();
            if (!parser.feed(QByteArrayView(corpus).sliced(at, std::min(kPieceBytes, corpus.size() - at)),
                             out))
                std::abort();
            events += out.size();
        }
    });
    std::printf("sse parser:      %8.1f MB/s  %10.0f events/s  (%zu events)\n", megabytes / sseSeconds,
                events / sseSeconds, events);

    QString text;
    const double decodeSeconds = bestSeconds([&] {
        Providers::ChatRequest request;
        auto decoder = Providers::OpenAiChatProtocol().createDecoder(request);
        QList<Providers::StreamEvent> out;
        text.clear();
        for (qsizetype at = 0; at < corpus.size(); at += kPieceBytes) {
            out.clear();
            decoder->feed(QByteArrayView(corpus).sliced(at, std::min(kPieceBytes, corpus.size() - at)), out);
            for (const auto &event : out)
                text += event.text;
        }
        if (!decoder->isComplete())
            std::abort();
    });
    if (text != expectedText) {
        std::fprintf(stderr, "decoded text differs from the corpus text\n");
        return 1;
    }
    std::printf("openai decoder:  %8.1f MB/s  %10.0f deltas/s\n", megabytes / decodeSeconds,
                kChunks / decodeSeconds);
    return 0;
}
