// SPDX-License-Identifier: GPL-3.0-or-later
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <QTest>

#include <nlohmann/json.hpp>

#include "schema/FormatCheck.h"

using Lathe::Schema::FormatDraft;
using Lathe::Schema::formatViolation;
using namespace std::string_view_literals;

Q_DECLARE_METATYPE(FormatDraft)

namespace
{

void suiteRow(const char *tag, const char *format, std::string_view value, bool valid)
{
    QTest::newRow(tag) << QByteArray(format) << QByteArray(value.data(), qsizetype(value.size())) << valid;
}

nlohmann::json jsonString(const QByteArray &utf8)
{
    return nlohmann::json(utf8.toStdString());
}

} // namespace

class FormatCheckTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void agreesWithTheJsonSchemaTestSuite_data();
    void agreesWithTheJsonSchemaTestSuite();
    void ignoresValuesThatAreNotStrings_data();
    void ignoresValuesThatAreNotStrings();
    void checksOnlyTheFormatsItsDraftDefines_data();
    void checksOnlyTheFormatsItsDraftDefines();
    void explainsEachViolation_data();
    void explainsEachViolation();
    void takesRelativePointerIndexStepsFrom2020_12On();
};

void FormatCheckTest::agreesWithTheJsonSchemaTestSuite_data()
{
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("valid");

    // Every string case of tests/draft2020-12/optional/format/*.json in the JSON-Schema-Test-Suite
    // (https://github.com/json-schema-org/JSON-Schema-Test-Suite), MIT License, Copyright (c) 2012
    // Julian Berman: "<format>: <its description>", the string, whether it is valid.
    suiteRow("date-time: a valid date-time string", "date-time", "1963-06-19T08:30:06.283185Z"sv, true);
    suiteRow("date-time: a valid date-time string without second fraction", "date-time",
             "1963-06-19T08:30:06Z"sv, true);
    suiteRow("date-time: a valid date-time string with plus offset", "date-time",
             "1937-01-01T12:00:27.87+00:20"sv, true);
    suiteRow("date-time: a valid date-time string with minus offset", "date-time",
             "1990-12-31T15:59:50.123-08:00"sv, true);
    suiteRow("date-time: a valid date-time with a leap second, UTC", "date-time", "1998-12-31T23:59:60Z"sv,
             true);
    suiteRow("date-time: a valid date-time with a leap second, with minus offset", "date-time",
             "1998-12-31T15:59:60.123-08:00"sv, true);
    suiteRow("date-time: an invalid date-time past leap second, UTC", "date-time", "1998-12-31T23:59:61Z"sv,
             false);
    suiteRow("date-time: an invalid date-time with leap second on a wrong minute, UTC", "date-time",
             "1998-12-31T23:58:60Z"sv, false);
    suiteRow("date-time: an invalid date-time with leap second on a wrong hour, UTC", "date-time",
             "1998-12-31T22:59:60Z"sv, false);
    suiteRow("date-time: an invalid day in date-time string", "date-time", "1990-02-31T15:59:59.123-08:00"sv,
             false);
    suiteRow("date-time: an invalid offset in date-time string", "date-time", "1990-12-31T15:59:59-24:00"sv,
             false);
    suiteRow("date-time: an invalid closing Z after time-zone offset", "date-time",
             "1963-06-19T08:30:06.28123+01:00Z"sv, false);
    suiteRow("date-time: an invalid hour in date-time string", "date-time", "1990-12-31T24:00:00Z"sv, false);
    suiteRow("date-time: an invalid minute in date-time string", "date-time", "1990-12-31T15:60:00Z"sv,
             false);
    suiteRow("date-time: an invalid offset minute in date-time string", "date-time",
             "1990-12-31T10:00:00+10:60"sv, false);
    suiteRow("date-time: an invalid date-time string", "date-time", "06/19/1963 08:30:06 PST"sv, false);
    suiteRow("date-time: case-insensitive T and Z", "date-time", "1963-06-19t08:30:06.283185z"sv, true);
    suiteRow("date-time: only RFC3339 not all of ISO 8601 are valid", "date-time", "2013-350T01:01:01"sv,
             false);
    suiteRow("date-time: invalid non-padded month dates", "date-time", "1963-6-19T08:30:06.283185Z"sv, false);
    suiteRow("date-time: invalid non-padded day dates", "date-time", "1963-06-1T08:30:06.283185Z"sv, false);
    suiteRow("date-time: invalid non-ASCII '\xe0\xa7\xaa' (a Bengali 4) in date portion", "date-time",
             "1963-06-1\xe0\xa7\xaaT00:00:00Z"sv, false);
    suiteRow("date-time: invalid non-ASCII '\xe0\xa7\xaa' (a Bengali 4) in time portion", "date-time",
             "1963-06-11T0\xe0\xa7\xaa:00:00Z"sv, false);
    suiteRow("date-time: invalid extended year", "date-time", "+11963-06-19T08:30:06.283185Z"sv, false);
    suiteRow("date-time: a numeric offset without minutes is invalid", "date-time",
             "1985-04-12T23:20:50+01"sv, false);
    suiteRow("date-time: hour 24 is invalid even with a leap second", "date-time",
             "2016-12-31T24:59:60+01:00"sv, false);
    suiteRow("date-time: a second fraction of fifteen nines is valid", "date-time",
             "1985-04-12T00:59:59.999999999999999Z"sv, true);
    suiteRow("date-time: a trailing newline is invalid", "date-time", "1985-04-12T23:20:50Z\n"sv, false);
    suiteRow("date: a valid date string", "date", "1963-06-19"sv, true);
    suiteRow("date: a valid date string with 31 days in January", "date", "2020-01-31"sv, true);
    suiteRow("date: a invalid date string with 32 days in January", "date", "2020-01-32"sv, false);
    suiteRow("date: a valid date string with 28 days in February (normal)", "date", "2021-02-28"sv, true);
    suiteRow("date: a invalid date string with 30 days in February (leap)", "date", "2020-02-30"sv, false);
    suiteRow("date: a valid date string with 31 days in March", "date", "2020-03-31"sv, true);
    suiteRow("date: a invalid date string with 32 days in March", "date", "2020-03-32"sv, false);
    suiteRow("date: a valid date string with 30 days in April", "date", "2020-04-30"sv, true);
    suiteRow("date: a invalid date string with 31 days in April", "date", "2020-04-31"sv, false);
    suiteRow("date: a valid date string with 31 days in May", "date", "2020-05-31"sv, true);
    suiteRow("date: a invalid date string with 32 days in May", "date", "2020-05-32"sv, false);
    suiteRow("date: a valid date string with 30 days in June", "date", "2020-06-30"sv, true);
    suiteRow("date: a invalid date string with 31 days in June", "date", "2020-06-31"sv, false);
    suiteRow("date: a valid date string with 31 days in July", "date", "2020-07-31"sv, true);
    suiteRow("date: a invalid date string with 32 days in July", "date", "2020-07-32"sv, false);
    suiteRow("date: a valid date string with 31 days in August", "date", "2020-08-31"sv, true);
    suiteRow("date: a invalid date string with 32 days in August", "date", "2020-08-32"sv, false);
    suiteRow("date: a valid date string with 30 days in September", "date", "2020-09-30"sv, true);
    suiteRow("date: a invalid date string with 31 days in September", "date", "2020-09-31"sv, false);
    suiteRow("date: a valid date string with 31 days in October", "date", "2020-10-31"sv, true);
    suiteRow("date: a invalid date string with 32 days in October", "date", "2020-10-32"sv, false);
    suiteRow("date: a valid date string with 30 days in November", "date", "2020-11-30"sv, true);
    suiteRow("date: a invalid date string with 31 days in November", "date", "2020-11-31"sv, false);
    suiteRow("date: a valid date string with 31 days in December", "date", "2020-12-31"sv, true);
    suiteRow("date: a invalid date string with 32 days in December", "date", "2020-12-32"sv, false);
    suiteRow("date: an invalid date string", "date", "06/19/1963"sv, false);
    suiteRow("date: only RFC3339 not all of ISO 8601 are valid", "date", "2013-350"sv, false);
    suiteRow("date: non-padded month dates are not valid", "date", "1998-1-20"sv, false);
    suiteRow("date: non-padded day dates are not valid", "date", "1998-01-1"sv, false);
    suiteRow("date: invalid month", "date", "1998-13-01"sv, false);
    suiteRow("date: 2021 is not a leap year", "date", "2021-02-29"sv, false);
    suiteRow("date: 2020 is a leap year", "date", "2020-02-29"sv, true);
    suiteRow("date: invalid non-ASCII '\xe0\xa7\xaa' (a Bengali 4)", "date", "1963-06-1\xe0\xa7\xaa"sv,
             false);
    suiteRow("date: invalid: non-ASCII Bengali digit in month field", "date", "2020-0\xe0\xa7\xaa-01"sv,
             false);
    suiteRow("date: ISO8601 / non-RFC3339: YYYYMMDD without dashes (2023-03-28)", "date", "20230328"sv,
             false);
    suiteRow("date: ISO8601 / non-RFC3339: week number implicit day of week (2023-01-02)", "date",
             "2023-W01"sv, false);
    suiteRow("date: ISO8601 / non-RFC3339: week number with day of week (2023-03-28)", "date", "2023-W13-2"sv,
             false);
    suiteRow("date: ISO8601 / non-RFC3339: week number rollover to next year (2023-01-01)", "date",
             "2022W527"sv, false);
    suiteRow("date: an invalid time string in date-time format", "date", "2020-11-28T23:55:45Z"sv, false);
    suiteRow("date: century year 0100 is not a leap year", "date", "0100-02-29"sv, false);
    suiteRow("date: century year 0400 is a leap year", "date", "0400-02-29"sv, true);
    suiteRow("date: century year 2100 is not a leap year", "date", "2100-02-29"sv, false);
    suiteRow("date: invalid: leading whitespace is not permitted", "date", " 2024-01-15"sv, false);
    suiteRow("date: invalid: trailing whitespace is not permitted", "date", "2024-01-15 "sv, false);
    suiteRow("date: invalid: month 00 is not valid per date-month range 01-12", "date", "2024-00-15"sv,
             false);
    suiteRow("date: invalid: day 00 is not valid per date-mday minimum of 01", "date", "2024-01-00"sv, false);
    suiteRow("date: invalid: empty string", "date", ""sv, false);
    suiteRow("date: invalid: embedded whitespace between year and month", "date", "2020 -01-01"sv, false);
    suiteRow("date: invalid: trailing character after valid full-date", "date", "2020-01-01X"sv, false);
    suiteRow("date: invalid: trailing Z after full-date", "date", "2020-01-01Z"sv, false);
    suiteRow("date: invalid: full-date followed by space and time component", "date",
             "2020-01-01 00:00:00Z"sv, false);
    suiteRow("date: valid: four-digit year 0001", "date", "0001-01-01"sv, true);
    suiteRow("date: invalid: two-digit year (N-2 digits)", "date", "20-01-01"sv, false);
    suiteRow("date: invalid: three-digit year (N-1 digits)", "date", "998-01-01"sv, false);
    suiteRow("date: invalid: five-digit year (N+1 digits)", "date", "12020-01-01"sv, false);
    suiteRow("date: invalid: positive sign prefix on year", "date", "+2020-01-01"sv, false);
    suiteRow("date: invalid: negative sign prefix on year", "date", "-2020-01-01"sv, false);
    suiteRow("date: invalid: non-ASCII Bengali digit in year field", "date",
             "\xe0\xa7\xa8"
             "020-01-01"sv,
             false);
    suiteRow("date: invalid: alphabetic characters in year field", "date", "YYYY-01-01"sv, false);
    suiteRow("date: invalid: three-digit month (N+1 digits)", "date", "2020-001-01"sv, false);
    suiteRow("date: invalid: alphabetic characters in month field", "date", "2020-MM-01"sv, false);
    suiteRow("date: invalid: three-digit day (N+1 digits)", "date", "2020-01-001"sv, false);
    suiteRow("date: invalid: alphabetic characters in day field", "date", "2020-01-DD"sv, false);
    suiteRow("date: invalid: colon separators", "date", "2020:01:01"sv, false);
    suiteRow("date: invalid: dot separators", "date", "2020.01.01"sv, false);
    suiteRow("date: invalid: space separators", "date", "2020 01 01"sv, false);
    suiteRow("date: invalid: mixed slash and hyphen separators", "date", "2020-01/01"sv, false);
    suiteRow("date: invalid: duplicated first hyphen", "date", "2020--01-01"sv, false);
    suiteRow("date: invalid: duplicated second hyphen", "date", "2020-01--01"sv, false);
    suiteRow("date: valid: date inside the Julian to Gregorian reform gap", "date", "1582-10-10"sv, true);
    suiteRow("date: invalid: year field numerically larger than a 32-bit signed integer", "date",
             "2147483648-01-01"sv, false);
    suiteRow("date: invalid: character just above '9' as the second digit of the day", "date", "2020-01-0:"sv,
             false);
    suiteRow("date: invalid: non-ASCII digit leaving ten UTF-8 bytes but eight characters", "date",
             "\xe0\xa7\xa8"
             "0-01-01"sv,
             false);
    suiteRow("date: invalid: en dash separators instead of hyphen-minus", "date",
             "2020\xe2\x80\x93"
             "01\xe2\x80\x93"
             "01"sv,
             false);
    suiteRow("date: invalid: NUL character after an otherwise valid full-date", "date", "2020-01-01\x00"sv,
             false);
    suiteRow("duration: a valid duration string", "duration", "P4DT12H30M5S"sv, true);
    suiteRow("duration: an invalid duration string", "duration", "PT1D"sv, false);
    suiteRow("duration: must start with P", "duration", "4DT12H30M5S"sv, false);
    suiteRow("duration: no elements present", "duration", "P"sv, false);
    suiteRow("duration: no time elements present", "duration", "P1YT"sv, false);
    suiteRow("duration: no date or time elements present", "duration", "PT"sv, false);
    suiteRow("duration: elements out of order", "duration", "P2D1Y"sv, false);
    suiteRow("duration: missing time separator", "duration", "P1D2H"sv, false);
    suiteRow("duration: time element in the date position", "duration", "P2S"sv, false);
    suiteRow("duration: four years duration", "duration", "P4Y"sv, true);
    suiteRow("duration: zero time, in seconds", "duration", "PT0S"sv, true);
    suiteRow("duration: zero time, in days", "duration", "P0D"sv, true);
    suiteRow("duration: one month duration", "duration", "P1M"sv, true);
    suiteRow("duration: one minute duration", "duration", "PT1M"sv, true);
    suiteRow("duration: one and a half days, in hours", "duration", "PT36H"sv, true);
    suiteRow("duration: one and a half days, in days and hours", "duration", "P1DT12H"sv, true);
    suiteRow("duration: two weeks", "duration", "P2W"sv, true);
    suiteRow("duration: weeks cannot be combined with other units", "duration", "P1Y2W"sv, false);
    suiteRow("duration: invalid non-ASCII '\xe0\xa7\xa8' (a Bengali 2)", "duration", "P\xe0\xa7\xa8Y"sv,
             false);
    suiteRow("duration: element without unit", "duration", "P1"sv, false);
    suiteRow("duration: all date and time components", "duration", "P1Y2M3DT4H5M6S"sv, true);
    suiteRow("duration: date components only", "duration", "P1Y2M3D"sv, true);
    suiteRow("duration: time components only", "duration", "PT1H2M3S"sv, true);
    suiteRow("duration: month and day", "duration", "P1M2D"sv, true);
    suiteRow("duration: hour and minute", "duration", "PT1H30M"sv, true);
    suiteRow("duration: multi-digit values in all components", "duration", "P10Y10M10DT10H10M10S"sv, true);
    suiteRow("duration: fractional duration is not allowed by RFC 3339 ABNF", "duration", "PT0.5S"sv, false);
    suiteRow("duration: leading whitespace is invalid", "duration", " P1D"sv, false);
    suiteRow("duration: trailing whitespace is invalid", "duration", "P1D "sv, false);
    suiteRow("duration: empty string is invalid", "duration", ""sv, false);
    suiteRow("duration: years and months can appear without days", "duration", "P1Y2M"sv, true);
    suiteRow("duration: years and days cannot appear without months", "duration", "P1Y2D"sv, false);
    suiteRow("duration: months and days can appear without years", "duration", "P1M2D"sv, true);
    suiteRow("duration: hours and minutes can appear without seconds", "duration", "PT1H2M"sv, true);
    suiteRow("duration: hours and seconds cannot appear without minutes", "duration", "PT1H2S"sv, false);
    suiteRow("duration: minutes and seconds can appear without hour", "duration", "PT1M2S"sv, true);
    suiteRow("duration: a leading sign is not allowed", "duration", "-P1D"sv, false);
    suiteRow("duration: a number before the time separator has no unit", "duration", "P1D2T3H"sv, false);
    suiteRow("duration: exponent notation is not allowed in a component", "duration", "P1e2D"sv, false);
    suiteRow("duration: a trailing newline is invalid", "duration", "P1D\n"sv, false);
    suiteRow("duration: weeks cannot be combined with a time component", "duration", "P1WT1H"sv, false);
    suiteRow("duration: weeks cannot be combined with a zero-valued component", "duration", "P0Y1W"sv, false);
    suiteRow("duration: a leading zero in a component is valid", "duration", "P01D"sv, true);
    suiteRow("duration: a component with many digits is valid", "duration",
             "P999999999999999999999999999999999999999999999999999999999999999999999999999999D"sv, true);
    suiteRow("duration: a comma as the decimal separator is invalid", "duration", "PT0,5S"sv, false);
    suiteRow("duration: a sign inside a component is invalid", "duration", "P-1D"sv, false);
    suiteRow("regex: when used as a pattern", "regex", "\\a"sv, false);
    suiteRow("regex: Python named group (?P<name>...) is not ECMA 262", "regex", "(?P<name>x)"sv, false);
    suiteRow("regex: Python named backreference (?P=name) is not ECMA 262", "regex", "(?P<n>a)(?P=n)"sv,
             false);
    suiteRow("regex: inline comment group (?#...) is not ECMA 262", "regex", "(?#comment)a"sv, false);
    suiteRow("regex: a single global inline flag (?i)", "regex", "(?i)abc"sv, false);
    suiteRow("regex: multiple global inline flags (?ims)", "regex", "(?ims)abc"sv, false);
    suiteRow("regex: an ECMA 262 named group (?<name>...)", "regex", "(?<name>x)"sv, true);
    suiteRow("regex: an ECMA 262 named backreference \\k<name>", "regex", "(?<n>a)\\k<n>"sv, true);
    suiteRow("regex: a variable-width lookbehind (ES2018)", "regex", "(?<=a+)b"sv, true);
    suiteRow("regex: an empty character class is valid ECMA 262", "regex", "[]"sv, true);
    suiteRow("regex: a negated empty character class is valid ECMA 262", "regex", "[^]"sv, true);
    suiteRow("regex: a control escape \\cA is valid ECMA 262", "regex", "\\cA"sv, true);
    suiteRow("email: a valid e-mail address", "email", "joe.bloggs@example.com"sv, true);
    suiteRow("email: an invalid e-mail address", "email", "2962"sv, false);
    suiteRow("email: tilde in local part is valid", "email", "te~st@example.com"sv, true);
    suiteRow("email: tilde before local part is valid", "email", "~test@example.com"sv, true);
    suiteRow("email: tilde after local part is valid", "email", "test~@example.com"sv, true);
    suiteRow("email: a quoted string with a space in the local part is valid", "email",
             "\"joe bloggs\"@example.com"sv, true);
    suiteRow("email: a quoted string with a double dot in the local part is valid", "email",
             "\"joe..bloggs\"@example.com"sv, true);
    suiteRow("email: a quoted string with a @ in the local part is valid", "email",
             "\"joe@bloggs\"@example.com"sv, true);
    suiteRow("email: an IPv4-address-literal after the @ is valid", "email", "joe.bloggs@[127.0.0.1]"sv,
             true);
    suiteRow("email: an IPv6-address-literal after the @ is valid", "email", "joe.bloggs@[IPv6:::1]"sv, true);
    suiteRow("email: dot before local part is not valid", "email", ".test@example.com"sv, false);
    suiteRow("email: dot after local part is not valid", "email", "test.@example.com"sv, false);
    suiteRow("email: two separated dots inside local part are valid", "email", "te.s.t@example.com"sv, true);
    suiteRow("email: two subsequent dots inside local part are not valid", "email", "te..st@example.com"sv,
             false);
    suiteRow("email: an invalid domain", "email", "joe.bloggs@invalid=domain.com"sv, false);
    suiteRow("email: an invalid IPv4-address-literal", "email", "joe.bloggs@[127.0.0.300]"sv, false);
    suiteRow("email: two email addresses is not valid", "email", "user1@oceania.org, user2@oceania.org"sv,
             false);
    suiteRow("email: full \"From\" header is invalid", "email",
             "\"Winston Smith\" <winston.smith@recdep.minitrue> (Records Department)"sv, false);
    suiteRow("email: local part is required", "email", "@example.com"sv, false);
    suiteRow("email: domain is required", "email", "joe.bloggs@"sv, false);
    suiteRow("email: unquoted space in local part is invalid", "email", "joe bloggs@example.com"sv, false);
    suiteRow("hostname: a valid host name", "hostname", "www.example.com"sv, true);
    suiteRow("hostname: single label", "hostname", "hostname"sv, true);
    suiteRow("hostname: single label with digits", "hostname", "h0stn4me"sv, true);
    suiteRow("hostname: single label starting with digit", "hostname", "1host"sv, true);
    suiteRow("hostname: single label ending with digit", "hostname", "hostnam3"sv, true);
    suiteRow("hostname: empty string", "hostname", ""sv, false);
    suiteRow("hostname: single dot", "hostname", "."sv, false);
    suiteRow("hostname: leading dot", "hostname", ".example"sv, false);
    suiteRow("hostname: trailing dot", "hostname", "example."sv, false);
    suiteRow("hostname: IDN label separator", "hostname",
             "example\xef\xbc\x8e"
             "com"sv,
             false);
    suiteRow("hostname: single label with hyphen", "hostname", "host-name"sv, true);
    suiteRow("hostname: starts with hyphen", "hostname", "-hostname"sv, false);
    suiteRow("hostname: ends with hyphen", "hostname", "hostname-"sv, false);
    suiteRow("hostname: contains underscore", "hostname", "host_name"sv, false);
    suiteRow(
        "hostname: exceeds maximum overall length (256)", "hostname",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.com"sv,
        false);
    suiteRow("hostname: maximum label length (63)", "hostname",
             "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.com"sv, true);
    suiteRow("hostname: exceeds maximum label length (63)", "hostname",
             "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl.com"sv, false);
    suiteRow("hostname: trailing newline is invalid", "hostname", "example.com\n"sv, false);
    suiteRow("hostname: invalid non-ASCII KELVIN SIGN (U+212A)", "hostname",
             "\xe2\x84\xaa"
             "elvin.example.com"sv,
             false);
    suiteRow("hostname: consecutive hyphens inside a label", "hostname", "a--b.com"sv, true);
    suiteRow("hostname: invalid Punycode", "hostname", "xn--X"sv, false);
    suiteRow("hostname: a valid host name (example.test in Hangul)", "hostname",
             "xn--9n2bp8q.xn--9t4b11yi5a"sv, true);
    suiteRow("hostname: contains illegal char U+302E Hangul single dot tone mark", "hostname",
             "xn--07jt112bpxg.xn--9t4b11yi5a"sv, false);
    suiteRow("hostname: Begins with a Spacing Combining Mark", "hostname", "xn--hello-txk"sv, false);
    suiteRow("hostname: Begins with a Nonspacing Mark", "hostname", "xn--hello-zed"sv, false);
    suiteRow("hostname: Begins with an Enclosing Mark", "hostname", "xn--hello-6bf"sv, false);
    suiteRow("hostname: Exceptions that are PVALID, left-to-right chars", "hostname", "xn--zca29lwxobi7a"sv,
             true);
    suiteRow("hostname: Exceptions that are PVALID, right-to-left chars", "hostname", "xn--qmbc"sv, true);
    suiteRow("hostname: Exceptions that are DISALLOWED, right-to-left chars", "hostname", "xn--chb89f"sv,
             false);
    suiteRow("hostname: Exceptions that are DISALLOWED, left-to-right chars", "hostname", "xn--07jceefgh4c"sv,
             false);
    suiteRow("hostname: MIDDLE DOT with no preceding 'l'", "hostname", "xn--al-0ea"sv, false);
    suiteRow("hostname: MIDDLE DOT with nothing preceding", "hostname", "xn--l-fda"sv, false);
    suiteRow("hostname: MIDDLE DOT with no following 'l'", "hostname", "xn--la-0ea"sv, false);
    suiteRow("hostname: MIDDLE DOT with nothing following", "hostname", "xn--l-gda"sv, false);
    suiteRow("hostname: MIDDLE DOT with surrounding 'l's", "hostname", "xn--ll-0ea"sv, true);
    suiteRow("hostname: Greek KERAIA not followed by Greek", "hostname", "xn--S-jib3p"sv, false);
    suiteRow("hostname: Greek KERAIA not followed by anything", "hostname", "xn--wva3j"sv, false);
    suiteRow("hostname: Greek KERAIA followed by Greek", "hostname", "xn--wva3je"sv, true);
    suiteRow("hostname: Hebrew GERESH not preceded by Hebrew", "hostname", "xn--A-2hc5h"sv, false);
    suiteRow("hostname: Hebrew GERESH not preceded by anything", "hostname", "xn--5db1e"sv, false);
    suiteRow("hostname: Hebrew GERESH preceded by Hebrew", "hostname", "xn--4dbc5h"sv, true);
    suiteRow("hostname: Hebrew GERSHAYIM not preceded by Hebrew", "hostname", "xn--A-2hc8h"sv, false);
    suiteRow("hostname: Hebrew GERSHAYIM not preceded by anything", "hostname", "xn--5db3e"sv, false);
    suiteRow("hostname: Hebrew GERSHAYIM preceded by Hebrew", "hostname", "xn--4dbc8h"sv, true);
    suiteRow("hostname: KATAKANA MIDDLE DOT with no Hiragana, Katakana, or Han", "hostname",
             "xn--defabc-k64e"sv, false);
    suiteRow("hostname: KATAKANA MIDDLE DOT with no other characters", "hostname", "xn--vek"sv, false);
    suiteRow("hostname: KATAKANA MIDDLE DOT with Hiragana", "hostname", "xn--k8j5u"sv, true);
    suiteRow("hostname: KATAKANA MIDDLE DOT with Katakana", "hostname", "xn--bck0j"sv, true);
    suiteRow("hostname: KATAKANA MIDDLE DOT with Han", "hostname", "xn--vek778f"sv, true);
    suiteRow("hostname: Arabic-Indic digits mixed with Extended Arabic-Indic digits", "hostname",
             "xn--ngb6iyr"sv, false);
    suiteRow("hostname: Arabic-Indic digits not mixed with Extended Arabic-Indic digits", "hostname",
             "xn--ngba1o"sv, true);
    suiteRow("hostname: Extended Arabic-Indic digits not mixed with Arabic-Indic digits", "hostname",
             "xn--0-gyc"sv, true);
    suiteRow("hostname: ZERO WIDTH JOINER not preceded by Virama", "hostname", "xn--11b2er09f"sv, false);
    suiteRow("hostname: ZERO WIDTH JOINER not preceded by anything", "hostname", "xn--02b508i"sv, false);
    suiteRow("hostname: ZERO WIDTH JOINER preceded by Virama", "hostname", "xn--11b2ezcw70k"sv, true);
    suiteRow("hostname: ZERO WIDTH NON-JOINER preceded by Virama", "hostname", "xn--11b2ezcs70k"sv, true);
    suiteRow("hostname: ZERO WIDTH NON-JOINER not preceded by Virama but matches regexp", "hostname",
             "xn--ngba5hb2804a"sv, true);
    suiteRow("hostname: contains \"--\" in the 3rd and 4th position", "hostname", "XN--aa---o47jg78q"sv,
             false);
    suiteRow("idn-email: a valid idn e-mail (example@example.test in Hangul)", "idn-email",
             "\xec\x8b\xa4\xeb\xa1\x80@\xec\x8b\xa4\xeb\xa1\x80.\xed\x85\x8c\xec\x8a\xa4\xed\x8a\xb8"sv,
             true);
    suiteRow("idn-email: an invalid e-mail/idn e-mail address", "idn-email", "2962"sv, false);
    suiteRow("idn-email: a valid e-mail address", "idn-email", "joe.bloggs@example.com"sv, true);
    suiteRow("idn-email: a non-ASCII local part with an ASCII domain is valid", "idn-email",
             "\xce\xb4\xce\xbf\xce\xba\xce\xb9\xce\xbc\xce\xae@example.com"sv, true);
    suiteRow("idn-email: a non-ASCII quoted local part is valid", "idn-email",
             "\"\xce\xb4\xce\xbf\xce\xba\xce\xb9\xce\xbc\xce\xae\"@example.com"sv, true);
    suiteRow("idn-email: a domain label that is not in Unicode NFC is valid", "idn-email",
             "user@cafe\xcc\x81.com"sv, true);
    suiteRow("idn-email: a local part that is not in Unicode NFC is valid", "idn-email",
             "cafe\xcc\x81@example.com"sv, true);
    suiteRow("idn-email: a C1 control in the local part is valid", "idn-email", "\xc2\x85@example.com"sv,
             true);
    suiteRow("idn-email: a noncharacter in the local part is valid", "idn-email",
             "\xef\xbf\xbf@example.com"sv, true);
    suiteRow("idn-email: a local part at the 64-octet limit is valid", "idn-email",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com"sv, true);
    suiteRow("idn-email: a fullwidth commercial at is not a local-part separator", "idn-email",
             "user\xef\xbc\xa0"
             "example.com"sv,
             false);
    suiteRow("idn-email: a local part with a supplementary-plane character is valid", "idn-email",
             "\xf0\x9d\x95\x8f@example.com"sv, true);
    suiteRow("idn-hostname: a valid host name (example.test in Hangul)", "idn-hostname",
             "\xec\x8b\xa4\xeb\xa1\x80.\xed\x85\x8c\xec\x8a\xa4\xed\x8a\xb8"sv, true);
    suiteRow("idn-hostname: illegal first char U+302E Hangul single dot tone mark", "idn-hostname",
             "\xe3\x80\xae\xec\x8b\xa4\xeb\xa1\x80.\xed\x85\x8c\xec\x8a\xa4\xed\x8a\xb8"sv, false);
    suiteRow("idn-hostname: contains illegal char U+302E Hangul single dot tone mark", "idn-hostname",
             "\xec\x8b\xa4\xe3\x80\xae\xeb\xa1\x80.\xed\x85\x8c\xec\x8a\xa4\xed\x8a\xb8"sv, false);
    suiteRow("idn-hostname: a single label of 63 characters is valid", "idn-hostname",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"sv, true);
    suiteRow("idn-hostname: a single label of 64 characters is too long", "idn-hostname",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"sv, false);
    suiteRow("idn-hostname: invalid label, correct Punycode", "idn-hostname", "-> $1.00 <--"sv, false);
    suiteRow("idn-hostname: valid Chinese Punycode", "idn-hostname", "xn--ihqwcrb4cv8a8dqg056pqjye"sv, true);
    suiteRow("idn-hostname: invalid Punycode", "idn-hostname", "xn--X"sv, false);
    suiteRow("idn-hostname: U-label contains \"--\" in the 3rd and 4th position", "idn-hostname",
             "XN--aa---o47jg78q"sv, false);
    suiteRow("idn-hostname: U-label starts with a dash", "idn-hostname", "-hello"sv, false);
    suiteRow("idn-hostname: U-label ends with a dash", "idn-hostname", "hello-"sv, false);
    suiteRow("idn-hostname: U-label starts and ends with a dash", "idn-hostname", "-hello-"sv, false);
    suiteRow("idn-hostname: Begins with a Spacing Combining Mark", "idn-hostname", "\xe0\xa4\x83hello"sv,
             false);
    suiteRow("idn-hostname: Begins with a Nonspacing Mark", "idn-hostname", "\xcc\x80hello"sv, false);
    suiteRow("idn-hostname: Begins with an Enclosing Mark", "idn-hostname", "\xd2\x88hello"sv, false);
    suiteRow("idn-hostname: Exceptions that are PVALID, left-to-right chars", "idn-hostname",
             "\xc3\x9f\xcf\x82\xe0\xbc\x8b\xe3\x80\x87"sv, true);
    suiteRow("idn-hostname: Exceptions that are PVALID, right-to-left chars", "idn-hostname",
             "\xdb\xbd\xdb\xbe"sv, true);
    suiteRow("idn-hostname: Exceptions that are DISALLOWED, right-to-left chars", "idn-hostname",
             "\xd9\x80\xdf\xba"sv, false);
    suiteRow(
        "idn-hostname: Exceptions that are DISALLOWED, left-to-right chars", "idn-hostname",
        "\xe3\x80\xb1\xe3\x80\xb2\xe3\x80\xb3\xe3\x80\xb4\xe3\x80\xb5\xe3\x80\xae\xe3\x80\xaf\xe3\x80\xbb"sv,
        false);
    suiteRow("idn-hostname: MIDDLE DOT with no preceding 'l'", "idn-hostname", "a\xc2\xb7l"sv, false);
    suiteRow("idn-hostname: MIDDLE DOT with nothing preceding", "idn-hostname", "\xc2\xb7l"sv, false);
    suiteRow("idn-hostname: MIDDLE DOT with no following 'l'", "idn-hostname",
             "l\xc2\xb7"
             "a"sv,
             false);
    suiteRow("idn-hostname: MIDDLE DOT with nothing following", "idn-hostname", "l\xc2\xb7"sv, false);
    suiteRow("idn-hostname: MIDDLE DOT with surrounding 'l's", "idn-hostname", "l\xc2\xb7l"sv, true);
    suiteRow("idn-hostname: Greek KERAIA not followed by Greek", "idn-hostname", "\xce\xb1\xcd\xb5S"sv,
             false);
    suiteRow("idn-hostname: Greek KERAIA not followed by anything", "idn-hostname", "\xce\xb1\xcd\xb5"sv,
             false);
    suiteRow("idn-hostname: Greek KERAIA followed by Greek", "idn-hostname", "\xce\xb1\xcd\xb5\xce\xb2"sv,
             true);
    suiteRow("idn-hostname: Hebrew GERESH not preceded by Hebrew", "idn-hostname", "A\xd7\xb3\xd7\x91"sv,
             false);
    suiteRow("idn-hostname: Hebrew GERESH not preceded by anything", "idn-hostname", "\xd7\xb3\xd7\x91"sv,
             false);
    suiteRow("idn-hostname: Hebrew GERESH preceded by Hebrew", "idn-hostname", "\xd7\x90\xd7\xb3\xd7\x91"sv,
             true);
    suiteRow("idn-hostname: Hebrew GERSHAYIM not preceded by Hebrew", "idn-hostname", "A\xd7\xb4\xd7\x91"sv,
             false);
    suiteRow("idn-hostname: Hebrew GERSHAYIM not preceded by anything", "idn-hostname", "\xd7\xb4\xd7\x91"sv,
             false);
    suiteRow("idn-hostname: Hebrew GERSHAYIM preceded by Hebrew", "idn-hostname",
             "\xd7\x90\xd7\xb4\xd7\x91"sv, true);
    suiteRow("idn-hostname: KATAKANA MIDDLE DOT with no Hiragana, Katakana, or Han", "idn-hostname",
             "def\xe3\x83\xbb"
             "abc"sv,
             false);
    suiteRow("idn-hostname: KATAKANA MIDDLE DOT with no other characters", "idn-hostname", "\xe3\x83\xbb"sv,
             false);
    suiteRow("idn-hostname: KATAKANA MIDDLE DOT with Hiragana", "idn-hostname", "\xe3\x83\xbb\xe3\x81\x81"sv,
             true);
    suiteRow("idn-hostname: KATAKANA MIDDLE DOT with Katakana", "idn-hostname", "\xe3\x83\xbb\xe3\x82\xa1"sv,
             true);
    suiteRow("idn-hostname: KATAKANA MIDDLE DOT with Han", "idn-hostname", "\xe3\x83\xbb\xe4\xb8\x88"sv,
             true);
    suiteRow("idn-hostname: Arabic-Indic digits mixed with Extended Arabic-Indic digits", "idn-hostname",
             "\xd8\xa8\xd9\xa0\xdb\xb0"sv, false);
    suiteRow("idn-hostname: Arabic-Indic digits not mixed with Extended Arabic-Indic digits", "idn-hostname",
             "\xd8\xa8\xd9\xa0\xd8\xa8"sv, true);
    suiteRow("idn-hostname: Extended Arabic-Indic digits not mixed with Arabic-Indic digits", "idn-hostname",
             "\xdb\xb0"
             "0"sv,
             true);
    suiteRow("idn-hostname: ZERO WIDTH JOINER not preceded by Virama", "idn-hostname",
             "\xe0\xa4\x95\xe2\x80\x8d\xe0\xa4\xb7"sv, false);
    suiteRow("idn-hostname: ZERO WIDTH JOINER not preceded by anything", "idn-hostname",
             "\xe2\x80\x8d\xe0\xa4\xb7"sv, false);
    suiteRow("idn-hostname: ZERO WIDTH JOINER preceded by Virama", "idn-hostname",
             "\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d\xe0\xa4\xb7"sv, true);
    suiteRow("idn-hostname: ZERO WIDTH NON-JOINER preceded by Virama", "idn-hostname",
             "\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8c\xe0\xa4\xb7"sv, true);
    suiteRow("idn-hostname: ZERO WIDTH NON-JOINER not preceded by Virama but matches regexp", "idn-hostname",
             "\xd8\xa8\xd9\x8a\xe2\x80\x8c\xd8\xa8\xd9\x8a"sv, true);
    suiteRow("idn-hostname: single label", "idn-hostname", "hostname"sv, true);
    suiteRow("idn-hostname: single label with hyphen", "idn-hostname", "host-name"sv, true);
    suiteRow("idn-hostname: single label with digits", "idn-hostname", "h0stn4me"sv, true);
    suiteRow("idn-hostname: single label starting with digit", "idn-hostname", "1host"sv, true);
    suiteRow("idn-hostname: single label ending with digit", "idn-hostname", "hostnam3"sv, true);
    suiteRow("idn-hostname: empty string", "idn-hostname", ""sv, false);
    suiteRow("idn-hostname: zero width non-joiner must pass at every occurrence", "idn-hostname",
             "\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8c\xe0\xa4\xb7x\xe2\x80\x8cy"sv, false);
    suiteRow("idn-hostname: Bidi domain name with a digit-first label is invalid", "idn-hostname",
             "0a.\xd7\x90"sv, false);
    suiteRow("idn-hostname: label starting with a digit before a right-to-left letter is invalid",
             "idn-hostname", "0\xd8\xa7"sv, false);
    suiteRow("idn-hostname: left-to-right label containing a right-to-left letter is invalid", "idn-hostname",
             "a\xd7\x90"sv, false);
    suiteRow("idn-hostname: right-to-left label mixing both digit types is invalid", "idn-hostname",
             "\xd7\x90"
             "0\xd9\xa0"sv,
             false);
    suiteRow("idn-hostname: A-label that decodes to a disallowed code point is invalid", "idn-hostname",
             "xn--7a"sv, false);
    suiteRow("idn-hostname: A-label that decodes to a Bidi rule violation is invalid", "idn-hostname",
             "xn--0ca24w"sv, false);
    suiteRow(
        "idn-hostname: a U-label whose A-label form is longer than 63 octets is invalid", "idn-hostname",
        "\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"sv,
        false);
    suiteRow("idn-hostname: empty label between two dots is invalid", "idn-hostname", "a..b"sv, false);
    suiteRow(
        "idn-hostname: a name longer than 253 characters is invalid", "idn-hostname",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"sv,
        false);
    suiteRow("idn-hostname: A-label that decodes to only ASCII is invalid", "idn-hostname", "xn--example-"sv,
             false);
    suiteRow("idn-hostname: non-canonical Punycode that does not re-encode to itself is invalid",
             "idn-hostname", "xn---9uc"sv, false);
    suiteRow("idn-hostname: single dot", "idn-hostname", "."sv, false);
    suiteRow("idn-hostname: single ideographic full stop", "idn-hostname", "\xe3\x80\x82"sv, false);
    suiteRow("idn-hostname: single fullwidth full stop", "idn-hostname", "\xef\xbc\x8e"sv, false);
    suiteRow("idn-hostname: single halfwidth ideographic full stop", "idn-hostname", "\xef\xbd\xa1"sv, false);
    suiteRow("idn-hostname: dot as label separator", "idn-hostname", "a.b"sv, true);
    suiteRow("idn-hostname: ideographic full stop as label separator", "idn-hostname",
             "a\xe3\x80\x82"
             "b"sv,
             true);
    suiteRow("idn-hostname: fullwidth full stop as label separator", "idn-hostname",
             "a\xef\xbc\x8e"
             "b"sv,
             true);
    suiteRow("idn-hostname: halfwidth ideographic full stop as label separator", "idn-hostname",
             "a\xef\xbd\xa1"
             "b"sv,
             true);
    suiteRow("idn-hostname: leading dot", "idn-hostname", ".example"sv, false);
    suiteRow("idn-hostname: leading ideographic full stop", "idn-hostname",
             "\xe3\x80\x82"
             "example"sv,
             false);
    suiteRow("idn-hostname: leading fullwidth full stop", "idn-hostname",
             "\xef\xbc\x8e"
             "example"sv,
             false);
    suiteRow("idn-hostname: leading halfwidth ideographic full stop", "idn-hostname",
             "\xef\xbd\xa1"
             "example"sv,
             false);
    suiteRow("idn-hostname: trailing dot", "idn-hostname", "example."sv, false);
    suiteRow("idn-hostname: trailing ideographic full stop", "idn-hostname", "example\xe3\x80\x82"sv, false);
    suiteRow("idn-hostname: trailing fullwidth full stop", "idn-hostname", "example\xef\xbc\x8e"sv, false);
    suiteRow("idn-hostname: trailing halfwidth ideographic full stop", "idn-hostname",
             "example\xef\xbd\xa1"sv, false);
    suiteRow(
        "idn-hostname: label too long if separator ignored (full stop)", "idn-hostname",
        "\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1.com"sv,
        true);
    suiteRow("idn-hostname: label too long if separator ignored (ideographic full stop)", "idn-hostname",
             "\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce"
             "\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81"
             "\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce"
             "\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5"
             "\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xe3\x80\x82"
             "com"sv,
             true);
    suiteRow("idn-hostname: label too long if separator ignored (fullwidth full stop)", "idn-hostname",
             "\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce"
             "\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81"
             "\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce"
             "\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5"
             "\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xef\xbc\x8e"
             "com"sv,
             true);
    suiteRow("idn-hostname: label too long if separator ignored (halfwidth ideographic full stop)",
             "idn-hostname",
             "\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce"
             "\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81"
             "\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce"
             "\xb4\xce\xb5\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5"
             "\xce\xb9\xce\xb3\xce\xbc\xce\xb1\xcf\x80\xce\xb1\xef\xbd\xa1"
             "com"sv,
             true);
    suiteRow("ipv4: a valid IP address", "ipv4", "192.168.0.1"sv, true);
    suiteRow("ipv4: an IP address with too many components", "ipv4", "127.0.0.0.1"sv, false);
    suiteRow("ipv4: an IP address with out-of-range values", "ipv4", "256.256.256.256"sv, false);
    suiteRow("ipv4: an IP address without 4 components", "ipv4", "127.0"sv, false);
    suiteRow("ipv4: a 2-part address resolving to a routable IP (inet_aton shorthand)", "ipv4", "127.1"sv,
             false);
    suiteRow("ipv4: a 3-part address resolving to a routable IP (inet_aton shorthand)", "ipv4", "127.0.1"sv,
             false);
    suiteRow("ipv4: an IP address as an integer", "ipv4", "0x7f000001"sv, false);
    suiteRow("ipv4: an IP address as an integer (decimal)", "ipv4", "2130706433"sv, false);
    suiteRow("ipv4: invalid non-ASCII '\xe0\xa7\xa8' (a Bengali 2)", "ipv4",
             "1\xe0\xa7\xa8"
             "7.0.0.1"sv,
             false);
    suiteRow(
        "ipv4: invalid fullwidth digits (non-ASCII)", "ipv4",
        "\xef\xbc\x91\xef\xbc\x99\xef\xbc\x92.\xef\xbc\x91\xef\xbc\x96\xef\xbc\x98.\xef\xbc\x91.\xef\xbc\x91"sv,
        false);
    suiteRow(
        "ipv4: invalid mathematical bold digits (non-ASCII)", "ipv4",
        "\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x97\xf0\x9d\x9f\x90.\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x94\xf0\x9d\x9f\x96.\xf0\x9d\x9f\x8f.\xf0\x9d\x9f\x8f"sv,
        false);
    suiteRow("ipv4: netmask is not a part of ipv4 address", "ipv4", "192.168.1.0/24"sv, false);
    suiteRow("ipv4: leading whitespace is invalid", "ipv4", " 192.168.0.1"sv, false);
    suiteRow("ipv4: trailing whitespace is invalid", "ipv4", "192.168.0.1 "sv, false);
    suiteRow("ipv4: trailing newline is invalid", "ipv4", "192.168.0.1\n"sv, false);
    suiteRow("ipv4: hexadecimal notation is invalid", "ipv4", "0x7f.0.0.1"sv, false);
    suiteRow("ipv4: octal notation explicit is invalid", "ipv4", "0o10.0.0.1"sv, false);
    suiteRow("ipv4: empty part (double dot) is invalid", "ipv4", "192.168..1"sv, false);
    suiteRow("ipv4: leading dot is invalid", "ipv4", ".192.168.0.1"sv, false);
    suiteRow("ipv4: trailing dot is invalid", "ipv4", "192.168.0.1."sv, false);
    suiteRow("ipv4: minimum valid IPv4 address", "ipv4", "0.0.0.0"sv, true);
    suiteRow("ipv4: maximum valid IPv4 address", "ipv4", "255.255.255.255"sv, true);
    suiteRow("ipv4: valid IPv4 with an octet in the 200 to 249 range", "ipv4", "200.0.0.0"sv, true);
    suiteRow("ipv4: valid IPv4 with two-digit octets", "ipv4", "10.20.30.40"sv, true);
    suiteRow("ipv4: empty string is invalid", "ipv4", ""sv, false);
    suiteRow("ipv4: plus sign is invalid", "ipv4", "+1.2.3.4"sv, false);
    suiteRow("ipv4: negative sign is invalid", "ipv4", "-1.2.3.4"sv, false);
    suiteRow("ipv4: exponential notation is invalid", "ipv4", "1e2.0.0.1"sv, false);
    suiteRow("ipv4: alpha characters are invalid", "ipv4", "192.168.a.1"sv, false);
    suiteRow("ipv4: internal whitespace is invalid", "ipv4", "192. 168.0.1"sv, false);
    suiteRow("ipv4: tab character is invalid", "ipv4", "192.168.0.1\t"sv, false);
    suiteRow("ipv4: additional content after an embedded NUL byte", "ipv4", "192.168.0.1\x00.evil.com"sv,
             false);
    suiteRow("ipv4: with port number is invalid", "ipv4", "192.168.0.1:80"sv, false);
    suiteRow("ipv4: an IPv4-mapped IPv6 address is invalid", "ipv4", "::ffff:192.168.0.1"sv, false);
    suiteRow("ipv4: single octet out of range in last position", "ipv4", "192.168.0.256"sv, false);
    suiteRow("ipv6: a valid IPv6 address", "ipv6", "::1"sv, true);
    suiteRow("ipv6: a group with 5 hex digits is invalid", "ipv6", "12345::"sv, false);
    suiteRow("ipv6: trailing 4 hex symbols is valid", "ipv6", "::abef"sv, true);
    suiteRow("ipv6: trailing 5 hex symbols is invalid", "ipv6", "::abcef"sv, false);
    suiteRow("ipv6: an IPv6 address with too many components", "ipv6", "1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1"sv,
             false);
    suiteRow("ipv6: an IPv6 address containing illegal characters", "ipv6", "::laptop"sv, false);
    suiteRow("ipv6: no digits is valid", "ipv6", "::"sv, true);
    suiteRow("ipv6: leading colons is valid", "ipv6", "::42:ff:1"sv, true);
    suiteRow("ipv6: trailing colons is valid", "ipv6", "d6::"sv, true);
    suiteRow("ipv6: missing leading octet is invalid", "ipv6", ":2:3:4:5:6:7:8"sv, false);
    suiteRow("ipv6: missing trailing octet is invalid", "ipv6", "1:2:3:4:5:6:7:"sv, false);
    suiteRow("ipv6: missing leading octet with omitted octets later", "ipv6", ":2:3:4::8"sv, false);
    suiteRow("ipv6: single set of double colons in the middle is valid", "ipv6", "1:d6::42"sv, true);
    suiteRow("ipv6: two sets of double colons is invalid", "ipv6", "1::d6::42"sv, false);
    suiteRow("ipv6: mixed format with the ipv4 section as decimal octets", "ipv6", "1::d6:192.168.0.1"sv,
             true);
    suiteRow("ipv6: mixed format with double colons between the sections", "ipv6", "1:2::192.168.0.1"sv,
             true);
    suiteRow("ipv6: mixed format with ipv4 section with octet out of range", "ipv6", "1::2:192.168.256.1"sv,
             false);
    suiteRow("ipv6: mixed format with ipv4 section with a hex octet", "ipv6", "1::2:192.168.ff.1"sv, false);
    suiteRow("ipv6: mixed format with leading double colons (ipv4-mapped ipv6 address)", "ipv6",
             "::ffff:192.168.0.1"sv, true);
    suiteRow("ipv6: triple colons is invalid", "ipv6", "1:2:3:4:5:::8"sv, false);
    suiteRow("ipv6: 8 octets", "ipv6", "1:2:3:4:5:6:7:8"sv, true);
    suiteRow("ipv6: insufficient octets without double colons", "ipv6", "1:2:3:4:5:6:7"sv, false);
    suiteRow("ipv6: no colons is invalid", "ipv6", "1"sv, false);
    suiteRow("ipv6: ipv4 is not ipv6", "ipv6", "127.0.0.1"sv, false);
    suiteRow("ipv6: ipv4 segment must have 4 octets", "ipv6", "1:2:3:4:1.2.3"sv, false);
    suiteRow("ipv6: leading whitespace is invalid", "ipv6", "  ::1"sv, false);
    suiteRow("ipv6: trailing whitespace is invalid", "ipv6", "::1  "sv, false);
    suiteRow("ipv6: netmask is not a part of ipv6 address", "ipv6", "fe80::/64"sv, false);
    suiteRow("ipv6: zone id is not a part of ipv6 address", "ipv6", "fe80::a%eth1"sv, false);
    suiteRow("ipv6: a long valid ipv6", "ipv6", "1000:1000:1000:1000:1000:1000:255.255.255.255"sv, true);
    suiteRow("ipv6: a long invalid ipv6, below length limit, first", "ipv6",
             "100:100:100:100:100:100:255.255.255.255.255"sv, false);
    suiteRow("ipv6: a long invalid ipv6, below length limit, second", "ipv6",
             "100:100:100:100:100:100:100:255.255.255.255"sv, false);
    suiteRow("ipv6: invalid non-ASCII '\xe0\xa7\xaa' (a Bengali 4)", "ipv6", "1:2:3:4:5:6:7:\xe0\xa7\xaa"sv,
             false);
    suiteRow("ipv6: invalid non-ASCII '\xe0\xa7\xaa' (a Bengali 4) in the IPv4 portion", "ipv6",
             "1:2::192.16\xe0\xa7\xaa.0.1"sv, false);
    suiteRow("ipv6: a bracketed address is invalid", "ipv6", "[::1]"sv, false);
    suiteRow("ipv6: a leading zero in the last IPv4 octet is invalid", "ipv6", "::ffff:192.168.0.01"sv,
             false);
    suiteRow(
        "iri-reference: a valid IRI", "iri-reference",
        "http://\xc6\x92\xc3\xb8\xc3\xb8.\xc3\x9f\xc3\xa5r/?\xe2\x88\x82\xc3\xa9\xc5\x93=\xcf\x80\xc3\xaex#\xcf\x80\xc3\xae\xc3\xbcx"sv,
        true);
    suiteRow(
        "iri-reference: a valid protocol-relative IRI Reference", "iri-reference",
        "//\xc6\x92\xc3\xb8\xc3\xb8.\xc3\x9f\xc3\xa5r/?\xe2\x88\x82\xc3\xa9\xc5\x93=\xcf\x80\xc3\xaex#\xcf\x80\xc3\xae\xc3\xbcx"sv,
        true);
    suiteRow("iri-reference: a valid relative IRI Reference", "iri-reference", "/\xc3\xa2\xcf\x80\xcf\x80"sv,
             true);
    suiteRow("iri-reference: an invalid IRI Reference", "iri-reference",
             "\\\\WINDOWS\\fil\xc3\xab\xc3\x9f\xc3\xa5r\xc3\xa9"sv, false);
    suiteRow("iri-reference: a valid IRI Reference", "iri-reference", "\xc3\xa2\xcf\x80\xcf\x80"sv, true);
    suiteRow("iri-reference: a valid IRI fragment", "iri-reference", "#\xc6\x92r\xc3\xa4gm\xc3\xaant"sv,
             true);
    suiteRow("iri-reference: an invalid IRI fragment", "iri-reference", "#\xc6\x92r\xc3\xa4g\\m\xc3\xaant"sv,
             false);
    suiteRow(
        "iri: a valid IRI with anchor tag", "iri",
        "http://\xc6\x92\xc3\xb8\xc3\xb8.\xc3\x9f\xc3\xa5r/?\xe2\x88\x82\xc3\xa9\xc5\x93=\xcf\x80\xc3\xaex#\xcf\x80\xc3\xae\xc3\xbcx"sv,
        true);
    suiteRow("iri: a valid IRI with anchor tag and parentheses", "iri",
             "http://\xc6\x92\xc3\xb8\xc3\xb8.com/blah_(w\xc3\xaek\xc3\xafp\xc3\xa9"
             "di\xc3\xa5)_blah#\xc3\x9fit\xc3\xa9-1"sv,
             true);
    suiteRow("iri: a valid IRI with URL-encoded stuff", "iri",
             "http://\xc6\x92\xc3\xb8\xc3\xb8.\xc3\x9f\xc3\xa5r/?q=Test%20URL-encoded%20stuff"sv, true);
    suiteRow("iri: a valid IRI with many special characters", "iri",
             "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com"sv, true);
    suiteRow("iri: a valid IRI based on IPv6", "iri", "http://[2001:0db8:85a3:0000:0000:8a2e:0370:7334]"sv,
             true);
    suiteRow("iri: an IPv6 address without enclosing brackets is invalid", "iri",
             "http://2001:0db8:85a3:0000:0000:8a2e:0370:7334"sv, false);
    suiteRow("iri: an invalid relative IRI Reference", "iri", "/abc"sv, false);
    suiteRow("iri: an invalid IRI", "iri", "\\\\WINDOWS\\fil\xc3\xab\xc3\x9f\xc3\xa5r\xc3\xa9"sv, false);
    suiteRow("iri: an invalid IRI though valid IRI reference", "iri", "\xc3\xa2\xcf\x80\xcf\x80"sv, false);
    suiteRow("iri: an IPv6 host whose embedded IPv4 has a leading zero is invalid", "iri",
             "http://[::ffff:192.168.0.01]"sv, false);
    suiteRow("iri: a valid IRI with a compressed IPv6 host", "iri", "http://[2001:db8::1]"sv, true);
    suiteRow("iri: a trailing newline after a valid IRI is invalid", "iri",
             "http://\xc6\x92\xc3\xb8\xc3\xb8.\xc3\x9f\xc3\xa5r/\n"sv, false);
    suiteRow("iri: an IPvFuture host with an uppercase version letter is valid", "iri", "http://[V1.fe]"sv,
             true);
    suiteRow("iri: a valid IRI with an IPv4 host", "iri", "http://192.168.0.1/p"sv, true);
    suiteRow("iri: a valid IRI with no authority and a rootless path", "iri", "urn:example:resource"sv, true);
    suiteRow("iri: a valid IRI with no authority and an absolute path", "iri", "file:/etc/hosts"sv, true);
    suiteRow("iri: a valid IRI with a supplementary-plane character in the path", "iri",
             "http://\xc6\x92\xc3\xb8\xc3\xb8.\xc3\x9f\xc3\xa5r/\xf0\x90\x8c\x80"sv, true);
    suiteRow("iri: a valid IRI with a supplementary-plane private-use char in query", "iri",
             "http://\xc6\x92\xc3\xb8\xc3\xb8.\xc3\x9f\xc3\xa5r/?q=\xf3\xb0\x80\x80"sv, true);
    suiteRow("json-pointer: a valid JSON-pointer", "json-pointer", "/foo/bar~0/baz~1/%a"sv, true);
    suiteRow("json-pointer: not a valid JSON-pointer (~ not escaped)", "json-pointer", "/foo/bar~"sv, false);
    suiteRow("json-pointer: valid JSON-pointer with empty segment", "json-pointer", "/foo//bar"sv, true);
    suiteRow("json-pointer: valid JSON-pointer with the last empty segment", "json-pointer", "/foo/bar/"sv,
             true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #1", "json-pointer", ""sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #2", "json-pointer", "/foo"sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #3", "json-pointer", "/foo/0"sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #4", "json-pointer", "/"sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #5", "json-pointer", "/a~1b"sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #6", "json-pointer", "/c%d"sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #7", "json-pointer", "/e^f"sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #8", "json-pointer", "/g|h"sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #9", "json-pointer", "/i\\j"sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #10", "json-pointer", "/k\"l"sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #11", "json-pointer", "/ "sv, true);
    suiteRow("json-pointer: valid JSON-pointer as stated in RFC 6901 #12", "json-pointer", "/m~0n"sv, true);
    suiteRow("json-pointer: valid JSON-pointer used adding to the last array position", "json-pointer",
             "/foo/-"sv, true);
    suiteRow("json-pointer: valid JSON-pointer (- used as object member name)", "json-pointer",
             "/foo/-/bar"sv, true);
    suiteRow("json-pointer: valid JSON-pointer (multiple escaped characters)", "json-pointer",
             "/~1~0~0~1~1"sv, true);
    suiteRow("json-pointer: valid JSON-pointer (escaped with fraction part) #1", "json-pointer", "/~1.1"sv,
             true);
    suiteRow("json-pointer: valid JSON-pointer (escaped with fraction part) #2", "json-pointer", "/~0.1"sv,
             true);
    suiteRow("json-pointer: not a valid JSON-pointer (URI Fragment Identifier) #1", "json-pointer", "#"sv,
             false);
    suiteRow("json-pointer: not a valid JSON-pointer (URI Fragment Identifier) #2", "json-pointer", "#/"sv,
             false);
    suiteRow("json-pointer: not a valid JSON-pointer (URI Fragment Identifier) #3", "json-pointer", "#a"sv,
             false);
    suiteRow("json-pointer: not a valid JSON-pointer (some escaped, but not all) #1", "json-pointer",
             "/~0~"sv, false);
    suiteRow("json-pointer: not a valid JSON-pointer (some escaped, but not all) #2", "json-pointer",
             "/~0/~"sv, false);
    suiteRow("json-pointer: not a valid JSON-pointer (wrong escape character) #1", "json-pointer", "/~2"sv,
             false);
    suiteRow("json-pointer: not a valid JSON-pointer (wrong escape character) #2", "json-pointer", "/~-1"sv,
             false);
    suiteRow("json-pointer: not a valid JSON-pointer (multiple characters not escaped)", "json-pointer",
             "/~~"sv, false);
    suiteRow("json-pointer: not a valid JSON-pointer (isn't empty nor starts with /) #1", "json-pointer",
             "a"sv, false);
    suiteRow("json-pointer: not a valid JSON-pointer (isn't empty nor starts with /) #2", "json-pointer",
             "0"sv, false);
    suiteRow("json-pointer: not a valid JSON-pointer (isn't empty nor starts with /) #3", "json-pointer",
             "a/a"sv, false);
    suiteRow("json-pointer: valid JSON-pointer (Unicode characters allowed by RFC 6901)", "json-pointer",
             "/foo/bar/\xf0\x9f\x98\x8e"sv, true);
    suiteRow("json-pointer: valid JSON-pointer (control characters allowed after JSON unescaping)",
             "json-pointer",
             "/foo\x00"
             "bar\n\tbaz"sv,
             true);
    suiteRow("regex: a valid regular expression", "regex", "([abc])+\\s+$"sv, true);
    suiteRow("regex: a regular expression with unclosed parens is invalid", "regex", "^(abc]"sv, false);
    suiteRow("relative-json-pointer: a valid upwards RJP", "relative-json-pointer", "1"sv, true);
    suiteRow("relative-json-pointer: a valid downwards RJP", "relative-json-pointer", "0/foo/bar"sv, true);
    suiteRow("relative-json-pointer: a valid up and then down RJP, with array index", "relative-json-pointer",
             "2/0/baz/1/zip"sv, true);
    suiteRow("relative-json-pointer: a valid RJP taking the member or index name", "relative-json-pointer",
             "0#"sv, true);
    suiteRow("relative-json-pointer: an invalid RJP that is a valid JSON Pointer", "relative-json-pointer",
             "/foo/bar"sv, false);
    suiteRow("relative-json-pointer: negative prefix", "relative-json-pointer", "-1/foo/bar"sv, false);
    suiteRow("relative-json-pointer: explicit positive prefix", "relative-json-pointer", "+1/foo/bar"sv,
             false);
    suiteRow("relative-json-pointer: non-ASCII digit in the prefix is not allowed", "relative-json-pointer",
             "\xd9\xa1/foo"sv, false);
    suiteRow("relative-json-pointer: ## is not a valid json-pointer", "relative-json-pointer", "0##"sv,
             false);
    suiteRow("relative-json-pointer: zero cannot be followed by other digits, plus json-pointer",
             "relative-json-pointer", "01/a"sv, false);
    suiteRow("relative-json-pointer: zero cannot be followed by other digits, plus octothorpe",
             "relative-json-pointer", "01#"sv, false);
    suiteRow("relative-json-pointer: empty string", "relative-json-pointer", ""sv, false);
    suiteRow("relative-json-pointer: multi-digit integer prefix", "relative-json-pointer", "120/foo/bar"sv,
             true);
    suiteRow("relative-json-pointer: multi-digit prefix with a zero followed by another digit",
             "relative-json-pointer", "100"sv, true);
    suiteRow("relative-json-pointer: tilde not followed by 0 or 1 in the json-pointer part",
             "relative-json-pointer", "0/~2"sv, false);
    suiteRow("relative-json-pointer: unescaped tilde at the end of the json-pointer part",
             "relative-json-pointer", "0/foo/bar~"sv, false);
    suiteRow("relative-json-pointer: octothorpe followed by a json-pointer", "relative-json-pointer",
             "1#/foo/bar"sv, false);
    suiteRow("relative-json-pointer: empty reference tokens in the json-pointer part",
             "relative-json-pointer", "0//"sv, true);
    suiteRow("relative-json-pointer: trailing newline after the non-negative integer",
             "relative-json-pointer", "1\n"sv, false);
    suiteRow("time: a valid time string", "time", "08:30:06Z"sv, true);
    suiteRow("time: invalid time string with extra leading zeros", "time", "008:030:006Z"sv, false);
    suiteRow("time: invalid time string with no leading zero for single digit", "time", "8:3:6Z"sv, false);
    suiteRow("time: hour, minute, second must be two digits", "time", "8:0030:6Z"sv, false);
    suiteRow("time: a valid time string with leap second, Zulu", "time", "23:59:60Z"sv, true);
    suiteRow("time: invalid leap second, Zulu (wrong hour)", "time", "22:59:60Z"sv, false);
    suiteRow("time: invalid leap second, Zulu (wrong minute)", "time", "23:58:60Z"sv, false);
    suiteRow("time: valid leap second, zero time-offset", "time", "23:59:60+00:00"sv, true);
    suiteRow("time: invalid leap second, zero time-offset (wrong hour)", "time", "22:59:60+00:00"sv, false);
    suiteRow("time: invalid leap second, zero time-offset (wrong minute)", "time", "23:58:60+00:00"sv, false);
    suiteRow("time: valid leap second, positive time-offset", "time", "01:29:60+01:30"sv, true);
    suiteRow("time: valid leap second, large positive time-offset", "time", "23:29:60+23:30"sv, true);
    suiteRow("time: invalid leap second, positive time-offset (wrong hour)", "time", "23:59:60+01:00"sv,
             false);
    suiteRow("time: invalid leap second, positive time-offset (wrong minute)", "time", "23:59:60+00:30"sv,
             false);
    suiteRow("time: valid leap second, negative time-offset", "time", "15:59:60-08:00"sv, true);
    suiteRow("time: valid leap second, large negative time-offset", "time", "00:29:60-23:30"sv, true);
    suiteRow("time: invalid leap second, negative time-offset (wrong hour)", "time", "23:59:60-01:00"sv,
             false);
    suiteRow("time: invalid leap second, negative time-offset (wrong minute)", "time", "23:59:60-00:30"sv,
             false);
    suiteRow("time: a valid time string with second fraction", "time", "23:20:50.52Z"sv, true);
    suiteRow("time: a valid time string with precise second fraction", "time", "08:30:06.283185Z"sv, true);
    suiteRow("time: a valid time string with plus offset", "time", "08:30:06+00:20"sv, true);
    suiteRow("time: a valid time string with minus offset", "time", "08:30:06-08:00"sv, true);
    suiteRow("time: time with unknown local offset is valid", "time", "12:34:56-00:00"sv, true);
    suiteRow("time: hour, minute in time-offset must be two digits", "time", "08:30:06-8:000"sv, false);
    suiteRow("time: a valid time string with case-insensitive Z", "time", "08:30:06z"sv, true);
    suiteRow("time: an invalid time string with invalid hour", "time", "24:00:00Z"sv, false);
    suiteRow("time: an invalid time string with invalid minute", "time", "00:60:00Z"sv, false);
    suiteRow("time: an invalid time string with invalid second", "time", "00:00:61Z"sv, false);
    suiteRow("time: an invalid time string with invalid leap second (wrong hour)", "time", "22:59:60Z"sv,
             false);
    suiteRow("time: an invalid time string with invalid leap second (wrong minute)", "time", "23:58:60Z"sv,
             false);
    suiteRow("time: an invalid time string with invalid time numoffset hour", "time", "01:02:03+24:00"sv,
             false);
    suiteRow("time: an invalid time string with invalid time numoffset minute", "time", "01:02:03+00:60"sv,
             false);
    suiteRow("time: an invalid time string with invalid time with both Z and numoffset", "time",
             "01:02:03Z+00:30"sv, false);
    suiteRow("time: an invalid offset indicator", "time", "08:30:06 PST"sv, false);
    suiteRow("time: only RFC3339 not all of ISO 8601 are valid", "time", "01:01:01,1111"sv, false);
    suiteRow("time: no time offset", "time", "12:00:00"sv, false);
    suiteRow("time: no time offset with second fraction", "time", "12:00:00.52"sv, false);
    suiteRow("time: invalid non-ASCII '\xe0\xa7\xa8' (a Bengali 2)", "time", "1\xe0\xa7\xa8:00:00Z"sv, false);
    suiteRow("time: offset not starting with plus or minus", "time", "08:30:06#00:20"sv, false);
    suiteRow("time: contains letters", "time", "ab:cd:ef"sv, false);
    suiteRow("time: an invalid time string in date-time format", "time", "2020-11-28T23:55:45Z"sv, false);
    suiteRow("uri-reference: a valid URI", "uri-reference", "http://foo.bar/?baz=qux#quux"sv, true);
    suiteRow("uri-reference: a valid protocol-relative URI Reference", "uri-reference",
             "//foo.bar/?baz=qux#quux"sv, true);
    suiteRow("uri-reference: a valid relative URI Reference", "uri-reference", "/abc"sv, true);
    suiteRow("uri-reference: an invalid URI Reference", "uri-reference", "\\\\WINDOWS\\fileshare"sv, false);
    suiteRow("uri-reference: a valid URI Reference", "uri-reference", "abc"sv, true);
    suiteRow("uri-reference: a valid URI fragment", "uri-reference", "#fragment"sv, true);
    suiteRow("uri-reference: an invalid URI fragment", "uri-reference", "#frag\\ment"sv, false);
    suiteRow("uri-reference: unescaped non US-ASCII characters", "uri-reference", "/foobar\xc2\xae.txt"sv,
             false);
    suiteRow("uri-reference: invalid backslash character", "uri-reference",
             "https://example.org/foobar\\.txt"sv, false);
    suiteRow("uri-reference: URI with leading-zero IPv4 is structurally valid as a reg-name", "uri-reference",
             "http://087.10.0.1/"sv, true);
    suiteRow("uri-reference: URI with out-of-bounds IPv4 is structurally valid as a reg-name",
             "uri-reference", "http://999.999.999.999/"sv, true);
    suiteRow("uri-reference: an empty URI reference", "uri-reference", ""sv, true);
    suiteRow("uri-reference: a query-only reference", "uri-reference", "?query=1"sv, true);
    suiteRow("uri-reference: a network-path reference with an empty authority", "uri-reference", "//"sv,
             true);
    suiteRow("uri-reference: an incomplete percent-encoding", "uri-reference", "/%zz"sv, false);
    suiteRow("uri-reference: a double quote in a path", "uri-reference", "/a\"b"sv, false);
    suiteRow("uri-reference: square brackets outside an authority", "uri-reference", "/[::1]"sv, false);
    suiteRow("uri-reference: a non-numeric port in a network-path reference", "uri-reference",
             "//example.com:abc/p"sv, false);
    suiteRow("uri-reference: more than one at-sign in the authority", "uri-reference", "//a@b@example.com/"sv,
             false);
    suiteRow("uri-reference: a leading zero in the IPv4 part of an IPv6 literal", "uri-reference",
             "//[::ffff:192.168.0.01]/p"sv, false);
    suiteRow("uri-reference: a colon in the first segment of a relative-path reference", "uri-reference",
             "1:b"sv, false);
    suiteRow("uri-reference: a colon in the first segment preceded by a dot-segment", "uri-reference",
             "./this:that"sv, true);
    suiteRow("uri-template: a valid uri-template", "uri-template",
             "http://example.com/dictionary/{term:1}/{term}"sv, true);
    suiteRow("uri-template: an invalid uri-template", "uri-template",
             "http://example.com/dictionary/{term:1}/{term"sv, false);
    suiteRow("uri-template: a valid uri-template without variables", "uri-template",
             "http://example.com/dictionary"sv, true);
    suiteRow("uri-template: a valid relative uri-template", "uri-template", "dictionary/{term:1}/{term}"sv,
             true);
    suiteRow("uri-template: an empty expression is invalid", "uri-template", "{}"sv, false);
    suiteRow("uri-template: an empty varspec inside the variable list is invalid", "uri-template", "{a,,b}"sv,
             false);
    suiteRow("uri-template: a zero prefix max-length is invalid", "uri-template", "{v:0}"sv, false);
    suiteRow("uri-template: a five-digit prefix max-length is invalid", "uri-template", "{v:10000}"sv, false);
    suiteRow("uri-template: an empty string is a valid uri-template", "uri-template", ""sv, true);
    suiteRow("uri-template: an unmatched closing brace is invalid", "uri-template", "foo}bar"sv, false);
    suiteRow("uri-template: a percent-encoded triplet in a literal is valid", "uri-template", "a%41b"sv,
             true);
    suiteRow("uri-template: a supplementary plane character in a literal is valid", "uri-template",
             "a\xf0\x9f\x98\x80"
             "b"sv,
             true);
    suiteRow("uri-template: reserved expansion operator", "uri-template", "{+var}"sv, true);
    suiteRow("uri-template: fragment expansion operator", "uri-template", "{#var}"sv, true);
    suiteRow("uri-template: label expansion operator", "uri-template", "{.var}"sv, true);
    suiteRow("uri-template: path segment expansion operator", "uri-template", "{/var}"sv, true);
    suiteRow("uri-template: path style parameter expansion operator", "uri-template", "{;var}"sv, true);
    suiteRow("uri-template: form style query expansion operator", "uri-template", "{?var}"sv, true);
    suiteRow("uri-template: form style query continuation operator", "uri-template", "{&var}"sv, true);
    suiteRow("uri-template: the explode modifier is valid", "uri-template", "{var*}"sv, true);
    suiteRow("uri-template: a variable list with more than one varspec is valid", "uri-template", "{x,y}"sv,
             true);
    suiteRow("uri-template: a dotted variable name is valid", "uri-template", "{a.b}"sv, true);
    suiteRow("uri-template: a double dot in a variable name is invalid", "uri-template", "{a..b}"sv, false);
    suiteRow("uri-template: a variable name may start with a percent-encoded triplet", "uri-template",
             "{%41}"sv, true);
    suiteRow("uri-template: a four-digit prefix max-length is valid", "uri-template", "{v:1000}"sv, true);
    suiteRow("uri-template: a leading zero in the prefix max-length is invalid", "uri-template", "{v:01}"sv,
             false);
    suiteRow("uri-template: a space in a literal is invalid", "uri-template", "a b"sv, false);
    suiteRow("uri-template: a delete character in a literal is invalid", "uri-template",
             "a\x7f"
             "b"sv,
             false);
    suiteRow("uri-template: a trailing comma in the variable list is invalid", "uri-template", "{a,}"sv,
             false);
    suiteRow("uri-template: a default value in a varspec is invalid", "uri-template", "{var=def}"sv, false);
    suiteRow("uri-template: an operator in place of the first varspec is invalid", "uri-template",
             "{,+var}"sv, false);
    suiteRow("uri-template: an apostrophe in a literal is valid", "uri-template", "a'b"sv, true);
    suiteRow("uri: a valid URL with anchor tag", "uri", "http://foo.bar/?baz=qux#quux"sv, true);
    suiteRow("uri: a valid URL with anchor tag and parentheses", "uri",
             "http://foo.com/blah_(wikipedia)_blah#cite-1"sv, true);
    suiteRow("uri: a valid URL with URL-encoded stuff", "uri",
             "http://foo.bar/?q=Test%20URL-encoded%20stuff"sv, true);
    suiteRow("uri: a valid puny-coded URL ", "uri", "http://xn--nw2a.xn--j6w193g/"sv, true);
    suiteRow("uri: a valid URL with many special characters", "uri",
             "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com"sv, true);
    suiteRow("uri: a valid URL based on IPv4", "uri", "http://223.255.255.254"sv, true);
    suiteRow("uri: a valid URL with ftp scheme", "uri", "ftp://ftp.is.co.za/rfc/rfc1808.txt"sv, true);
    suiteRow("uri: a valid URL for a simple text file", "uri", "http://www.ietf.org/rfc/rfc2396.txt"sv, true);
    suiteRow("uri: a valid URL", "uri", "ldap://[2001:db8::7]/c=GB?objectClass?one"sv, true);
    suiteRow("uri: a valid mailto URI", "uri", "mailto:John.Doe@example.com"sv, true);
    suiteRow("uri: a valid newsgroup URI", "uri", "news:comp.infosystems.www.servers.unix"sv, true);
    suiteRow("uri: a valid tel URI", "uri", "tel:+1-816-555-1212"sv, true);
    suiteRow("uri: a valid URN", "uri", "urn:oasis:names:specification:docbook:dtd:xml:4.1.2"sv, true);
    suiteRow("uri: an invalid protocol-relative URI Reference", "uri", "//foo.bar/?baz=qux#quux"sv, false);
    suiteRow("uri: an invalid relative URI Reference", "uri", "/abc"sv, false);
    suiteRow("uri: an invalid URI", "uri", "\\\\WINDOWS\\fileshare"sv, false);
    suiteRow("uri: an invalid URI though valid URI reference", "uri", "abc"sv, false);
    suiteRow("uri: an invalid URI with spaces", "uri", "http:// shouldfail.com"sv, false);
    suiteRow("uri: an invalid URI with spaces and missing scheme", "uri", ":// should fail"sv, false);
    suiteRow("uri: an invalid URI with comma in scheme", "uri", "bar,baz:foo"sv, false);
    suiteRow("uri: invalid userinfo", "uri", "https://[@example.org/test.txt"sv, false);
    suiteRow("uri: unescaped non US-ASCII characters", "uri", "https://example.org/foobar\xc2\xae.txt"sv,
             false);
    suiteRow("uri: invalid backslash character", "uri", "https://example.org/foobar\\.txt"sv, false);
    suiteRow("uri: invalid \" character", "uri", "https://example.org/foobar\".txt"sv, false);
    suiteRow("uri: invalid <> characters", "uri", "https://example.org/foobar<>.txt"sv, false);
    suiteRow("uri: invalid {} characters", "uri", "https://example.org/foobar{}.txt"sv, false);
    suiteRow("uri: invalid ^ character", "uri", "https://example.org/foobar^.txt"sv, false);
    suiteRow("uri: invalid ` character", "uri", "https://example.org/foobar`.txt"sv, false);
    suiteRow("uri: invalid SPACE character", "uri", "https://example.org/foo bar.txt"sv, false);
    suiteRow("uri: invalid | character", "uri", "https://example.org/foobar|.txt"sv, false);
    suiteRow("uri: URI with leading-zero IPv4 is structurally valid as a reg-name", "uri",
             "http://087.10.0.1/"sv, true);
    suiteRow("uri: URI with out-of-bounds IPv4 is structurally valid as a reg-name", "uri",
             "http://999.999.999.999/"sv, true);
    suiteRow("uri: invalid percent-encoding with non-hex digits", "uri", "http://example.com/%6G"sv, false);
    suiteRow("uri: incomplete percent-encoding triplet", "uri", "http://example.com/%A"sv, false);
    suiteRow("uri: lone percent sign is invalid", "uri", "http://example.com/%"sv, false);
    suiteRow("uri: scheme must start with a letter", "uri", "1http://example.com"sv, false);
    suiteRow("uri: invalid character in scheme", "uri", "ht_tp://example.com"sv, false);
    suiteRow("uri: non-numeric port is invalid", "uri", "http://example.com:abc/path"sv, false);
    suiteRow("uri: leading zero in an embedded IPv4 address is invalid", "uri", "http://[::ffff:01.2.3.4]"sv,
             false);
    suiteRow("uri: square brackets are not allowed in a path segment", "uri", "http:/[::1]"sv, false);
    suiteRow("uuid: all upper-case", "uuid", "2EB8AA08-AA98-11EA-B4AA-73B441D16380"sv, true);
    suiteRow("uuid: all lower-case", "uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380"sv, true);
    suiteRow("uuid: mixed case", "uuid", "2eb8aa08-AA98-11ea-B4Aa-73B441D16380"sv, true);
    suiteRow("uuid: all zeroes is valid", "uuid", "00000000-0000-0000-0000-000000000000"sv, true);
    suiteRow("uuid: wrong length", "uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d1638"sv, false);
    suiteRow("uuid: missing section", "uuid", "2eb8aa08-aa98-11ea-73b441d16380"sv, false);
    suiteRow("uuid: bad characters (not hex)", "uuid", "2eb8aa08-aa98-11ea-b4ga-73b441d16380"sv, false);
    suiteRow("uuid: no dashes", "uuid", "2eb8aa08aa9811eab4aa73b441d16380"sv, false);
    suiteRow("uuid: too few dashes", "uuid", "2eb8aa08aa98-11ea-b4aa73b441d16380"sv, false);
    suiteRow("uuid: too many dashes", "uuid", "2eb8-aa08-aa98-11ea-b4aa73b44-1d16380"sv, false);
    suiteRow("uuid: dashes in the wrong spot", "uuid", "2eb8aa08aa9811eab4aa73b441d16380----"sv, false);
    suiteRow("uuid: shifted dashes", "uuid", "2eb8aa0-8aa98-11e-ab4aa7-3b441d16380"sv, false);
    suiteRow("uuid: valid version 4", "uuid", "98d80576-482e-427f-8434-7f86890ab222"sv, true);
    suiteRow("uuid: valid version 5", "uuid", "99c17cbb-656f-564a-940f-1a4568f03487"sv, true);
    suiteRow("uuid: hypothetical version 6", "uuid", "99c17cbb-656f-664a-940f-1a4568f03487"sv, true);
    suiteRow("uuid: hypothetical version 15", "uuid", "99c17cbb-656f-f64a-940f-1a4568f03487"sv, true);
    suiteRow("uuid: URN prefixed UUID is invalid", "uuid", "urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380"sv,
             false);
    suiteRow("uuid: trailing hyphen after a complete UUID is invalid", "uuid",
             "2eb8aa08-aa98-11ea-b4aa-73b441d16380-"sv, false);
    suiteRow("uuid: non-ASCII digit '\xe0\xa7\xa8' (a Bengali 2) is invalid", "uuid",
             "\xe0\xa7\xa8"
             "eb8aa08-aa98-11ea-b4aa-73b441d16380"sv,
             false);
    suiteRow("uuid: an underscore in place of a hex digit is invalid", "uuid",
             "2eb8aa08-aa98-11ea-b4aa-73b441d1_380"sv, false);
    suiteRow("uuid: a trailing newline after a complete UUID is invalid", "uuid",
             "2eb8aa08-aa98-11ea-b4aa-73b441d16380\n"sv, false);
    suiteRow("uuid: a variant nibble not defined by RFC 4122 is valid", "uuid",
             "2eb8aa08-aa98-11ea-f4aa-73b441d16380"sv, true);
}

void FormatCheckTest::agreesWithTheJsonSchemaTestSuite()
{
    QFETCH(QByteArray, format);
    QFETCH(QByteArray, value);
    QFETCH(bool, valid);

    const auto violation =
        formatViolation(format.toStdString(), jsonString(value), FormatDraft::Draft2020_12);
    QVERIFY2(violation.has_value() != valid,
             qPrintable(violation.value_or(QStringLiteral("no violation found"))));
}

void FormatCheckTest::ignoresValuesThatAreNotStrings_data()
{
    QTest::addColumn<QByteArray>("format");

    for (const char *format : {"date-time", "date", "time", "duration", "email", "idn-email", "hostname",
                               "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference",
                               "uri-template", "uuid", "json-pointer", "relative-json-pointer", "regex"})
        QTest::newRow(format) << QByteArray(format);
}

void FormatCheckTest::ignoresValuesThatAreNotStrings()
{
    QFETCH(QByteArray, format);

    for (const nlohmann::json &value :
         {nlohmann::json(12), nlohmann::json(13.7), nlohmann::json::object(), nlohmann::json::array(),
          nlohmann::json(false), nlohmann::json(nullptr)}) {
        QVERIFY2(!formatViolation(format.toStdString(), value, FormatDraft::Draft2020_12),
                 value.dump().c_str());
    }
    QVERIFY(formatViolation(format.toStdString(), nlohmann::json("\\ not a [valid value"),
                            FormatDraft::Draft2020_12));
}

void FormatCheckTest::checksOnlyTheFormatsItsDraftDefines_data()
{
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<FormatDraft>("draft");
    QTest::addColumn<bool>("checked");

    const auto rows = [](const char *format, FormatDraft since) {
        for (const auto &[name, draft] :
             {std::pair{"4", FormatDraft::Draft4}, std::pair{"6", FormatDraft::Draft6},
              std::pair{"7", FormatDraft::Draft7}, std::pair{"2019-09", FormatDraft::Draft2019_09},
              std::pair{"2020-12", FormatDraft::Draft2020_12}}) {
            QTest::addRow("%s in draft %s", format, name) << QByteArray(format) << draft << (draft >= since);
        }
    };
    for (const char *format : {"date-time", "email", "hostname", "ipv4", "ipv6", "uri"})
        rows(format, FormatDraft::Draft4);
    for (const char *format : {"uri-reference", "uri-template", "json-pointer"})
        rows(format, FormatDraft::Draft6);
    for (const char *format : {"date", "time", "iri", "iri-reference", "idn-email", "idn-hostname",
                               "relative-json-pointer", "regex"})
        rows(format, FormatDraft::Draft7);
    for (const char *format : {"duration", "uuid"})
        rows(format, FormatDraft::Draft2019_09);
    rows("unknown", FormatDraft(99));
}

void FormatCheckTest::checksOnlyTheFormatsItsDraftDefines()
{
    QFETCH(QByteArray, format);
    QFETCH(FormatDraft, draft);
    QFETCH(bool, checked);

    // Invalid for every format: a bare '[' and a backslash break each grammar.
    const auto violation =
        formatViolation(format.toStdString(), nlohmann::json("\\ not a [valid value"), draft);
    QCOMPARE(violation.has_value(), checked);
}

void FormatCheckTest::explainsEachViolation_data()
{
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("reason");

    const auto row = [](const char *format, const char *value, const char *reason) {
        QTest::addRow("%s %s", format, value)
            << QByteArray(format) << QByteArray(value) << QString::fromUtf8(reason);
    };
    row("date", "2020-13-01", "not a valid date: month 13");
    row("date", "2021-02-29", "not a valid date: day 29 in 2021-02, which has 28 days");
    row("date", "2021-2-28", "not a valid date: expected YYYY-MM-DD");
    row("time", "23:59:60+01:00", "not a valid time: a leap second must fall at 23:59:60 UTC");
    row("time", "12:00:00", "not a valid time: no time zone offset (Z or +hh:mm)");
    row("date-time", "1990-12-31T15:59:59-24:00", "not a valid date-time: offset -24:00 out of range");
    row("date-time", "1990-12-31 15:59:59Z", "not a valid date-time: expected a date, 'T' and a time");
    row("duration", "P1Y2D",
        "not a valid duration: units out of order or with one missing between them at 'D'");
    row("duration", "P1Y2W", "not a valid duration: weeks cannot be combined with other units");
    row("email", "te..st@example.com",
        "not a valid e-mail address: the local part has an empty dot-separated part");
    row("email", "joe@[127.0.0.300]", "not a valid e-mail address: IPv4 address literal: 300 is above 255");
    row("hostname", "-hostname", "not a valid host name: label \"-hostname\" starts or ends with '-'");
    row("hostname", "xn--X", "not a valid host name: label \"xn--X\" is not valid Punycode");
    row("hostname", "host_name", "not a valid host name: '_' is not allowed in a host name");
    row("idn-hostname", "a\xc2\xb7l",
        "not a valid internationalized host name: U+00B7 is not allowed in this context (RFC 5892 appendix "
        "A)");
    row("idn-hostname", "a\xd7\x90",
        "not a valid internationalized host name: label \"a\xd7\x90\" mixes "
        "left-to-right and right-to-left characters");
    row("ipv4", "087.10.0.1", "not a valid IPv4 address: leading zero in \"087\"");
    row("ipv4", "127.0.1", "not a valid IPv4 address: 3 parts instead of 4");
    row("ipv6", "1::d6::42", "not a valid IPv6 address: more than one \"::\"");
    row("ipv6", "fe80::a%eth1", "not a valid IPv6 address: \"a%eth1\" is not a group of 1 to 4 hex digits");
    row("uri", "abc", "not a valid URI: no scheme (such as https:) at the start");
    row("uri", "https://example.org/foobar<>.txt", "not a valid URI: '<' is not allowed in the path");
    row("uri", "http://example.com:abc/path", "not a valid URI: port \"abc\" is not a number");
    row("uri-reference", "1:b",
        "not a valid URI reference: the first segment of a relative path cannot contain ':'");
    row("uri-template", "{v:0}", "not a valid URI template: prefix length \"0\" is not 1 to 9999");
    row("uuid", "2eb8aa08-aa98-11ea-b4ga-73b441d16380", "not a valid UUID: 'g' at 21 is not a hex digit");
    row("json-pointer", "/~2", "not a valid JSON pointer: '~' not followed by 0 or 1 at 1");
    row("relative-json-pointer", "01/a", "not a valid relative JSON pointer: leading zero in \"01\"");
    row("regex", "a\\", "not a valid regular expression: \\ at end of pattern (byte 1)");
}

void FormatCheckTest::explainsEachViolation()
{
    QFETCH(QByteArray, format);
    QFETCH(QByteArray, value);
    QFETCH(QString, reason);

    QCOMPARE(formatViolation(format.toStdString(), jsonString(value), FormatDraft::Draft2020_12), reason);
}

void FormatCheckTest::takesRelativePointerIndexStepsFrom2020_12On()
{
    const nlohmann::json stepped("0+1/foo");
    QVERIFY(!formatViolation("relative-json-pointer", stepped, FormatDraft::Draft2020_12));
    QVERIFY(formatViolation("relative-json-pointer", stepped, FormatDraft::Draft2019_09));
    QVERIFY(formatViolation("relative-json-pointer", nlohmann::json("0-01/foo"), FormatDraft::Draft2020_12));
    QVERIFY(formatViolation("relative-json-pointer", nlohmann::json("0+1#"), FormatDraft::Draft2020_12));
}

QTEST_GUILESS_MAIN(FormatCheckTest)
#include "tst_formatcheck.moc"
