// SPDX-License-Identifier: GPL-3.0-or-later
#include "LocalServerDiscovery.h"

#include <algorithm>

#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <nlohmann/json.hpp>

#include "JsonFields.h"
#include "ProviderPresets.h"
#include "ProviderProtocol.h"
#include "base/LogCategories.h"

namespace Lathe::Providers
{

namespace
{

// A model list is a few kilobytes; anything this large is not one.
constexpr qsizetype kMaxModelListBytes = 4 * 1024 * 1024;

// A preset for a server on this machine whose protocol has a model list we can read.
bool isLocalServer(const ProviderPreset &preset)
{
    if (preset.simulated)
        return false;
    if (preset.protocol != WireProtocol::Ollama && preset.protocol != WireProtocol::OpenAiChat &&
        preset.protocol != WireProtocol::OpenAiResponses)
        return false;
    const QUrl url(preset.baseUrl);
    return url.scheme() == QLatin1String("http") && QHostAddress(url.host()).isLoopback();
}

QUrl modelsUrl(const LocalServerProbe &probe)
{
    return probe.format == ModelListFormat::OllamaTags
               ? Wire::appendPath(probe.baseUrl, QStringLiteral("/api/tags"))
               : Wire::appendPath(probe.baseUrl, QStringLiteral("/models"));
}

struct ModelList
{
    QStringList ids;
    std::optional<Lathe::Error> error;
};

// The model ids of a listing body. An entry without a usable id is skipped and the first one
// is reported by its field, so one odd entry does not hide the models that are fine.
ModelList parseModelList(const QByteArray &body, ModelListFormat format)
{
    const bool ollama = format == ModelListFormat::OllamaTags;
    const QLatin1String listKey(ollama ? "models" : "data");
    const QLatin1String idKey(ollama ? "name" : "id");
    ModelList list;
    nlohmann::json payload;
    try {
        payload = nlohmann::json::parse(body.constBegin(), body.constEnd());
    } catch (const nlohmann::json::parse_error &e) {
        list.error =
            Lathe::Error{ErrorCode::Protocol,
                         QStringLiteral("not a model list: malformed JSON: ") + QString::fromUtf8(e.what()),
                         // nlohmann counts bytes from 1; Lathe names offsets from 0.
                         QStringLiteral("response byte %1").arg(e.byte > 0 ? e.byte - 1 : 0)};
        return list;
    }
    const nlohmann::json *entries = Json::member(payload, listKey.data());
    if (!entries || !entries->is_array()) {
        list.error = Lathe::Error{ErrorCode::Protocol,
                                  QStringLiteral("not a model list: no \"%1\" array").arg(listKey), listKey};
        return list;
    }
    std::size_t skipped = 0;
    std::size_t firstSkipped = 0;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const auto id = Json::string((*entries)[i], idKey.data());
        if (id && !id->isEmpty()) {
            list.ids.append(*id);
            continue;
        }
        if (skipped++ == 0)
            firstSkipped = i;
    }
    if (skipped > 0) {
        const QString message =
            skipped == 1 ? QStringLiteral("a model entry has no \"%1\" string and was skipped").arg(idKey)
                         : QStringLiteral("%1 model entries have no \"%2\" string and were skipped")
                               .arg(QString::number(skipped), idKey);
        list.error = Lathe::Error{ErrorCode::Protocol, message,
                                  QStringLiteral("%1[%2].%3").arg(listKey).arg(firstSkipped).arg(idKey)};
    }
    return list;
}

} // namespace

Result<LocalServerProbe> localServerProbe(const QString &presetId, quint16 port)
{
    const QList<ProviderPreset> &presets = providerPresets();
    const auto preset = std::find_if(presets.cbegin(), presets.cend(), [&presetId](const ProviderPreset &p) {
        return p.id == presetId && isLocalServer(p);
    });
    if (preset == presets.cend()) {
        QStringList localIds;
        for (const ProviderPreset &candidate : presets) {
            if (isLocalServer(candidate))
                localIds.append(candidate.id);
        }
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is not a local server preset; use one of: %2")
                        .arg(presetId, localIds.join(QStringLiteral(", "))));
    }
    LocalServerProbe probe;
    probe.presetId = preset->id;
    probe.baseUrl = QUrl(preset->baseUrl);
    if (port != 0)
        probe.baseUrl.setPort(port);
    probe.format = preset->protocol == WireProtocol::Ollama ? ModelListFormat::OllamaTags
                                                            : ModelListFormat::OpenAiModels;
    return probe;
}

QList<LocalServerProbe> defaultLocalProbes()
{
    QList<LocalServerProbe> probes;
    for (const char *id : {"ollama", "lmstudio", "llamacpp", "vllm"}) {
        auto probe = localServerProbe(QString::fromLatin1(id));
        Q_ASSERT(probe); // the preset table names each of these
        if (probe)
            probes.append(*probe);
    }
    return probes;
}

