// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiChatSimulation.h"

namespace Lathe::Mock
{

namespace
{

using nlohmann::json;
using Simulation::utf8;

json usageJson(const SimulatedAnswer &answer)
{
    const qint64 completion = answer.pieceCount();
    return {{"prompt_tokens", answer.promptTokens},
            {"completion_tokens", completion},
            {"total_tokens", answer.promptTokens + completion},
            {"prompt_tokens_details", {{"cached_tokens", 0}}},
            {"completion_tokens_details", {{"reasoning_tokens", 0}}}};
}

class OpenAiChatStreamWriter final : public SimulatedStreamWriter
{
public:
    explicit OpenAiChatStreamWriter(const SimulatedResponse &response)
        : m_response(response)
    {}

    QByteArray begin() override
    {
        return Simulation::sseEvent(chunk({{"role", "assistant"}, {"content", ""}}, nullptr));
    }

    QByteArray piece(qsizetype index) override
    {
        const SimulatedAnswer &answer = m_response.answer;
        if (!answer.toolCall)
            return Simulation::sseEvent(chunk({{"content", utf8(answer.tokens[index])}}, nullptr));
        // As OpenAI does: id, type and name on the first fragment of the call only.
        json call = {{"index", 0},
                     {"function", {{"arguments", utf8(answer.toolCall->argumentFragments[index])}}}};
        if (index == 0) {
            call["id"] = utf8(answer.toolCall->id);
            call["type"] = "function";
            call["function"]["name"] = utf8(answer.toolCall->name);
        }
        return Simulation::sseEvent(chunk({{"tool_calls", json::array({call})}}, nullptr));
    }

    QByteArray end() override
    {
        QByteArray bytes = Simulation::sseEvent(chunk(json::object(), utf8(m_response.answer.finishReason)));
        if (m_response.includeUsage) {
            json last = chunk(json::object(), nullptr);
            last["choices"] = json::array();
            last["usage"] = usageJson(m_response.answer);
            bytes += Simulation::sseEvent(last);
        }
        return bytes + "data: [DONE]\n\n";
    }

    QByteArray error(const QString &message) override
    {
        const json body = {{"error",
                            {{"message", utf8(message)},
                             {"type", "server_error"},
                             {"param", nullptr},
                             {"code", "simulated_fault"}}}};
        return Simulation::sseEvent(body) + "data: [DONE]\n\n";
    }

    QByteArray malformed() override
    {
        return "data: {\"id\": \"" + m_response.id.toUtf8() + "\", \"choices\": [{\"delta\": \n\n";
    }

private:
    json chunk(json delta, const json &finishReason) const
    {
        json body = {{"id", utf8(m_response.id)},
                     {"object", "chat.completion.chunk"},
                     {"created", m_response.created},
                     {"model", utf8(m_response.model)},
                     {"system_fingerprint", "lathe-sim"},
                     {"choices", json::array({{{"index", 0},
                                               {"delta", std::move(delta)},
                                               {"logprobs", nullptr},
                                               {"finish_reason", finishReason}}})}};
        if (m_response.includeUsage)
            body["usage"] = nullptr;
        return body;
    }

