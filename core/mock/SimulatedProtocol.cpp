// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatedProtocol.h"

#include "AnthropicSimulation.h"
#include "GeminiSimulation.h"
#include "OllamaSimulation.h"
#include "OpenAiChatSimulation.h"
#include "OpenAiResponsesSimulation.h"

namespace Lathe::Mock
{

using nlohmann::json;

QByteArray SimulatedProtocol::streamContentType() const
{
    return "text/event-stream; charset=utf-8";
}

json SimulatedProtocol::tokenCountBody(qint64) const
{
    Q_ASSERT_X(false, "SimulatedProtocol::tokenCountBody", "this protocol has no count-tokens endpoint");
    return json::object();
}

const QList<const SimulatedProtocol *> &simulatedProtocols()
{
    static const OpenAiChatSimulation openAiChat;
    static const OpenAiResponsesSimulation openAiResponses;
    static const AnthropicSimulation anthropic;
    static const GeminiSimulation gemini;
    static const OllamaSimulation ollama;
    static const QList<const SimulatedProtocol *> protocols = {&openAiChat, &openAiResponses, &anthropic,
                                                               &gemini, &ollama};
    return protocols;
}

namespace Simulation
{

Result<json> parseJsonObject(const QByteArray &body)
{
    json root;
    try {
        root = json::parse(body.constBegin(), body.constEnd());
    } catch (const json::parse_error &e) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("invalid JSON in request body: ") + QString::fromUtf8(e.what()));
    }
    if (!root.is_object())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the request body must be a JSON object"));
    return root;
}

void splitModelAndFault(const QString &fullModel, SimulatedRequest &request)
{
    const qsizetype plus = fullModel.indexOf(QLatin1Char('+'));
    request.model = plus < 0 ? fullModel : fullModel.first(plus);
    request.faultSpec = plus < 0 ? QString() : fullModel.sliced(plus + 1);
}

QByteArray sseEvent(const json &payload, const char *eventName)
{
    QByteArray event;
    if (eventName)
        event += QByteArray("event: ") + eventName + '\n';
    return event + "data: " + QByteArray::fromStdString(payload.dump()) + "\n\n";
}

std::optional<QString> contentText(const json &content)
{
    if (content.is_string())
        return QString::fromStdString(content.get<std::string>());
    if (content.is_null())
        return QString();
    if (!content.is_array())
        return std::nullopt;
    QString text;
    for (const json &part : content) {
        if (part.is_string()) {
            text += QString::fromStdString(part.get<std::string>());
            continue;
        }
        const auto it = part.is_object() ? part.find("text") : part.end();
        if (it == part.end() || !it->is_string())
            return std::nullopt;
        text += QString::fromStdString(it->get<std::string>());
    }
    return text;
}

std::string utf8(const QString &text)
{
    return text.toStdString();
}

} // namespace Simulation

} // namespace Lathe::Mock
