// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <optional>

#include <QDateTime>
#include <QString>

#include "store/SqliteDatabase.h"

namespace Lathe::Library
{

/** Text being edited and not yet saved as a version. */
struct Draft
{
    QString text;
    QString prompt;                 ///< the library prompt it came from; empty for a new one
    std::optional<int> baseVersion; ///< and the version it started from
    QDateTime savedAt;
};

/**
 * Drafts in the workspace, one per editor slot, so typing survives a crash, a kill or a close
 * without saving: the app writes the editor's text every few seconds and reads it back at start.
 */
class DraftStore
{
public:
    using Clock = std::function<QDateTime()>;
    explicit DraftStore(Store::SqliteDatabase &database, Clock clock = {});

    Result<void> save(const QString &slot, const Draft &draft);
    Result<std::optional<Draft>> load(const QString &slot);
    /** Forgets the slot's draft (after its text was saved as a version). */
    Result<void> discard(const QString &slot);

private:
    Store::SqliteDatabase &m_database;
    Clock m_clock;
};

} // namespace Lathe::Library
