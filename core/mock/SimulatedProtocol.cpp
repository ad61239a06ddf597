// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatedProtocol.h"

#include <QRegularExpression>

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

std::optional<nlohmann::ordered_json> orderedValueAt(const QByteArray &body, const std::string &pointer)
{
    const auto root = nlohmann::ordered_json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    const nlohmann::ordered_json::json_pointer at(pointer);
    if (root.is_discarded() || !root.contains(at))
        return std::nullopt;
    return root.at(at);
}

Result<void> readJsonSchemaFormat(const json &format, const QByteArray &body, const std::string &pointer,
                                  const QString &field, SimulatedRequest &request)
{
    const auto name = format.find("name");
    if (name == format.end() || !name->is_string())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Missing required parameter: '%1.name'.").arg(field));
    static const QRegularExpression namePattern(QStringLiteral("^[a-zA-Z0-9_-]{1,64}$"));
    if (!namePattern.match(QString::fromStdString(name->get<std::string>())).hasMatch())
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("Invalid '%1.name': string does not match pattern. Expected a string that "
                           "matches the pattern '^[a-zA-Z0-9_-]+$' and is at most 64 characters long.")
                .arg(field));
    const auto schema = format.find("schema");
    if (schema == format.end() || !schema->is_object())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Invalid type for '%1.schema': expected an object.").arg(field));
    if (const auto strict = format.find("strict");
        strict != format.end() && !strict->is_null() && !strict->is_boolean())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Invalid type for '%1.strict': expected a boolean.").arg(field));
    request.responseSchema = orderedValueAt(body, pointer + "/schema");
    return {};
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
