// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

#include "providers/ChatTypes.h"
#include "tokens/BpeEncoding.h"

namespace Lathe::Tokens
{

/** Input tokens of a whole chat request, and whether the figure is exact. */
struct ChatTokenCount
{
    qint64 messages = 0; ///< message contents and roles with their per-message framing
    qint64 tools = 0;    ///< the tool definitions as the model sees them
    qint64 responseFormat = 0;
    qint64 replyPriming = 0; ///< the tokens that start the assistant's reply
    /// True when part of the count follows a published approximation instead of the server's
    /// exact framing: tool definitions and response-format schemas.
    bool approximate = false;

    qint64 total() const { return messages + tools + responseFormat + replyPriming; }
};

/**
 * How OpenAI chat models count a request's input: every message costs 3 tokens of framing plus
 * its role and content, and 3 tokens prime the reply (OpenAI's
 * cookbook "How to count tokens with tiktoken"; Langfuse counts the same way). Tool definitions
 * are rendered the way the models see them, as a TypeScript namespace, plus 9 tokens, 4 fewer
 * when a system message is present (the approximation of hmarr/openai-chat-tokens, within a few
 * tokens of usage.prompt_tokens). A response-format JSON Schema counts as its compact text.
 * Message text is counted as ordinary text: a "<|endoftext|>" a user typed is not a special token.
 */
ChatTokenCount countChatTokens(const BpeEncoding &encoding, const QList<Providers::ChatMessage> &messages,
                               const QList<Providers::ToolDefinition> &tools = {},
                               const QByteArray &responseSchema = {});

/** The framing of messages with these roles, without their content, reply priming included:
 *  what a live count adds to the count of the text being edited. */
qint64 chatFramingTokens(const BpeEncoding &encoding, const QStringList &roles);

/** The TypeScript-like text OpenAI models are shown for `tools` ("namespace functions { … }"). */
QString renderToolsForCounting(const QList<Providers::ToolDefinition> &tools);

} // namespace Lathe::Tokens
