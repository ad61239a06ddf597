// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <span>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include "base/Result.h"
#include "tokens/Pretokenizer.h"

namespace Lathe::Tokens
{

using TokenId = quint32;

/** The encodings whose rank files Lathe carries (resources/tokenizers/). */
enum class Encoding
{
    Cl100kBase,
    O200kBase,
};

struct SpecialToken
{
    QByteArray text;
    TokenId id = 0;
};

/** What makes an encoding besides its rank file: its name, regex and special tokens. */
struct EncodingDefinition
{
    QString name;
    PretokenPattern pattern = PretokenPattern::Cl100k;
    std::vector<SpecialToken> specialTokens;
};

EncodingDefinition encodingDefinition(Encoding encoding);

/**
 * The UTF-8 that tiktoken tokenizes for `text`: a lone surrogate becomes U+FFFD, as Python
 * tiktoken's fallback and JavaScript's TextEncoder do (QString::toUtf8 writes '?').
 */
QByteArray tokenizerUtf8(QStringView text);

/** Whether text that spells a special token ("<|endoftext|>") encodes to that token. */
enum class SpecialTokens
{
    AsText,  ///< ordinary text: what a user typed is counted as typed (tiktoken encode_ordinary)
    Allowed, ///< every special token of the encoding (tiktoken allowed_special="all")
};

/**
 * A tiktoken-compatible byte-pair encoding: token ids equal OpenAI tiktoken's for any input.
 * Immutable once loaded; copies share the tables, and every method is safe to call from any
 * number of threads at once.
 */
class BpeEncoding
{
public:
    /** The carried rank file of `encoding`, compiled into lathe_core as a Qt resource. */
    static Result<BpeEncoding> load(Encoding encoding);

    /**
     * Parses a tiktoken rank file ("<base64 token> <rank>" per line). A malformed line, a
     * duplicate token or rank, a missing single-byte token or a special id that is also a rank
     * is an error whose where is "`where`:LINE" (or `where` alone).
     */
    static Result<BpeEncoding> fromRankFile(QByteArrayView rankFile, EncodingDefinition definition,
                                            const QString &where);

    const QString &name() const;
    /** The number of ranks in the file plus the special tokens. */
    qsizetype vocabularySize() const;

    std::vector<TokenId> encode(QStringView text, SpecialTokens specials = SpecialTokens::AsText) const;
    /** `utf8` must be well-formed UTF-8 (tokenizerUtf8() output is); for any other bytes the
     *  ids still decode back to them but need not match tiktoken's: use encodeBytes(). */
    std::vector<TokenId> encodeUtf8(QByteArrayView utf8,
                                    SpecialTokens specials = SpecialTokens::AsText) const;
    /**
     * Any bytes, as tiktoken's encode_bytes: well-formed UTF-8 encodes as ordinary text; from
     * the first ill-formed byte on, the rest (with the last piece before it) is merged as raw
     * bytes, so decode() gives the input back exactly.
     */
    std::vector<TokenId> encodeBytes(QByteArrayView bytes) const;

    /** The pre-tokenization regex this encoding follows (for nextPieceEnd()). */
    PretokenPattern pattern() const;
    /**
     * Appends the tokens of exactly one pre-tokenized piece, a span that nextPieceEnd() returned,
     * without splitting it again: what lets a caller re-count only the pieces an edit touched.
     */
    void encodePiece(QByteArrayView piece, std::vector<TokenId> &out) const;

    /** The bytes of `ids`, which need not be valid UTF-8 (a token may hold part of a character). */
    Result<QByteArray> decode(std::span<const TokenId> ids) const;

private:
    struct Tables;
    explicit BpeEncoding(std::shared_ptr<const Tables> tables);

    void encodeOrdinary(QByteArrayView utf8, std::vector<TokenId> &out, qsizetype *lastPieceTokens) const;

    std::shared_ptr<const Tables> m_tables;
};

} // namespace Lathe::Tokens
