// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecentWorkspaces.h"

#include <QFileInfo>
#include <QSettings>

namespace Lathe::Ui
{

namespace
{

const QString kKey = QStringLiteral("workspaces/recent");

} // namespace

RecentWorkspaces::RecentWorkspaces(QSettings &settings)
    : m_settings(settings)
{}

QStringList RecentWorkspaces::paths() const
{
    QStringList existing;
    for (const QString &path : m_settings.value(kKey).toStringList()) {
        if (QFileInfo::exists(path))
            existing << path;
    }
    return existing;
}

void RecentWorkspaces::add(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList paths = m_settings.value(kKey).toStringList();
    paths.removeAll(absolute);
    paths.prepend(absolute);
    while (paths.size() > kMaximum)
        paths.removeLast();
    m_settings.setValue(kKey, paths);
}

void RecentWorkspaces::clear()
{
    m_settings.remove(kKey);
}

} // namespace Lathe::Ui
