// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiResponsesSimulation.h"

// Shapes follow the openai-python SDK's generated types (src/openai/types/responses/*), as
// summarised in shared/research/protocols.md §3 and §5.

namespace Lathe::Mock
{

namespace
{

using nlohmann::json;
using Simulation::utf8;

// OpenAI rejects smaller limits with 400 integer_below_min_value.
constexpr qint64 kMinOutputTokens = 16;

std::string responseId(const SimulatedResponse &response)
{
    return "resp_" + utf8(response.id);
}

std::string messageId(const SimulatedResponse &response)
{
    return "msg_" + utf8(response.id);
}

std::string functionCallId(const SimulatedResponse &response)
{
    return "fc_" + utf8(response.id);
}

bool cutByMaxTokens(const SimulatedAnswer &answer)
{
    return answer.finishReason == QLatin1String("length");
}

json usageJson(const SimulatedAnswer &answer)
{
    const qint64 output = answer.pieceCount();
    return {{"input_tokens", answer.promptTokens},
            {"input_tokens_details", {{"cached_tokens", 0}}},
            {"output_tokens", output},
            {"output_tokens_details", {{"reasoning_tokens", 0}}},
            {"total_tokens", answer.promptTokens + output}};
}

json outputTextPart(const QString &text)
{
    return {{"type", "output_text"},
            {"annotations", json::array()},
            {"logprobs", json::array()},
            {"text", utf8(text)}};
}

// The answer's one output item, as it is when `done` (or when it starts, with empty content).
json outputItem(const SimulatedResponse &response, bool done)
{
    const SimulatedAnswer &answer = response.answer;
    const char *status = !done ? "in_progress" : cutByMaxTokens(answer) ? "incomplete" : "completed";
    if (answer.toolCall) {
        return {{"id", functionCallId(response)},
                {"type", "function_call"},
                {"status", status},
                {"arguments", done ? utf8(answer.toolCall->arguments()) : std::string()},
                {"call_id", utf8(answer.toolCall->id)},
                {"name", utf8(answer.toolCall->name)}};
    }
    return {{"id", messageId(response)},
            {"type", "message"},
            {"status", status},
            {"content", done ? json::array({outputTextPart(answer.text())}) : json::array()},
            {"role", "assistant"}};
}

// The Response object: in progress (no output, no usage yet) or final.
json responseObject(const SimulatedResponse &response, bool final)
{
    const SimulatedAnswer &answer = response.answer;
    const bool incomplete = final && cutByMaxTokens(answer);
    const char *status = !final ? "in_progress" : incomplete ? "incomplete" : "completed";
    return {{"id", responseId(response)},
            {"object", "response"},
            {"created_at", response.created},
            {"status", status},
            {"background", false},
            {"error", nullptr},
            {"incomplete_details", incomplete ? json{{"reason", "max_output_tokens"}} : json(nullptr)},
            {"instructions", nullptr},
            {"max_output_tokens", nullptr},
            {"model", utf8(response.model)},
            {"output", final ? json::array({outputItem(response, true)}) : json::array()},
            {"parallel_tool_calls", true},
            {"previous_response_id", nullptr},
            {"reasoning", {{"effort", nullptr}, {"summary", nullptr}}},
            {"store", false},
            {"temperature", 1.0},
            {"text", {{"format", {{"type", "text"}}}}},
            {"tool_choice", "auto"},
            {"tools", json::array()},
            {"top_p", 1.0},
            {"truncation", "disabled"},
            {"usage", final ? usageJson(answer) : json(nullptr)},
            {"user", nullptr},
            {"metadata", json::object()}};
}

class OpenAiResponsesStreamWriter final : public SimulatedStreamWriter
{
public:
    explicit OpenAiResponsesStreamWriter(const SimulatedResponse &response)
        : m_response(response)
    {}

    QByteArray begin() override
    {
        QByteArray bytes = event("response.created", {{"response", responseObject(m_response, false)}});
        bytes += event("response.in_progress", {{"response", responseObject(m_response, false)}});
        bytes += event("response.output_item.added",
                       {{"output_index", 0}, {"item", outputItem(m_response, false)}});
        if (!m_response.answer.toolCall)
            bytes += event("response.content_part.added", contentPart(outputTextPart(QString())));
        return bytes;
    }

