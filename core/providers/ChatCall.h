// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include "ChatOutcome.h"
#include "ProviderProtocol.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace Lathe::Providers
{

/**
 * One chat request in flight: sends it, decodes the answer as it arrives, times it, and reports
 * how it ended. Works with any wire protocol through its ProviderProtocol.
 *
 * Thread affinity: lives in the thread of the QNetworkAccessManager it is given (the network
 * thread in the app, the main thread in lathe-cli and tests). Signals carry values.
 */
class ChatCall final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatCall)

public:
    ChatCall(QNetworkAccessManager *network, ProviderEndpoint endpoint, ChatRequest request,
             QObject *parent = nullptr);
    ~ChatCall() override;

    /** Sends the request. Call once. */
    void start();
    /** Stops the request; finished() follows with a Cancelled error and the text so far. */
    void cancel();

    const ChatOutcome &outcome() const { return m_outcome; }
    bool isFinished() const { return m_finished; }

Q_SIGNALS:
    /** Events decoded from one read of the response, in order. */
    void eventsReceived(const QList<Lathe::Providers::StreamEvent> &events);
    /** Emitted once, after the last eventsReceived(). */
    void finished(const Lathe::Providers::ChatOutcome &outcome);

private:
    void readAvailable();
    void onReplyFinished();
    void record(const QList<StreamEvent> &events);
    void complete(std::optional<Lathe::Error> error);
    double elapsedMs() const;
    QString where() const;

    QNetworkAccessManager *m_network;
    ProviderEndpoint m_endpoint;
    ChatRequest m_request;
    std::unique_ptr<ResponseDecoder> m_decoder;
    QUrl m_url;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_errorBody;
    QElapsedTimer m_clock;
    ChatOutcome m_outcome;
    bool m_cancelled = false;
    bool m_finished = false;
    bool m_receivedBody = false;
};

} // namespace Lathe::Providers
