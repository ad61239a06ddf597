// SPDX-License-Identifier: GPL-3.0-or-later
#include "AnthropicSimulation.h"

#include <algorithm>

namespace Lathe::Mock
{

namespace
{

using nlohmann::json;
using Simulation::utf8;

constexpr auto kCountTokensPath = "/v1/messages/count_tokens";

// SimulatedAnswer speaks OpenAI's words; these are Anthropic's (ANT-PY types/stop_reason.py).
std::string stopReason(const QString &finishReason)
{
    if (finishReason == QLatin1String("length"))
        return "max_tokens";
    if (finishReason == QLatin1String("tool_calls"))
        return "tool_use";
    return "end_turn";
}

// The real API's validation errors name the field in its dotted path, e.g. "messages.0.role".
tl::unexpected<Error> invalid(const QString &message)
{
    return fail(ErrorCode::InvalidArgument, message);
}

// The arguments as the JSON object Anthropic's tool_use blocks carry; nullopt when they are no
// object (a structured answer under the invalid-json or schema-violation fault, or cut short).
std::optional<json> toolInput(const SimulatedToolCall &call)
{
    json input = json::parse(utf8(call.arguments()), nullptr, false);
    if (!input.is_object())
        return std::nullopt;
    return input;
}

json startUsage(const SimulatedAnswer &answer)
{
    // message_start already reports a small output count, as the real API does (protocols.md §6).
    return {{"input_tokens", answer.promptTokens},
            {"cache_creation_input_tokens", 0},
            {"cache_read_input_tokens", 0},
            {"output_tokens", 1}};
}

json finalUsage(const SimulatedAnswer &answer)
{
    return {{"input_tokens", answer.promptTokens},
            {"cache_creation_input_tokens", 0},
            {"cache_read_input_tokens", 0},
            {"output_tokens", answer.pieceCount()}};
}

class AnthropicStreamWriter final : public SimulatedStreamWriter
{
public:
    explicit AnthropicStreamWriter(const SimulatedResponse &response)
        : m_response(response)
    {}

    QByteArray begin() override
    {
        const json message = {{"id", "msg_" + utf8(m_response.id)},
                              {"type", "message"},
                              {"role", "assistant"},
                              {"model", utf8(m_response.model)},
                              {"content", json::array()},
                              {"stop_reason", nullptr},
                              {"stop_sequence", nullptr},
                              {"usage", startUsage(m_response.answer)}};
        json block = {{"type", "text"}, {"text", ""}};
        if (const auto &call = m_response.answer.toolCall) {
            block = {{"type", "tool_use"},
                     {"id", utf8(call->id)},
                     {"name", utf8(call->name)},
                     {"input", json::object()}};
        }
        // The real service sends one ping right after the first block opens.
        return event("message_start", {{"type", "message_start"}, {"message", message}}) +
               event("content_block_start",
                     {{"type", "content_block_start"}, {"index", 0}, {"content_block", block}}) +
               event("ping", {{"type", "ping"}});
    }

    QByteArray piece(qsizetype index) override
    {
        const SimulatedAnswer &answer = m_response.answer;
        const json delta = answer.toolCall
                               ? json{{"type", "input_json_delta"},
                                      {"partial_json", utf8(answer.toolCall->argumentFragments[index])}}
                               : json{{"type", "text_delta"}, {"text", utf8(answer.tokens[index])}};
        return event("content_block_delta",
                     {{"type", "content_block_delta"}, {"index", 0}, {"delta", delta}});
    }

