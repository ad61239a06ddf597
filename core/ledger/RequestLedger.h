// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

#include <QByteArrayList>
#include <QFile>
#include <QMutex>
#include <QString>

#include <nlohmann/json.hpp>

#include "base/Result.h"
#include "providers/ChatRun.h"

namespace Lathe::Ledger
{

/**
 * The user's record of everything Lathe sent to a provider: an append-only file of JSON lines,
 * one per request (every retry and fallback attempt is its own line), with the URL, headers,
 * body, status, response headers, answer, usage, timings and error.
 *
 * Credentials never reach the file. Header values that carry one are replaced by
 * "[redacted]", credential query parameters too, and then every string in the line is scrubbed
 * of the secrets the caller names (the endpoint's key), which catches a key a server echoed
 * into an error message or a user pasted into a prompt.
 *
 * Thread-safe: the app's network thread and the CLI write to it, each line whole.
 */
class RequestLedger
{
public:
    /** Where the app and the CLI keep their one ledger: <data dir>/lathe/ledger.jsonl. */
    static QString defaultPath();

    explicit RequestLedger(QString path);

    QString path() const { return m_path; }

    /**
     * Appends the line of one attempt; the folder is created when missing. An attempt that
     * failed before anything was sent (no sentAt) leaves no line: nothing left the machine.
     */
    Result<void> append(const Providers::AttemptRecord &attempt, const QByteArrayList &secrets);

    /** The line written for `attempt`, already redacted and scrubbed. */
    static nlohmann::json toJson(const Providers::AttemptRecord &attempt, const QByteArrayList &secrets);

private:
    QString m_path;
    QMutex m_mutex;
    QFile m_file;
};

/**
 * Writes every attempt of `run` to `ledger` as it ends. A line that cannot be written is
 * reported through `onError` (the run itself goes on: the answer matters more than its record).
 */
void recordAttempts(Providers::ChatRun *run, RequestLedger *ledger,
                    std::function<void(const Lathe::Error &)> onError);

} // namespace Lathe::Ledger
