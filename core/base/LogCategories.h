// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// One category per module, switched with QT_LOGGING_RULES (e.g. "lathe.net.debug=true").
Q_DECLARE_LOGGING_CATEGORY(lcNet)
Q_DECLARE_LOGGING_CATEGORY(lcProviders)
Q_DECLARE_LOGGING_CATEGORY(lcMock)
Q_DECLARE_LOGGING_CATEGORY(lcCatalog)
