// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <QtGlobal>

#include <nlohmann/json.hpp>

#include "base/Error.h"

namespace Lathe::Schema
{

/**
 * Builds the JSON value of a streamed answer as its text arrives, so the response pane can show
 * the object so far and the live validator can report violations that are already certain.
 *
 * Input. UTF-8 text in chunks cut anywhere: inside a string, an escape, a \uXXXX pair, a
 * multibyte character, a number or a literal. Each append() costs time proportional to its chunk
 * (amortized); nothing received earlier is parsed again. Nesting uses an explicit stack, so depth
 * is bounded by memory, not by the call stack.
 *
 * Framing. Everything before the first `{` or `[` is skipped (prose, a ```json fence line; it
 * is not examined, so a `{` or `[` in that prose starts the value there). The top-level value is
 * therefore always an object or an array. Once it closes, complete() is true and everything after
 * it (a closing fence, more prose) is ignored and only counted. Between the two the JSON is
 * strict RFC 8259: no comments, no trailing commas, no single quotes; strings must be valid
 * UTF-8 without unescaped control characters, and a \uXXXX surrogate must be half of a pair.
 *
 * The value so far, current() (snapshot() is a copy of it), holds what is certain:
 *  - every container that has opened, whether or not it has closed;
 *  - every scalar that has ended, and the literals true/false/null as soon as their last letter
 *    arrives (nothing but a delimiter may follow it);
 *  - the string being received, with the characters received so far, never half a UTF-8
 *    sequence, half an escape or half a surrogate pair;
 * and leaves out what is not:
 *  - a number still being received, since `1` may become `12` or `1.5`: a number is added when
 *    the byte after it arrives;
 *  - a literal still being received (`t` may become `true`);
 *  - an object member whose key is being received, or whose key has arrived but whose value has
 *    not started, or whose value is one of the two above; pendingKey() names that key.
 * Before the top-level value starts, current() is null and started() is false. The tree is
 * kept up to date as the text arrives, so current() is free and snapshot() costs one copy (about
 * 0.1 ms for a 50 KB answer, bench_partial_json): a pane that reads the value on the parser's
 * thread at 60 Hz can use current() and keep no copy at all.
 *
 * The open path, for the validator. openPointer() is the RFC 6901 JSON Pointer of the deepest
 * value still incomplete: "" when that is the top-level container, "/items/3/name" when it is
 * the string being received at that place. The contract, while !complete():
 *  - every node in current() whose pointer is a prefix of openPointer() by whole reference
 *    tokens ("" and "/items" and "/items/3", not "/item") is incomplete: it may still grow;
 *  - every other node in current() is complete: it will not change again (strictly, a later
 *    duplicate key may replace a member, as it does for nlohmann::json::parse; the last one wins).
 * When complete(), nothing is open and openPointer() is "" all the same, so check complete()
 * first, or ask isComplete(), which applies the whole contract. After an error the open path
 * stays where it was: those nodes will never be completed.
 *
 * Errors. The first byte that cannot continue any valid JSON text puts the parser in a failed
 * state (a number too large for a double is named by its first byte): error() is a Protocol
 * error whose `where` is "line L, column C (byte B)" in the whole stream, skipped text included,
 * with 1-based lines (ending at LF) and columns (in code points, as JsonRepair counts them) and a
 * 0-based byte offset. current() keeps what was certain before that byte, and further appends are
 * ignored until reset().
 *
 * Not thread-safe: one parser per streamed answer, used from one thread.
 */
class PartialJsonParser
{
public:
    /** Which kind of string the parser is inside, if any. */
    enum class OpenString
    {
        None,
        Key,   ///< an object key: not in current() yet; pendingKey() has it so far
        Value, ///< a string value: in current() at openPointer(), characters so far
    };

    PartialJsonParser() = default;
    Q_DISABLE_COPY_MOVE(PartialJsonParser) // the open path points into m_root

    /** Parses the next piece of the stream. Ignored once failed. */
    void append(std::string_view chunk);

    /** Forgets everything, ready for a new stream. */
    void reset();

    /** The top-level `{` or `[` has arrived. */
    bool started() const { return !m_root.is_null(); }
    /** The top-level value has closed; whatever follows it is ignored. */
    bool complete() const { return m_state == State::Done; }
    bool failed() const { return m_error.has_value(); }
    /** Why the stream is not JSON, where the first offending byte is; nullopt while it still is. */
    const std::optional<Error> &error() const { return m_error; }

    /** The value so far (see the class comment); null before started(). */
    const nlohmann::json &current() const { return m_root; }
    /** A copy of current(); values nested deeper than a few hundred levels are copied without recursion. */
    nlohmann::json snapshot() const;

    /** The JSON Pointer of the deepest incomplete value; see the contract in the class comment. */
    std::string openPointer() const;

