// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatCall.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include "base/LogCategories.h"
#include "base/Redaction.h"

namespace Lathe::Providers
{

namespace
{

// Enough of an error body to show the provider's message; the rest is dropped.
constexpr qsizetype kMaxErrorBodyBytes = 1024 * 1024;

bool isErrorStatus(int status)
{
    return status >= 400;
}

} // namespace

ChatCall::ChatCall(QNetworkAccessManager *network, ProviderEndpoint endpoint, ChatRequest request,
                   QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_endpoint(std::move(endpoint))
    , m_request(std::move(request))
{}

ChatCall::~ChatCall()
{
    if (m_reply) {
        // Late bytes of an abandoned request must not reach anyone.
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void ChatCall::start()
{
    Q_ASSERT(!m_reply && !m_finished);
    if (auto valid = validateChatRequest(m_request); !valid) {
        // Reported like any other failure, but after start() returns, as callers expect.
        QMetaObject::invokeMethod(
            this,
            [this, error = valid.error()] {
                if (!m_finished)
                    complete(error);
            },
            Qt::QueuedConnection);
        return;
    }
    const ProviderProtocol &protocol = protocolFor(m_endpoint.protocol);
    m_sent = protocol.buildRequest(m_endpoint, m_request);
    const OutgoingRequest &outgoing = m_sent;
    m_decoder = protocol.createDecoder(m_request);
    m_sentAt = QDateTime::currentDateTimeUtc();

    QNetworkRequest request(outgoing.url);
    for (const auto &[name, value] : outgoing.headers)
        request.setRawHeader(name, value);
    request.setTransferTimeout(m_endpoint.idleTimeoutMs);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);

    qCDebug(lcProviders) << "sending" << where();
    m_clock.start();
    m_reply = m_network->post(request, outgoing.body);
    connect(m_reply, &QNetworkReply::readyRead, this, &ChatCall::readAvailable);
    connect(m_reply, &QNetworkReply::finished, this, &ChatCall::onReplyFinished);

    // The idle gap is Qt's transfer timeout; the other deadlines are ours. Each phase's
    // deadline replaces the previous one.
    m_phaseDeadline.setSingleShot(true);
    m_totalDeadline.setSingleShot(true);
    connect(&m_phaseDeadline, &QTimer::timeout, this, &ChatCall::onDeadline);
    connect(&m_totalDeadline, &QTimer::timeout, this, [this] {
        m_timedOut = QStringLiteral("the answer took longer than %1 s (total timeout)")
                         .arg(m_endpoint.totalTimeoutMs / 1000.0);
        if (m_reply)
            m_reply->abort();
    });
    if (m_endpoint.totalTimeoutMs > 0)
        m_totalDeadline.start(m_endpoint.totalTimeoutMs);
    startDeadline(m_endpoint.connectTimeoutMs, QStringLiteral("no connection"));
    connect(m_reply, &QNetworkReply::requestSent, this,
            [this] { startDeadline(m_endpoint.firstByteTimeoutMs, QStringLiteral("no response")); });
    connect(m_reply, &QNetworkReply::metaDataChanged, &m_phaseDeadline, &QTimer::stop);
}

void ChatCall::startDeadline(int timeoutMs, QString what)
{
    m_phaseDeadline.stop();
    if (timeoutMs <= 0)
        return;
    m_phase = std::move(what);
    m_phaseTimeoutMs = timeoutMs;
    m_phaseDeadline.start(timeoutMs);
}

void ChatCall::onDeadline()
{
    m_timedOut = QStringLiteral("%1 within %2 s").arg(m_phase).arg(m_phaseTimeoutMs / 1000.0);
    if (m_reply)
        m_reply->abort();
}

void ChatCall::cancel()
{
    if (m_finished)
        return;
    m_cancelled = true;
    if (m_reply)
        m_reply->abort(); // emits finished(), which completes the call
    else
        complete(
            Lathe::Error{ErrorCode::Cancelled, QStringLiteral("stopped before it was sent"), where(), 0});
}

void ChatCall::readAvailable()
{
    // Qt closes the reply before finished() when a transfer times out: nothing is left to read.
    if (m_cancelled || !m_reply || !m_reply->isOpen())
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_outcome.httpStatus = status;
    const QByteArray bytes = m_reply->readAll();
    if (bytes.isEmpty())
        return;
    m_receivedBody = true;
    if (isErrorStatus(status)) {
        m_errorBody.append(bytes.first(std::min(bytes.size(), kMaxErrorBodyBytes - m_errorBody.size())));
        return;
    }
    QList<StreamEvent> events;
    m_decoder->feed(bytes, events);
    record(events);
}

void ChatCall::onReplyFinished()
{
    if (m_finished)
        return;
    if (m_cancelled) {
        complete(Lathe::Error{ErrorCode::Cancelled, QStringLiteral("stopped by the user"), where(), 0});
        return;
    }
    readAvailable();
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_outcome.httpStatus = status;
    m_outcome.responseHeaders = m_reply->rawHeaderPairs();
    if (isErrorStatus(status)) {
        complete(protocolFor(m_endpoint.protocol).httpError(status, m_errorBody, where()));
        return;
    }

    const QNetworkReply::NetworkError networkError = m_reply->error();
    if (m_outcome.error && (networkError != QNetworkReply::NoError || !m_timedOut.isEmpty())) {
        // The provider said what went wrong before the connection ended: that is the news.
        complete(m_outcome.error);
        return;
    }
    if (!m_timedOut.isEmpty()) {
        complete(Lathe::Error{ErrorCode::Timeout,
                              m_receivedBody ? QStringLiteral("stream ended before completion: ") + m_timedOut
                                             : m_timedOut,
                              where(), 0});
        return;
    }
    if (networkError != QNetworkReply::NoError) {
        const bool timedOut = networkError == QNetworkReply::OperationCanceledError ||
                              networkError == QNetworkReply::TimeoutError;
        QString message = timedOut ? QStringLiteral("no data for %1 s").arg(m_endpoint.idleTimeoutMs / 1000.0)
                                   : m_reply->errorString();
        // A timeout stays a timeout (the message says the answer is incomplete); any other
        // failure after the body began is a cut stream.
        ErrorCode code = timedOut ? ErrorCode::Timeout : ErrorCode::Network;
        if (m_receivedBody) {
            message = QStringLiteral("stream ended before completion: ") + message;
            code = timedOut ? ErrorCode::Timeout : ErrorCode::Truncated;
        }
        complete(Lathe::Error{code, message, where(), 0});
        return;
    }

    QList<StreamEvent> events;
    m_decoder->finish(events);
    record(events);
    if (!m_outcome.error && !m_decoder->isComplete())
        complete(
            Lathe::Error{ErrorCode::Truncated, QStringLiteral("stream ended before completion"), where(), 0});
    else
        complete(m_outcome.error);
}

void ChatCall::record(QList<StreamEvent> events)
{
    if (events.isEmpty())
        return;
    const double now = elapsedMs();
    for (const StreamEvent &event : events) {
        switch (event.kind) {
        case StreamEvent::Kind::TextDelta:
        case StreamEvent::Kind::ReasoningDelta:
        case StreamEvent::Kind::ToolCallDelta:
            if (event.kind == StreamEvent::Kind::TextDelta)
                m_outcome.text += event.text;
            else if (event.kind == StreamEvent::Kind::ReasoningDelta)
                m_outcome.reasoning += event.text;
            else
                assembleToolCall(event.toolCall);
            if (m_outcome.timings.firstTokenMs < 0)
                m_outcome.timings.firstTokenMs = now;
            m_outcome.timings.deltaArrivalMs.append(now);
            break;
        case StreamEvent::Kind::Usage: {
            // Fields missing from a later report keep the earlier value.
            TokenUsage &usage = m_outcome.usage;
            const TokenUsage &report = event.usage;
            for (qint64 TokenUsage::*field :
                 {&TokenUsage::inputTokens, &TokenUsage::outputTokens, &TokenUsage::cachedInputTokens,
                  &TokenUsage::cacheWriteInputTokens, &TokenUsage::reasoningTokens}) {
                if (report.*field >= 0)
                    usage.*field = report.*field;
            }
            break;
        }
        case StreamEvent::Kind::Finish:
            m_outcome.finishReason = event.finishReason;
            break;
        case StreamEvent::Kind::Error:
            if (!m_outcome.error)
                m_outcome.error = event.error;
            break;
        }
    }
    for (StreamEvent &event : events) {
        if (event.kind == StreamEvent::Kind::Error)
            event.error = redactSecrets(std::move(event.error), m_endpoint.secrets());
    }
    Q_EMIT eventsReceived(events);
}

void ChatCall::assembleToolCall(const ToolCallDelta &delta)
{
    ToolCall &call = m_toolCalls[delta.index];
    if (!delta.id.isEmpty())
        call.id = delta.id;
    if (!delta.name.isEmpty())
        call.name = delta.name;
    call.arguments += delta.argumentsFragment;
}

void ChatCall::complete(std::optional<Lathe::Error> error)
{
    m_finished = true;
    m_phaseDeadline.stop();
    m_totalDeadline.stop();
    m_outcome.toolCalls = m_toolCalls.values();
    m_outcome.error = std::move(error);
    if (m_outcome.error) // servers may echo the key in their error text
        m_outcome.error = redactSecrets(std::move(*m_outcome.error), m_endpoint.secrets());
    m_outcome.completed = !m_outcome.error.has_value();
    m_outcome.timings.totalMs = m_clock.isValid() ? elapsedMs() : 0;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    Q_EMIT finished(m_outcome);
}

double ChatCall::elapsedMs() const
{
    return m_clock.nsecsElapsed() / 1.0e6;
}

QString ChatCall::where() const
{
    return QStringLiteral("POST ") + m_sent.url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
}

} // namespace Lathe::Providers
