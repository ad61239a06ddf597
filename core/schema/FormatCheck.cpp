// SPDX-License-Identifier: GPL-3.0-or-later
#include "FormatCheck.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <QByteArrayView>
#include <QChar>

#include <nlohmann/json.hpp>

#include "EcmaRegex.h"
#include "base/Utf8.h"

namespace Lathe::Schema
{

namespace
{

using Reason = std::optional<QString>;

bool isDigit(char32_t c)
{
    return c >= U'0' && c <= U'9';
}

bool isAlpha(char32_t c)
{
    return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}

bool isAlnum(char32_t c)
{
    return isDigit(c) || isAlpha(c);
}

bool isHexDigit(char32_t c)
{
    return isDigit(c) || (c >= U'a' && c <= U'f') || (c >= U'A' && c <= U'F');
}

bool isAscii(std::u32string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; });
}

char32_t toLowerAscii(char32_t c)
{
    return c >= U'A' && c <= U'Z' ? c + (U'a' - U'A') : c;
}

std::u32string decode(std::string_view utf8)
{
    return decodeUtf8(QByteArrayView(utf8.data(), qsizetype(utf8.size()))).toStdU32String();
}

QString toQString(std::u32string_view text)
{
    return QString::fromUcs4(text.data(), qsizetype(text.size()));
}

QString quoted(std::u32string_view text)
{
    return QLatin1Char('"') + toQString(text) + QLatin1Char('"');
}

QString codePointName(char32_t c)
{
    return QStringLiteral("U+%1").arg(
        QString::number(uint(c), 16).toUpper().rightJustified(4, QLatin1Char('0')));
}

/** A character as a reason shows it: 'x', or U+0009 when it would not show. */
QString shown(char32_t c)
{
    if (c <= 0x20 || c == 0x7F || !QChar::isPrint(c))
        return codePointName(c);
    return QLatin1Char('\'') + QString::fromUcs4(&c, 1) + QLatin1Char('\'');
}

// ---- RFC 3339 dates and times ---------------------------------------------------------------

/** The value of `count` ASCII digits at `at`, or -1. */
int digitsValue(std::string_view text, size_t at, size_t count)
{
    if (at + count > text.size())
        return -1;
    int value = 0;
    for (size_t i = at; i < at + count; ++i) {
        if (!isDigit(char32_t(static_cast<unsigned char>(text[i]))))
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool isLeapYear(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month)
{
    static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kDays[size_t(month - 1)];
}

Reason dateReason(std::string_view text)
{
    const int year = digitsValue(text, 0, 4);
    const int month = digitsValue(text, 5, 2);
    const int day = digitsValue(text, 8, 2);
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || year < 0 || month < 0 || day < 0)
        return QStringLiteral("expected YYYY-MM-DD");
    if (month < 1 || month > 12)
        return QStringLiteral("month %1").arg(month);
    if (day < 1 || day > daysInMonth(year, month))
        return QStringLiteral("day %1 in %2-%3, which has %4 days")
            .arg(day)
            .arg(year, 4, 10, QLatin1Char('0'))
            .arg(month, 2, 10, QLatin1Char('0'))
            .arg(daysInMonth(year, month));
    return std::nullopt;
}

Reason timeReason(std::string_view text)
{
    const int hour = digitsValue(text, 0, 2);
    const int minute = digitsValue(text, 3, 2);
    const int second = digitsValue(text, 6, 2);
    if (hour < 0 || minute < 0 || second < 0 || text[2] != ':' || text[5] != ':')
        return QStringLiteral("expected hh:mm:ss followed by Z or an offset");
    size_t i = 8;
    if (i < text.size() && text[i] == '.') {
        const size_t fractionStart = ++i;
        while (i < text.size() && isDigit(char32_t(static_cast<unsigned char>(text[i]))))
            ++i;
        if (i == fractionStart)
            return QStringLiteral("a '.' needs digits after it");
    }
    if (i == text.size())
        return QStringLiteral("no time zone offset (Z or +hh:mm)");
    int offsetMinutes = 0;
    if ((text[i] == 'Z' || text[i] == 'z') && i + 1 == text.size()) {
        offsetMinutes = 0;
    } else if ((text[i] == '+' || text[i] == '-') && text.size() - i == 6 && text[i + 3] == ':' &&
               digitsValue(text, i + 1, 2) >= 0 && digitsValue(text, i + 4, 2) >= 0) {
        const int offsetHour = digitsValue(text, i + 1, 2);
        const int offsetMinute = digitsValue(text, i + 4, 2);
        if (offsetHour > 23 || offsetMinute > 59)
            return QStringLiteral("offset %1 out of range")
                .arg(QString::fromLatin1(text.data() + i, qsizetype(text.size() - i)));
        offsetMinutes = (text[i] == '+' ? 1 : -1) * (offsetHour * 60 + offsetMinute);
    } else {
        return QStringLiteral("bad time zone offset \"%1\"")
            .arg(QString::fromUtf8(text.data() + i, qsizetype(text.size() - i)));
    }
    if (hour > 23)
        return QStringLiteral("hour %1").arg(hour);
    if (minute > 59)
        return QStringLiteral("minute %1").arg(minute);
    if (second > 60)
        return QStringLiteral("second %1").arg(second);
    if (second == 60) {
        const int utcMinutes = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440;
        if (utcMinutes != 23 * 60 + 59)
            return QStringLiteral("a leap second must fall at 23:59:60 UTC");
    }
    return std::nullopt;
}

Reason dateTimeReason(std::string_view text)
{
    if (text.size() < 11 || (text[10] != 'T' && text[10] != 't'))
        return QStringLiteral("expected a date, 'T' and a time");
    if (auto reason = dateReason(text.substr(0, 10)))
        return reason;
    return timeReason(text.substr(11));
}

// RFC 3339 appendix A: each part is a run of units in fixed order with no gap (P1Y2D is wrong,
// P1M2D is fine), the time part follows T, and weeks stand alone.
Reason durationReason(std::string_view text)
{
    if (text.empty() || text[0] != 'P')
        return QStringLiteral("must start with P");
    constexpr std::string_view kDateUnits = "YMD";
    constexpr std::string_view kTimeUnits = "HMS";
    size_t i = 1;
    bool inTime = false;
    bool any = false;
    size_t nextUnit = 0;      // index in the current part's units the next component may use
    bool partStarted = false; // whether the current part has a component yet
    while (i < text.size()) {
        if (text[i] == 'T') {
            if (inTime)
                return QStringLiteral("a second T");
            inTime = true;
            nextUnit = 0;
            partStarted = false;
            ++i;
            if (i == text.size())
                return QStringLiteral("T with no hours, minutes or seconds after it");
            continue;
        }
        const size_t numberStart = i;
        while (i < text.size() && isDigit(char32_t(static_cast<unsigned char>(text[i]))))
            ++i;
        if (i == numberStart)
            return QStringLiteral("expected a number at %1").arg(numberStart);
        if (i == text.size())
            return QStringLiteral("a number without a unit");
        const char unit = text[i++];
        if (unit == 'W') {
            if (any || inTime || i != text.size())
                return QStringLiteral("weeks cannot be combined with other units");
            return std::nullopt;
        }
        const std::string_view units = inTime ? kTimeUnits : kDateUnits;
        const size_t index = units.find(unit);
        if (index == std::string_view::npos)
            return QStringLiteral("'%1' is not a unit %2")
                .arg(QLatin1Char(unit))
                .arg(inTime ? QStringLiteral("after T") : QStringLiteral("before T"));
        if (index < nextUnit || (partStarted && index != nextUnit))
            return QStringLiteral("units out of order or with one missing between them at '%1'")
                .arg(QLatin1Char(unit));
        nextUnit = index + 1;
        partStarted = true;
        any = true;
    }
    if (!any)
        return QStringLiteral("no components");
    return std::nullopt;
}

// ---- IP addresses --------------------------------------------------------------------------

Reason ipv4Reason(std::string_view text)
{
    size_t parts = 0;
    size_t start = 0;
    for (;;) {
        const size_t dot = text.find('.', start);
        const std::string_view part = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
        ++parts;
        if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), [](char c) {
                return isDigit(char32_t(static_cast<unsigned char>(c)));
            }))
            return QStringLiteral("\"%1\" is not a number from 0 to 255")
                .arg(QString::fromUtf8(part.data(), qsizetype(part.size())));
        if (part.size() > 1 && part[0] == '0')
            return QStringLiteral("leading zero in \"%1\"")
                .arg(QString::fromLatin1(part.data(), qsizetype(part.size())));
        if (digitsValue(part, 0, part.size()) > 255)
            return QStringLiteral("%1 is above 255")
                .arg(QString::fromLatin1(part.data(), qsizetype(part.size())));
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    if (parts != 4)
        return QStringLiteral("%1 parts instead of 4").arg(parts);
    return std::nullopt;
}

