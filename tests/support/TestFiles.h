// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace Lathe::TestSupport
{

/**
 * Writes `content` to `name` under `directory` (making the folders it needs) and returns the
 * file's path. A test cannot go on without its input, so failing to write ends the test run.
 */
QString writeTestFile(const QString &directory, const QString &name, const QByteArray &content);

} // namespace Lathe::TestSupport