    /**
     * Whether the node at `pointer` is in current() and will not change again: false for a
     * pointer that is malformed or names no node in current(), and for the nodes on the open
     * path; true for every other node, and for every node once complete().
     */
    bool isComplete(std::string_view pointer) const;

    OpenString openString() const { return m_openString; }

    /**
     * The key of the object member that is not in current() yet because its key or its value is
     * still being received: the key so far while openString() is Key, else the whole key.
     * nullopt when no member is pending.
     */
    std::optional<std::string> pendingKey() const;

    /** Bytes accepted so far: every byte appended, or after an error, those before the one it names. */
    qint64 bytesConsumed() const { return m_offset; }
    /** Bytes before the top-level `{` or `[`. */
    qint64 bytesSkipped() const { return m_skipped; }
    /** Bytes after the top-level value closed. */
    qint64 bytesIgnored() const { return m_ignored; }

private:
    enum class State : std::uint8_t
    {
        Leading,    // before the top-level `{` or `[`
        FirstKey,   // after `{`: a key or `}`
        FirstValue, // after `[`: a value or `]`
        Key,        // after `,` in an object
        Colon,      // after a key
        Value,      // after `:`, or after `,` in an array
        AfterValue, // `,` or the innermost container's close
        String,
        Number,
        Literal,
        Done,
        Failed,
    };
    /** Where inside a string the last byte left off. */
    enum class StringPart : std::uint8_t
    {
        Plain,
        Escape,       // after a backslash
        Hex,          // inside \uXXXX
        LowBackslash, // after a high surrogate: its low half's backslash must follow
        LowU,
        LowHex,
        Utf8Tail, // inside a multibyte UTF-8 sequence
    };
    /** Where inside a number the last byte left off (RFC 8259's grammar). */
    enum class NumberPart : std::uint8_t
    {
        Start,
        Minus,
        Zero, // a leading 0: no digit may follow
        Integer,
        Point,
        Fraction,
        Exponent,
        ExponentSign,
        ExponentDigits,
    };

    /** An open container. */
    struct Frame
    {
        nlohmann::json *node; // an object or array inside m_root; stable while it is open
        std::string token;    // its reference token in its parent; empty for the top level
    };

    static bool advanceNumber(NumberPart &part, char c);

    std::size_t skipLeading(std::string_view chunk, std::size_t i);
    std::size_t readStructure(std::string_view chunk, std::size_t i);
    std::size_t startValue(std::string_view chunk, std::size_t i);
    std::size_t readString(std::string_view chunk, std::size_t i);
    std::size_t readStringByte(std::string_view chunk, std::size_t i);
    std::size_t readNumber(std::string_view chunk, std::size_t i);
    std::size_t readLiteral(std::string_view chunk, std::size_t i);

    void startString(OpenString kind);
    void finishString();
    void finishNumber();
    std::string childToken() const;
    nlohmann::json &place(nlohmann::json value);
    void openContainer(nlohmann::json container);
    void closeContainer();
    qint64 at(std::size_t i) const { return m_offset + static_cast<qint64>(i); }
    void newLine(std::size_t i);
    void fail(qint64 offset, const QString &message);
    std::vector<std::string_view> openPath() const;

    nlohmann::json m_root;
    std::vector<Frame> m_frames;
    std::size_t m_maxDepth = 0; // the most containers open at once: the depth of m_root
    State m_state = State::Leading;
    std::optional<Error> m_error;

    std::string m_key;         // the pending member's key (so far)
    bool m_keyPending = false; // a member is not in m_root yet; m_key is its key

    OpenString m_openString = OpenString::None;
    std::string *m_text = nullptr; // where string characters go: m_key or the string in m_root
    std::string m_valueToken;      // the open string value's reference token
    StringPart m_stringPart = StringPart::Plain;
    int m_hexDigits = 0;
    char32_t m_codeUnit = 0;
    char32_t m_highSurrogate = 0;
    char m_utf8[4] = {};
    int m_utf8Size = 0;   // bytes of m_utf8 received
    int m_utf8Length = 0; // bytes of the whole sequence
    unsigned char m_utf8SecondLow = 0x80;
    unsigned char m_utf8SecondHigh = 0xBF;

    std::string m_number;
    NumberPart m_numberPart = NumberPart::Start;
    qint64 m_numberStart = 0;   // stream offset of its first byte
    std::string_view m_literal; // the literal being received, spelled out
    std::size_t m_literalMatched = 0;

    qint64 m_offset = 0;      // stream offset of the chunk being parsed (after append: bytes consumed)
    qint64 m_errorOffset = 0; // the offending byte, once failed
    qint64 m_line = 1;
    qint64 m_lineStart = 0;             // stream offset of the current line's first byte
    qint64 m_lineContinuationBytes = 0; // UTF-8 continuation bytes on it so far, for columns
    qint64 m_skipped = 0;
    qint64 m_ignored = 0;
};

} // namespace Lathe::Schema
