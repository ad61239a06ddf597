// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include "providers/ChatTypes.h"

/**
 * Decoded StreamEvents as one line of text each, so that a protocol test compares a whole
 * decoded stream as a QStringList and a failure prints every event. describe() writes the line
 * of an event; the other functions write the line a test expects. A test that uses these short
 * names brings them in with `using namespace Lathe::TestSupport::EventLines;`.
 */
namespace Lathe::TestSupport::EventLines
{

/**
 * `text:…`, `reasoning:…`, `tool:index|id|name|arguments`, `usage:in/out/cached/reasoning[ write:N]`,
 * `finish:reason` or `error:code@where|message[#providerCode]`. An error message that quotes the
 * JSON library (`…: [json.exception.…`) keeps only what comes before the quote: the library's
 * wording is not ours to pin.
 */
QString describe(const Providers::StreamEvent &event);
/** describe() of each event, in order. */
QStringList describeAll(const QList<Providers::StreamEvent> &events);

QString text(const QString &delta);
QString reasoning(const QString &delta);
QString finish(const QString &reason);
/** Counts a provider did not report are -1. */
QString usage(qint64 input, qint64 output, qint64 cached = -1, qint64 reasoningTokens = -1,
              qint64 cacheWrite = -1);
QString tool(int index, const QString &id, const QString &name, const QString &arguments);
/** `code` is an errorCodeName(), e.g. "protocol" or "provider". */
QString error(const QString &code, const QString &where, const QString &message,
              const QString &providerCode = {});
QString providerError(const QString &where, const QString &message, const QString &providerCode = {});
QString protocolError(const QString &where, const QString &message);

/**
 * `stream byte N`, N being where `anchor` stands in `stream` (it must stand there exactly once)
 * plus `past`: the `where` of an error about the event that starts at the anchor, or with `past`,
 * about the byte a parser stopped at inside it.
 */
QString streamByteOf(const QByteArray &stream, const char *anchor, qsizetype past = 0);

/**
 * `stream byte N`, N being where the SSE event holding `anchor` (which must stand in `stream`
 * exactly once) starts: its first line after the blank line that ends the event before it.
 */
QString eventByteOf(const QByteArray &stream, const char *anchor);

} // namespace Lathe::TestSupport::EventLines