    QByteArray piece(qsizetype index) override
    {
        const SimulatedAnswer &answer = m_response.answer;
        if (answer.toolCall)
            return event("response.function_call_arguments.delta",
                         {{"item_id", functionCallId(m_response)},
                          {"output_index", 0},
                          {"delta", utf8(answer.toolCall->argumentFragments[index])}});
        json delta = contentPart(json());
        delta.erase("part");
        delta["delta"] = utf8(answer.tokens[index]);
        delta["logprobs"] = json::array();
        return event("response.output_text.delta", std::move(delta));
    }

    QByteArray end() override
    {
        const SimulatedAnswer &answer = m_response.answer;
        QByteArray bytes;
        if (answer.toolCall) {
            bytes += event("response.function_call_arguments.done",
                           {{"item_id", functionCallId(m_response)},
                            {"output_index", 0},
                            {"name", utf8(answer.toolCall->name)},
                            {"arguments", utf8(answer.toolCall->arguments())}});
        } else {
            json done = contentPart(json());
            done.erase("part");
            done["text"] = utf8(answer.text());
            done["logprobs"] = json::array();
            bytes += event("response.output_text.done", std::move(done));
            bytes += event("response.content_part.done", contentPart(outputTextPart(answer.text())));
        }
        bytes +=
            event("response.output_item.done", {{"output_index", 0}, {"item", outputItem(m_response, true)}});
        // An answer cut by max_output_tokens ends in response.incomplete, not response.completed.
        return bytes + event(cutByMaxTokens(answer) ? "response.incomplete" : "response.completed",
                             {{"response", responseObject(m_response, true)}});
    }

    QByteArray error(const QString &message) override
    {
        // `error` is terminal (protocols.md §3): nothing follows it, not even response.failed.
        return event("error", {{"code", "server_error"}, {"message", utf8(message)}, {"param", nullptr}});
    }

    QByteArray malformed() override
    {
        // A delta cut off after its last key: its sequence number is used up like a real one's.
        const bool tool = m_response.answer.toolCall.has_value();
        const QByteArray type =
            tool ? "response.function_call_arguments.delta" : "response.output_text.delta";
        return "event: " + type + "\ndata: {\"type\":\"" + type +
               "\",\"sequence_number\":" + QByteArray::number(m_sequence++) + ",\"item_id\":\"" +
               QByteArray::fromStdString(tool ? functionCallId(m_response) : messageId(m_response)) +
               "\",\"delta\": \n\n";
    }

private:
    // Every event repeats its name as `type` and carries the next sequence number.
    QByteArray event(const std::string &type, json payload)
    {
        payload["type"] = type;
        payload["sequence_number"] = m_sequence++;
        return Simulation::sseEvent(payload, type.c_str());
    }

    json contentPart(json part) const
    {
        json payload = {{"item_id", messageId(m_response)}, {"output_index", 0}, {"content_index", 0}};
        payload["part"] = std::move(part);
        return payload;
    }

    SimulatedResponse m_response;
    qint64 m_sequence = 0;
};

// One `input` item's role and text, or nullopt for an item that is not a message.
Result<std::optional<Providers::ChatMessage>> inputMessage(const json &item, std::size_t i)
{
    if (!item.is_object())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'input[%1]' must be an object").arg(i));
    const auto type = item.find("type");
    if (type != item.end() && *type != "message")
        return std::optional<Providers::ChatMessage>(); // function_call_output, reasoning, …
    const auto role = item.find("role");
    if (role == item.end() || !role->is_string())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Missing required parameter: 'input[%1].role'.").arg(i));
    const auto content = item.find("content");
    const auto text = content == item.end() ? std::optional<QString>() : Simulation::contentText(*content);
    if (!text)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'input[%1].content' must be a string or an array of text parts").arg(i));
    return std::optional<Providers::ChatMessage>(
        Providers::ChatMessage{QString::fromStdString(role->get<std::string>()), *text});
}

} // namespace

bool OpenAiResponsesSimulation::handles(const Http::HttpRequest &request) const
{
    return request.path() == "/v1/responses";
}

Result<SimulatedRequest> OpenAiResponsesSimulation::parseRequest(const Http::HttpRequest &http) const
{
    auto parsed = Simulation::parseJsonObject(http.body);
    if (!parsed)
        return tl::unexpected(parsed.error());
    const json &root = *parsed;

    SimulatedRequest request;
    // Usage is always on the final Response object; there is nothing to ask for.
    request.includeUsage = true;
    const auto model = root.find("model");
    if (model == root.end() || !model->is_string() || model->get<std::string>().empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("Missing required parameter: 'model'."));
    Simulation::splitModelAndFault(QString::fromStdString(model->get<std::string>()), request);

    // `instructions` is the system prompt; the simulator answers it as a leading system message.
    if (const auto instructions = root.find("instructions");
        instructions != root.end() && !instructions->is_null()) {
        if (!instructions->is_string())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("'instructions' must be a string"));
        request.messages.append(
            {QStringLiteral("system"), QString::fromStdString(instructions->get<std::string>())});
    }
    const auto input = root.find("input");
    if (input == root.end() || !(input->is_string() || input->is_array()))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'input' must be a string or an array of items"));
    if (input->is_string()) {
        request.messages.append({QStringLiteral("user"), QString::fromStdString(input->get<std::string>())});
    } else {
        for (std::size_t i = 0; i < input->size(); ++i) {
            auto message = inputMessage((*input)[i], i);
            if (!message)
                return tl::unexpected(message.error());
            if (*message)
                request.messages.append(**message);
        }
    }

