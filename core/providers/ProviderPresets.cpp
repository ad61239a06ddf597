// SPDX-License-Identifier: GPL-3.0-or-later
#include "ProviderPresets.h"

namespace Lathe::Providers
{

const QList<ProviderPreset> &providerPresets()
{
    // Default ports are each server's own (see docs/ARCHITECTURE.md and the protocol notes).
    static const QList<ProviderPreset> presets = {
        {QStringLiteral("simulator"),
         QStringLiteral("Built-in simulator"),
         WireProtocol::OpenAiChat,
         {},
         QStringLiteral("lathe-sim"),
         {}},
        {QStringLiteral("openai"), QStringLiteral("OpenAI"), WireProtocol::OpenAiChat,
         QStringLiteral("https://api.openai.com/v1"), QStringLiteral("gpt-4o-mini"),
         QStringLiteral("OPENAI_API_KEY"), true},
        {QStringLiteral("ollama"),
         QStringLiteral("Ollama (local, /v1)"),
         WireProtocol::OpenAiChat,
         QStringLiteral("http://127.0.0.1:11434/v1"),
         QStringLiteral("llama3.2"),
         {}},
        {QStringLiteral("lmstudio"),
         QStringLiteral("LM Studio (local)"),
         WireProtocol::OpenAiChat,
         QStringLiteral("http://127.0.0.1:1234/v1"),
         QStringLiteral("local-model"),
         {}},
        {QStringLiteral("llamacpp"),
         QStringLiteral("llama.cpp server (local)"),
         WireProtocol::OpenAiChat,
         QStringLiteral("http://127.0.0.1:8080/v1"),
         QStringLiteral("local-model"),
         {}},
        {QStringLiteral("vllm"),
         QStringLiteral("vLLM (local)"),
         WireProtocol::OpenAiChat,
         QStringLiteral("http://127.0.0.1:8000/v1"),
         QStringLiteral("local-model"),
         {}},
        {QStringLiteral("custom"), QStringLiteral("Other OpenAI-compatible"), WireProtocol::OpenAiChat,
         QStringLiteral("http://127.0.0.1:8000/v1"), QStringLiteral("model"),
         QStringLiteral("OPENAI_API_KEY"), false},
    };
    return presets;
}

} // namespace Lathe::Providers
