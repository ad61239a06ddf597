// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QString>

#include "tokens/BpeEncoding.h"

namespace Lathe::Tokens
{

/**
 * The encoding OpenAI's tokenizer uses for `model`, following openai/tiktoken's model.py:
 * exact names, then prefixes (dated variants such as "gpt-4o-2024-08-06", "gpt-4.1-mini",
 * anything starting "gpt-5", "o3-pro"), then fine-tunes ("ft:gpt-4o-mini:org::id"). A provider
 * prefix ("openai/", "azure/") is ignored. gpt-oss models map to o200k_base, whose ranks and
 * ordinary-text ids o200k_harmony shares. nullopt for models with another tokenizer (Claude,
 * Gemini, Llama) and for names OpenAI never used.
 */
std::optional<Encoding> encodingForModel(QStringView model);

/** The encoding named `name` ("cl100k_base", "o200k_base"). */
std::optional<Encoding> encodingFromName(QStringView name);
QString encodingName(Encoding encoding);

} // namespace Lathe::Tokens
