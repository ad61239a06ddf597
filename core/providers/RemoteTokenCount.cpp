// SPDX-License-Identifier: GPL-3.0-or-later
#include "RemoteTokenCount.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <nlohmann/json.hpp>

#include "AnthropicProtocol.h"
#include "GeminiProtocol.h"
#include "JsonFields.h"
#include "base/LogCategories.h"
#include "base/Redaction.h"

// The endpoints and their answers: protocols.md §7 (Anthropic: {"input_tokens": N}) and §8
// (Gemini: {"totalTokens": N}).

namespace Lathe::Providers
{

namespace
{

// A count is a few bytes and an error page a few kilobytes; anything this large is neither.
constexpr qsizetype kMaxBodyBytes = 1024 * 1024;

// The member of a count answer that holds the count; null for protocols whose services cannot count.
const char *countField(WireProtocol protocol)
{
    switch (protocol) {
    case WireProtocol::Anthropic:
        return "input_tokens";
    case WireProtocol::Gemini:
        return "totalTokens";
    case WireProtocol::OpenAiChat:
    case WireProtocol::OpenAiResponses:
    case WireProtocol::Ollama:
        // OpenAI publishes its tokenizers, so Lathe counts those itself. The OpenAI-compatible
        // local servers' /tokenize endpoints (llama.cpp, vLLM) differ in shape, live outside the
        // /v1 base URL and count the text without the chat template, and an endpoint does not
        // say which server it is; Ollama has no such endpoint at all.
        break;
    }
    return nullptr;
}

} // namespace

RemoteTokenCount::RemoteTokenCount(QNetworkAccessManager *network, ProviderEndpoint endpoint,
                                   ChatRequest request, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_endpoint(std::move(endpoint))
    , m_request(std::move(request))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        if (m_reply)
            m_reply->abort(); // emits finished(), which completes the count
    });
}

RemoteTokenCount::~RemoteTokenCount()
{
    if (m_reply) {
        // An answer that arrives after the count is gone must not reach anyone.
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

bool RemoteTokenCount::isAvailable(WireProtocol protocol)
{
    return countField(protocol) != nullptr;
}

void RemoteTokenCount::setTimeoutMs(int timeoutMs)
{
    Q_ASSERT(!m_started && timeoutMs > 0);
    m_timeoutMs = timeoutMs;
}

void RemoteTokenCount::start()
{
    Q_ASSERT(!m_started);
    m_started = true;
    m_countField = countField(m_endpoint.protocol);
    Result<void> valid = m_countField ? validateChatRequest(m_request)
                                      : fail(ErrorCode::InvalidArgument,
                                             QStringLiteral("the %1 protocol has no count-tokens endpoint")
                                                 .arg(wireProtocolName(m_endpoint.protocol)));
    if (!valid) {
        // Reported like any other failure, after start() returns, as callers expect.
        QMetaObject::invokeMethod(
            this, [this, error = valid.error()] { complete(tl::unexpected(error)); }, Qt::QueuedConnection);
        return;
    }
    m_sent = m_endpoint.protocol == WireProtocol::Gemini
                 ? GeminiProtocol().buildCountTokensRequest(m_endpoint, m_request)
                 : AnthropicProtocol().buildCountTokensRequest(m_endpoint, m_request);

    QNetworkRequest request(m_sent.url);
    for (const auto &[name, value] : m_sent.headers)
        request.setRawHeader(name, value);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    qCDebug(lcProviders) << "counting tokens:" << where();
    m_reply = m_network->post(request, m_sent.body);
    // Once the request is out, a timeout is a server that does not answer, not one that cannot
    // be reached.
    connect(m_reply, &QNetworkReply::requestSent, this, [this] { m_requestSent = true; });
    connect(m_reply, &QNetworkReply::readyRead, this, &RemoteTokenCount::readAvailable);
    connect(m_reply, &QNetworkReply::finished, this, &RemoteTokenCount::onReplyFinished);
    m_deadline.start(m_timeoutMs);
}

void RemoteTokenCount::readAvailable()
{
    if (m_oversized || !m_reply || !m_reply->isOpen())
        return;
    const QByteArray bytes = m_reply->readAll();
    if (m_body.size() + bytes.size() > kMaxBodyBytes) {
        m_oversized = true;
        m_reply->abort();
        return;
    }
    m_body += bytes;
}

void RemoteTokenCount::onReplyFinished()
{
    if (m_finished)
        return;
    readAvailable();
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError networkError = m_reply->error();
    if (m_timedOut) {
        const QString what = m_requestSent ? QStringLiteral("no answer") : QStringLiteral("no connection");
        complete(fail(ErrorCode::Timeout,
                      QStringLiteral("%1 within %2 s").arg(what).arg(m_timeoutMs / 1000.0), where()));
    } else if (m_oversized) {
        complete(
            fail(ErrorCode::Protocol,
                 QStringLiteral("not a token count: larger than %1 MiB").arg(kMaxBodyBytes / (1024 * 1024)),
                 where()));
    } else if (status >= 300) {
        // The provider's own message, read as its chat errors are (Google's status word and retry
        // delay included).
        complete(tl::unexpected(protocolFor(m_endpoint.protocol).httpError(status, m_body, where())));
    } else if (networkError == QNetworkReply::ConnectionRefusedError) {
        complete(fail(ErrorCode::Network,
                      QStringLiteral("connection refused by %1:%2")
                          .arg(m_sent.url.host())
                          .arg(m_sent.url.port(m_sent.url.scheme() == QLatin1String("https") ? 443 : 80)),
                      where()));
    } else if (networkError != QNetworkReply::NoError) {
        complete(fail(ErrorCode::Network, m_reply->errorString(), where()));
    } else {
        complete(countIn(m_body));
    }
}

Result<qint64> RemoteTokenCount::countIn(const QByteArray &body) const
{
    nlohmann::json payload;
    try {
        payload = nlohmann::json::parse(body.constBegin(), body.constEnd());
    } catch (const nlohmann::json::parse_error &e) {
        return fail(ErrorCode::Protocol,
                    QStringLiteral("malformed JSON in the token count: ") + QString::fromUtf8(e.what()),
                    // nlohmann counts bytes from 1; Lathe names offsets from 0.
                    QStringLiteral("response byte %1").arg(e.byte > 0 ? e.byte - 1 : 0));
    }
    const auto count = Json::integer(payload, m_countField);
    if (!count || *count < 0)
        return fail(ErrorCode::Protocol,
                    QStringLiteral("the answer has no \"%1\" count").arg(QLatin1String(m_countField)),
                    QLatin1String(m_countField));
    return *count;
}

void RemoteTokenCount::complete(Result<qint64> count)
{
    if (m_finished)
        return;
    m_finished = true;
    m_deadline.stop();
    m_body.clear();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    TokenCountOutcome outcome;
    if (count) {
        outcome.inputTokens = *count;
    } else {
        // Some servers echo the key in their error messages.
        outcome.error = redactSecrets(std::move(count.error()), m_endpoint.secrets());
    }
    Q_EMIT finished(outcome);
}

QString RemoteTokenCount::where() const
{
    return QStringLiteral("POST ") + m_sent.url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
}

} // namespace Lathe::Providers
