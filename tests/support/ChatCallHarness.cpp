// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatCallHarness.h"

#include <algorithm>

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QObject>
#include <QSignalSpy>

#include "providers/ChatCall.h"
#include "providers/ProviderProtocol.h"

namespace Lathe::TestSupport
{

using Providers::ChatCall;
using Providers::ChatOutcome;
using Providers::ChatRequest;
using Providers::StreamEvent;

std::unique_ptr<Mock::SimulatorServer> startSimulator(int tokensPerSecond, int firstTokenDelayMs,
                                                      QString *why)
{
    Mock::SimulatorOptions options;
    options.tokensPerSecond = tokensPerSecond;
    options.firstTokenDelayMs = firstTokenDelayMs;
    auto server = std::make_unique<Mock::SimulatorServer>(options);
    if (const auto port = server->listen(); !port) {
        if (why)
            *why = port.error().toString();
        return nullptr;
    }
    return server;
}

QNetworkAccessManager *directNetwork(QObject *parent)
{
    auto *network = new QNetworkAccessManager(parent);
    network->setProxy(QNetworkProxy::NoProxy);
    return network;
}

ChatRequest chatRequest(const QString &model, const QString &prompt, bool stream,
                        std::optional<int> maxTokens)
{
    ChatRequest request;
    request.model = model;
    request.messages = {{QStringLiteral("system"), QStringLiteral("You are a test.")},
                        {QStringLiteral("user"), prompt}};
    request.stream = stream;
    request.maxOutputTokens = maxTokens;
    return request;
}

Mock::SimulatedAnswer expectedAnswer(const ChatRequest &request)
{
    QString model = request.model;
    if (const qsizetype plus = model.indexOf(QLatin1Char('+')); plus >= 0)
        model.truncate(plus);
    return Mock::simulateAnswer(model, request.messages,
                                request.maxOutputTokens ? std::optional<qint64>(*request.maxOutputTokens)
                                                        : std::nullopt);
}

QString textOf(const QList<StreamEvent> &events)
{
    QString text;
    for (const StreamEvent &event : events) {
        if (event.kind == StreamEvent::Kind::TextDelta)
            text += event.text;
    }
    return text;
}

qsizetype countOf(const QList<StreamEvent> &events, StreamEvent::Kind kind)
{
    return std::count_if(events.begin(), events.end(),
                         [kind](const StreamEvent &event) { return event.kind == kind; });
}

QString describe(const ChatOutcome &outcome)
{
    QString text = QStringLiteral("completed=%1 status=%2 finish=%3")
                       .arg(outcome.completed)
                       .arg(outcome.httpStatus)
                       .arg(outcome.finishReason);
    if (outcome.error)
        text += QStringLiteral(" error=%1: %2")
                    .arg(errorCodeName(outcome.error->code), outcome.error->toString());
    return text;
}

void recordCall(ChatCall &call, RecordedCall &into, QObject *context)
{
    QObject::connect(&call, &ChatCall::eventsReceived, context, [&into](const QList<StreamEvent> &events) {
        ++into.eventBatches;
        if (into.finishedCount > 0)
            ++into.eventsAfterFinished;
        into.events += events;
    });
    QObject::connect(&call, &ChatCall::finished, context, [&into](const ChatOutcome &outcome) {
        ++into.finishedCount;
        into.outcome = outcome;
    });
}

RecordedCall runCall(QNetworkAccessManager *network, const Providers::ProviderEndpoint &endpoint,
                     const ChatRequest &request, int timeoutMs)
{
    RecordedCall result;
    QObject context;
    ChatCall call(network, endpoint, request);
    recordCall(call, result, &context);
    QSignalSpy finished(&call, &ChatCall::finished);
    QElapsedTimer clock;
    clock.start();
    call.start();
    if (finished.isEmpty())
        finished.wait(timeoutMs);
    result.wallMs = double(clock.elapsed());
    result.finished = call.isFinished() && result.finishedCount == 1;
    if (result.finished && call.outcome().text != result.outcome.text)
        result.finished = false; // the stored outcome must be the one that was emitted
    if (!result.finished)
        qWarning("call finished=%d, finished signals=%d, %s", call.isFinished(), result.finishedCount,
                 qPrintable(describe(result.outcome)));
    return result;
}

} // namespace Lathe::TestSupport