    QByteArray end() override
    {
        // message_delta's usage is cumulative: the totals, not what was added since message_start.
        return event("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}) +
               event("message_delta", {{"type", "message_delta"},
                                       {"delta",
                                        {{"stop_reason", stopReason(m_response.answer.finishReason)},
                                         {"stop_sequence", nullptr}}},
                                       {"usage", {{"output_tokens", m_response.answer.pieceCount()}}}}) +
               event("message_stop", {{"type", "message_stop"}});
    }

    QByteArray error(const QString &message) override
    {
        // What Anthropic sends when it is overloaded mid-answer; the stream then just ends.
        return event(
            "error",
            {{"type", "error"},
             {"error", {{"type", "overloaded_error"}, {"message", "Overloaded (" + utf8(message) + ")"}}}});
    }

    QByteArray malformed() override
    {
        return "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, "
               "\"delta\": \n\n";
    }

private:
    static QByteArray event(const char *name, const json &payload)
    {
        return Simulation::sseEvent(payload, name);
    }

    SimulatedResponse m_response;
};

// The text blocks of a content or system value (a string, or an array of blocks) as messages
// of `role`, one per block, so that the simulator sees the turns a client merged as it wrote
// them. Returns an error naming the field when the value has the wrong shape.
Result<void> appendContent(const json &content, const QString &role, const QString &field,
                           QList<Providers::ChatMessage> &messages)
{
    if (content.is_string()) {
        messages.append({role, QString::fromStdString(content.get<std::string>())});
        return {};
    }
    if (!content.is_array())
        return invalid(
            QStringLiteral("%1: Input should be a valid string or a list of content blocks").arg(field));
    const qsizetype before = messages.size();
    for (std::size_t i = 0; i < content.size(); ++i) {
        const json &block = content[i];
        const auto type = block.is_object() ? block.find("type") : block.end();
        if (type == block.end() || !type->is_string())
            return invalid(QStringLiteral("%1.%2.type: Field required").arg(field).arg(i));
        const std::string kind = type->get<std::string>();
        if (kind == "text") {
            const auto text = block.find("text");
            if (text == block.end() || !text->is_string())
                return invalid(QStringLiteral("%1.%2.text: Field required").arg(field).arg(i));
            if (text->get<std::string>().empty())
                return invalid(
                    QStringLiteral("%1.%2: text content blocks must be non-empty").arg(field).arg(i));
            messages.append({role, QString::fromStdString(text->get<std::string>())});
        } else if (kind == "tool_result") {
            // The result of a call the simulator asked for: its text is part of the prompt.
            const auto result = block.find("content");
            if (result != block.end()) {
                if (auto text = Simulation::contentText(*result))
                    messages.append({role, *text});
            }
        }
        // Images, documents and the model's own tool_use blocks carry no text to answer.
    }
    if (messages.size() == before)
        messages.append({role, QString()});
    return {};
}

} // namespace

bool AnthropicSimulation::handles(const Http::HttpRequest &request) const
{
    const QByteArray path = request.path();
    return path == "/v1/messages" || path == kCountTokensPath;
}

Result<SimulatedRequest> AnthropicSimulation::parseRequest(const Http::HttpRequest &http) const
{
    auto parsed = Simulation::parseJsonObject(http.body);
    if (!parsed)
        return tl::unexpected(parsed.error());
    const json &root = *parsed;

    SimulatedRequest request;
    const auto model = root.find("model");
    if (model == root.end() || !model->is_string() || model->get<std::string>().empty())
        return invalid(QStringLiteral("model: Field required"));
    Simulation::splitModelAndFault(QString::fromStdString(model->get<std::string>()), request);

    request.countTokens = http.path() == kCountTokensPath;
    if (request.countTokens) {
        // count_tokens takes the prompt alone; the real API refuses the Messages API's generation
        // settings there as unknown fields.
        for (const char *key : {"max_tokens", "stream", "temperature"}) {
            if (root.contains(key))
                return invalid(QStringLiteral("%1: Extra inputs are not permitted").arg(QLatin1String(key)));
        }
    } else {
        // Unlike OpenAI's, Anthropic's API has no default output limit.
        const auto maxTokens = root.find("max_tokens");
        if (maxTokens == root.end() || maxTokens->is_null())
            return invalid(QStringLiteral("max_tokens: Field required"));
        if (!maxTokens->is_number_integer() || maxTokens->get<qint64>() < 1)
            return invalid(
                QStringLiteral("max_tokens: Input should be a valid integer greater than or equal to 1"));
        request.maxTokens = maxTokens->get<qint64>();
    }

    if (const auto system = root.find("system"); system != root.end() && !system->is_null()) {
        if (auto added =
                appendContent(*system, QStringLiteral("system"), QStringLiteral("system"), request.messages);
            !added)
            return tl::unexpected(added.error());
    }

    const auto messages = root.find("messages");
    if (messages == root.end() || !messages->is_array())
        return invalid(QStringLiteral("messages: Field required"));
    if (messages->empty())
        return invalid(QStringLiteral("messages: at least one message is required"));
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const json &message = (*messages)[i];
        const auto role = message.is_object() ? message.find("role") : message.end();
        // There is no "system" role here: the system prompt is the top-level field.
        if (role == message.end() || !role->is_string() ||
            (role->get<std::string>() != "user" && role->get<std::string>() != "assistant"))
            return invalid(QStringLiteral("messages.%1.role: Input should be 'user' or 'assistant'").arg(i));
        const auto content = message.find("content");
        if (content == message.end())
            return invalid(QStringLiteral("messages.%1.content: Field required").arg(i));
        if (auto added = appendContent(*content, QString::fromStdString(role->get<std::string>()),
                                       QStringLiteral("messages.%1.content").arg(i), request.messages);
            !added)
            return tl::unexpected(added.error());
    }