    if (const auto limit = root.find("max_output_tokens"); limit != root.end() && !limit->is_null()) {
        if (!limit->is_number_integer())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Invalid type for 'max_output_tokens': expected an integer."));
        if (limit->get<qint64>() < kMinOutputTokens)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Invalid 'max_output_tokens': integer below minimum value. Expected a "
                                       "value >= %1, but got %2 instead.")
                            .arg(kMinOutputTokens)
                            .arg(limit->get<qint64>()));
        request.maxTokens = limit->get<qint64>();
    }
    if (const auto stream = root.find("stream"); stream != root.end() && !stream->is_null()) {
        if (!stream->is_boolean())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("'stream' must be a boolean"));
        request.stream = stream->get<bool>();
    }
    if (const auto tools = root.find("tools"); tools != root.end() && tools->is_array()) {
        for (std::size_t i = 0; i < tools->size(); ++i) {
            const json &tool = (*tools)[i];
            if (!tool.is_object() || tool.value("type", std::string()) != "function")
                continue; // hosted tools (web_search, …) the simulator never calls
            // Chat Completions' nested {"function": {"name": …}} lands here: OpenAI answers it so.
            const auto name = tool.find("name");
            if (name == tool.end() || !name->is_string())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("Missing required parameter: 'tools[%1].name'.").arg(i));
            request.toolNames.append(QString::fromStdString(name->get<std::string>()));
        }
    }
    if (const auto text = root.find("text"); text != root.end() && text->is_object()) {
        const auto format = text->find("format");
        if (format != text->end() && !format->is_null()) {
            const auto type = format->is_object() ? format->find("type") : format->end();
            if (type == format->end() || !type->is_string())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("Missing required parameter: 'text.format.type'."));
            if (*type == "json_schema") {
                if (auto read = Simulation::readJsonSchemaFormat(*format, http.body, "/text/format",
                                                                 QStringLiteral("text.format"), request);
                    !read)
                    return tl::unexpected(read.error());
            } else if (*type != "text" && *type != "json_object") {
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("Invalid value for 'text.format.type': expected one of 'text', "
                                           "'json_object' or 'json_schema'."));
            }
        }
    }
    return request;
}

std::unique_ptr<SimulatedStreamWriter>
OpenAiResponsesSimulation::streamWriter(const SimulatedResponse &response) const
{
    return std::make_unique<OpenAiResponsesStreamWriter>(response);
}

json OpenAiResponsesSimulation::wholeResponse(const SimulatedResponse &response) const
{
    return responseObject(response, true);
}

json OpenAiResponsesSimulation::errorBody(int status, const QString &detail) const
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
    case 500:
        message = "The server had an error while processing your request. Sorry about that! " + message;
        break;
    case 503:
        message = "The server is overloaded or not ready yet. " + message;
        break;
    default:
        break;
    }
    json error = {{"message", message}, {"type", type}, {"param", nullptr}};
    error["code"] = code.empty() ? json(nullptr) : json(code);
    return {{"error", error}};
}

} // namespace Lathe::Mock
