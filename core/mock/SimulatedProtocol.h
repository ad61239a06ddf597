// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

#include "SimulatedAnswer.h"
#include "base/Result.h"
#include "http/HttpRequestReader.h"

namespace Lathe::Mock
{

/** A request to the simulator, read from any wire protocol. */
struct SimulatedRequest
{
    QString model;     ///< without the fault suffix
    QString faultSpec; ///< from a `MODEL+FAULT` suffix, if any
    QList<Providers::ChatMessage> messages;
    std::optional<qint64> maxTokens;
    bool stream = false;
    bool includeUsage = true; ///< OpenAI Chat reports streamed usage only when asked
    QStringList toolNames;    ///< the tools the request offers, in order
    /// Structured output: the JSON Schema the answer must follow, in the request's member order
    std::optional<nlohmann::ordered_json> responseSchema;
    /// The tool the request forces, whose input schema is responseSchema (Anthropic): the answer
    /// is a call of it. Empty: the answer is text.
    QString responseTool;
    /// A count-tokens request: answered with simulatedPromptTokens(messages), no answer is made
    bool countTokens = false;
};

/** Everything a protocol needs to write one answer. */
struct SimulatedResponse
{
    QString id; ///< the response id, unique per server
    QString model;
    qint64 created = 0; ///< seconds since the epoch
    SimulatedAnswer answer;
    bool includeUsage = true;
};

/**
 * Writes one streamed answer in a protocol's wire format. Stateful: protocols that number
 * their events or report running totals keep that state here.
 */
class SimulatedStreamWriter
{
public:
    virtual ~SimulatedStreamWriter() = default;

    /** Bytes sent before the first piece (headers are the server's job). */
    virtual QByteArray begin() = 0;
    /** Piece `index` of the answer: a text token, or a fragment of the tool call's arguments. */
    virtual QByteArray piece(qsizetype index) = 0;
    /** Finish reason, usage and the end marker. */
    virtual QByteArray end() = 0;
    /** An error reported inside the 200 stream, then whatever ends the stream. */
    virtual QByteArray error(const QString &message) = 0;
    /** One event whose payload is not valid JSON. */
    virtual QByteArray malformed() = 0;
};

/** One wire protocol the simulator speaks. Stateless and shared by every connection. */
class SimulatedProtocol
{
public:
    virtual ~SimulatedProtocol() = default;

    /** Whether this protocol serves the request's method and path. */
    virtual bool handles(const Http::HttpRequest &request) const = 0;
    virtual Result<SimulatedRequest> parseRequest(const Http::HttpRequest &request) const = 0;
    virtual QByteArray streamContentType() const;
    virtual std::unique_ptr<SimulatedStreamWriter> streamWriter(const SimulatedResponse &response) const = 0;
    virtual nlohmann::json wholeResponse(const SimulatedResponse &response) const = 0;
    /** The body this protocol's real service sends with an error status. */
    virtual nlohmann::json errorBody(int status, const QString &detail) const = 0;
    /**
     * The answer to a count-tokens request (SimulatedRequest::countTokens). Only protocols whose
     * parseRequest() accepts such requests override it.
     */
    virtual nlohmann::json tokenCountBody(qint64 inputTokens) const;
};

/** The protocols the simulator speaks, in routing order. */
const QList<const SimulatedProtocol *> &simulatedProtocols();

/// Helpers shared by the protocol implementations.
namespace Simulation
{

/** The request body as a JSON object, or an error naming where it is malformed. */
Result<nlohmann::json> parseJsonObject(const QByteArray &body);
/** Splits `MODEL+FAULT` into the model and the fault spec. */
void splitModelAndFault(const QString &fullModel, SimulatedRequest &request);
/** One SSE event: an optional `event:` line and a `data:` line with the compact JSON. */
QByteArray sseEvent(const nlohmann::json &payload, const char *eventName = nullptr);
/**
 * The value at the JSON Pointer `pointer` in a request body that parsed, parsed again keeping its
 * members in order (a schema's property order is the order a model writes the answer in);
 * nullopt when there is none.
 */
std::optional<nlohmann::ordered_json> orderedValueAt(const QByteArray &body, const std::string &pointer);
/**
 * Reads OpenAI's json_schema response format, `{"name", "schema", "strict"?}`, found at
 * `pointer` in `body` (Chat Completions nests it in response_format.json_schema, Responses has
 * it flat in text.format), into responseSchema. Errors name the field, `field.name` and so on,
 * in OpenAI's words.
 */
Result<void> readJsonSchemaFormat(const nlohmann::json &format, const QByteArray &body,
                                  const std::string &pointer, const QString &field,
                                  SimulatedRequest &request);
/** The text of a message content: a string, or an array of parts with "text" members. */
std::optional<QString> contentText(const nlohmann::json &content);
std::string utf8(const QString &text);

} // namespace Simulation

} // namespace Lathe::Mock