LocalServerDiscovery::LocalServerDiscovery(QNetworkAccessManager *network, QList<LocalServerProbe> probes,
                                           QObject *parent)
    : QObject(parent)
    , m_network(network)
{
    m_states.reserve(static_cast<std::size_t>(probes.size()));
    for (LocalServerProbe &probe : probes) {
        ProbeState state;
        state.server.presetId = probe.presetId;
        state.server.baseUrl = probe.baseUrl;
        state.probe = std::move(probe);
        m_states.push_back(std::move(state));
    }
}

LocalServerDiscovery::~LocalServerDiscovery()
{
    for (ProbeState &state : m_states) {
        if (state.reply) {
            // Answers that arrive after the discovery is gone must not reach anyone.
            state.reply->disconnect(this);
            state.reply->abort();
            state.reply->deleteLater();
        }
    }
}

void LocalServerDiscovery::setTimeoutMs(int timeoutMs)
{
    Q_ASSERT(!m_started && timeoutMs > 0);
    m_timeoutMs = timeoutMs;
}

void LocalServerDiscovery::start()
{
    Q_ASSERT(!m_started);
    m_started = true;
    m_pending = m_states.size();
    if (m_states.empty()) {
        // Reported after start() returns, as with any number of probes.
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT finished({}); }, Qt::QueuedConnection);
        return;
    }
    for (std::size_t i = 0; i < m_states.size(); ++i)
        send(i);
}

void LocalServerDiscovery::send(std::size_t index)
{
    ProbeState &state = m_states[index];
    QNetworkRequest request(modelsUrl(state.probe));
    request.setRawHeader("Accept", "application/json");
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    qCDebug(lcProviders) << "probing" << request.url().toDisplayString();
    state.reply = m_network->get(request);
    // Once the request is out, something accepted the connection: a timeout after that is a
    // server that does not answer, not an empty port.
    connect(state.reply, &QNetworkReply::requestSent, this,
            [this, index] { m_states[index].requestSent = true; });
    connect(state.reply, &QNetworkReply::readyRead, this, [this, index] { readAvailable(index); });
    connect(state.reply, &QNetworkReply::finished, this, [this, index] { onReplyFinished(index); });
    QTimer::singleShot(m_timeoutMs, state.reply, [this, index] {
        ProbeState &late = m_states[index];
        if (late.done)
            return;
        late.timedOut = true;
        late.reply->abort(); // emits finished(), which completes the probe
    });
}

void LocalServerDiscovery::readAvailable(std::size_t index)
{
    ProbeState &state = m_states[index];
    if (state.oversized || !state.reply || !state.reply->isOpen())
        return;
    const QByteArray bytes = state.reply->readAll();
    if (state.body.size() + bytes.size() > kMaxModelListBytes) {
        state.oversized = true;
        if (state.reply->isRunning())
            state.reply->abort();
        return;
    }
    state.body += bytes;
}

void LocalServerDiscovery::onReplyFinished(std::size_t index)
{
    ProbeState &state = m_states[index];
    if (state.done)
        return;
    readAvailable(index);
    QNetworkReply *reply = state.reply;
    DiscoveredServer &server = state.server;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString where = QStringLiteral("GET ") +
                          modelsUrl(state.probe).toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    server.reachable = state.requestSent || status > 0;

    if (state.timedOut) {
        const QString what =
            state.requestSent ? QStringLiteral("no answer") : QStringLiteral("no connection");
        server.error = Lathe::Error{
            ErrorCode::Timeout, QStringLiteral("%1 within %2 s").arg(what).arg(m_timeoutMs / 1000.0), where};
    } else if (state.oversized) {
        server.error = Lathe::Error{
            ErrorCode::Protocol,
            QStringLiteral("not a model list: larger than %1 MiB").arg(kMaxModelListBytes / (1024 * 1024)),
            where};
    } else if (status != 0 && (status < 200 || status >= 300)) {
        server.error = errorFromHttpResponse(status, state.body, where);
    } else if (reply->error() == QNetworkReply::ConnectionRefusedError) {
        server.error = Lathe::Error{ErrorCode::Network,
                                    QStringLiteral("nothing listening on %1:%2")
                                        .arg(state.probe.baseUrl.host())
                                        .arg(state.probe.baseUrl.port(80)),
                                    where};
    } else if (reply->error() != QNetworkReply::NoError) {
        server.error = Lathe::Error{ErrorCode::Network, reply->errorString(), where};
    } else {
        ModelList list = parseModelList(state.body, state.probe.format);
        server.models = std::move(list.ids);
        server.error = std::move(list.error);
    }
    complete(index);
}

void LocalServerDiscovery::complete(std::size_t index)
{
    ProbeState &state = m_states[index];
    state.done = true;
    state.body.clear();
    if (state.reply) {
        state.reply->disconnect(this);
        state.reply->deleteLater();
        state.reply = nullptr;
    }
    Q_EMIT probeFinished(state.server);
    if (--m_pending > 0)
        return;
    QList<DiscoveredServer> servers;
    servers.reserve(static_cast<qsizetype>(m_states.size()));
    for (const ProbeState &each : m_states)
        servers.append(each.server);
    Q_EMIT finished(servers);
}

} // namespace Lathe::Providers
