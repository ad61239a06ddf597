// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatCall.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include "base/LogCategories.h"

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
    const ProviderProtocol &protocol = protocolFor(m_endpoint.protocol);
    const OutgoingRequest outgoing = protocol.buildRequest(m_endpoint, m_request);
    m_decoder = protocol.createDecoder(m_request);
    m_url = outgoing.url;

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
    if (isErrorStatus(status)) {
        complete(errorFromHttpResponse(status, m_errorBody, where()));
        return;
    }

    const QNetworkReply::NetworkError networkError = m_reply->error();
    if (networkError != QNetworkReply::NoError) {
        const bool timedOut = networkError == QNetworkReply::OperationCanceledError ||
                              networkError == QNetworkReply::TimeoutError;
        QString message = timedOut ? QStringLiteral("no data for %1 s").arg(m_endpoint.idleTimeoutMs / 1000.0)
                                   : m_reply->errorString();
        ErrorCode code = timedOut ? ErrorCode::Timeout : ErrorCode::Network;
        if (m_receivedBody) {
            message = QStringLiteral("stream ended before completion: ") + message;
            code = ErrorCode::Truncated;
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

void ChatCall::record(const QList<StreamEvent> &events)
{
    if (events.isEmpty())
        return;
    const double now = elapsedMs();
    for (const StreamEvent &event : events) {
        switch (event.kind) {
        case StreamEvent::Kind::TextDelta:
            m_outcome.text += event.text;
            [[fallthrough]];
        case StreamEvent::Kind::ToolCallDelta:
            if (m_outcome.timings.firstTokenMs < 0)
                m_outcome.timings.firstTokenMs = now;
            m_outcome.timings.deltaArrivalMs.append(now);
            break;
        case StreamEvent::Kind::Usage: {
            // Fields missing from a later report keep the earlier value.
            TokenUsage &usage = m_outcome.usage;
            const TokenUsage &report = event.usage;
            usage.inputTokens = report.inputTokens >= 0 ? report.inputTokens : usage.inputTokens;
            usage.outputTokens = report.outputTokens >= 0 ? report.outputTokens : usage.outputTokens;
            usage.cachedInputTokens =
                report.cachedInputTokens >= 0 ? report.cachedInputTokens : usage.cachedInputTokens;
            usage.reasoningTokens =
                report.reasoningTokens >= 0 ? report.reasoningTokens : usage.reasoningTokens;
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
    Q_EMIT eventsReceived(events);
}

void ChatCall::complete(std::optional<Lathe::Error> error)
{
    m_finished = true;
    m_outcome.error = std::move(error);
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
    return QStringLiteral("POST ") + m_url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
}

} // namespace Lathe::Providers
