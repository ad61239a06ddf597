// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "providers/ChatTypes.h"

namespace Lathe::Mock
{

/**
 * Splits text into the simulator's tokens: a word of up to six letters with the whitespace
 * before it, the rest of a longer word in pieces of up to six, or one punctuation mark. Roughly
 * the granularity of real BPE tokens, so streams look and time like real ones.
 */
QStringList splitIntoSimulatedTokens(const QString &text);

/** What the simulator answers to one request. */
struct SimulatedAnswer
{
    QStringList tokens;   ///< the answer in the pieces it is streamed in
    QString finishReason; ///< "stop", or "length" when max tokens cut it short
    qint64 promptTokens = 0;

    QString text() const { return tokens.join(QString()); }
};

/**
 * The simulator's deterministic answer: the same model and messages always give the same
 * text, and different prompts give different text. The first sentence says what was asked,
 * so a demo shows at a glance that the prompt went through.
 */
SimulatedAnswer simulateAnswer(const QString &model, const QList<Providers::ChatMessage> &messages,
                               std::optional<qint64> maxTokens);

} // namespace Lathe::Mock
