// SPDX-License-Identifier: GPL-3.0-or-later
#include "StructuredRun.h"

#include "schema/JsonExtraction.h"
#include "schema/StrictSchemaLint.h"

namespace Lathe::Structured
{

namespace
{

/** At most this many errors go back to the model: enough to fix, not a wall of text. */
constexpr int kMaxFeedbackErrors = 10;

QString location(const std::string &pointer)
{
    return pointer.empty() ? QStringLiteral("(the whole answer)") : QString::fromStdString(pointer);
}

} // namespace

QString feedbackMessage(const StructuredAttempt &attempt)
{
    QString message;
    if (attempt.readError) {
        message = QStringLiteral("Your answer could not be read as JSON: %1 (%2).")
                      .arg(attempt.readError->message, attempt.readError->where);
    } else {
        message = QStringLiteral("Your answer does not match the required JSON Schema:");
        int listed = 0;
        for (const Schema::ValidationError &error : attempt.violations) {
            if (listed++ == kMaxFeedbackErrors) {
                message +=
                    QStringLiteral("\n- … and %1 more.").arg(attempt.violations.size() - kMaxFeedbackErrors);
                break;
            }
            message += QStringLiteral("\n- %1: %2").arg(location(error.instanceLocation), error.message);
        }
    }
    return message + QStringLiteral("\nReply with the corrected JSON only, following the schema exactly.");
}

QString schemaInstruction(const QByteArray &schemaJson)
{
    return QStringLiteral("Answer with one JSON value that conforms to this JSON Schema, and nothing else:\n"
                          "```json\n%1\n```")
        .arg(QString::fromUtf8(schemaJson));
}

StructuredRun::StructuredRun(QNetworkAccessManager *network, QList<Providers::ChatTarget> targets,
                             Providers::ChatRequest request, Schema::JsonSchema schema, QByteArray schemaJson,
                             StructuredOutputPolicy policy, Providers::RetryPolicy retryPolicy,
                             QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_targets(std::move(targets))
    , m_original(std::move(request))
    , m_schema(std::move(schema))
    , m_schemaJson(std::move(schemaJson))
    , m_policy(policy)
    , m_retryPolicy(std::move(retryPolicy))
{
    Q_ASSERT(!m_targets.isEmpty());
    m_policy.attemptsPerTarget = std::max(1, m_policy.attemptsPerTarget);
    // The schema goes into the request once; every target starts from this request.
    if (m_policy.nativeEnforcement) {
        Providers::ResponseFormat format;
        format.schema = m_schemaJson;
        // OpenAI answers 400 to a strict schema it cannot enforce; ask for strict only when the
        // lint finds nothing it would reject.
        const auto parsed =
            nlohmann::json::parse(m_schemaJson.constBegin(), m_schemaJson.constEnd(), nullptr, false);
        format.strict = !parsed.is_discarded() && Schema::lintForOpenAiStrict(parsed).empty();
        m_original.responseFormat = format;
    } else {
        m_original.messages.prepend({QStringLiteral("system"), schemaInstruction(m_schemaJson)});
    }
    m_current = m_original;
}

StructuredRun::~StructuredRun() = default;

void StructuredRun::setScheduler(Providers::RequestScheduler *scheduler)
{
    m_scheduler = scheduler;
}

void StructuredRun::start()
{
    startAttempt();
}

void StructuredRun::cancel()
{
    if (m_finished)
        return;
    if (m_run) {
        // The run reports its cancelled outcome through finished(); onRunFinished ends us.
        m_run->cancel();
        return;
    }
    finish(Lathe::Error(ErrorCode::Cancelled, tr("Cancelled.")));
}

void StructuredRun::startAttempt()
{
    ++m_attempt;
    m_current.model = m_targets[m_targetIndex].model;
    auto *run = new Providers::ChatRun(m_network, {m_targets[m_targetIndex]}, m_current, m_retryPolicy, this);
    m_run = run;
    if (m_scheduler)
        run->setScheduler(m_scheduler);
    connect(run, &Providers::ChatRun::eventsReceived, this, &StructuredRun::eventsReceived);
    connect(run, &Providers::ChatRun::queueStateChanged, this, &StructuredRun::queueStateChanged);
    connect(run, &Providers::ChatRun::finished, this, &StructuredRun::onRunFinished);
    Q_EMIT attemptStarted(m_targetIndex, m_attempt);
    Q_EMIT chatRunStarted(run);
    run->start();
}

void StructuredRun::onRunFinished(const Providers::RunOutcome &run)
{
    if (m_run)
        m_run->deleteLater();
    m_run = nullptr;

    StructuredAttempt attempt;
    attempt.targetIndex = m_targetIndex;
    attempt.target = m_targets[m_targetIndex].label();
    attempt.attempt = m_attempt;
    attempt.run = run;

    const Providers::ChatOutcome &outcome = run.outcome;
    const bool cancelled = outcome.error && outcome.error->code == ErrorCode::Cancelled;
    const bool networkFailure = outcome.error && outcome.text.isEmpty();
    if (!cancelled && !networkFailure) {
        const QByteArray text = outcome.text.toUtf8();
        auto extracted = Schema::extractJson(std::string_view(text.constData(), std::size_t(text.size())));
        if (!extracted) {
            attempt.readError = extracted.error();
        } else if (extracted->repaired && !m_policy.acceptRepaired) {
            attempt.readError = Lathe::Error(
                ErrorCode::Protocol, tr("The answer is not strict JSON."),
                extracted->fixes.empty() ? QString() : Schema::describeFix(extracted->fixes.front()));
            attempt.fixes = extracted->fixes;
        } else {
            attempt.value = extracted->value;
            attempt.repaired = extracted->repaired;
            attempt.fixes = extracted->fixes;
            Schema::ValidationReport report = m_schema.validate(extracted->value);
            attempt.violations = std::move(report.errors);
            attempt.accepted = report.valid;
        }
    }

    const bool moreHere =
        !cancelled && !networkFailure && !attempt.accepted && m_attempt < m_policy.attemptsPerTarget;
    const bool moreTargets = !cancelled && !attempt.accepted && m_targetIndex + 1 < m_targets.size();
    if (attempt.accepted) {
        attempt.next.clear();
    } else if (moreHere) {
        if (attempt.readError)
            attempt.next = tr("re-asking: the answer is not JSON");
        else if (attempt.violations.size() == 1)
            attempt.next = tr("re-asking with 1 error");
        else
            attempt.next = tr("re-asking with %1 errors").arg(attempt.violations.size());
    } else if (moreTargets) {
        attempt.next = tr("falling back to %1").arg(m_targets[m_targetIndex + 1].label());
    }
    m_outcome.attempts.append(attempt);
    Q_EMIT attemptFinished(attempt);

    if (attempt.accepted) {
        m_outcome.succeeded = true;
        m_outcome.value = attempt.value;
        finish(std::nullopt);
        return;
    }
    if (cancelled) {
        finish(*outcome.error);
        return;
    }
    if (moreHere) {
        // Instructor's re-ask: the failed answer as the assistant's turn, then what was wrong.
        m_current.messages.append({QStringLiteral("assistant"), outcome.text});
        m_current.messages.append({QStringLiteral("user"), feedbackMessage(attempt)});
        startAttempt();
        return;
    }
    if (moreTargets) {
        ++m_targetIndex;
        m_attempt = 0;
        m_current = m_original;
        startAttempt();
        return;
    }
    if (networkFailure)
        finish(*outcome.error);
    else
        finish(Lathe::Error(
            ErrorCode::Provider,
            m_outcome.attempts.size() == 1
                ? tr("No answer matched the schema after 1 attempt.")
                : tr("No answer matched the schema after %1 attempts.").arg(m_outcome.attempts.size())));
}

void StructuredRun::finish(std::optional<Lathe::Error> error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_outcome.error = std::move(error);
    Q_EMIT finished(m_outcome);
}

} // namespace Lathe::Structured
