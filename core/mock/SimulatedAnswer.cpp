// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatedAnswer.h"

#include <array>

#include "SchemaInstanceGenerator.h"

namespace Lathe::Mock
{

namespace
{

constexpr qsizetype kMaxPieceLetters = 6;
constexpr qint64 kTokensPerMessage = 4; // role and framing, as chat formats add
constexpr qint64 kTokensPerRequest = 3;

// The vocabulary of generated answers: the things Lathe's users talk about, with a few
// non-ASCII words so that streams exercise multi-byte UTF-8 across chunk boundaries.
constexpr std::array kWords = {"prompt",   "model",      "latency",       "token",
                               "stream",   "answer",     "cost",          "schema",
                               "version",  "eval",       "case",          "trace",
                               "budget",   "output",     "input",         "context",
                               "window",   "provider",   "request",       "response",
                               "retry",    "fallback",   "timeout",       "label",
                               "baseline", "variant",    "metric",        "score",
                               "faster",   "cheaper",    "stable",        "brittle",
                               "careful",  "exact",      "partial",       "valid",
                               "invalid",  "first",      "second",        "every",
                               "each",     "one",        "the",           "a",
                               "and",      "or",         "but",           "so",
                               "then",     "with",       "without",       "before",
                               "after",    "under",      "over",          "across",
                               "is",       "was",        "becomes",       "keeps",
                               "shows",    "measures",   "compares",      "returns",
                               "streams",  "validates",  "repairs",       "records",
                               "replays",  "ships",      "naïve",         "café",
                               "déjà vu",  "über",       "façade",        "→",
                               "—",        "quickly",    "slowly",        "clearly",
                               "again",    "today",      "in production", "per second",
                               "per call", "on average", "at p95",        "by design",
                               "for now",  "as expected"};

std::uint64_t fnv1a(std::uint64_t hash, QByteArrayView bytes)
{
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

// splitmix64: small, fast and good enough to make varied but reproducible prose.
class Random
{
public:
    explicit Random(std::uint64_t seed)
        : m_state(seed)
    {}

    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    int below(int bound) { return static_cast<int>(next() % static_cast<std::uint64_t>(bound)); }

private:
    std::uint64_t m_state;
};

bool isPunctuation(QChar c)
{
    return c.isPunct() || c.isSymbol();
}

QString quotedOpening(const QString &prompt)
{
    const QStringList words = prompt.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    constexpr qsizetype kQuotedWords = 6;
    QString opening = words.mid(0, kQuotedWords).join(QLatin1Char(' '));
    if (words.size() > kQuotedWords)
        opening += QStringLiteral("…");
    return opening;
}

QString generateProse(Random &random, int targetTokens)
{
    QString text;
    int sentenceWords = 0;
    int sentenceLength = 8 + random.below(9);
    int sentencesInParagraph = 0;
    while (splitIntoSimulatedTokens(text).size() < targetTokens) {
        QString word = QString::fromUtf8(kWords[static_cast<std::size_t>(random.below(int(kWords.size())))]);
        if (sentenceWords == 0)
            word[0] = word[0].toUpper();
        if (!text.isEmpty() && !text.endsWith(QLatin1Char('\n')))
            text += QLatin1Char(' ');
        text += word;
        ++sentenceWords;
        if (sentenceWords == sentenceLength) {
            text += QLatin1Char('.');
            sentenceWords = 0;
            sentenceLength = 8 + random.below(9);
            if (++sentencesInParagraph == 3 + random.below(2)) {
                text += QStringLiteral("\n\n");
                sentencesInParagraph = 0;
            }
        } else if (random.below(9) == 0) {
            text += QLatin1Char(',');
        }
    }
    if (sentenceWords > 0) {
        if (text.endsWith(QLatin1Char(',')))
            text.chop(1);
        text += QLatin1Char('.');
    }
    // The target may be reached just after a paragraph break: an answer ends on its full stop.
    while (text.endsWith(QLatin1Char('\n')))
        text.chop(1);
    return text;
}

} // namespace

QStringList splitIntoSimulatedTokens(const QString &text)
{
    QStringList tokens;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        const qsizetype start = i;
        while (i < n && text[i].isSpace())
            ++i;
        if (i < n && isPunctuation(text[i])) {
            ++i;
        } else {
            qsizetype letters = 0;
            while (i < n && !text[i].isSpace() && !isPunctuation(text[i]) && letters < kMaxPieceLetters) {
                ++i;
                ++letters;
            }
        }
        // Never split a surrogate pair: a token must be valid text on its own.
        if (i < n && text[i].isLowSurrogate())
            ++i;
        tokens.append(text.mid(start, i - start));
    }
    return tokens;
}

qint64 simulatedPromptTokens(const QList<Providers::ChatMessage> &messages)
{
    qint64 tokens = kTokensPerRequest;
    for (const auto &message : messages)
        tokens += kTokensPerMessage + splitIntoSimulatedTokens(message.content).size();
    return tokens;
}

namespace
{

struct PromptDigest
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    QString lastUserMessage;
    qint64 promptTokens = 0;
};

PromptDigest digest(const QString &model, const QList<Providers::ChatMessage> &messages)
{
    PromptDigest result;
    result.hash = fnv1a(result.hash, model.toUtf8());
    for (const auto &message : messages) {
        result.hash = fnv1a(result.hash,
                            QByteArray("\x1f" + message.role.toUtf8() + "\x1e" + message.content.toUtf8()));
        if (message.role == QLatin1String("user"))
            result.lastUserMessage = message.content;
    }
    result.promptTokens = simulatedPromptTokens(messages);
    return result;
}

QString toolCallId(const PromptDigest &prompt)
{
    return QStringLiteral("call_sim_%1").arg(prompt.hash % 1'000'000'000ULL, 9, 10, QLatin1Char('0'));
}

// Cuts an answer to at most `maxTokens` pieces, as a model stops at its output limit.
void applyTokenLimit(SimulatedAnswer &answer, std::optional<qint64> maxTokens)
{
    if (!maxTokens || *maxTokens < 0 || answer.pieceCount() <= *maxTokens)
        return;
    if (answer.toolCall)
        answer.toolCall->argumentFragments.resize(*maxTokens);
    else
        answer.tokens.resize(*maxTokens);
    answer.finishReason = QStringLiteral("length");
}

} // namespace

SimulatedAnswer simulateToolCall(const QString &model, const QList<Providers::ChatMessage> &messages,
                                 const QString &toolName)
{
    const PromptDigest prompt = digest(model, messages);
    Random random(prompt.hash);
    const nlohmann::json argumentsJson = {{"query", quotedOpening(prompt.lastUserMessage).toStdString()},
                                          {"limit", 1 + random.below(20)}};
    const QString arguments = QString::fromStdString(argumentsJson.dump());

    SimulatedToolCall call;
    call.id = toolCallId(prompt);
    call.name = toolName;
    constexpr qsizetype kFragmentChars = 8;
    for (qsizetype at = 0; at < arguments.size();) {
        qsizetype length = std::min(kFragmentChars, arguments.size() - at);
        if (arguments[at + length - 1].isHighSurrogate() && at + length < arguments.size())
            ++length; // a fragment is valid text on its own
        call.argumentFragments.append(arguments.mid(at, length));
        at += length;
    }
    SimulatedAnswer answer;
    answer.toolCall = std::move(call);
    answer.finishReason = QStringLiteral("tool_calls");
    answer.promptTokens = prompt.promptTokens;
    return answer;
}

SimulatedAnswer simulateAnswer(const QString &model, const QList<Providers::ChatMessage> &messages,
                               std::optional<qint64> maxTokens)
{
    const PromptDigest prompt = digest(model, messages);
    const QString &lastUserMessage = prompt.lastUserMessage;
    const qint64 promptTokens = prompt.promptTokens;
    const std::uint64_t hash = prompt.hash;

    Random random(hash);
    const int targetTokens = 60 + random.below(140);
    const qsizetype promptWords =
        lastUserMessage.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts).size();
    QString text = QStringLiteral("Simulated answer from %1 to your %2-word prompt")
                       .arg(model, QString::number(promptWords));
    if (promptWords > 0)
        text += QStringLiteral(" (\u201c%1\u201d)").arg(quotedOpening(lastUserMessage));
    text += QStringLiteral(".\n\n") + generateProse(random, targetTokens);

