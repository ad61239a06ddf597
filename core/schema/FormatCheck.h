// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string_view>

#include <QString>

#include <nlohmann/json_fwd.hpp>

namespace Lathe::Schema
{

/** The drafts whose `format` vocabularies differ; the validator maps its own draft onto these. */
enum class FormatDraft
{
    Draft4,
    Draft6,
    Draft7,
    Draft2019_09,
    Draft2020_12,
};

/**
 * Why a value breaks a JSON Schema `format`, as a short reason ("not a valid date: month 13"),
 * or nullopt when it conforms, when it is not a string (formats apply to strings only), or when
 * the format is unknown to `draft`.
 *
 * Draft 4 knows date-time, email, hostname, ipv4, ipv6 and uri; draft 6 adds uri-reference,
 * uri-template and json-pointer; draft 7 adds date, time, iri, iri-reference, idn-email,
 * idn-hostname, relative-json-pointer and regex; 2019-09 adds duration and uuid.
 *
 * date-time, date, time: RFC 3339 (a leap second only where the UTC time is 23:59:60);
 * duration: RFC 3339 appendix A; email: RFC 5321 Mailbox (quoted local parts, IPv4 and
 * "IPv6:" address literals; no comments or folding); idn-email: the same with RFC 6531's
 * non-ASCII characters, domain labels checked only for their LDH shape; hostname: RFC 1123
 * labels, and "xn--" labels as IDNA2008 A-labels; ipv4: dotted quad without leading zeros;
 * ipv6: RFC 4291 text forms without zone or prefix; uri, uri-reference: RFC 3986; iri,
 * iri-reference: RFC 3987; uri-template: RFC 6570 level 4; uuid: RFC 4122 text form;
 * json-pointer: RFC 6901; relative-json-pointer: its Internet-Draft (2020-12 also takes an
 * index manipulation such as "0+1"); regex: ECMA-262 as EcmaRegex compiles it.
 *
 * idn-hostname (RFC 5890-5893): labels split at the four IDNA full stops; U-labels in NFC,
 * hyphen rules, no leading combining mark, RFC 5892 code point classes derived from Qt's Unicode
 * tables (Unicode 14 in Qt 6.4) rather than IANA's published table, the CONTEXTJ and CONTEXTO
 * rules, the Bidi rule of RFC 5893, and label and name lengths as A-labels. Not done: UTS #46
 * mapping (input must already be lower case and NFC) and the exact Default_Ignorable_Code_Point
 * set (the marks among them are listed; the rest are format characters, disallowed anyway).
 */
std::optional<QString> formatViolation(std::string_view format, const nlohmann::json &value,
                                       FormatDraft draft);

} // namespace Lathe::Schema