/** Counts the 16-bit groups of one side of "::"; the last may be a dotted IPv4 address. */
Reason ipv6GroupsReason(std::string_view side, bool mayEndInIpv4, int &groups)
{
    groups = 0;
    if (side.empty())
        return std::nullopt;
    size_t start = 0;
    for (;;) {
        const size_t colon = side.find(':', start);
        const std::string_view group =
            side.substr(start, colon == std::string_view::npos ? colon : colon - start);
        if (colon == std::string_view::npos && mayEndInIpv4 && group.find('.') != std::string_view::npos) {
            if (auto reason = ipv4Reason(group))
                return QStringLiteral("embedded IPv4 address: ") + *reason;
            groups += 2;
            return std::nullopt;
        }
        if (group.empty() || group.size() > 4 || !std::all_of(group.begin(), group.end(), [](char c) {
                return isHexDigit(char32_t(static_cast<unsigned char>(c)));
            }))
            return QStringLiteral("\"%1\" is not a group of 1 to 4 hex digits")
                .arg(QString::fromUtf8(group.data(), qsizetype(group.size())));
        ++groups;
        if (colon == std::string_view::npos)
            return std::nullopt;
        start = colon + 1;
    }
}

Reason ipv6Reason(std::string_view text)
{
    const size_t gap = text.find("::");
    if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos)
        return QStringLiteral("more than one \"::\"");
    int headGroups = 0;
    int tailGroups = 0;
    if (gap == std::string_view::npos) {
        if (auto reason = ipv6GroupsReason(text, true, headGroups))
            return reason;
        if (headGroups != 8)
            return QStringLiteral("%1 groups instead of 8").arg(headGroups);
        return std::nullopt;
    }
    const std::string_view tail = text.substr(gap + 2);
    if (auto reason = ipv6GroupsReason(text.substr(0, gap), false, headGroups))
        return reason;
    if (auto reason = ipv6GroupsReason(tail, true, tailGroups))
        return reason;
    if (headGroups + tailGroups > 7)
        return QStringLiteral("too many groups for \"::\" to stand for any");
    return std::nullopt;
}

// ---- IDNA2008 (RFC 5890-5893) and host names ------------------------------------------------

// RFC 3492 parameters.
constexpr std::uint32_t kBase = 36;
constexpr std::uint32_t kTMin = 1;
constexpr std::uint32_t kTMax = 26;
constexpr std::uint32_t kSkew = 38;
constexpr std::uint32_t kDamp = 700;
constexpr std::uint32_t kInitialBias = 72;
constexpr std::uint32_t kInitialN = 128;
constexpr std::uint64_t kPunycodeLimit = 0x7FFFFFFF;

std::uint32_t adaptBias(std::uint32_t delta, std::uint32_t points, bool first)
{
    delta = first ? delta / kDamp : delta / 2;
    delta += delta / points;
    std::uint32_t k = 0;
    while (delta > ((kBase - kTMin) * kTMax) / 2) {
        delta /= kBase - kTMin;
        k += kBase;
    }
    return k + (kBase - kTMin + 1) * delta / (delta + kSkew);
}

std::uint32_t threshold(std::uint32_t k, std::uint32_t bias)
{
    return k <= bias ? kTMin : k >= bias + kTMax ? kTMax : k - bias;
}

