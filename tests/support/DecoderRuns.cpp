// SPDX-License-Identifier: GPL-3.0-or-later
#include "DecoderRuns.h"

#include <algorithm>

#include "Chunkings.h"
#include "StreamEventLines.h"
#include "providers/ProviderProtocol.h"

namespace Lathe::TestSupport
{

using Providers::StreamEvent;

using EventLines::describeAll;

QString DecodedResponse::toString() const
{
    return events.join(QLatin1Char('\n')) + QStringLiteral("\ncomplete: ") +
           (complete ? QStringLiteral("yes") : QStringLiteral("no"));
}

DecodedResponse decodeChunks(const Providers::ProviderProtocol &protocol,
                             const Providers::ChatRequest &request, const QByteArrayList &chunks)
{
    const auto decoder = protocol.createDecoder(request);
    QList<StreamEvent> out;
    for (const QByteArray &chunk : chunks)
        decoder->feed(chunk, out);
    decoder->finish(out);
    return {describeAll(out), decoder->isComplete()};
}

QString wholeBodyMismatch(const Providers::ProviderProtocol &protocol, const Providers::ChatRequest &request,
                          const QByteArray &body, const DecodedResponse &expected)
{
    for (const qsizetype piece : {std::max<qsizetype>(body.size(), 1), qsizetype(1), qsizetype(7)}) {
        const QString fed = QStringLiteral("fed in pieces of %1 bytes, ").arg(piece);
        const auto decoder = protocol.createDecoder(request);
        QList<StreamEvent> out;
        for (const QByteArray &chunk : fixedSizeChunks(body, piece))
            decoder->feed(chunk, out);
        if (!out.isEmpty()) {
            return fed + QStringLiteral("the decoder emitted before finish():\n") +
                   describeAll(out).join(QLatin1Char('\n'));
        }
        if (decoder->isComplete())
            return fed + QStringLiteral("the decoder was complete before finish()");
        decoder->finish(out);
        const DecodedResponse decoded{describeAll(out), decoder->isComplete()};
        if (decoded.toString() != expected.toString()) {
            return fed + QStringLiteral("the decoder gave\n%1\nbut should give\n%2")
                             .arg(decoded.toString(), expected.toString());
        }
    }
    return {};
}

} // namespace Lathe::TestSupport
