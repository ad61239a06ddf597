// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptRendering.h"

#include <climits>
#include <cmath>

#include <QRegularExpression>

#include "templates/MustacheTemplate.h"

namespace Lathe::Library
{

namespace
{

QString messageName(std::size_t index, const PromptMessage &message)
{
    return QStringLiteral("message %1 (%2)").arg(index + 1).arg(message.role);
}

/** How a value reads in an error: "text \"abc\"", "a number", … */
QString describe(const nlohmann::json &value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::string: {
        const QString text = QString::fromStdString(value.get<std::string>());
        return QStringLiteral("the text \"%1\"").arg(text.size() > 40 ? text.left(40) + u'…' : text);
    }
    case nlohmann::json::value_t::boolean:
        return QStringLiteral("a boolean");
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
        return QStringLiteral("the number %1").arg(QString::fromStdString(value.dump()));
    case nlohmann::json::value_t::object:
        return QStringLiteral("an object");
    case nlohmann::json::value_t::array:
        return QStringLiteral("an array");
    default:
        return QStringLiteral("null");
    }
}

/** Why `value` is not a conversation, or nothing when it is one. */
std::optional<QString> threadProblem(const nlohmann::json &value)
{
    if (!value.is_array())
        return QStringLiteral("a conversation is a JSON array of {\"role\", \"content\"} objects, not %1")
            .arg(describe(value));
    for (std::size_t i = 0; i < value.size(); ++i) {
        const nlohmann::json &turn = value[i];
        const auto role = turn.is_object() ? turn.find("role") : turn.end();
        const auto content = turn.is_object() ? turn.find("content") : turn.end();
        if (!turn.is_object() || role == turn.end() || !role->is_string() || content == turn.end() ||
            !content->is_string())
            return QStringLiteral("turn %1 must be an object with a text \"role\" and \"content\"")
                .arg(i + 1);
        const QString name = QString::fromStdString(role->get<std::string>());
        if (name == u"placeholder" || !isKnownRole(name))
            return QStringLiteral("turn %1 has the role \"%2\"; use system, user or assistant")
                .arg(i + 1)
                .arg(name);
    }
    return std::nullopt;
}

/** Why `value` is not of `type`, or nothing when it is. */
std::optional<QString> typeProblem(const nlohmann::json &value, VariableType type)
{
    const auto expected = [&](const char16_t *what) {
        return std::optional<QString>(
            QStringLiteral("expected %1, got %2").arg(QString::fromUtf16(what), describe(value)));
    };
    switch (type) {
    case VariableType::Any:
        return std::nullopt;
    case VariableType::String:
        return value.is_string() ? std::nullopt : expected(u"text");
    case VariableType::Number:
        return value.is_number() ? std::nullopt : expected(u"a number");
    case VariableType::Integer:
        return value.is_number_integer() ||
                       (value.is_number_float() && value.get<double>() == std::floor(value.get<double>()))
                   ? std::nullopt
                   : expected(u"a whole number");
    case VariableType::Boolean:
        return value.is_boolean() ? std::nullopt : expected(u"true or false");
    case VariableType::Object:
        return value.is_object() ? std::nullopt : expected(u"a JSON object");
    case VariableType::Array:
        return value.is_array() ? std::nullopt : expected(u"a JSON array");
    case VariableType::Thread:
        return threadProblem(value);
    }
    return std::nullopt;
}

} // namespace

PromptVariables variablesOf(const PromptContent &content)
{
    PromptVariables variables;
    for (std::size_t i = 0; i < content.messages.size(); ++i) {
        const QByteArray utf8 = content.messages[i].text.toUtf8();
        const auto parsed =
            Templates::MustacheTemplate::parse(std::string_view(utf8.constData(), std::size_t(utf8.size())),
                                               messageName(i, content.messages[i]));
        if (!parsed) {
            if (!variables.problem)
                variables.problem = parsed.error();
            continue;
        }
        for (const Templates::TemplateName &name : parsed->names()) {
            if (name.insideSection || name.name == ".")
                continue;
            const QString root = QString::fromStdString(name.name.substr(0, name.name.find('.')));
            if (!variables.names.contains(root))
                variables.names << root;
        }
    }
    return variables;
}

std::optional<QString> placeholderName(const QString &text)
{
    // A plain name: the value is looked up by it as it stands, not as a dotted path.
    static const QRegularExpression kTag(
        QStringLiteral("^\\s*\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\}\\}\\s*$"));
    const QRegularExpressionMatch match = kTag.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1);
}