std::optional<std::u32string> punycodeDecode(std::u32string_view input)
{
    std::u32string output;
    const size_t delimiter = input.rfind(U'-');
    if (delimiter != std::u32string_view::npos) {
        for (size_t j = 0; j < delimiter; ++j)
            output.push_back(input[j]);
    }
    size_t in = delimiter == std::u32string_view::npos ? 0 : delimiter + 1;
    std::uint64_t n = kInitialN;
    std::uint64_t i = 0;
    std::uint32_t bias = kInitialBias;
    while (in < input.size()) {
        const std::uint64_t oldI = i;
        std::uint64_t weight = 1;
        for (std::uint32_t k = kBase;; k += kBase) {
            if (in >= input.size())
                return std::nullopt;
            const char32_t c = toLowerAscii(input[in++]);
            const std::uint32_t digit = c >= U'a' && c <= U'z' ? c - U'a'
                                        : isDigit(c)           ? c - U'0' + 26
                                                               : kBase;
            if (digit >= kBase)
                return std::nullopt;
            i += digit * weight;
            if (i > kPunycodeLimit)
                return std::nullopt;
            const std::uint32_t t = threshold(k, bias);
            if (digit < t)
                break;
            weight *= kBase - t;
            if (weight > kPunycodeLimit)
                return std::nullopt;
        }
        const auto points = std::uint32_t(output.size() + 1);
        bias = adaptBias(std::uint32_t(i - oldI), points, oldI == 0);
        n += i / points;
        i %= points;
        if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF))
            return std::nullopt;
        output.insert(output.begin() + std::ptrdiff_t(i), char32_t(n));
        ++i;
    }
    return output;
}

std::string punycodeEncode(std::u32string_view input)
{
    std::string output;
    for (const char32_t c : input) {
        if (c < 0x80)
            output.push_back(char(c));
    }
    const size_t basic = output.size();
    size_t handled = basic;
    if (basic > 0)
        output.push_back('-');
    std::uint64_t n = kInitialN;
    std::uint64_t delta = 0;
    std::uint32_t bias = kInitialBias;
    const auto digitChar = [](std::uint32_t d) {
        return char(d < 26 ? 'a' + d : '0' + (d - 26));
    };
    while (handled < input.size()) {
        std::uint64_t next = 0x10FFFF + 1;
        for (const char32_t c : input) {
            if (c >= n && c < next)
                next = c;
        }
        delta += (next - n) * (handled + 1);
        n = next;
        for (const char32_t c : input) {
            if (c < n)
                ++delta;
            if (c != n)
                continue;
            std::uint64_t q = delta;
            for (std::uint32_t k = kBase;; k += kBase) {
                const std::uint32_t t = threshold(k, bias);
                if (q < t)
                    break;
                output.push_back(digitChar(std::uint32_t(t + (q - t) % (kBase - t))));
                q = (q - t) / (kBase - t);
            }
            output.push_back(digitChar(std::uint32_t(q)));
            bias = adaptBias(std::uint32_t(delta), std::uint32_t(handled + 1), handled == basic);
            delta = 0;
            ++handled;
        }
        ++delta;
        ++n;
    }
    return output;
}

enum class IdnaClass
{
    Valid,
    ContextJ,
    ContextO,
    Disallowed,
};

bool isIdnaIgnorable(char32_t c)
{
    // Default_Ignorable_Code_Point characters that are marks, so the category test would pass them.
    const bool ignorableMark = c == 0x034F || c == 0x17B4 || c == 0x17B5 || (c >= 0x180B && c <= 0x180D) ||
                               c == 0x180F || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
    const bool noncharacter = (c & 0xFFFE) == 0xFFFE || (c >= 0xFDD0 && c <= 0xFDEF);
    return ignorableMark || noncharacter || QChar::isSpace(c);
}

bool isIdnaIgnorableBlockOrOldJamo(char32_t c)
{
    return (c >= 0x20D0 && c <= 0x20FF) || (c >= 0x1D100 && c <= 0x1D24F) || (c >= 0x1100 && c <= 0x11FF) ||
           (c >= 0xA960 && c <= 0xA97F) || (c >= 0xD7B0 && c <= 0xD7FF);
}

/** RFC 5892's derived property value, from Qt's Unicode tables. */
IdnaClass idnaClass(char32_t c)
{
    switch (c) { // section 2.6, Exceptions
    case 0x00DF:
    case 0x03C2:
    case 0x06FD:
    case 0x06FE:
    case 0x0F0B:
    case 0x3007:
        return IdnaClass::Valid;
    case 0x00B7:
    case 0x0375:
    case 0x05F3:
    case 0x05F4:
    case 0x30FB:
        return IdnaClass::ContextO;
    case 0x0640:
    case 0x07FA:
    case 0x302E:
    case 0x302F:
    case 0x3031:
    case 0x3032:
    case 0x3033:
    case 0x3034:
    case 0x3035:
    case 0x303B:
        return IdnaClass::Disallowed;
    default:
        break;
    }
    if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9))
        return IdnaClass::ContextO;
    const QChar::Category category = QChar::category(c);
    if (category == QChar::Other_NotAssigned)
        return IdnaClass::Disallowed;
    if ((c >= U'a' && c <= U'z') || isDigit(c) || c == U'-')
        return IdnaClass::Valid;
    if (c == 0x200C || c == 0x200D)
        return IdnaClass::ContextJ;
    const QString single = QString::fromUcs4(&c, 1);
    const QString stable = single.normalized(QString::NormalizationForm_KC)
                               .toCaseFolded()
                               .normalized(QString::NormalizationForm_KC);
    if (stable != single || isIdnaIgnorable(c) || isIdnaIgnorableBlockOrOldJamo(c))
        return IdnaClass::Disallowed;
    switch (category) {
    case QChar::Letter_Lowercase:
    case QChar::Letter_Uppercase:
    case QChar::Letter_Other:
    case QChar::Letter_Modifier:
    case QChar::Number_DecimalDigit:
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
        return IdnaClass::Valid;
    default:
        return IdnaClass::Disallowed;
    }
}

