// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

class QSettings;

namespace Lathe::Ui
{

/**
 * The workspaces opened lately, newest first, kept in the app's settings (not in a workspace:
 * the list is about all of them). Paths are absolute; a file that is gone is left out.
 */
class RecentWorkspaces
{
public:
    static constexpr int kMaximum = 8;

    explicit RecentWorkspaces(QSettings &settings);

    QStringList paths() const;
    /** Puts `path` first, once. */
    void add(const QString &path);
    void clear();

private:
    QSettings &m_settings;
};

} // namespace Lathe::Ui
