// SPDX-License-Identifier: GPL-3.0-or-later
#include "ProviderPresets.h"

namespace Lathe::Providers
{

namespace
{

ProviderPreset simulator(const char *id, const char *name, WireProtocol protocol, const char *path)
{
    ProviderPreset preset;
    preset.id = QString::fromLatin1(id);
    preset.displayName = QString::fromUtf8(name);
    preset.protocol = protocol;
    preset.baseUrl = QString::fromLatin1(path);
    preset.defaultModel = QStringLiteral("lathe-sim");
    preset.simulated = true;
    return preset;
}

ProviderPreset service(const char *id, const char *name, WireProtocol protocol, const char *baseUrl,
                       const char *model, const char *keyVariable, bool keyRequired = true)
{
    ProviderPreset preset;
    preset.id = QString::fromLatin1(id);
    preset.displayName = QString::fromUtf8(name);
    preset.protocol = protocol;
    preset.baseUrl = QString::fromLatin1(baseUrl);
    preset.defaultModel = QString::fromLatin1(model);
    preset.apiKeyVariable = QString::fromLatin1(keyVariable);
    preset.apiKeyRequired = keyRequired && preset.apiKeyVariable.size() > 0;
    return preset;
}

} // namespace

ProviderEndpoint ProviderPreset::endpoint(const QUrl &simulatorRoot) const
{
    ProviderEndpoint endpoint;
    endpoint.protocol = protocol;
    if (simulated) {
        endpoint.baseUrl = simulatorRoot;
        endpoint.baseUrl.setPath(baseUrl);
    } else {
        endpoint.baseUrl = QUrl(baseUrl);
    }
    endpoint.apiKeyHeader = apiKeyHeader;
    return endpoint;
}

const QList<ProviderPreset> &providerPresets()
{
    using P = WireProtocol;
    // Base URLs are each service's documented API root, as its official SDK takes it; local
    // servers listen on their default ports.
    static const QList<ProviderPreset> presets = [] {
        QList<ProviderPreset> list = {
            simulator("simulator", "Built-in simulator (OpenAI Chat)", P::OpenAiChat, "/v1"),
            simulator("simulator-responses", "Built-in simulator (OpenAI Responses)", P::OpenAiResponses,
                      "/v1"),
            simulator("simulator-anthropic", "Built-in simulator (Anthropic)", P::Anthropic, ""),
            simulator("simulator-gemini", "Built-in simulator (Gemini)", P::Gemini, ""),
            simulator("simulator-ollama", "Built-in simulator (Ollama)", P::Ollama, ""),
            service("openai", "OpenAI", P::OpenAiChat, "https://api.openai.com/v1", "gpt-4o-mini",
                    "OPENAI_API_KEY"),
            service("openai-responses", "OpenAI (Responses API)", P::OpenAiResponses,
                    "https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY"),
            service("anthropic", "Anthropic", P::Anthropic, "https://api.anthropic.com", "claude-sonnet-4-5",
                    "ANTHROPIC_API_KEY"),
            service("gemini", "Google Gemini", P::Gemini, "https://generativelanguage.googleapis.com",
                    "gemini-2.5-flash", "GEMINI_API_KEY"),
            service("azure", "Azure OpenAI", P::OpenAiChat,
                    "https://YOUR-RESOURCE.openai.azure.com/openai/v1", "your-deployment",
                    "AZURE_OPENAI_API_KEY"),
            service("openrouter", "OpenRouter", P::OpenAiChat, "https://openrouter.ai/api/v1",
                    "openai/gpt-4o-mini", "OPENROUTER_API_KEY"),
            service("groq", "Groq", P::OpenAiChat, "https://api.groq.com/openai/v1",
                    "llama-3.3-70b-versatile", "GROQ_API_KEY"),
            service("together", "Together AI", P::OpenAiChat, "https://api.together.xyz/v1",
                    "meta-llama/Llama-3.3-70B-Instruct-Turbo", "TOGETHER_API_KEY"),
            service("mistral", "Mistral", P::OpenAiChat, "https://api.mistral.ai/v1", "mistral-small-latest",
                    "MISTRAL_API_KEY"),
            service("deepseek", "DeepSeek", P::OpenAiChat, "https://api.deepseek.com/v1", "deepseek-chat",
                    "DEEPSEEK_API_KEY"),
            service("ollama", "Ollama (local)", P::Ollama, "http://127.0.0.1:11434", "llama3.2",
                    "OLLAMA_API_KEY", false),
            service("ollama-openai", "Ollama (local, /v1)", P::OpenAiChat, "http://127.0.0.1:11434/v1",
                    "llama3.2", ""),
            service("lmstudio", "LM Studio (local)", P::OpenAiChat, "http://127.0.0.1:1234/v1", "local-model",
                    ""),
            service("llamacpp", "llama.cpp server (local)", P::OpenAiChat, "http://127.0.0.1:8080/v1",
                    "local-model", "LLAMA_API_KEY", false),
            service("vllm", "vLLM (local)", P::OpenAiChat, "http://127.0.0.1:8000/v1", "local-model",
                    "VLLM_API_KEY", false),
            service("custom", "Other OpenAI-compatible", P::OpenAiChat, "http://127.0.0.1:8000/v1", "model",
                    "OPENAI_API_KEY", false),
        };
        for (ProviderPreset &preset : list) {
            if (preset.id == QLatin1String("azure"))
                preset.apiKeyHeader = "api-key"; // Azure takes the bare key in its own header
        }
        return list;
    }();
    return presets;
}

} // namespace Lathe::Providers
