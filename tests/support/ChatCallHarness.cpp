// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatCallHarness.h"

#include <algorithm>

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QObject>
#include <QSignalSpy>
#include <QTest>

#include <nlohmann/json.hpp>

#include "mock/SchemaInstanceGenerator.h"
#include "providers/ChatCall.h"
#include "providers/ProviderProtocol.h"
#include "schema/JsonSchema.h"

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

QByteArray bookSchema()
{
    return QByteArrayLiteral(R"({
  "type": "object",
  "properties": {
    "title": {"type": "string", "minLength": 3},
    "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
    "genre": {"enum": ["fiction", "poetry", "essay"]},
    "rating": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 5},
    "authors": {"type": "array", "minItems": 2, "uniqueItems": true, "items": {"$ref": "#/$defs/person"}},
    "isbn": {"type": "string", "pattern": "^[0-9-]{10,17}$", "examples": ["978-0-13-110362-7"]}
  },
  "required": ["title", "year", "genre", "rating", "authors", "isbn"],
  "additionalProperties": false,
  "$defs": {
    "person": {
      "type": "object",
      "properties": {"name": {"type": "string"}, "born": {"type": "string", "format": "date"}},
      "required": ["name", "born"],
      "additionalProperties": false
    }
  }
})");
}

ChatRequest structuredRequest(const QString &model, const QString &prompt, const QByteArray &schema,
                              bool stream)
{
    ChatRequest request = chatRequest(model, prompt, stream);
    Providers::ResponseFormat format;
    format.schema = schema;
    format.name = QStringLiteral("book");
    request.responseFormat = format;
    return request;
}

QString structuredAnswerMismatch(const ChatOutcome &outcome, const QByteArray &schema, const QString &fault,
                                 bool exactText)
{
    if (!outcome.completed || outcome.error || outcome.httpStatus != 200)
        return QStringLiteral("the call did not complete: ") + describe(outcome);
    if (!outcome.toolCalls.isEmpty())
        return QStringLiteral("the answer came as a call of ") + outcome.toolCalls.front().name;

    const auto ordered = nlohmann::ordered_json::parse(schema.constBegin(), schema.constEnd());
    Schema::SchemaOptions options;
    options.formatAssertion = true;
    const auto compiled = Schema::JsonSchema::compile(nlohmann::json(ordered), options);
    if (!compiled)
        return QStringLiteral("the schema does not compile: ") + compiled.error().toString();
    const auto compact = [](const nlohmann::ordered_json &value) {
        return QString::fromStdString(value.dump());
    };

    const QString instance = compact(Mock::schemaInstance(ordered));
    const std::string text = outcome.text.toStdString();
    if (fault == QLatin1String("invalid-json")) {
        if (nlohmann::json::accept(text))
            return QStringLiteral("the answer parses: ") + outcome.text;
        const QString expected = Mock::brokenJsonText(instance);
        return outcome.text == expected ? QString()
                                        : QStringLiteral("got %1, expected %2").arg(outcome.text, expected);
    }
    QString expected = instance;
    if (fault == QLatin1String("schema-violation")) {
        const auto violation = Mock::schemaViolation(ordered);
        if (!violation)
            return QStringLiteral("the schema cannot be violated");
        expected = compact(*violation);
    } else if (!fault.isEmpty()) {
        return QStringLiteral("no structured answer is known for fault ") + fault;
    }

    const auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded())
        return QStringLiteral("the answer does not parse: ") + outcome.text;
    if (exactText ? outcome.text != expected : parsed != nlohmann::json::parse(expected.toStdString()))
        return QStringLiteral("got %1, expected %2").arg(outcome.text, expected);
    const Schema::ValidationReport report = compiled->validate(parsed);
    if (fault.isEmpty() && !report.valid) {
        QString why = QStringLiteral("the answer breaks the schema: ") + outcome.text;
        for (const Schema::ValidationError &error : report.errors)
            why += QStringLiteral("\n  at \"%1\": %2")
                       .arg(QString::fromStdString(error.instanceLocation), error.message);
        return why;
    }
    if (!fault.isEmpty() && report.valid)
        return QStringLiteral("the answer follows the schema despite the fault: ") + outcome.text;
    return {};
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

void addStructuredAnswerRows()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<bool>("stream");
    for (const char *fault : {"", "invalid-json", "schema-violation"}) {
        for (const bool stream : {true, false})
            QTest::addRow("%s, %s", *fault ? fault : "clean", stream ? "streamed" : "not streamed")
                << QString::fromLatin1(fault) << stream;
    }
}

QString modelWithFault(const char *model, const QString &fault)
{
    return fault.isEmpty() ? QString::fromLatin1(model) : QLatin1String(model) + QLatin1Char('+') + fault;
}

} // namespace Lathe::TestSupport
