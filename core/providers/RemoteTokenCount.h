// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include "ChatTypes.h"
#include "ProviderProtocol.h"
#include "base/Result.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace Lathe::Providers
{

/** How a count ended. Plain value type, safe to copy across threads. */
struct TokenCountOutcome
{
    qint64 inputTokens = -1;           ///< the provider's count; -1 when there is none
    std::optional<Lathe::Error> error; ///< why there is no count

    bool ok() const { return !error.has_value(); }
};

/**
 * Asks the provider how many input tokens a request has, for the models whose tokenizer is not
 * public: Anthropic's `POST /v1/messages/count_tokens` and Gemini's `models/{model}:countTokens`.
 * The count covers what the model reads (system prompt, messages, tools) and nothing is
 * generated. Other protocols have no such endpoint; for them finished() reports an error and
 * nothing is sent.
 *
 * One request, one answer: no retries, and one deadline from the request to the whole answer.
 * Errors never contain the endpoint's secrets, even when the server echoes the key.
 *
 * Thread affinity: lives in the thread of the QNetworkAccessManager it is given (the network
 * thread in the app, the main thread in lathe-cli and tests). Signals carry values.
 */
class RemoteTokenCount final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteTokenCount)

public:
    static constexpr int kDefaultTimeoutMs = 10'000;

    RemoteTokenCount(QNetworkAccessManager *network, ProviderEndpoint endpoint, ChatRequest request,
                     QObject *parent = nullptr);
    ~RemoteTokenCount() override;

    /** Whether the services of `protocol` can count tokens: Anthropic and Gemini. */
    static bool isAvailable(WireProtocol protocol);

    /** The deadline from the request to the whole answer. Set before start(). */
    void setTimeoutMs(int timeoutMs);

    /** Sends the request. Call once; finished() follows after start() returns, also on failure. */
    void start();

    /** The request as it went out, credentials included; empty if nothing was sent. */
    const OutgoingRequest &sentRequest() const { return m_sent; }

Q_SIGNALS:
    /** Emitted once: the input tokens as the provider counts them, or why there is no count. */
    void finished(const Lathe::Providers::TokenCountOutcome &outcome);

private:
    void readAvailable();
    void onReplyFinished();
    /** Emits finished() once, after redacting the endpoint's secrets out of an error. */
    void complete(Result<qint64> count);
    /** The count in a 2xx body, or an error naming the byte offset or the missing field. */
    Result<qint64> countIn(const QByteArray &body) const;
    QString where() const;

    QNetworkAccessManager *m_network;
    ProviderEndpoint m_endpoint;
    ChatRequest m_request;
    OutgoingRequest m_sent;
    const char *m_countField = nullptr; // the answer's member that holds the count
    QPointer<QNetworkReply> m_reply;
    QByteArray m_body;
    QTimer m_deadline;
    int m_timeoutMs = kDefaultTimeoutMs;
    bool m_requestSent = false;
    bool m_timedOut = false;
    bool m_oversized = false;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace Lathe::Providers

Q_DECLARE_METATYPE(Lathe::Providers::TokenCountOutcome)