    if (const auto temperature = root.find("temperature");
        temperature != root.end() && !temperature->is_null()) {
        // Anthropic's range is 0-1, narrower than OpenAI's 0-2.
        if (!temperature->is_number() || temperature->get<double>() < 0 || temperature->get<double>() > 1)
            return invalid(QStringLiteral("temperature: Input should be a number from 0 to 1"));
    }
    if (const auto stream = root.find("stream"); stream != root.end() && !stream->is_null()) {
        if (!stream->is_boolean())
            return invalid(QStringLiteral("stream: Input should be a valid boolean"));
        request.stream = stream->get<bool>();
    }
    if (const auto tools = root.find("tools"); tools != root.end() && tools->is_array()) {
        for (const json &tool : *tools) {
            const auto name = tool.is_object() ? tool.find("name") : tool.end();
            if (name != tool.end() && name->is_string())
                request.toolNames.append(QString::fromStdString(name->get<std::string>()));
        }
    }
    // A forced tool is called whatever the prompt says, so its input is the answer; Lathe asks
    // for structured output this way.
    if (const auto choice = root.find("tool_choice"); choice != root.end() && choice->is_object()) {
        const auto type = choice->find("type");
        if (type != choice->end() && *type == "tool") {
            const auto name = choice->find("name");
            if (name == choice->end() || !name->is_string())
                return invalid(QStringLiteral("tool_choice.name: Field required"));
            const QString toolName = QString::fromStdString(name->get<std::string>());
            const auto tools = root.find("tools");
            const json noTools = json::array();
            const json &offered = tools != root.end() && tools->is_array() ? *tools : noTools;
            const auto named = std::find_if(offered.begin(), offered.end(), [&](const json &tool) {
                return tool.is_object() && tool.contains("name") && tool["name"] == *name;
            });
            if (named == offered.end())
                return invalid(QStringLiteral("tool_choice: Tool '%1' not found in tools").arg(toolName));
            const auto index = std::distance(offered.begin(), named);
            const std::string pointer = "/tools/" + std::to_string(index) + "/input_schema";
            request.responseSchema = Simulation::orderedValueAt(http.body, pointer);
            if (!request.responseSchema || !request.responseSchema->is_object())
                return invalid(QStringLiteral("tools.%1.input_schema: Field required").arg(index));
            request.responseTool = toolName;
        }
    }
    return request;
}

std::unique_ptr<SimulatedStreamWriter>
AnthropicSimulation::streamWriter(const SimulatedResponse &response) const
{
    return std::make_unique<AnthropicStreamWriter>(response);
}

json AnthropicSimulation::wholeResponse(const SimulatedResponse &response) const
{
    const SimulatedAnswer &answer = response.answer;
    json content = json::array();
    std::string stop = stopReason(answer.finishReason);
    if (answer.toolCall) {
        if (auto input = toolInput(*answer.toolCall)) {
            content.push_back({{"type", "tool_use"},
                               {"id", utf8(answer.toolCall->id)},
                               {"name", utf8(answer.toolCall->name)},
                               {"input", std::move(*input)}});
        } else {
            // A whole tool_use block holds an object, never broken JSON: the simulator writes
            // such arguments as the text a model that ignored the tool would have written.
            content.push_back({{"type", "text"}, {"text", utf8(answer.toolCall->arguments())}});
            if (stop == "tool_use")
                stop = "end_turn";
        }
    } else {
        content.push_back({{"type", "text"}, {"text", utf8(answer.text())}});
    }
    return {{"id", "msg_" + utf8(response.id)}, {"type", "message"},          {"role", "assistant"},
            {"model", utf8(response.model)},    {"content", content},         {"stop_reason", stop},
            {"stop_sequence", nullptr},         {"usage", finalUsage(answer)}};
}

json AnthropicSimulation::tokenCountBody(qint64 inputTokens) const
{
    return {{"input_tokens", inputTokens}};
}

json AnthropicSimulation::errorBody(int status, const QString &detail) const
{
    // Error types and their statuses from ANT-PY types/shared/error_*.py and ANT-DOC errors
    // (protocols.md §7); the wording is the real service's where it is known.
    std::string type = status < 500 ? "invalid_request_error" : "api_error";
    std::string message = utf8(detail);
    switch (status) {
    case 401:
        type = "authentication_error";
        message = "invalid x-api-key " + message;
        break;
    case 402:
        type = "billing_error";
        message = "Your credit balance is too low to access the Anthropic API. " + message;
        break;
    case 403:
        type = "permission_error";
        message = "Your API key does not have permission to use the specified resource. " + message;
        break;
    case 404:
        type = "not_found_error";
        message = "Not found: " + message;
        break;
    case 413:
        type = "request_too_large";
        message = "Request exceeds the maximum allowed number of bytes. " + message;
        break;
    case 429:
        type = "rate_limit_error";
        message = "Number of requests has exceeded your per-minute rate limit. " + message;
        break;
    case 500:
        message = "Internal server error " + message;
        break;
    case 503:
        // Not a documented Anthropic status (protocols.md §11), but gateways in front of it send it.
        message = "Service unavailable " + message;
        break;
    case 504:
        type = "timeout_error";
        message = "Request timed out " + message;
        break;
    case 529:
        type = "overloaded_error";
        message = "Overloaded " + message;
        break;
    default:
        break;
    }
    return {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}};
}

} // namespace Lathe::Mock
