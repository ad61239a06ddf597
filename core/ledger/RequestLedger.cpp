// SPDX-License-Identifier: GPL-3.0-or-later
#include "RequestLedger.h"

#include <QDir>
#include <QFileInfo>
#include <QMutexLocker>
#include <QStandardPaths>

#include "base/Redaction.h"
#include "http/HttpHeaders.h"
#include "providers/OutcomeJson.h"

namespace Lathe::Ledger
{

namespace
{

using nlohmann::json;

std::string utf8(const QString &text)
{
    return text.toStdString();
}

json headersJson(const Http::HeaderList &headers)
{
    json list = json::array();
    for (const auto &[name, value] : Http::redactedHeaders(headers))
        list.push_back(json::array({utf8(QString::fromLatin1(name)), utf8(QString::fromLatin1(value))}));
    return list;
}

// The body as the JSON it is, so that the ledger can be queried; as text if it is not JSON.
json bodyJson(const QByteArray &body)
{
    if (body.isEmpty())
        return nullptr;
    json parsed = json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    if (!parsed.is_discarded())
        return parsed;
    return utf8(QString::fromUtf8(body));
}

json errorJson(const std::optional<Lathe::Error> &error)
{
    if (!error)
        return nullptr;
    json result{{"code", utf8(errorCodeName(error->code))}, {"message", utf8(error->message)}};
    if (!error->where.isEmpty())
        result["where"] = utf8(error->where);
    if (!error->providerCode.isEmpty())
        result["provider_code"] = utf8(error->providerCode);
    return result;
}

void scrub(json &value, const QByteArrayList &secrets)
{
    if (value.is_string()) {
        std::string &text = value.get_ref<std::string &>();
        text = redactSecrets(QString::fromStdString(text), secrets).toStdString();
    } else if (value.is_structured()) {
        for (json &child : value)
            scrub(child, secrets);
    }
}

} // namespace

QString RequestLedger::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/lathe/ledger.jsonl");
}

RequestLedger::RequestLedger(QString path)
    : m_path(std::move(path))
    , m_file(m_path)
{}

nlohmann::json RequestLedger::toJson(const Providers::AttemptRecord &attempt, const QByteArrayList &secrets)
{
    const Providers::ChatOutcome &outcome = attempt.outcome;
    json tools = json::array();
    for (const Providers::ToolCall &call : outcome.toolCalls)
        tools.push_back(
            {{"id", utf8(call.id)}, {"name", utf8(call.name)}, {"arguments", utf8(call.arguments)}});

    json line{
        {"v", 1},
        {"at", utf8(attempt.sentAt.toUTC().toString(Qt::ISODateWithMs))},
        {"run", utf8(attempt.runId)},
        {"target", utf8(attempt.target)},
        {"target_index", attempt.targetIndex},
        {"attempt", attempt.attempt},
        {"waited_ms", attempt.waitedMs},
        {"queued_ms", attempt.queuedMs},
        {"protocol", utf8(Providers::wireProtocolName(attempt.protocol))},
        {"url", utf8(Http::redactedUrl(attempt.request.url).toString())},
        {"request_headers", headersJson(attempt.request.headers)},
        {"request_body", bodyJson(attempt.request.body)},
        {"status", outcome.httpStatus},
        {"response_headers", headersJson(outcome.responseHeaders)},
        {"completed", outcome.completed},
        {"text", utf8(outcome.text)},
        {"reasoning", outcome.reasoning.isEmpty() ? json(nullptr) : json(utf8(outcome.reasoning))},
        {"tool_calls", tools},
        {"usage", Providers::usageToJson(outcome.usage)},
        {"timings", Providers::timingsToJson(outcome)},
        {"error", errorJson(outcome.error)},
    };

    scrub(line, secrets);
    return line;
}

Result<void> RequestLedger::append(const Providers::AttemptRecord &attempt, const QByteArrayList &secrets)
{
    if (!attempt.sentAt.isValid())
        return {};
    const std::string text =
        toJson(attempt, secrets).dump(-1, ' ', false, json::error_handler_t::replace) + '\n';

    QMutexLocker lock(&m_mutex);
    if (!m_file.isOpen()) {
        if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
            return fail(ErrorCode::Io, QStringLiteral("cannot create the ledger's folder"), m_path);
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append))
            return fail(ErrorCode::Io, QStringLiteral("cannot open the ledger: ") + m_file.errorString(),
                        m_path);
    }
    // One write per line, flushed at once: a crash loses at most the line being written.
    const qint64 written = m_file.write(text.data(), static_cast<qint64>(text.size()));
    if (written != static_cast<qint64>(text.size()) || !m_file.flush()) {
        const QString why = m_file.errorString();
        m_file.close(); // reopened on the next append, after the disk may have room again
        return fail(ErrorCode::Io, QStringLiteral("cannot write the ledger: ") + why, m_path);
    }
    return {};
}

void recordAttempts(Providers::ChatRun *run, RequestLedger *ledger,
                    std::function<void(const Lathe::Error &)> onError)
{
    QByteArrayList secrets;
    for (const Providers::ChatTarget &target : run->targets())
        secrets += target.endpoint.secrets();
    QObject::connect(
        run, &Providers::ChatRun::attemptFinished, run,
        [ledger, secrets, onError = std::move(onError)](const Providers::AttemptRecord &attempt) {
            if (auto written = ledger->append(attempt, secrets); !written && onError)
                onError(written.error());
        });
}

} // namespace Lathe::Ledger
