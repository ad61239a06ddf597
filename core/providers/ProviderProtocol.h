// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QUrl>

#include <nlohmann/json.hpp>

#include "ChatTypes.h"
#include "base/Result.h"
#include "http/SseParser.h"

namespace Lathe::Providers
{

/** An HTTP request as a plain value: what will leave the machine, before it is sent. */
struct OutgoingRequest
{
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers; ///< may hold credentials: redact before logging
    QByteArray body;
};

/**
 * Turns the body of a successful (2xx) response into StreamEvents. One decoder per response;
 * bytes may arrive in chunks of any size.
 */
class ResponseDecoder
{
public:
    virtual ~ResponseDecoder() = default;

    virtual void feed(QByteArrayView bytes, QList<StreamEvent> &out) = 0;
    /** The body ended; a non-streamed body is decoded here. */
    virtual void finish(QList<StreamEvent> &out) = 0;
    /** True once the provider signalled that the answer is complete. */
    virtual bool isComplete() const = 0;
};

/**
 * One wire protocol: how a ChatRequest is written and how the answer is read. Implementations
 * are stateless and thread-safe; all per-response state lives in the decoder.
 */
class ProviderProtocol
{
public:
    virtual ~ProviderProtocol() = default;

    virtual OutgoingRequest buildRequest(const ProviderEndpoint &endpoint,
                                         const ChatRequest &request) const = 0;
    virtual std::unique_ptr<ResponseDecoder> createDecoder(const ChatRequest &request) const = 0;
    /** The error for an HTTP error status; by default errorFromHttpResponse(). */
    virtual Lathe::Error httpError(int status, QByteArrayView body, const QString &where) const;
};

/** The protocol implementation for an endpoint's wire protocol. */
const ProviderProtocol &protocolFor(WireProtocol protocol);

/**
 * Checks what every protocol relies on, once, before a request is built: a model, at least one
 * message with a known role, tool names of 1-64 letters, digits, '_' or '-', tool parameter
 * schemas that are JSON objects, and a response format whose name follows the tool-name rule
 * and is no tool's (Anthropic receives the format as a tool of that name) and whose schema is a
 * JSON object. The error names the field (e.g. `tools[1].parameters`, `responseFormat.schema`).
 */
Result<void> validateChatRequest(const ChatRequest &request);

/**
 * A response format's schema, parsed keeping its members in order: models write the answer's
 * properties in the order the schema lists them, so the order is part of what the caller asked
 * for. Fails naming `responseFormat.schema` when the text is not JSON or not an object.
 */
Result<nlohmann::ordered_json> parseResponseSchema(const ResponseFormat &format);

/// Helpers shared by the protocol implementations.
namespace Wire
{

/** The base URL with `path` appended to its path; the query (e.g. Azure's api-version) stays. */
QUrl appendPath(const QUrl &baseUrl, const QString &path);
/** Adds the credentials header: the endpoint's apiKeyHeader, else `defaultHeader`. */
void addAuthHeader(const ProviderEndpoint &endpoint, const QByteArray &defaultHeader,
                   OutgoingRequest &request);
/** Adds the endpoint's extra headers. */
void addExtraHeaders(const ProviderEndpoint &endpoint, OutgoingRequest &request);
/** A validated tool's parameter schema as JSON. */
nlohmann::json toolParameters(const ToolDefinition &tool);
/** A validated response format's schema, in its own member order (see parseResponseSchema()). */
nlohmann::ordered_json responseSchema(const ResponseFormat &format);
/** JSON text as bytes; invalid UTF-8 never reaches the wire (QString always converts cleanly). */
QByteArray dumpJson(const nlohmann::json &body);
QByteArray dumpJson(const nlohmann::ordered_json &body);

/** `stream byte N`: where in a streamed body an error is, N counted from 0. */
QString streamWhere(qint64 byteOffset);

/**
 * The JSON payload of one stream event. When it is not JSON, appends a Protocol failure
 * "malformed JSON in stream event: …" naming the event's `stream byte` and returns nothing; the
 * stream goes on, so the events after a broken one are still decoded.
 */
std::optional<nlohmann::json> parseStreamEvent(const Http::SseEvent &event, QList<StreamEvent> &out);

/**
 * Reads the parsed body of a whole (non-streamed) answer into events; returns whether the answer
 * is complete.
 */
template <typename Json> using BodyReader = std::function<bool(const Json &payload, QList<StreamEvent> &out)>;

/**
 * The decoder of a non-streamed answer: it keeps the body and decodes it at finish(), so it emits
 * nothing before. A body that is not JSON is one Protocol failure "malformed JSON response: …"
 * naming `response byte N`; any other body is `read`'s. Json is nlohmann::json, or
 * nlohmann::ordered_json for a reader that keeps the server's member order.
 */
template <typename Json = nlohmann::json>
std::unique_ptr<ResponseDecoder> wholeBodyDecoder(std::type_identity_t<BodyReader<Json>> read);

extern template std::unique_ptr<ResponseDecoder>
wholeBodyDecoder<nlohmann::json>(BodyReader<nlohmann::json> read);
extern template std::unique_ptr<ResponseDecoder>
wholeBodyDecoder<nlohmann::ordered_json>(BodyReader<nlohmann::ordered_json> read);

} // namespace Wire

/**
 * What every decoder of a Server-Sent Events stream shares: the bytes go through one SseParser and
 * each event it completes goes to handleEvent(). When the parser gives up (an event over its size
 * limit), its error is reported once and the rest of the body is ignored. An event the body ended
 * inside is dropped, as the standard says, so its end marker never counts: the answer stays
 * incomplete, which ChatCall reports as truncated.
 */
class SseResponseDecoder : public ResponseDecoder
{
public:
    /** `extraFields`: the fields beyond the standard's to hand on (SseParser::keepExtraFields()). */
    explicit SseResponseDecoder(QByteArrayList extraFields = {});

    void feed(QByteArrayView bytes, QList<StreamEvent> &out) final;
    void finish(QList<StreamEvent> &out) final;

protected:
    virtual void handleEvent(const Http::SseEvent &event, QList<StreamEvent> &out) = 0;

private:
    Http::SseParser m_parser;
    bool m_failed = false;
};

/**
 * The error for an HTTP error status, with the provider's own message when the body carries one
 * in any of the common shapes ({"error":{"message"}}, {"error":"…"}, {"message":…}).
 */
Lathe::Error errorFromHttpResponse(int status, QByteArrayView body, const QString &where);

} // namespace Lathe::Providers
