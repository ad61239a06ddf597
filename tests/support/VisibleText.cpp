// SPDX-License-Identifier: GPL-3.0-or-later
#include "VisibleText.h"

namespace Lathe::TestSupport
{

QString visibleText(QStringView text)
{
    QString result;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u'\\')
            result += QStringLiteral("\\\\");
        else if (u == u'|')
            result += QStringLiteral("\\|");
        else if (u == u'\n')
            result += QStringLiteral("\\n");
        else if (u == u'\r')
            result += QStringLiteral("\\r");
        else if (u < 0x20 || u > 0x7E)
            result += QStringLiteral("\\u%1").arg(static_cast<uint>(u), 4, 16, QLatin1Char('0'));
        else
            result += c;
    }
    return result;
}

} // namespace Lathe::TestSupport
