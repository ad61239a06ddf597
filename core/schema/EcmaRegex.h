// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <QStringView>

#include "base/Result.h"

namespace Lathe::Schema
{

/**
 * A regular expression as JSON Schema's `pattern`, `patternProperties` and "regex" format use
 * it: ECMA-262 syntax with the `u` flag (code points, not UTF-16 units), searched unanchored.
 *
 * compile() parses the pattern by ECMA-262's grammar, so syntax only PCRE knows (`\A`, `\z`,
 * `\Z`, `\h`, `\a`, `(?i)`, `(?P<n>…)`, `(?#…)`, possessive `a++`) is an error, and translates it
 * into an equivalent PCRE2 pattern compiled (and JIT-compiled) once with PCRE2's 16-bit library, with ECMA's
 * meanings spelled out: `\d` `\w` `\s` `\b` are ECMA's ASCII/whitespace sets, `.` stops only at line
 * terminators, `^` and `$` anchor at the ends of the input only (`$` not before a final "\n"), a
 * backreference to a group that has not matched matches the empty string, and a lookbehind
 * whose length varies (which PCRE2 10.42 cannot run) is rewritten as a walk back over the input.
 *
 * Known differences from a JavaScript engine, all in corners JSON Schema rarely reaches:
 * captures are not reset on each iteration of a quantifier; a lookbehind matches left to right,
 * so a backreference to a group captured inside it can see a different text; a capture made
 * inside a variable-length lookbehind is not visible after it; `\p{Script=…}` names are checked
 * by shape and then by PCRE2 (which knows Unicode 14 and matches names loosely); lone
 * surrogates never match; repeat counts above 65535 are rejected.
 *
 * A variable-length lookbehind walks back one code point per recursion, trying its body at each
 * step: where it is tried, it costs up to (distance to the start) × (cost of its body), so
 * `(?<=[ab]*c)[^ab]` takes seconds over 4,000 characters; and a walk longer than about 6,000
 * code points exhausts the 512 KiB JIT stack Qt gives PCRE2. A search that fails inside PCRE2
 * like that (or on its match limit) counts as no match.
 *
 * A pattern of ASCII characters and classes between `^` and `$` whose variable counts cannot
 * give characters back (`^[A-Z]{3}-[0-9]{4}$`, `^[a-z_]{3,16}$`) is matched over the subject
 * directly, without PCRE2, with the same result.
 *
 * Thread safety: every const member may be called from several threads at once on the same
 * object. compile() finishes compiling and JIT-compiling before it returns; a search only reads
 * the compiled code (which PCRE2 documents as safe to share between threads) and uses
 * thread-local match data and JIT stack.
 */
class EcmaRegex
{
public:
    /** Fails with InvalidArgument naming the byte offset in `utf8Pattern` and what is wrong. */
    static Result<EcmaRegex> compile(const std::string &utf8Pattern);

    /** Whether the pattern matches anywhere in `text`. Unpaired surrogates count as U+FFFD. */
    bool search(QStringView text) const;
    /** Whether the pattern matches anywhere in `utf8`; ill-formed sequences count as U+FFFD. */
    bool search(std::string_view utf8) const;

private:
    struct Compiled;
    explicit EcmaRegex(std::shared_ptr<const Compiled> compiled);

    std::shared_ptr<const Compiled> m_compiled;
};

} // namespace Lathe::Schema
