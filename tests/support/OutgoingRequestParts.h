// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayList>
#include <QByteArrayView>
#include <QString>

#include <nlohmann/json.hpp>

namespace Lathe::Providers
{
struct OutgoingRequest;
} // namespace Lathe::Providers

/** The parts of an OutgoingRequest that the tests of each wire protocol compare. */
namespace Lathe::TestSupport
{

/** The request's body as JSON; throws if the body is not JSON, which fails the test. */
nlohmann::json bodyOf(const Providers::OutgoingRequest &request);
/** The same, keeping the members in the order the body has them. */
nlohmann::ordered_json orderedBodyOf(const Providers::OutgoingRequest &request);
/** Compact JSON text, so that JSON values compare and print as strings. */
QString jsonText(const nlohmann::json &value);
QString jsonText(const nlohmann::ordered_json &value);

/**
 * A response schema as a caller writes it, spaced out, with its properties out of alphabetical
 * order ("title", "author", "year"), for the tests of what each protocol puts on the wire.
 */
QByteArray responseSchemaAsWritten();
/** responseSchemaAsWritten() as a builder must send it: compact, its members in their order. */
QString responseSchemaOnTheWire();
/** The values of every header called `name` (case-insensitive), in order. */
QByteArrayList headerValues(const Providers::OutgoingRequest &request, QByteArrayView name);

} // namespace Lathe::TestSupport
