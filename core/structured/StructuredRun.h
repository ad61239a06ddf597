// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <QObject>
#include <QPointer>

#include <nlohmann/json.hpp>

#include "providers/ChatRun.h"
#include "schema/JsonRepair.h"
#include "schema/JsonSchema.h"

namespace Lathe::Structured
{

/** How hard a structured run tries before it gives up on a target and on the whole chain. */
struct StructuredOutputPolicy
{
    /** Attempts per target: the first ask and the re-asks with feedback (Instructor's max_retries + 1). */
    int attemptsPerTarget = 3;
    /** Accept an answer that needed lenient repair (trailing commas, cut-off text closed…). */
    bool acceptRepaired = true;
    /** Ask the provider to enforce the schema (OpenAI json_schema, Anthropic forced tool, Gemini
     *  responseJsonSchema, Ollama format); otherwise the schema goes in the prompt only. */
    bool nativeEnforcement = true;
};

/** One answer of a structured run and what became of it. */
struct StructuredAttempt
{
    int targetIndex = 0;
    QString target;
    int attempt = 1; ///< per target: 1 is the first ask, 2 the first re-ask
    Providers::RunOutcome run;
    std::optional<nlohmann::json> value; ///< the JSON read from the answer, if any could be
    bool repaired = false;
    std::vector<Schema::RepairFix> fixes;
    std::optional<Lathe::Error> readError; ///< why no JSON could be read from the answer
    std::vector<Schema::ValidationError> violations;
    bool accepted = false;
    /** What happens next, for the UI: "re-asking with 2 errors", "falling back to …", "". */
    QString next;
};

struct StructuredOutcome
{
    bool succeeded = false;
    std::optional<nlohmann::json> value; ///< the accepted answer's
    QList<StructuredAttempt> attempts;
    std::optional<Lathe::Error> error; ///< why the run ended without an answer
};

/** The user message that asks again, quoting what was wrong (for the ledger, tests and UI). */
QString feedbackMessage(const StructuredAttempt &attempt);
/** The system instruction that carries the schema when the provider does not enforce it. */
QString schemaInstruction(const QByteArray &schemaJson);

/**
 * Asks for an answer that validates against a JSON Schema, Instructor-style but visible: each
 * answer is extracted (code fences, prose), repaired where that is safe, and validated; an
 * invalid one is sent back with its errors for another try, up to the policy's attempts per
 * target; then the next target of the fallback chain starts afresh. Network failures are
 * ChatRun's business (its retries) and move on to the next target when it gives up.
 *
 * Thread affinity: the QNetworkAccessManager's thread, like ChatRun.
 */
class StructuredRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StructuredRun)

public:
    StructuredRun(QNetworkAccessManager *network, QList<Providers::ChatTarget> targets,
                  Providers::ChatRequest request, Schema::JsonSchema schema, QByteArray schemaJson,
                  StructuredOutputPolicy policy = {}, Providers::RetryPolicy retryPolicy = {},
                  QObject *parent = nullptr);
    ~StructuredRun() override;

    void setScheduler(Providers::RequestScheduler *scheduler);
    void start();
    void cancel();

    /** The request the next attempt sends (the original plus feedback turns), for tests. */
    const Providers::ChatRequest &currentRequest() const { return m_current; }

Q_SIGNALS:
    /** A new answer starts streaming (the pane clears and shows "attempt N"). */
    void attemptStarted(int targetIndex, int attempt);
    /** The ChatRun of an attempt was created and is about to start, so the caller can record
     *  its network attempts (the request ledger). Emitted synchronously. */
    void chatRunStarted(Lathe::Providers::ChatRun *run);
    void queueStateChanged(const QString &reason);
    void eventsReceived(const QList<Lathe::Providers::StreamEvent> &events);
    void attemptFinished(const Lathe::Structured::StructuredAttempt &attempt);
    void finished(const Lathe::Structured::StructuredOutcome &outcome);

private:
    void startAttempt();
    void onRunFinished(const Providers::RunOutcome &run);
    void finish(std::optional<Lathe::Error> error);

    QNetworkAccessManager *m_network;
    QList<Providers::ChatTarget> m_targets;
    Providers::ChatRequest m_original; ///< the caller's, with the schema added

    Providers::ChatRequest m_current;
    Schema::JsonSchema m_schema;
    QByteArray m_schemaJson;
    StructuredOutputPolicy m_policy;
    Providers::RetryPolicy m_retryPolicy;
    QPointer<Providers::RequestScheduler> m_scheduler;
    QPointer<Providers::ChatRun> m_run;
    StructuredOutcome m_outcome;
    int m_targetIndex = 0;
    int m_attempt = 0;
    bool m_finished = false;
};

} // namespace Lathe::Structured

Q_DECLARE_METATYPE(Lathe::Structured::StructuredAttempt)
Q_DECLARE_METATYPE(Lathe::Structured::StructuredOutcome)