    SimulatedResponse m_response;
};

} // namespace

bool OpenAiChatSimulation::handles(const Http::HttpRequest &request) const
{
    return request.path() == "/v1/chat/completions";
}

Result<SimulatedRequest> OpenAiChatSimulation::parseRequest(const Http::HttpRequest &http) const
{
    auto parsed = Simulation::parseJsonObject(http.body);
    if (!parsed)
        return tl::unexpected(parsed.error());
    const json &root = *parsed;

    SimulatedRequest request;
    request.includeUsage = false;
    const auto model = root.find("model");
    if (model == root.end() || !model->is_string() || model->get<std::string>().empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'model' must be a non-empty string"));
    Simulation::splitModelAndFault(QString::fromStdString(model->get<std::string>()), request);

    const auto messages = root.find("messages");
    if (messages == root.end() || !messages->is_array() || messages->empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'messages' must be a non-empty array"));
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const json &message = (*messages)[i];
        const auto role = message.is_object() ? message.find("role") : message.end();
        if (role == message.end() || !role->is_string())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'messages[%1].role' must be a string").arg(i));
        const auto content = message.find("content");
        auto text =
            content == message.end() ? std::optional<QString>(QString()) : Simulation::contentText(*content);
        if (!text)
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("'messages[%1].content' must be a string or an array of text parts").arg(i));
        request.messages.append({QString::fromStdString(role->get<std::string>()), *text});
    }

    for (const char *key : {"max_tokens", "max_completion_tokens"}) {
        const auto limit = root.find(key);
        if (limit == root.end() || limit->is_null())
            continue;
        if (!limit->is_number_integer() || limit->get<qint64>() < 1)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("'%1' must be a whole number ≥ 1").arg(QLatin1String(key)));
        request.maxTokens = limit->get<qint64>();
    }
    if (const auto stream = root.find("stream"); stream != root.end() && !stream->is_null()) {
        if (!stream->is_boolean())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("'stream' must be a boolean"));
        request.stream = stream->get<bool>();
    }
    if (const auto options = root.find("stream_options"); options != root.end() && options->is_object()) {
        const auto include = options->find("include_usage");
        request.includeUsage = include != options->end() && include->is_boolean() && include->get<bool>();
    }
    if (const auto tools = root.find("tools"); tools != root.end() && tools->is_array()) {
        for (const json &tool : *tools) {
            const json *function =
                tool.is_object() && tool.contains("function") ? &tool["function"] : nullptr;
            if (function && function->is_object() && function->contains("name") &&
                (*function)["name"].is_string())
                request.toolNames.append(QString::fromStdString((*function)["name"].get<std::string>()));
        }
    }
    if (const auto format = root.find("response_format"); format != root.end() && !format->is_null()) {
        const auto type = format->is_object() ? format->find("type") : format->end();
        if (type == format->end() || !type->is_string())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Missing required parameter: 'response_format.type'."));
        if (*type == "json_schema") {
            const auto spec = format->find("json_schema");
            if (spec == format->end() || !spec->is_object())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("Missing required parameter: 'response_format.json_schema'."));
            if (auto read =
                    Simulation::readJsonSchemaFormat(*spec, http.body, "/response_format/json_schema",
                                                     QStringLiteral("response_format.json_schema"), request);
                !read)
                return tl::unexpected(read.error());
        } else if (*type != "text" && *type != "json_object") {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Invalid value for 'response_format.type': expected one of 'text', "
                                       "'json_object' or 'json_schema'."));
        }
    }
    return request;
}

std::unique_ptr<SimulatedStreamWriter>
OpenAiChatSimulation::streamWriter(const SimulatedResponse &response) const
{
    return std::make_unique<OpenAiChatStreamWriter>(response);
}

json OpenAiChatSimulation::wholeResponse(const SimulatedResponse &response) const
{
    const SimulatedAnswer &answer = response.answer;
    json message = {{"role", "assistant"},
                    {"content", answer.toolCall ? json(nullptr) : json(utf8(answer.text()))}};
    if (answer.toolCall) {
        message["tool_calls"] = json::array(
            {{{"id", utf8(answer.toolCall->id)},
              {"type", "function"},
              {"function",
               {{"name", utf8(answer.toolCall->name)}, {"arguments", utf8(answer.toolCall->arguments())}}}}});
    }
    return {{"id", utf8(response.id)},
            {"object", "chat.completion"},
            {"created", response.created},
            {"model", utf8(response.model)},
            {"system_fingerprint", "lathe-sim"},
            {"choices", json::array({{{"index", 0},
                                      {"message", message},
                                      {"logprobs", nullptr},
                                      {"finish_reason", utf8(answer.finishReason)}}})},
            {"usage", usageJson(answer)}};
}

json OpenAiChatSimulation::errorBody(int status, const QString &detail) const
{
    std::string type = status < 500 ? "invalid_request_error" : "server_error";
    std::string code;
    std::string message = utf8(detail);
    switch (status) {
    case 401:
        code = "invalid_api_key";
        message = "Incorrect API key provided. " + message;
        break;
    case 429:
        type = "requests";
        code = "rate_limit_exceeded";
        message = "Rate limit reached for requests. Please try again in 1s. " + message;
        break;
    case 503:
        message = "The server is overloaded or not ready yet. " + message;
        break;
    case 529:
        type = "overloaded_error";
        message = "Overloaded. " + message;
        break;
    default:
        break;
    }
    json error = {{"message", message}, {"type", type}, {"param", nullptr}};
    error["code"] = code.empty() ? json(nullptr) : json(code);
    return {{"error", error}};
}

} // namespace Lathe::Mock