/** RFC 5892 appendix A.1 and A.2: where ZERO WIDTH NON-JOINER and JOINER may stand. */
bool contextJHolds(std::u32string_view label, size_t at)
{
    if (at > 0 && QChar::combiningClass(label[at - 1]) == 9) // after a virama
        return true;
    if (label[at] == 0x200D)
        return false;
    size_t before = at;
    while (before > 0 && QChar::joiningType(label[before - 1]) == QChar::Joining_Transparent)
        --before;
    if (before == 0)
        return false;
    const QChar::JoiningType left = QChar::joiningType(label[before - 1]);
    if (left != QChar::Joining_Left && left != QChar::Joining_Dual)
        return false;
    size_t after = at + 1;
    while (after < label.size() && QChar::joiningType(label[after]) == QChar::Joining_Transparent)
        ++after;
    if (after == label.size())
        return false;
    const QChar::JoiningType right = QChar::joiningType(label[after]);
    return right == QChar::Joining_Right || right == QChar::Joining_Dual;
}

/** RFC 5892 appendix A.3-A.9. */
bool contextOHolds(std::u32string_view label, size_t at)
{
    const char32_t c = label[at];
    const auto scriptAt = [&](size_t index) {
        return QChar::script(label[index]);
    };
    switch (c) {
    case 0x00B7:
        return at > 0 && at + 1 < label.size() && label[at - 1] == U'l' && label[at + 1] == U'l';
    case 0x0375:
        return at + 1 < label.size() && scriptAt(at + 1) == QChar::Script_Greek;
    case 0x05F3:
    case 0x05F4:
        return at > 0 && scriptAt(at - 1) == QChar::Script_Hebrew;
    case 0x30FB:
        return std::any_of(label.begin(), label.end(), [](char32_t other) {
            const QChar::Script script = QChar::script(other);
            return script == QChar::Script_Hiragana || script == QChar::Script_Katakana ||
                   script == QChar::Script_Han;
        });
    default: {
        const bool arabicIndic = c >= 0x0660 && c <= 0x0669;
        const char32_t otherFirst = arabicIndic ? 0x06F0 : 0x0660;
        return std::none_of(label.begin(), label.end(),
                            [&](char32_t other) { return other >= otherFirst && other <= otherFirst + 9; });
    }
    }
}

/** RFC 5891 section 5.4 checks of one U-label. */
Reason uLabelReason(std::u32string_view label)
{
    const QString text = toQString(label);
    if (text.normalized(QString::NormalizationForm_C) != text)
        return QStringLiteral("label %1 is not in Unicode NFC").arg(quoted(label));
    if (label.front() == U'-' || label.back() == U'-')
        return QStringLiteral("label %1 starts or ends with '-'").arg(quoted(label));
    if (label.size() >= 4 && label[2] == U'-' && label[3] == U'-')
        return QStringLiteral("label %1 has \"--\" in the 3rd and 4th positions").arg(quoted(label));
    switch (QChar::category(label.front())) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
        return QStringLiteral("label %1 starts with a combining mark").arg(quoted(label));
    default:
        break;
    }
    for (size_t i = 0; i < label.size(); ++i) {
        switch (idnaClass(label[i])) {
        case IdnaClass::Valid:
            break;
        case IdnaClass::Disallowed:
            return QStringLiteral("%1 is not allowed in a host name").arg(codePointName(label[i]));
        case IdnaClass::ContextJ:
            if (!contextJHolds(label, i))
                return QStringLiteral("%1 is allowed only after a virama or between joining letters")
                    .arg(codePointName(label[i]));
            break;
        case IdnaClass::ContextO:
            if (!contextOHolds(label, i))
                return QStringLiteral("%1 is not allowed in this context (RFC 5892 appendix A)")
                    .arg(codePointName(label[i]));
            break;
        }
    }
    return std::nullopt;
}

/** RFC 5893 section 2, for each label of a domain name that has right-to-left characters. */
Reason bidiReason(std::u32string_view label)
{
    const auto direction = [](char32_t c) {
        return QChar::direction(c);
    };
    const QChar::Direction first = direction(label.front());
    const bool rightToLeft = first == QChar::DirR || first == QChar::DirAL;
    if (!rightToLeft && first != QChar::DirL)
        return QStringLiteral("label %1 of a right-to-left domain name must start with a letter")
            .arg(quoted(label));
    bool hasEuropeanDigit = false;
    bool hasArabicDigit = false;
    for (const char32_t c : label) {
        const QChar::Direction d = direction(c);
        const bool common = d == QChar::DirEN || d == QChar::DirES || d == QChar::DirCS ||
                            d == QChar::DirET || d == QChar::DirON || d == QChar::DirBN || d == QChar::DirNSM;
        const bool allowed = rightToLeft
                                 ? common || d == QChar::DirR || d == QChar::DirAL || d == QChar::DirAN
                                 : common || d == QChar::DirL;
        if (!allowed)
            return QStringLiteral("label %1 mixes left-to-right and right-to-left characters")
                .arg(quoted(label));
        hasEuropeanDigit = hasEuropeanDigit || d == QChar::DirEN;
        hasArabicDigit = hasArabicDigit || d == QChar::DirAN;
    }
    if (rightToLeft && hasEuropeanDigit && hasArabicDigit)
        return QStringLiteral("label %1 mixes European and Arabic-Indic digits").arg(quoted(label));
    size_t end = label.size();
    while (end > 1 && direction(label[end - 1]) == QChar::DirNSM)
        --end;
    const QChar::Direction last = direction(label[end - 1]);
    const bool endsWell = rightToLeft ? last == QChar::DirR || last == QChar::DirAL || last == QChar::DirEN ||
                                            last == QChar::DirAN
                                      : last == QChar::DirL || last == QChar::DirEN;
    if (!endsWell)
        return QStringLiteral("label %1 of a right-to-left domain name ends with the wrong direction")
            .arg(quoted(label));
    return std::nullopt;
}

bool isLabelSeparator(char32_t c, bool international)
{
    // RFC 3490 section 3.1 lists the full stops that separate internationalized labels.
    return c == U'.' || (international && (c == 0x3002 || c == 0xFF0E || c == 0xFF61));
}

