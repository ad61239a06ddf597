// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptContent.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QStringList>

#include "PromptyFile.h"

namespace Lathe::Library
{

namespace
{

const QStringList kRoles{u"system"_qs, u"user"_qs, u"assistant"_qs, u"placeholder"_qs};

/** The role a line starts, when it is a role line ("user:" alone, spaces allowed around it). */
std::optional<QString> roleOfLine(QStringView line)
{
    const QStringView trimmed = line.trimmed();
    if (!trimmed.endsWith(u':'))
        return std::nullopt;
    const QString role = trimmed.chopped(1).trimmed().toString().toLower();
    if (!kRoles.contains(role))
        return std::nullopt;
    return role;
}

/** Text without the blank lines before and after it; spaces inside lines are kept. */
QString withoutBlankEdges(QStringList lines)
{
    while (!lines.isEmpty() && lines.front().trimmed().isEmpty())
        lines.removeFirst();
    while (!lines.isEmpty() && lines.back().trimmed().isEmpty())
        lines.removeLast();
    return lines.join(u'\n');
}

} // namespace

PromptContent fromPromptText(const QString &text)
{
    for (const QStringView line : QStringView(text).split(u'\n')) {
        if (line.trimmed().isEmpty())
            continue;
        if (roleOfLine(line)) {
            if (auto content = PromptContent::fromRoleMarkedText(text, QString()))
                return *content;
        }
        break;
    }
    PromptContent content;
    content.messages.push_back({u"user"_qs, text});
    return content;
}

namespace
{

/** A front matter's fence as readPrompty takes it: exactly "---", a Windows line end allowed. */
bool isFence(const QString &line)
{
    return line == u"---" || line == u"---\r";
}

/**
 * Whether the text opens with a front matter: a line "---" and then a YAML key (or nothing yet),
 * as a .prompty file does. A markdown rule above prose ("---", "You are…") is not one, so such a
 * plain prompt stays plain.
 */
bool opensFrontMatter(const QStringList &lines)
{
    if (lines.isEmpty() || !isFence(lines.front()))
        return false;
    static const QRegularExpression kKey(QStringLiteral("^[A-Za-z_][\\w.-]*\\s*:(\\s|$)"));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QString trimmed = lines[i].trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(u'#'))
            continue;
        return isFence(lines[i]) || kKey.match(lines[i]).hasMatch();
    }
    return true; // "---" and nothing yet: a front matter being typed
}

/** Where the body starts after a front matter: the line after its closing "---", else 0. */
qsizetype bodyStartLine(const QStringList &lines)
{
    if (!opensFrontMatter(lines))
        return 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (isFence(lines[i]))
            return i + 1;
    }
    return 0;
}

} // namespace

Result<PromptContent> readPromptText(const QString &text, std::vector<PromptyNote> *notes)
{
    if (!opensFrontMatter(text.split(u'\n')))
        return fromPromptText(text);
    auto document = readPrompty(text, u"prompt"_qs);
    if (!document)
        return tl::unexpected(document.error());
    if (notes)
        *notes = std::move(document->notes);
    return std::move(document->content);
}

QString toPromptText(const PromptContent &content)
{
    nlohmann::json parameters = content.parameters;
    parameters.erase("model");
    if (!content.variables.empty() || !parameters.empty() || !content.responseSchema.is_null()) {
        PromptyDocument document;
        document.content = content;
        document.content.parameters = std::move(parameters);
        // Placeholders stay role lines: a thread input declared on the way would make opening
        // and saving an unchanged version a new one.
        return writePrompty(document, PlaceholderStyle::RoleLine).text;
    }
    // A lone user message is its text, unless that text would read as a front matter.
    if (content.messages.size() == 1 && content.messages.front().role == u"user" &&
        !opensFrontMatter(content.messages.front().text.split(u'\n')))
        return content.messages.front().text;
    return content.toRoleMarkedText();
}

namespace
{

/**
 * The line of `lines` where each message's text starts, found in order: each message's first
 * line, searched for after the previous message's text. Reading keeps a message's lines
 * together and only trims blank ones at its ends, so this holds for role lines, a front matter
 * and the pieces a thread line splits a message into alike. -1 where a line is not found.
 */
std::vector<int> locateMessages(const QStringList &lines, const std::vector<PromptMessage> &messages)
{
    std::vector<int> starts;
    qsizetype cursor = 0;
    for (const PromptMessage &message : messages) {
        const QStringList text = message.text.split(u'\n');
        const QString &first = text.front();
        qsizetype found = cursor;
        while (found < lines.size() && lines[found] != first && lines[found] != first + u'\r')
            ++found;
        if (found == lines.size()) {
            starts.push_back(-1);
            continue;
        }
        starts.push_back(int(found));
        cursor = found + text.size();
    }
    return starts;
}

} // namespace