nlohmann::json valueFromTypedText(const QString &text, VariableType type)
{
    const QString trimmed = text.trimmed();
    const auto parsed = [&] {
        return nlohmann::json::parse(trimmed.toStdString(), nullptr, false);
    };
    switch (type) {
    case VariableType::String:
        return text.toStdString();
    case VariableType::Number:
    case VariableType::Integer: {
        nlohmann::json number = parsed();
        return number.is_number() ? number : nlohmann::json(text.toStdString());
    }
    case VariableType::Boolean:
        if (trimmed.compare(u"true", Qt::CaseInsensitive) == 0)
            return true;
        if (trimmed.compare(u"false", Qt::CaseInsensitive) == 0)
            return false;
        return text.toStdString();
    case VariableType::Object:
    case VariableType::Array:
    case VariableType::Thread: {
        nlohmann::json json = parsed();
        return json.is_discarded() ? nlohmann::json(text.toStdString()) : json;
    }
    case VariableType::Any:
        break;
    }
    if (trimmed.startsWith(u'[') || trimmed.startsWith(u'{')) {
        nlohmann::json json = parsed();
        if (!json.is_discarded())
            return json;
    }
    return text.toStdString();
}

Result<nlohmann::json> resolveValues(const PromptContent &content, const nlohmann::json &values)
{
    nlohmann::json resolved = values.is_object() ? values : nlohmann::json::object();
    for (const auto &[name, declaration] : content.variables) {
        const std::string key = name.toStdString();
        const auto given = resolved.find(key);
        if (given == resolved.end()) {
            if (!declaration.defaultValue)
                continue;
            if (const auto problem = typeProblem(*declaration.defaultValue, declaration.type))
                return fail(ErrorCode::InvalidArgument, QStringLiteral("the default: %1").arg(*problem),
                            u"variables."_qs + name + u".default"_qs);
            resolved[key] = *declaration.defaultValue;
            continue;
        }
        if (const auto problem = typeProblem(*given, declaration.type))
            return fail(ErrorCode::InvalidArgument, *problem, u"variables."_qs + name);
    }
    return resolved;
}

Result<PromptContent> renderPrompt(const PromptContent &content, const nlohmann::json &values)
{
    const auto resolved = resolveValues(content, values);
    if (!resolved)
        return tl::unexpected(resolved.error());
    Templates::RenderOptions options;
    options.strict = true;
    options.escapeHtml = false;
    PromptContent rendered;
    rendered.parameters = content.parameters;
    rendered.responseSchema = content.responseSchema;
    for (std::size_t i = 0; i < content.messages.size(); ++i) {
        const PromptMessage &source = content.messages[i];
        if (source.role == u"placeholder") {
            const std::optional<QString> name = placeholderName(source.text);
            if (!name)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("A placeholder message holds one {{name}} tag naming the "
                                           "conversation that goes there."),
                            messageName(i, source));
            const auto conversation = resolved->find(name->toStdString());
            if (conversation == resolved->end())
                return fail(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("No value for \"%1\", the conversation this placeholder stands for.")
                        .arg(*name),
                    messageName(i, source));
            if (const auto problem = threadProblem(*conversation))
                return fail(ErrorCode::InvalidArgument, *problem, u"variables."_qs + *name);
            for (const nlohmann::json &turn : *conversation)
                rendered.messages.push_back({QString::fromStdString(turn["role"].get<std::string>()),
                                             QString::fromStdString(turn["content"].get<std::string>())});
            continue;
        }
        PromptMessage message = source;
        const QByteArray utf8 = message.text.toUtf8();
        const auto parsed = Templates::MustacheTemplate::parse(
            std::string_view(utf8.constData(), std::size_t(utf8.size())), messageName(i, message));
        if (!parsed)
            return tl::unexpected(parsed.error());
        const auto text = parsed->render(*resolved, options);
        if (!text)
            return tl::unexpected(text.error());
        message.text = QString::fromStdString(*text);
        rendered.messages.push_back(std::move(message));
    }
    return rendered;
}

Result<QStringList> applyCallParameters(const nlohmann::json &parameters, Providers::ChatRequest &request)
{
    QStringList unsent;
    if (!parameters.is_object())
        return unsent;
    for (const auto &[key, value] : parameters.items()) {
        const QString where = u"parameters."_qs + QString::fromStdString(key);
        if (key == "model")
            continue;
        if (key == "temperature") {
            if (!value.is_number())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("must be a number, not %1").arg(describe(value)), where);
            request.temperature = value.get<double>();
        } else if (key == "max_tokens" || key == "max_output_tokens" || key == "max_completion_tokens") {
            if (!value.is_number_integer() || value.get<qint64>() <= 0 || value.get<qint64>() > INT_MAX)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("must be a whole number above 0, not %1").arg(describe(value)),
                            where);
            request.maxOutputTokens = int(value.get<qint64>());
        } else {
            unsent << QString::fromStdString(key);
        }
    }
    return unsent;
}

} // namespace Lathe::Library