std::vector<std::u32string_view> splitLabels(std::u32string_view name, bool international)
{
    std::vector<std::u32string_view> labels;
    size_t start = 0;
    for (size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || isLabelSeparator(name[i], international)) {
            labels.push_back(name.substr(start, i - start));
            start = i + 1;
        }
    }
    return labels;
}

/** hostname (RFC 1123, A-labels by IDNA2008) or, when `international`, idn-hostname. */
Reason hostNameReason(std::u32string_view name, bool international)
{
    if (name.empty())
        return QStringLiteral("empty");
    std::vector<std::u32string> uLabels;
    size_t octets = 0;
    const std::vector<std::u32string_view> labels = splitLabels(name, international);
    for (const std::u32string_view label : labels) {
        if (label.empty())
            return QStringLiteral("empty label");
        if (!isAscii(label)) {
            if (!international)
                return QStringLiteral("%1 is not ASCII (write such labels as xn-- A-labels)")
                    .arg(shown(
                        *std::find_if(label.begin(), label.end(), [](char32_t c) { return c >= 0x80; })));
            // An A-label is "xn--" plus at least one character per code point.
            if (label.size() > 59)
                return QStringLiteral("label %1 is longer than 63 octets as an A-label").arg(quoted(label));
            if (auto reason = uLabelReason(label))
                return reason;
            const size_t aLabelSize = 4 + punycodeEncode(label).size();
            if (aLabelSize > 63)
                return QStringLiteral("label %1 is longer than 63 octets as an A-label").arg(quoted(label));
            octets += aLabelSize;
            uLabels.emplace_back(label);
            continue;
        }
        const auto bad =
            std::find_if(label.begin(), label.end(), [](char32_t c) { return !isAlnum(c) && c != U'-'; });
        if (bad != label.end())
            return QStringLiteral("%1 is not allowed in a host name").arg(shown(*bad));
        if (label.size() > 63)
            return QStringLiteral("label longer than 63 characters");
        if (label.front() == U'-' || label.back() == U'-')
            return QStringLiteral("label %1 starts or ends with '-'").arg(quoted(label));
        octets += label.size();
        const bool aLabel = label.size() >= 4 && toLowerAscii(label[0]) == U'x' &&
                            toLowerAscii(label[1]) == U'n' && label[2] == U'-' && label[3] == U'-';
        if (!aLabel) {
            if (international && label.size() >= 4 && label[2] == U'-' && label[3] == U'-')
                return QStringLiteral("label %1 has \"--\" in the 3rd and 4th positions").arg(quoted(label));
            uLabels.emplace_back(label);
            continue;
        }
        const auto decoded = punycodeDecode(label.substr(4));
        if (!decoded)
            return QStringLiteral("label %1 is not valid Punycode").arg(quoted(label));
        if (isAscii(*decoded))
            return QStringLiteral("A-label %1 stands for ASCII only").arg(quoted(label));
        std::string lowered;
        for (const char32_t c : label.substr(4))
            lowered.push_back(char(toLowerAscii(c)));
        if (punycodeEncode(*decoded) != lowered)
            return QStringLiteral("A-label %1 is not in canonical Punycode").arg(quoted(label));
        if (auto reason = uLabelReason(*decoded))
            return QStringLiteral("A-label %1: ").arg(quoted(label)) + *reason;
        uLabels.push_back(*decoded);
    }
    octets += labels.size() - 1;
    if (octets > 253)
        return QStringLiteral("longer than 253 characters");
    const bool rightToLeft = std::any_of(uLabels.begin(), uLabels.end(), [](const std::u32string &label) {
        return std::any_of(label.begin(), label.end(), [](char32_t c) {
            const QChar::Direction d = QChar::direction(c);
            return d == QChar::DirR || d == QChar::DirAL || d == QChar::DirAN;
        });
    });
    if (rightToLeft) {
        for (const std::u32string &label : uLabels) {
            if (auto reason = bidiReason(label))
                return reason;
        }
    }
    return std::nullopt;
}

Reason hostnameFormat(std::string_view text, FormatDraft)
{
    return hostNameReason(decode(text), false);
}

Reason idnHostnameFormat(std::string_view text, FormatDraft)
{
    return hostNameReason(decode(text), true);
}

// ---- e-mail (RFC 5321 section 4.1.2, RFC 6531 section 3.3) -----------------------------------

bool isAtext(char32_t c, bool international)
{
    return isAlnum(c) || std::u32string_view(U"!#$%&'*+-/=?^_`{|}~").find(c) != std::u32string_view::npos ||
           (international && c >= 0x80);
}

Reason mailboxReason(std::u32string_view text, bool international)
{
    size_t i = 0;
    if (!text.empty() && text[0] == U'"') {
        for (i = 1; i < text.size() && text[i] != U'"'; ++i) {
            const char32_t c = text[i];
            if (c == U'\\') {
                ++i;
                if (i == text.size() ||
                    (text[i] < 0x20 || (text[i] > 0x7E && !(international && text[i] >= 0x80))))
                    return QStringLiteral("bad quoted pair in the local part");
            } else if (!((c >= 0x20 && c <= 0x7E && c != U'\\') || (international && c >= 0x80))) {
                return QStringLiteral("%1 is not allowed in a quoted local part").arg(shown(c));
            }
        }
        if (i == text.size())
            return QStringLiteral("unterminated quoted local part");
        ++i;
    } else {
        bool atomStart = true;
        for (; i < text.size() && text[i] != U'@'; ++i) {
            if (text[i] == U'.') {
                if (atomStart)
                    return QStringLiteral("the local part has an empty dot-separated part");
                atomStart = true;
            } else if (isAtext(text[i], international)) {
                atomStart = false;
            } else {
                return QStringLiteral("%1 is not allowed in an unquoted local part").arg(shown(text[i]));
            }
        }
        if (i == 0)
            return QStringLiteral("no local part before '@'");
        if (atomStart)
            return QStringLiteral("the local part ends with '.'");
    }
    if (i == text.size() || text[i] != U'@')
        return QStringLiteral("no '@' after the local part");
    if (toQString(text.substr(0, i)).toUtf8().size() > 64)
        return QStringLiteral("the local part is longer than 64 octets");
    const std::u32string_view domain = text.substr(i + 1);
    if (domain.empty())
        return QStringLiteral("no domain after '@'");
    if (domain.front() == U'[') {
        if (domain.back() != U']' || !isAscii(domain))
            return QStringLiteral("bad address literal");
        const std::string literal = toQString(domain.substr(1, domain.size() - 2)).toStdString();
        if (literal.rfind("IPv6:", 0) == 0) {
            if (auto reason = ipv6Reason(std::string_view(literal).substr(5)))
                return QStringLiteral("IPv6 address literal: ") + *reason;
            return std::nullopt;
        }
        if (auto reason = ipv4Reason(literal))
            return QStringLiteral("IPv4 address literal: ") + *reason;
        return std::nullopt;
    }
    if (!international)
        return hostNameReason(domain, false);
    // idn-email checks only the shape of each label; RFC 6531 leaves U-label rules to the DNS.
    for (const std::u32string_view label : splitLabels(domain, false)) {
        if (label.empty())
            return QStringLiteral("the domain has an empty label");
        if (label.front() == U'-' || label.back() == U'-')
            return QStringLiteral("domain label %1 starts or ends with '-'").arg(quoted(label));
        const auto bad = std::find_if(label.begin(), label.end(),
                                      [](char32_t c) { return !isAlnum(c) && c != U'-' && c < 0x80; });
        if (bad != label.end())
            return QStringLiteral("%1 is not allowed in a domain").arg(shown(*bad));
    }
    return std::nullopt;
}

