// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QString>
#include <QStringList>

namespace Lathe::Providers
{
class ProviderProtocol;
struct ChatRequest;
} // namespace Lathe::Providers

/** Feeding a protocol's ResponseDecoder, for the tests of each wire protocol. */
namespace Lathe::TestSupport
{

/** What a decoder made of a response: its events as EventLines::describe() lines, and isComplete(). */
struct DecodedResponse
{
    QStringList events;
    bool complete = false;

    QString toString() const;
};

/** Feeds `chunks` in order to a new decoder of `protocol` for `request`, then finish()es it. */
DecodedResponse decodeChunks(const Providers::ProviderProtocol &protocol,
                             const Providers::ChatRequest &request, const QByteArrayList &chunks);

/**
 * For a non-streamed `request`: feeds `body` whole, a byte at a time and in 7-byte pieces to a
 * new decoder each time. Empty when every time the decoder emits nothing and is not complete
 * until finish(), and then gives `expected`; else what went wrong, and with which pieces.
 */
QString wholeBodyMismatch(const Providers::ProviderProtocol &protocol, const Providers::ChatRequest &request,
                          const QByteArray &body, const DecodedResponse &expected);

} // namespace Lathe::TestSupport
