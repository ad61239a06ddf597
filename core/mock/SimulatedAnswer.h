// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include "base/Result.h"
#include "providers/ChatTypes.h"

namespace Lathe::Mock
{

/**
 * Splits text into the simulator's tokens: a word of up to six letters with the whitespace
 * before it, the rest of a longer word in pieces of up to six, or one punctuation mark. Roughly
 * the granularity of real BPE tokens, so streams look and time like real ones.
 */
QStringList splitIntoSimulatedTokens(const QString &text);

/**
 * The simulator's count of a prompt's tokens: 3 for the request, plus for each message 4 for its
 * role and framing and its simulated tokens (splitIntoSimulatedTokens). Tool definitions are not
 * counted. It is the input usage of every simulated answer and what the simulator's
 * count-tokens endpoints answer, so a count predicts the usage of the request it counts.
 */
qint64 simulatedPromptTokens(const QList<Providers::ChatMessage> &messages);

/** A tool call the simulator makes instead of answering in text. */
struct SimulatedToolCall
{
    QString id;
    QString name;
    QStringList argumentFragments; ///< the JSON arguments in the pieces they are streamed in

    QString arguments() const { return argumentFragments.join(QString()); }
};

/** What the simulator answers to one request. */
struct SimulatedAnswer
{
    QStringList tokens;                        ///< a text answer in the pieces it is streamed in
    std::optional<SimulatedToolCall> toolCall; ///< set instead of tokens for a tool call
    QString finishReason; ///< in OpenAI's words: "stop", "length" (max tokens) or "tool_calls"
    qint64 promptTokens = 0;

    QString text() const { return tokens.join(QString()); }
    /** The number of streamed pieces: text tokens or argument fragments. */
    qsizetype pieceCount() const { return toolCall ? toolCall->argumentFragments.size() : tokens.size(); }
};

/**
 * The simulator's deterministic answer: the same model and messages always give the same
 * text, and different prompts give different text. The first sentence says what was asked,
 * so a demo shows at a glance that the prompt went through.
 */
SimulatedAnswer simulateAnswer(const QString &model, const QList<Providers::ChatMessage> &messages,
                               std::optional<qint64> maxTokens);

/**
 * The simulator's deterministic tool call: `toolName` with arguments
 * {"query": <the opening of the last user message>, "limit": <a number from the prompt hash>},
 * streamed in fragments of up to eight characters.
 */
SimulatedAnswer simulateToolCall(const QString &model, const QList<Providers::ChatMessage> &messages,
                                 const QString &toolName);

/** How a structured answer is spoiled on purpose: the invalid-json and schema-violation faults. */
enum class StructuredAnswerFlaw
{
    None,
    InvalidJson,     ///< brokenJsonText() of the instance: it does not parse
    SchemaViolation, ///< schemaViolation(): it parses but breaks the schema
};

/**
 * The simulator's answer to a request for structured output: schemaInstance(schema) as compact
 * JSON in the schema's member order, in simulated tokens, so it depends on the schema alone.
 * With `answerTool` set (a tool the request forces, which is how Lathe asks Anthropic for
 * structured output) the same pieces are the arguments of a call of that tool. maxTokens cuts
 * the pieces as in simulateAnswer(). Fails for SchemaViolation when the schema accepts any value.
 */
Result<SimulatedAnswer> simulateStructuredAnswer(const QString &model,
                                                 const QList<Providers::ChatMessage> &messages,
                                                 const nlohmann::ordered_json &schema,
                                                 const QString &answerTool, StructuredAnswerFlaw flaw,
                                                 std::optional<qint64> maxTokens);

} // namespace Lathe::Mock