Reason emailFormat(std::string_view text, FormatDraft)
{
    return mailboxReason(decode(text), false);
}

Reason idnEmailFormat(std::string_view text, FormatDraft)
{
    return mailboxReason(decode(text), true);
}

// ---- URIs and IRIs (RFC 3986, RFC 3987) -------------------------------------------------------

bool isUnreserved(char32_t c)
{
    return isAlnum(c) || c == U'-' || c == U'.' || c == U'_' || c == U'~';
}

bool isSubDelim(char32_t c)
{
    return std::u32string_view(U"!$&'()*+,;=").find(c) != std::u32string_view::npos;
}

bool isUcsChar(char32_t c)
{
    if ((c >= 0xA0 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFEF))
        return true;
    // %x10000-1FFFD / ... / %xD0000-DFFFD / %xE1000-EFFFD: the planes without their last two
    // code points (noncharacters), and no tag characters
    return c >= 0x10000 && c <= 0xEFFFD && (c & 0xFFFF) <= 0xFFFD && (c < 0xE0000 || c >= 0xE1000);
}

bool isPrivateUse(char32_t c)
{
    return (c >= 0xE000 && c <= 0xF8FF) || (c >= 0xF0000 && c <= 0xFFFFD) || (c >= 0x100000 && c <= 0x10FFFD);
}

/** Which characters a URI grammar takes beyond ASCII: none (RFC 3986) or ucschar (RFC 3987). */
enum class UriSyntax
{
    Uri,
    Iri,
};

/** Whether a scheme is required (URI, IRI) or a relative reference is allowed too. */
enum class UriForm
{
    Absolute,
    Reference,
};

/** Each character is unreserved, a sub-delim, one of `extra`, or %XX (and ucschar in an IRI). */
Reason uriPartReason(std::u32string_view part, std::u32string_view extra, UriSyntax syntax,
                     const QString &name, bool privateUse = false)
{
    for (size_t i = 0; i < part.size(); ++i) {
        const char32_t c = part[i];
        if (c == U'%') {
            if (i + 2 >= part.size() || !isHexDigit(part[i + 1]) || !isHexDigit(part[i + 2]))
                return QStringLiteral("bad or incomplete percent-encoding in the %1").arg(name);
            i += 2;
            continue;
        }
        if (isUnreserved(c) || isSubDelim(c) || extra.find(c) != std::u32string_view::npos ||
            (syntax == UriSyntax::Iri && (isUcsChar(c) || (privateUse && isPrivateUse(c)))))
            continue;
        return QStringLiteral("%1 is not allowed in the %2").arg(shown(c), name);
    }
    return std::nullopt;
}

Reason authorityReason(std::u32string_view authority, UriSyntax syntax)
{
    const size_t at = authority.find(U'@');
    if (at != std::u32string_view::npos) {
        if (auto reason = uriPartReason(authority.substr(0, at), U":", syntax, QStringLiteral("user info")))
            return reason;
        authority = authority.substr(at + 1);
    }
    std::u32string_view port;
    if (!authority.empty() && authority.front() == U'[') {
        const size_t close = authority.find(U']');
        if (close == std::u32string_view::npos)
            return QStringLiteral("'[' without ']' in the host");
        const std::u32string_view literal = authority.substr(1, close - 1);
        if (!isAscii(literal))
            return QStringLiteral("non-ASCII character in an IP literal");
        if (!literal.empty() && (literal[0] == U'v' || literal[0] == U'V')) {
            // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
            size_t i = 1;
            while (i < literal.size() && isHexDigit(literal[i]))
                ++i;
            if (i == 1 || i == literal.size() || literal[i] != U'.' || i + 1 == literal.size() ||
                !std::all_of(literal.begin() + std::ptrdiff_t(i) + 1, literal.end(),
                             [](char32_t c) { return isUnreserved(c) || isSubDelim(c) || c == U':'; }))
                return QStringLiteral("bad IPvFuture literal");
        } else if (auto reason = ipv6Reason(toQString(literal).toStdString())) {
            return QStringLiteral("IPv6 host: ") + *reason;
        }
        const std::u32string_view rest = authority.substr(close + 1);
        if (!rest.empty() && rest.front() != U':')
            return QStringLiteral("%1 after the IP literal").arg(shown(rest.front()));
        port = rest.empty() ? rest : rest.substr(1);
    } else {
        const size_t colon = authority.find(U':');
        if (auto reason = uriPartReason(authority.substr(0, colon), {}, syntax, QStringLiteral("host")))
            return reason;
        port = colon == std::u32string_view::npos ? std::u32string_view() : authority.substr(colon + 1);
    }
    if (!std::all_of(port.begin(), port.end(), isDigit))
        return QStringLiteral("port %1 is not a number").arg(quoted(port));
    return std::nullopt;
}

