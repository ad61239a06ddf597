// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include <QDateTime>
#include <QString>
#include <QStringList>

#include "PromptContent.h"
#include "store/SqliteDatabase.h"

namespace Lathe::Library
{

/** One immutable version of a prompt. */
struct PromptVersion
{
    QString prompt;
    int number = 0; ///< 1, 2, … per prompt
    QString hash;   ///< PromptContent::hash()
    PromptContent content;
    std::optional<int> parent; ///< the version it was saved over
    QString message;
    QString author;
    QDateTime createdAt;
    QStringList labels; ///< the labels pointing at it now
};

struct SaveOutcome
{
    PromptVersion version;
    bool created = false; ///< false: the content equals the latest version, which is returned
};

/** One move of a label. */
struct LabelMove
{
    QString label;
    std::optional<int> fromVersion; ///< none: the label is new
    int toVersion = 0;
    QString author;
    QDateTime at;
};

/** One named set of values for a prompt's variables, as the user typed them. */
struct Scenario
{
    QString name;
    std::map<QString, QString> values;
    QDateTime updatedAt;
};

struct PromptSummary
{
    QString name;
    int latestVersion = 0;
    QDateTime updatedAt;
    QStringList labels; ///< "production@3"
    QStringList tags;   ///< sorted
};

/**
 * The prompt library in a workspace: prompts by name, each a chain of immutable versions;
 * labels (production, staging, or any name) that point at versions and remember every move;
 * full-text search over names and messages (FTS5). Every write is one `BEGIN IMMEDIATE`
 * transaction. Works on the workspace connection of the calling thread.
 */
class PromptLibrary
{
public:
    using Clock = std::function<QDateTime()>;
    explicit PromptLibrary(Store::SqliteDatabase &database, Clock clock = {});

    /**
     * Saves a new version when `content` differs from the latest one (by hash); saving the
     * same content again creates nothing and returns the latest version.
     */
    Result<SaveOutcome> save(const QString &name, const PromptContent &content, const QString &message = {},
                             const QString &author = {});
    /** A new version equal to `number` (unless that is the latest already). */
    Result<SaveOutcome> rollBack(const QString &name, int number, const QString &author = {});

    /** "NAME" (the latest), "NAME@3" (a version) or "NAME@production" (a label). */
    Result<PromptVersion> resolve(const QString &reference);
    /** Every version, newest first. */
    Result<std::vector<PromptVersion>> history(const QString &name);
    /** Every prompt, by name. */
    Result<std::vector<PromptSummary>> list();

    /** Points `label` at version `number`, recording the move. */
    Result<LabelMove> setLabel(const QString &name, int number, const QString &label,
                               const QString &author = {});
    /** Every move of every label of the prompt, newest first. */
    Result<std::vector<LabelMove>> labelMoves(const QString &name);

    /** Keeps (or replaces) a scenario of the prompt. */
    Result<void> saveScenario(const QString &prompt, const Scenario &scenario);
    /** The prompt's scenarios, by name. */
    Result<std::vector<Scenario>> scenarios(const QString &prompt);
    Result<void> removeScenario(const QString &prompt, const QString &name);

    /** Files the prompt under exactly these tags (each checked with tagProblem), replacing the old. */
    Result<void> setTags(const QString &prompt, const QStringList &tags);
    /** The prompt's tags, sorted. */
    Result<QStringList> tags(const QString &prompt);

    /** Names of the prompts whose name or messages hold every word of `query` (prefixes match), best first.
     */
    Result<QStringList> search(const QString &query, int limit = 50);

    /** Why a name cannot name a prompt, or nothing when it can. */
    static std::optional<QString> nameProblem(const QString &name);
    /** Why a name cannot name a label, or nothing when it can. */
    static std::optional<QString> labelProblem(const QString &label);
    /** Why a text cannot be a tag, or nothing when it can. */
    static std::optional<QString> tagProblem(const QString &tag);

private:
    Result<std::optional<qint64>> promptId(const QString &name);
    Result<qint64> requirePromptId(const QString &name);
    /** The versions of `name` that `condition` (SQL over `v` and `p`, with `value` as ?2) picks,
     *  newest first, each with its labels. */
    Result<std::vector<PromptVersion>> versionsWhere(const QString &name, std::string_view condition,
                                                     std::optional<qint64> value);
    /** The one version `condition` picks; none is an error naming the prompt. */
    Result<PromptVersion> versionWhere(const QString &name, std::string_view condition,
                                       std::optional<qint64> value);

    Store::SqliteDatabase &m_database;
    Clock m_clock;
};

} // namespace Lathe::Library
