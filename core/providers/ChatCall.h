// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>

#include <QDateTime>
#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>

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
    /** The request as it went out, credentials included; empty if nothing was sent. */
    const OutgoingRequest &sentRequest() const { return m_sent; }
    /** When it went out (UTC); invalid if nothing was sent. */
    QDateTime sentAt() const { return m_sentAt; }

Q_SIGNALS:
    /** Events decoded from one read of the response, in order. */
    void eventsReceived(const QList<Lathe::Providers::StreamEvent> &events);
    /** Emitted once, after the last eventsReceived(). */
    void finished(const Lathe::Providers::ChatOutcome &outcome);

private:
    void readAvailable();
    void startDeadline(int timeoutMs, QString what);
    void onDeadline();
    void onReplyFinished();
    void record(QList<StreamEvent> events);
    void assembleToolCall(const ToolCallDelta &delta);
    void complete(std::optional<Lathe::Error> error);
    double elapsedMs() const;
    QString where() const;

    QNetworkAccessManager *m_network;
    ProviderEndpoint m_endpoint;
    ChatRequest m_request;
    std::unique_ptr<ResponseDecoder> m_decoder;
    OutgoingRequest m_sent;
    QDateTime m_sentAt;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_errorBody;
    QElapsedTimer m_clock;
    ChatOutcome m_outcome;
    QMap<int, ToolCall> m_toolCalls; // by index: parallel calls arrive interleaved
    QTimer m_phaseDeadline;          // the connect timeout, then the first-byte timeout
    QTimer m_totalDeadline;
    QString m_timedOut; // which deadline passed, for the message
    QString m_phase;    // what the phase deadline is waiting for
    int m_phaseTimeoutMs = 0;
    bool m_cancelled = false;
    bool m_finished = false;
    bool m_receivedBody = false;
};

} // namespace Lathe::Providers