std::vector<int> promptTextMessageLines(const QString &text, const Result<PromptContent> *read)
{
    std::optional<Result<PromptContent>> own;
    const Result<PromptContent> &content = read ? *read : own.emplace(readPromptText(text));
    if (!content)
        return {};
    return locateMessages(text.split(u'\n'), content->messages);
}

namespace
{

const std::pair<VariableType, const char16_t *> kTypeNames[] = {
    {VariableType::Any, u"any"},         {VariableType::String, u"string"},
    {VariableType::Number, u"number"},   {VariableType::Integer, u"integer"},
    {VariableType::Boolean, u"boolean"}, {VariableType::Object, u"object"},
    {VariableType::Array, u"array"},     {VariableType::Thread, u"thread"},
};

} // namespace

QString variableTypeName(VariableType type)
{
    for (const auto &[known, name] : kTypeNames)
        if (known == type)
            return QString::fromUtf16(name);
    return QString();
}

std::optional<VariableType> variableTypeFromName(const QString &name)
{
    for (const auto &[type, known] : kTypeNames)
        if (name == QStringView(known))
            return type;
    return std::nullopt;
}

std::optional<std::pair<int, int>> promptTextPlace(const QString &text, const QString &where,
                                                   const Result<PromptContent> *read)
{
    static const QRegularExpression kPlace(
        QStringLiteral("^(?:prompt|message (\\d+) \\([a-z]+\\)):(\\d+)(?::(\\d+))?"));
    const QRegularExpressionMatch match = kPlace.match(where);
    if (!match.hasMatch())
        return std::nullopt;
    int line = match.captured(2).toInt() - 1;
    const int column = std::max(0, match.captured(3).toInt() - 1);
    if (match.hasCaptured(1) && !match.captured(1).isEmpty()) {
        const std::vector<int> starts = promptTextMessageLines(text, read);
        const auto message = std::size_t(match.captured(1).toInt() - 1);
        if (message >= starts.size())
            return std::nullopt;
        line += starts[message];
    }
    if (line < 0)
        return std::nullopt;
    return std::pair{line, column};
}

PromptTextLayout promptTextLayout(const QString &text, const Result<PromptContent> *read)
{
    const QStringList lines = text.split(u'\n');
    PromptTextLayout layout;
    const qsizetype bodyStart = bodyStartLine(lines);
    layout.frontMatterLines = int(bodyStart);
    std::optional<Result<PromptContent>> own;
    const Result<PromptContent> &content = read ? *read : own.emplace(readPromptText(text));
    if (!content) {
        // A front matter being typed: the role lines still show where the messages are.
        for (qsizetype i = bodyStart; i < lines.size(); ++i) {
            if (const auto role = roleOfLine(lines[i]))
                layout.roleLines.push_back({int(i), *role});
        }
        return layout;
    }
    const std::vector<int> starts = locateMessages(lines, content->messages);
    bool anyRoleLine = false;
    for (std::size_t i = 0; i < starts.size(); ++i) {
        const QString &role = content->messages[i].role;
        if (starts[i] < 0)
            continue;
        // A message starts at its role line when one is above its text; a placeholder from a
        // thread line, or the rest of a message it split, starts at its own first line.
        int line = starts[i];
        int above = line - 1;
        while (above >= bodyStart && lines[above].trimmed().isEmpty())
            --above;
        if (above >= bodyStart && roleOfLine(lines[above]) == role) {
            line = above;
            anyRoleLine = true;
        }
        layout.roleLines.push_back({line, role});
    }
    // A plain prompt, one user message with no role line, has no bars.
    if (!anyRoleLine && content->messages.size() == 1)
        layout.roleLines.clear();
    return layout;
}

bool isKnownRole(const QString &role)
{
    return kRoles.contains(role);
}

