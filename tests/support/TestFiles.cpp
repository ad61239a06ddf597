// SPDX-License-Identifier: GPL-3.0-or-later
#include "TestFiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace Lathe::TestSupport
{

QString writeTestFile(const QString &directory, const QString &name, const QByteArray &content)
{
    const QString path = QDir(directory).filePath(name);
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

} // namespace Lathe::TestSupport
