// SPDX-License-Identifier: GPL-3.0-or-later
#include "DiscoverCommand.h"

#include <algorithm>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QNetworkAccessManager>

#include <nlohmann/json.hpp>

#include "CliSupport.h"
#include "base/Result.h"
#include "providers/LocalServerDiscovery.h"

namespace Lathe::Cli
{

namespace
{

using Providers::DiscoveredServer;
using Providers::LocalServerProbe;

const QString kCommand = QStringLiteral("discover");
// Enough names to recognise a server on one line; --json lists them all.
constexpr qsizetype kModelsPerLine = 4;

struct DiscoverOptions
{
    QList<LocalServerProbe> probes;
    int timeoutMs = Providers::LocalServerDiscovery::kDefaultTimeoutMs;
    bool json = false;
};

QString probeSpec(const LocalServerProbe &probe)
{
    return probe.presetId + QLatin1Char(':') + QString::number(probe.baseUrl.port());
}

// `PRESET:PORT`, e.g. `ollama:11434`.
Result<LocalServerProbe> parseProbe(const QString &spec)
{
    const qsizetype colon = spec.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint port = colon > 0 ? spec.sliced(colon + 1).toUInt(&ok) : 0;
    if (!ok || port == 0 || port > 65535)
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("--probe '%1' must look like PRESET:PORT with a port from 1 to 65535").arg(spec));
    return Providers::localServerProbe(spec.first(colon), static_cast<quint16>(port));
}

Result<DiscoverOptions> parseDiscoverOptions(const QCommandLineParser &parser)
{
    DiscoverOptions options;
    if (parser.isSet(QStringLiteral("timeout-ms"))) {
        bool ok = false;
        options.timeoutMs = parser.value(QStringLiteral("timeout-ms")).toInt(&ok);
        if (!ok || options.timeoutMs < 1)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("--timeout-ms must be a whole number ≥ 1"));
    }
    for (const QString &spec : parser.values(QStringLiteral("probe"))) {
        auto probe = parseProbe(spec);
        if (!probe)
            return tl::unexpected(probe.error());
        options.probes.append(*probe);
    }
    if (options.probes.isEmpty())
        options.probes = Providers::defaultLocalProbes();
    options.json = parser.isSet(QStringLiteral("json"));
    return options;
}

// Members in reading order, most telling first, rather than nlohmann's default alphabetical one.
nlohmann::ordered_json serverJson(const DiscoveredServer &server)
{
    using json = nlohmann::ordered_json;
    json models = json::array();
    for (const QString &model : server.models)
        models.push_back(model.toStdString());
    json error = nullptr;
    if (server.error) {
        error = {{"code", errorCodeName(server.error->code).toStdString()},
                 {"message", server.error->message.toStdString()},
                 {"where", server.error->where.toStdString()}};
        if (server.error->httpStatus != 0)
            error["http_status"] = server.error->httpStatus;
    }
    return {{"preset", server.presetId.toStdString()},
            {"base_url", server.baseUrl.toString().toStdString()},
            {"reachable", server.reachable},
            {"listed", server.isListed()},
            {"models", models},
            {"error", error}};
}

QString serverRoot(const DiscoveredServer &server)
{
    return server.baseUrl.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveUserInfo).toString();
}

// What a person needs to know about one server: its models, or why there are none.
QString summary(const DiscoveredServer &server)
{
    QString text;
    if (server.isListed()) {
        const qsizetype count = server.models.size();
        text = count == 0   ? QStringLiteral("no models")
               : count == 1 ? QStringLiteral("1 model: ")
                            : QStringLiteral("%1 models: ").arg(count);
        text += server.models.first(std::min(count, kModelsPerLine)).join(QStringLiteral(", "));
        if (count > kModelsPerLine)
            text += QStringLiteral(", …");
    }
    if (!server.error)
        return text;
    if (!text.isEmpty())
        text += QStringLiteral("; ");
    // The line already names the server; a protocol error's place is the field or byte at fault.
    return text +
           (server.error->code == ErrorCode::Protocol ? server.error->toString() : server.error->message);
}

QString humanReport(const QList<DiscoveredServer> &servers)
{
    qsizetype idWidth = 0;
    qsizetype rootWidth = 0;
    for (const DiscoveredServer &server : servers) {
        idWidth = std::max(idWidth, server.presetId.size());
        rootWidth = std::max(rootWidth, serverRoot(server).size());
    }
    QString report;
    for (const DiscoveredServer &server : servers) {
        report += server.presetId.leftJustified(idWidth + 2) +
                  serverRoot(server).leftJustified(rootWidth + 2) + summary(server) + QLatin1Char('\n');
    }
    return report;
}

} // namespace

int discoverCommand(const QStringList &arguments)
{
    QStringList defaults;
    for (const LocalServerProbe &probe : Providers::defaultLocalProbes())
        defaults.append(probeSpec(probe));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Look for local model servers on 127.0.0.1 and list their models.\n"
                       "Exits 0 when at least one server listed its models, 1 when none did."));
    parser.addOptions({
        {QStringLiteral("probe"),
         QStringLiteral("Probe PRESET:PORT instead of the defaults (repeatable; default %1).")
             .arg(defaults.join(QStringLiteral(", "))),
         QStringLiteral("SPEC")},
        {QStringLiteral("timeout-ms"),
         QStringLiteral("How long each probe may take (default %1).")
             .arg(Providers::LocalServerDiscovery::kDefaultTimeoutMs),
         QStringLiteral("N")},
        {QStringLiteral("json"), QStringLiteral("Print a JSON array, one object per probe.")},
    });
    int exitCode = ExitOk;
    if (!parseSubcommand(parser, kCommand, arguments, exitCode))
        return exitCode;
    auto options = parseDiscoverOptions(parser);
    if (!options)
        return usageError(kCommand, options.error().toString());

    QNetworkAccessManager network;
    Providers::LocalServerDiscovery discovery(&network, options->probes);
    discovery.setTimeoutMs(options->timeoutMs);
    QList<DiscoveredServer> servers;
    QObject::connect(&discovery, &Providers::LocalServerDiscovery::finished, &discovery,
                     [&servers](const QList<DiscoveredServer> &found) {
                         servers = found;
                         QCoreApplication::exit(0);
                     });
    discovery.start();
    QCoreApplication::exec();

    if (options->json) {
        nlohmann::ordered_json report = nlohmann::ordered_json::array();
        for (const DiscoveredServer &server : servers)
            report.push_back(serverJson(server));
        writeOut(QString::fromStdString(report.dump(2)) + QLatin1Char('\n'));
    } else {
        writeOut(humanReport(servers));
    }
    const bool anyListed = std::any_of(servers.cbegin(), servers.cend(),
                                       [](const DiscoveredServer &server) { return server.isListed(); });
    return anyListed ? ExitOk : ExitFailed;
}

} // namespace Lathe::Cli
