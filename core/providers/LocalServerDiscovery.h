// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "base/Result.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace Lathe::Providers
{

/** How a kind of local server lists its models. */
enum class ModelListFormat
{
    /// `GET /api/tags` → {"models":[{"name":…}]}. Ollama answers /v1/models too, but only
    /// Ollama answers this, so a listing here also says the server is Ollama.
    OllamaTags,
    OpenAiModels, ///< `GET {base}/models` → {"data":[{"id":…}]}: LM Studio, llama.cpp, vLLM
};

/** Where to look for one local model server: a local preset's API root on a given port. */
struct LocalServerProbe
{
    QString presetId; ///< the ProviderPreset that talks to this server, e.g. "ollama"
    QUrl baseUrl;     ///< the preset's API root with the probed port
    ModelListFormat format = ModelListFormat::OpenAiModels;
};

/**
 * The probe for the local preset `presetId` on `port` (0: the preset's own default port).
 * Fails for an unknown preset and for one that is not a server on this machine, so a probe
 * never leaves 127.0.0.1.
 */
Result<LocalServerProbe> localServerProbe(const QString &presetId, quint16 port = 0);

/** Ollama, LM Studio, llama.cpp and vLLM, each on the port of its preset. */
QList<LocalServerProbe> defaultLocalProbes();

/** What one probe found. Plain value type, safe to copy across threads. */
struct DiscoveredServer
{
    QString presetId;
    QUrl baseUrl;           ///< the API root, usable as an endpoint's base URL
    bool reachable = false; ///< something on the port accepted the connection
    QStringList models;     ///< model ids in the order the server listed them
    /// Why the listing failed or is incomplete: nothing listening, a timeout, an HTTP error
    /// status, or a body that is not the expected model list (entries that were fine are
    /// still in `models`).
    std::optional<Lathe::Error> error;

    /** A server of the expected kind answered with a model list, whole or in part. */
    bool isListed() const { return reachable && (!error || !models.isEmpty()); }
};

/**
 * Looks for local model servers: sends every probe's model-list request at once, each with its
 * own deadline, and reports each server as its probe ends and all of them once the last has.
 * Local servers need no key, so none is sent.
 *
 * Thread affinity: lives in the thread of the QNetworkAccessManager it is given (the network
 * thread in the app, the main thread in lathe-cli and tests). Signals carry values.
 */
class LocalServerDiscovery final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalServerDiscovery)

public:
    static constexpr int kDefaultTimeoutMs = 1500;

    explicit LocalServerDiscovery(QNetworkAccessManager *network,
                                  QList<LocalServerProbe> probes = defaultLocalProbes(),
                                  QObject *parent = nullptr);
    ~LocalServerDiscovery() override;

    /** The deadline of each probe, from its request to the whole answer. Set before start(). */
    void setTimeoutMs(int timeoutMs);

    /** Sends every probe. Call once; finished() follows even when there are no probes. */
    void start();

Q_SIGNALS:
    /** One probe ended. */
    void probeFinished(const Lathe::Providers::DiscoveredServer &server);
    /** Emitted once, after the last probeFinished(); the servers in the order of the probes. */
    void finished(const QList<Lathe::Providers::DiscoveredServer> &servers);

private:
    struct ProbeState
    {
        LocalServerProbe probe;
        DiscoveredServer server;
        QPointer<QNetworkReply> reply;
        QByteArray body;
        bool requestSent = false;
        bool timedOut = false;
        bool oversized = false;
        bool done = false;
    };

    void send(std::size_t index);
    void readAvailable(std::size_t index);
    void onReplyFinished(std::size_t index);
    void complete(std::size_t index);

    QNetworkAccessManager *m_network;
    std::vector<ProbeState> m_states;
    int m_timeoutMs = kDefaultTimeoutMs;
    std::size_t m_pending = 0;
    bool m_started = false;
};

} // namespace Lathe::Providers

Q_DECLARE_METATYPE(Lathe::Providers::DiscoveredServer)
