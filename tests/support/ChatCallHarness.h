// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <optional>

#include <QList>
#include <QString>

#include "mock/SimulatedAnswer.h"
#include "mock/SimulatorServer.h"
#include "providers/ChatOutcome.h"
#include "providers/ChatTypes.h"

class QNetworkAccessManager;
class QObject;

namespace Lathe::Providers
{
class ChatCall;
} // namespace Lathe::Providers

/**
 * Running a real ChatCall end to end and recording what it emits, for the tests that drive one
 * against the simulator or a scripted server.
 */
namespace Lathe::TestSupport
{

/**
 * A simulator listening on 127.0.0.1 that paces its answers as given. Null when it cannot listen;
 * then `why` says why.
 */
std::unique_ptr<Mock::SimulatorServer> startSimulator(int tokensPerSecond, int firstTokenDelayMs,
                                                      QString *why = nullptr);

/**
 * A QNetworkAccessManager that never goes through a proxy, as loopback tests need. A fresh one
 * per test function keeps connections and state from carrying over between tests.
 */
QNetworkAccessManager *directNetwork(QObject *parent);

/** A system message and the prompt, streamed unless asked otherwise. */
Providers::ChatRequest chatRequest(const QString &model, const QString &prompt, bool stream = true,
                                   std::optional<int> maxTokens = std::nullopt);

/** What the simulator answers to `request`, by the function it answers with itself. A `+fault` suffix
 *  on the model does not change the answer, only how it is delivered. */
Mock::SimulatedAnswer expectedAnswer(const Providers::ChatRequest &request);

/**
 * The schema the structured-output tests ask every protocol for: properties out of alphabetical
 * order, objects reached through "$defs", an array of unique items, an enum, a bounded integer,
 * a nullable number with an exclusive bound, a pattern with an example, and a date format.
 */
QByteArray bookSchema();

/** The `_data()` rows of the per-protocol structured-answer tests: each structured-output fault
 *  (and none), streamed and not, in columns "fault" and "stream". */
void addStructuredAnswerRows();

/** The simulator model that answers with `fault` ("" for a clean answer). */
QString modelWithFault(const char *model, const QString &fault);

/** chatRequest() asking for an answer that follows `schema`, as a ResponseFormat named "book". */
Providers::ChatRequest structuredRequest(const QString &model, const QString &prompt,
                                         const QByteArray &schema, bool stream = true);

/**
 * Empty when `outcome` is the simulator's structured answer to `schema` under `fault` (empty,
 * "invalid-json" or "schema-violation"), complete and as text (no tool call); else what is wrong.
 * A clean answer is valid for the schema (Lathe::Schema::JsonSchema, formats asserted), an
 * invalid-json one does not parse strictly, a schema-violation one parses and is not valid. With
 * `exactText` the text must be the simulator's byte for byte, member order included; without,
 * equal as JSON.
 */
QString structuredAnswerMismatch(const Providers::ChatOutcome &outcome, const QByteArray &schema,
                                 const QString &fault, bool exactText = true);

/** The answer text: every TextDelta joined. */
QString textOf(const QList<Providers::StreamEvent> &events);
qsizetype countOf(const QList<Providers::StreamEvent> &events, Providers::StreamEvent::Kind kind);

/** One line for a failure message: completed, HTTP status, finish reason and the error, if any. */
QString describe(const Providers::ChatOutcome &outcome);

/** Everything a ChatCall emitted. */
struct RecordedCall
{
    bool finished = false; ///< it finished exactly once, and isFinished() and outcome() agree with that
    int finishedCount = 0;
    int eventBatches = 0;
    int eventsAfterFinished = 0; ///< eventsReceived batches that came after finished()
    Providers::ChatOutcome outcome;
    QList<Providers::StreamEvent> events;
    double wallMs = 0; ///< from start() until runCall() stopped waiting
};

/**
 * Records `call`'s signals into `into`, connected in `context`; connect before start() so that
 * nothing is missed. `into` must outlive the connections.
 */
void recordCall(Providers::ChatCall &call, RecordedCall &into, QObject *context);

/**
 * Starts a ChatCall and runs the event loop until it finishes or the timeout passes; warns with
 * what happened when it did not finish exactly once.
 */
RecordedCall runCall(QNetworkAccessManager *network, const Providers::ProviderEndpoint &endpoint,
                     const Providers::ChatRequest &request, int timeoutMs = 5000);

} // namespace Lathe::TestSupport