Reason uriReason(std::u32string_view text, UriSyntax syntax, UriForm form)
{
    size_t schemeEnd = std::u32string_view::npos;
    if (!text.empty() && isAlpha(text[0])) {
        size_t i = 1;
        while (i < text.size() && (isAlnum(text[i]) || text[i] == U'+' || text[i] == U'-' || text[i] == U'.'))
            ++i;
        if (i < text.size() && text[i] == U':')
            schemeEnd = i;
    }
    if (schemeEnd == std::u32string_view::npos && form == UriForm::Absolute)
        return QStringLiteral("no scheme (such as https:) at the start");
    std::u32string_view rest = schemeEnd == std::u32string_view::npos ? text : text.substr(schemeEnd + 1);
    if (const size_t hash = rest.find(U'#'); hash != std::u32string_view::npos) {
        if (auto reason = uriPartReason(rest.substr(hash + 1), U":@/?", syntax, QStringLiteral("fragment")))
            return reason;
        rest = rest.substr(0, hash);
    }
    if (const size_t question = rest.find(U'?'); question != std::u32string_view::npos) {
        if (auto reason =
                uriPartReason(rest.substr(question + 1), U":@/?", syntax, QStringLiteral("query"), true))
            return reason;
        rest = rest.substr(0, question);
    }
    if (rest.substr(0, 2) == U"//") {
        const size_t pathStart = std::min(rest.find(U'/', 2), rest.size());
        if (auto reason = authorityReason(rest.substr(2, pathStart - 2), syntax))
            return reason;
        rest = rest.substr(pathStart);
    } else if (schemeEnd == std::u32string_view::npos &&
               rest.substr(0, rest.find(U'/')).find(U':') != std::u32string_view::npos) {
        return QStringLiteral("the first segment of a relative path cannot contain ':'");
    }
    return uriPartReason(rest, U":@/", syntax, QStringLiteral("path"));
}

Reason uriFormat(std::string_view text, FormatDraft)
{
    return uriReason(decode(text), UriSyntax::Uri, UriForm::Absolute);
}

Reason uriReferenceFormat(std::string_view text, FormatDraft)
{
    return uriReason(decode(text), UriSyntax::Uri, UriForm::Reference);
}

Reason iriFormat(std::string_view text, FormatDraft)
{
    return uriReason(decode(text), UriSyntax::Iri, UriForm::Absolute);
}

Reason iriReferenceFormat(std::string_view text, FormatDraft)
{
    return uriReason(decode(text), UriSyntax::Iri, UriForm::Reference);
}

// ---- URI Template (RFC 6570 section 2) ------------------------------------------------------

bool isTemplateLiteral(char32_t c)
{
    // RFC 6570 leaves out "'" as well; the JSON Schema test suite (and RFC 6570 errata) allow it.
    if (c <= 0x20 || c == 0x7F)
        return false;
    if (c < 0x80)
        return std::u32string_view(U"\"<>\\^`{|}").find(c) == std::u32string_view::npos;
    return isUcsChar(c) || isPrivateUse(c);
}

Reason templateExpressionReason(std::u32string_view expression)
{
    if (expression.empty())
        return QStringLiteral("empty expression {}");
    if (std::u32string_view(U"=,!@|").find(expression.front()) != std::u32string_view::npos)
        return QStringLiteral("operator %1 is reserved").arg(shown(expression.front()));
    if (std::u32string_view(U"+#./;?&").find(expression.front()) != std::u32string_view::npos)
        expression.remove_prefix(1);
    size_t start = 0;
    for (;;) {
        const size_t comma = expression.find(U',', start);
        std::u32string_view spec =
            expression.substr(start, comma == std::u32string_view::npos ? comma : comma - start);
        if (spec.empty())
            return QStringLiteral("empty variable in an expression");
        if (spec.back() == U'*') {
            spec.remove_suffix(1);
        } else if (const size_t colon = spec.find(U':'); colon != std::u32string_view::npos) {
            const std::u32string_view length = spec.substr(colon + 1);
            if (length.empty() || length.size() > 4 || length.front() == U'0' ||
                !std::all_of(length.begin(), length.end(), isDigit))
                return QStringLiteral("prefix length %1 is not 1 to 9999").arg(quoted(length));
            spec = spec.substr(0, colon);
        }
        // varname = varchar *( ["."] varchar ), varchar = ALPHA / DIGIT / "_" / pct-encoded
        bool afterDot = true;
        for (size_t i = 0; i < spec.size(); ++i) {
            const char32_t c = spec[i];
            if (c == U'.') {
                if (afterDot)
                    return QStringLiteral("bad '.' in variable name %1").arg(quoted(spec));
                afterDot = true;
                continue;
            }
            if (c == U'%') {
                if (i + 2 >= spec.size() || !isHexDigit(spec[i + 1]) || !isHexDigit(spec[i + 2]))
                    return QStringLiteral("bad percent-encoding in variable name %1").arg(quoted(spec));
                i += 2;
            } else if (!isAlnum(c) && c != U'_') {
                return QStringLiteral("%1 is not allowed in a variable name").arg(shown(c));
            }
            afterDot = false;
        }
        if (afterDot)
            return QStringLiteral("variable name %1 is empty or ends with '.'").arg(quoted(spec));
        if (comma == std::u32string_view::npos)
            return std::nullopt;
        start = comma + 1;
    }
}

Reason uriTemplateFormat(std::string_view utf8, FormatDraft)
{
    const std::u32string text = decode(utf8);
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (c == U'{') {
            const size_t close = text.find(U'}', i);
            if (close == std::u32string::npos)
                return QStringLiteral("'{' without '}'");
            if (auto reason =
                    templateExpressionReason(std::u32string_view(text).substr(i + 1, close - i - 1)))
                return reason;
            i = close;
        } else if (c == U'%') {
            if (i + 2 >= text.size() || !isHexDigit(text[i + 1]) || !isHexDigit(text[i + 2]))
                return QStringLiteral("bad percent-encoding");
            i += 2;
        } else if (!isTemplateLiteral(c)) {
            return QStringLiteral("%1 is not allowed outside an expression").arg(shown(c));
        }
    }
    return std::nullopt;
}

