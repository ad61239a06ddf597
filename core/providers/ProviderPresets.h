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
    /// The API root as the provider's SDK takes it; for the simulator, the path appended to
    /// the simulator's root (its port is chosen at start-up).
    QString baseUrl;
    QString defaultModel;
    QString apiKeyVariable;      ///< environment variable holding the key, if any
    QByteArray apiKeyHeader;     ///< empty: the protocol's own
    bool apiKeyRequired = false; ///< refuse to send without a key (the service always needs one)
    bool simulated = false;      ///< served by the built-in simulator

    /** The endpoint this preset describes; `simulatorRoot` is http://127.0.0.1:PORT. */
    ProviderEndpoint endpoint(const QUrl &simulatorRoot) const;
};

/** The built-in presets, the simulator's first. */
const QList<ProviderPreset> &providerPresets();

} // namespace Lathe::Providers