std::string PromptContent::canonical() const
{
    // nlohmann::json keeps object keys sorted, so dump() is canonical for equal values.
    return toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

QString PromptContent::hash() const
{
    const std::string bytes = canonical();
    return QString::fromLatin1(QCryptographicHash::hash(QByteArrayView(bytes.data(), qsizetype(bytes.size())),
                                                        QCryptographicHash::Sha256)
                                   .toHex());
}

nlohmann::json PromptContent::toJson() const
{
    nlohmann::json messagesJson = nlohmann::json::array();
    for (const PromptMessage &message : messages)
        messagesJson.push_back({{"role", message.role.toStdString()}, {"text", message.text.toStdString()}});
    nlohmann::json json = {{"messages", std::move(messagesJson)},
                           {"parameters", parameters},
                           {"response_schema", responseSchema}};
    if (!variables.empty()) {
        nlohmann::json declared = nlohmann::json::object();
        for (const auto &[name, declaration] : variables) {
            nlohmann::json entry = nlohmann::json::object();
            if (declaration.type != VariableType::Any)
                entry["type"] = variableTypeName(declaration.type).toStdString();
            if (declaration.defaultValue)
                entry["default"] = *declaration.defaultValue;
            if (!declaration.description.isEmpty())
                entry["description"] = declaration.description.toStdString();
            declared[name.toStdString()] = std::move(entry);
        }
        json["variables"] = std::move(declared);
    }
    return json;
}

Result<PromptContent> PromptContent::fromJson(const nlohmann::json &json)
{
    if (!json.is_object())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("A prompt version must be a JSON object."));
    PromptContent content;
    const auto messages = json.find("messages");
    if (messages == json.end() || !messages->is_array())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("must be an array of messages"),
                    u"messages"_qs);
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const nlohmann::json &message = (*messages)[i];
        const QString where = QStringLiteral("messages[%1]").arg(i);
        if (!message.is_object() || !message.contains("role") || !message["role"].is_string() ||
            !message.contains("text") || !message["text"].is_string())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("must be an object with a role and a text"), where);
        PromptMessage parsed{QString::fromStdString(message["role"].get<std::string>()),
                             QString::fromStdString(message["text"].get<std::string>())};
        if (!isKnownRole(parsed.role))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("unknown role \"%1\"; use %2").arg(parsed.role, kRoles.join(u", ")),
                        where + u".role");
        content.messages.push_back(std::move(parsed));
    }
    if (const auto parameters = json.find("parameters"); parameters != json.end()) {
        if (!parameters->is_object())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("must be an object"), u"parameters"_qs);
        content.parameters = *parameters;
    }
    if (const auto schema = json.find("response_schema"); schema != json.end())
        content.responseSchema = *schema;
    if (const auto declared = json.find("variables"); declared != json.end()) {
        if (!declared->is_object())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("must be an object of declarations by name"), u"variables"_qs);
        for (const auto &[name, entry] : declared->items()) {
            const QString where = u"variables."_qs + QString::fromStdString(name);
            if (!entry.is_object())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("must be an object with a type, a default or a description"),
                            where);
            VariableDeclaration declaration;
            if (const auto type = entry.find("type"); type != entry.end()) {
                const auto known =
                    type->is_string() ? variableTypeFromName(QString::fromStdString(type->get<std::string>()))
                                      : std::nullopt;
                if (!known)
                    return fail(
                        ErrorCode::InvalidArgument,
                        QStringLiteral("must be one of any, string, number, integer, boolean, object, "
                                       "array, thread"),
                        where + u".type");
                declaration.type = *known;
            }
            if (const auto value = entry.find("default"); value != entry.end())
                declaration.defaultValue = *value;
            if (const auto description = entry.find("description"); description != entry.end()) {
                if (!description->is_string())
                    return fail(ErrorCode::InvalidArgument, QStringLiteral("must be text"),
                                where + u".description");
                declaration.description = QString::fromStdString(description->get<std::string>());
            }
            content.variables.emplace(QString::fromStdString(name), std::move(declaration));
        }
    }
    return content;
}

Result<PromptContent> PromptContent::fromRoleMarkedText(const QString &text, const QString &source)
{
    PromptContent content;
    QStringList pending;
    QString role;
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QString line = lines[i];
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (const auto next = roleOfLine(line)) {
            if (!role.isEmpty())
                content.messages.push_back({role, withoutBlankEdges(pending)});
            role = *next;
            pending.clear();
            continue;
        }
        if (role.isEmpty()) {
            if (line.trimmed().isEmpty())
                continue;
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("Text before the first role line; start with a line \"system:\", \"user:\" or "
                               "\"assistant:\"."),
                QStringLiteral("%1:%2").arg(source).arg(i + 1));
        }
        pending << line;
    }
    if (role.isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("No message: a line \"system:\", \"user:\" or \"assistant:\" starts one."),
                    source);
    content.messages.push_back({role, withoutBlankEdges(pending)});
    return content;
}

QString PromptContent::toRoleMarkedText() const
{
    QStringList parts;
    for (const PromptMessage &message : messages)
        parts << message.role + u":\n" + message.text;
    return parts.join(u"\n\n") + u'\n';
}

} // namespace Lathe::Library
