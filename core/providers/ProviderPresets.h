// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

#include "ChatTypes.h"

namespace Lathe::Providers
{

/** A named starting point for an endpoint: where it is, a model to try, where its key lives. */
struct ProviderPreset
{
    QString id;          ///< stable identifier, e.g. "openai"
    QString displayName; ///< what the user picks, e.g. "OpenAI"
    WireProtocol protocol = WireProtocol::OpenAiChat;
    QString baseUrl; ///< empty for the built-in simulator, whose port is chosen at start-up
    QString defaultModel;
    QString apiKeyVariable;      ///< environment variable holding the key, if any
    bool apiKeyRequired = false; ///< refuse to send without a key (the service always needs one)
};

/** The built-in presets, the simulator first. */
const QList<ProviderPreset> &providerPresets();

} // namespace Lathe::Providers