    SimulatedAnswer answer;
    answer.tokens = splitIntoSimulatedTokens(text);
    answer.finishReason = QStringLiteral("stop");
    answer.promptTokens = promptTokens;
    applyTokenLimit(answer, maxTokens);
    return answer;
}

Result<SimulatedAnswer> simulateStructuredAnswer(const QString &model,
                                                 const QList<Providers::ChatMessage> &messages,
                                                 const nlohmann::ordered_json &schema,
                                                 const QString &answerTool, StructuredAnswerFlaw flaw,
                                                 std::optional<qint64> maxTokens)
{
    nlohmann::ordered_json instance;
    switch (flaw) {
    case StructuredAnswerFlaw::None:
    case StructuredAnswerFlaw::InvalidJson:
        instance = schemaInstance(schema);
        break;
    case StructuredAnswerFlaw::SchemaViolation: {
        auto violation = schemaViolation(schema);
        if (!violation)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("the response schema accepts any value, so no answer can break it"));
        instance = std::move(*violation);
        break;
    }
    }
    QString text = QString::fromStdString(
        instance.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    if (flaw == StructuredAnswerFlaw::InvalidJson)
        text = brokenJsonText(text);

    const PromptDigest prompt = digest(model, messages);
    SimulatedAnswer answer;
    answer.promptTokens = prompt.promptTokens;
    if (answerTool.isEmpty()) {
        answer.tokens = splitIntoSimulatedTokens(text);
        answer.finishReason = QStringLiteral("stop");
    } else {
        answer.toolCall = SimulatedToolCall{toolCallId(prompt), answerTool, splitIntoSimulatedTokens(text)};
        answer.finishReason = QStringLiteral("tool_calls");
    }
    applyTokenLimit(answer, maxTokens);
    return answer;
}

} // namespace Lathe::Mock