// ---- JSON Pointer (RFC 6901), Relative JSON Pointer, UUID, regex ----------------------------

Reason jsonPointerReason(std::string_view text)
{
    if (!text.empty() && text[0] != '/')
        return QStringLiteral("must be empty or start with '/'");
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '~' && (i + 1 == text.size() || (text[i + 1] != '0' && text[i + 1] != '1')))
            return QStringLiteral("'~' not followed by 0 or 1 at %1").arg(i);
    }
    return std::nullopt;
}

Reason jsonPointerFormat(std::string_view text, FormatDraft)
{
    return jsonPointerReason(text);
}

/** Measures the non-negative-integer `text` starts with; none, or a leading zero, fails. */
Reason nonNegativeIntegerReason(std::string_view text, size_t &length)
{
    length = 0;
    while (length < text.size() && isDigit(char32_t(static_cast<unsigned char>(text[length]))))
        ++length;
    if (length == 0)
        return QStringLiteral("must start with a non-negative integer");
    if (length > 1 && text[0] == '0')
        return QStringLiteral("leading zero in \"%1\"")
            .arg(QString::fromLatin1(text.data(), qsizetype(length)));
    return std::nullopt;
}

Reason relativeJsonPointerFormat(std::string_view text, FormatDraft draft)
{
    size_t length = 0;
    if (auto reason = nonNegativeIntegerReason(text, length))
        return reason;
    text.remove_prefix(length);
    if (text == "#")
        return std::nullopt;
    // draft-bhutton-relative-json-pointer-00, which 2020-12 cites, adds "+n" / "-n" index steps.
    if (draft == FormatDraft::Draft2020_12 && !text.empty() && (text[0] == '+' || text[0] == '-')) {
        if (auto reason = nonNegativeIntegerReason(text.substr(1), length))
            return QStringLiteral("index manipulation: ") + *reason;
        text.remove_prefix(1 + length);
    }
    return jsonPointerReason(text);
}

Reason uuidFormat(std::string_view text, FormatDraft)
{
    if (text.size() != 36)
        return QStringLiteral("%1 characters instead of 36").arg(decode(text).size());
    for (size_t i = 0; i < text.size(); ++i) {
        const bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
        const char32_t c = char32_t(static_cast<unsigned char>(text[i]));
        if (hyphen ? c != U'-' : !isHexDigit(c))
            return hyphen ? QStringLiteral("expected '-' at %1").arg(i)
                          : QStringLiteral("%1 at %2 is not a hex digit").arg(shown(c)).arg(i);
    }
    return std::nullopt;
}

Reason regexFormat(std::string_view text, FormatDraft)
{
    const auto regex = EcmaRegex::compile(std::string(text));
    if (!regex)
        return regex.error().toString();
    return std::nullopt;
}

Reason dateTimeFormat(std::string_view text, FormatDraft)
{
    return dateTimeReason(text);
}

Reason dateFormat(std::string_view text, FormatDraft)
{
    return dateReason(text);
}

Reason timeFormat(std::string_view text, FormatDraft)
{
    return timeReason(text);
}

Reason durationFormat(std::string_view text, FormatDraft)
{
    return durationReason(text);
}

Reason ipv4Format(std::string_view text, FormatDraft)
{
    return ipv4Reason(text);
}

Reason ipv6Format(std::string_view text, FormatDraft)
{
    return ipv6Reason(text);
}

struct FormatRule
{
    std::string_view name;
    FormatDraft since;
    QStringView noun; ///< "not a valid <noun>: <reason>"
    Reason (*reason)(std::string_view text, FormatDraft draft);
};

constexpr std::array<FormatRule, 19> kFormats{{
    {"date-time", FormatDraft::Draft4, u"date-time", dateTimeFormat},
    {"email", FormatDraft::Draft4, u"e-mail address", emailFormat},
    {"hostname", FormatDraft::Draft4, u"host name", hostnameFormat},
    {"ipv4", FormatDraft::Draft4, u"IPv4 address", ipv4Format},
    {"ipv6", FormatDraft::Draft4, u"IPv6 address", ipv6Format},
    {"uri", FormatDraft::Draft4, u"URI", uriFormat},
    {"uri-reference", FormatDraft::Draft6, u"URI reference", uriReferenceFormat},
    {"uri-template", FormatDraft::Draft6, u"URI template", uriTemplateFormat},
    {"json-pointer", FormatDraft::Draft6, u"JSON pointer", jsonPointerFormat},
    {"date", FormatDraft::Draft7, u"date", dateFormat},
    {"time", FormatDraft::Draft7, u"time", timeFormat},
    {"iri", FormatDraft::Draft7, u"IRI", iriFormat},
    {"iri-reference", FormatDraft::Draft7, u"IRI reference", iriReferenceFormat},
    {"idn-email", FormatDraft::Draft7, u"internationalized e-mail address", idnEmailFormat},
    {"idn-hostname", FormatDraft::Draft7, u"internationalized host name", idnHostnameFormat},
    {"relative-json-pointer", FormatDraft::Draft7, u"relative JSON pointer", relativeJsonPointerFormat},
    {"regex", FormatDraft::Draft7, u"regular expression", regexFormat},
    {"duration", FormatDraft::Draft2019_09, u"duration", durationFormat},
    {"uuid", FormatDraft::Draft2019_09, u"UUID", uuidFormat},
}};

} // namespace

std::optional<QString> formatViolation(std::string_view format, const nlohmann::json &value,
                                       FormatDraft draft)
{
    if (!value.is_string())
        return std::nullopt;
    const auto rule = std::find_if(kFormats.begin(), kFormats.end(),
                                   [&](const FormatRule &candidate) { return candidate.name == format; });
    if (rule == kFormats.end() || draft < rule->since)
        return std::nullopt;
    const std::string &text = value.get_ref<const std::string &>();
    if (auto reason = rule->reason(text, draft))
        return QStringLiteral("not a valid ") + rule->noun.toString() + QStringLiteral(": ") + *reason;
    return std::nullopt;
}

} // namespace Lathe::Schema
