// SPDX-License-Identifier: GPL-3.0-or-later
#include "PromptyFile.h"

#include <algorithm>
#include <functional>
#include <set>
#include <yaml-cpp/yaml.h>

#include <QRegularExpression>

#include "PromptLibrary.h"
#include "PromptRendering.h"
#include "base/Redaction.h"

namespace Lathe::Library
{

namespace
{

using Notes = std::vector<PromptyNote>;

QString lineWithoutCr(QString line)
{
    if (line.endsWith(u'\r'))
        line.chop(1);
    return line;
}

// ---- YAML scalars, as the YAML 1.2 core schema resolves them ----

const QRegularExpression kYamlInteger(QStringLiteral("^[-+]?[0-9]+$"));
const QRegularExpression
    kYamlFloat(QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));

/**
 * What a plain (unquoted) scalar means. Infinities and NaN stay text: JSON cannot hold them, and
 * no parameter Lathe sends takes one.
 */
nlohmann::json plainScalarValue(const std::string &text)
{
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return nullptr;
    if (text == "true" || text == "True" || text == "TRUE")
        return true;
    if (text == "false" || text == "False" || text == "FALSE")
        return false;
    const QString qtext = QString::fromStdString(text);
    bool ok = false;
    if (kYamlInteger.match(qtext).hasMatch()) {
        if (const qlonglong value = qtext.toLongLong(&ok); ok)
            return value;
        if (const qulonglong value = qtext.toULongLong(&ok); ok)
            return value;
        return qtext.toDouble();
    }
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
        if (const qlonglong value = qtext.mid(2).toLongLong(&ok, text[1] == 'x' ? 16 : 8); ok)
            return value;
    }
    if (kYamlFloat.match(qtext).hasMatch())
        return qtext.toDouble();
    return text;
}

/**
 * Plain scalars that YAML 1.1 readers (PyYAML, which Prompty's Python runtime uses) take for
 * something other than text: yes/no/on/off, infinities and NaN, 0b and sexagesimal numbers,
 * digits with underscores.
 */
const QRegularExpression kYaml11NotText(QStringLiteral(
    "^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|"
    "[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?|[-+]?[0-9._]*_[0-9._]*)$"));

/** Text that a plain scalar would turn into something else (a number, true, null) is quoted. */
void emitString(YAML::Emitter &out, const std::string &text)
{
    if (plainScalarValue(text).is_string() && !kYaml11NotText.match(QString::fromStdString(text)).hasMatch())
        out << text;
    else
        out << YAML::DoubleQuoted << text;
}

void emitJson(YAML::Emitter &out, const nlohmann::json &value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::object:
        if (value.empty())
            out << YAML::Flow;
        out << YAML::BeginMap;
        for (const auto &[key, item] : value.items()) {
            out << YAML::Key;
            emitString(out, key);
            out << YAML::Value;
            emitJson(out, item);
        }
        out << YAML::EndMap;
        return;
    case nlohmann::json::value_t::array:
        if (value.empty())
            out << YAML::Flow;
        out << YAML::BeginSeq;
        for (const nlohmann::json &item : value)
            emitJson(out, item);
        out << YAML::EndSeq;
        return;
    case nlohmann::json::value_t::string:
        emitString(out, value.get<std::string>());
        return;
    case nlohmann::json::value_t::null:
        out << YAML::Null;
        return;
    default:
        // Numbers and booleans as JSON writes them: the shortest text that reads back the same.
        out << value.dump();
        return;
    }
}

// ---- reading the front matter ----

/** More values than this (aliases can multiply a small file) is refused, not expanded. */
constexpr qsizetype kMaxValues = 1'000'000;
/** Deeper than this is refused; yaml-cpp stops at 2000 while parsing, and an alias can make a cycle. */
constexpr int kMaxDepth = 1000;

/** Reads the YAML of a front matter into a document, naming fields and places in errors and notes. */
class FrontMatterReader
{
public:
    FrontMatterReader(const QString &source, int firstLine)
        : m_source(source)
        , m_firstLine(firstLine)
    {}

    Result<void> read(const YAML::Node &root, PromptyDocument &document);
    /** The template format the file declares; empty when it declares none. */
    QString templateFormat() const { return m_templateFormat; }
    QString templateField() const { return m_templateField; }
    const std::set<QString> &threadInputs() const { return m_threadInputs; }
    QString place(const YAML::Mark &mark, bool withColumn = true) const;
    tl::unexpected<Error> wrong(const YAML::Node &node, const QString &field, const QString &what) const;

private:
    /** Called with each key, its value, and the key's place (where a note about the entry points). */
    using EntryReader =
        std::function<Result<void>(const QString &key, const YAML::Node &value, const YAML::Mark &keyMark)>;

    void note(const YAML::Mark &mark, const QString &field, const QString &what);
    Result<void> forEachEntry(const YAML::Node &map, const QString &field, const EntryReader &read);
    Result<nlohmann::json> json(const YAML::Node &node, const QString &field, int depth = 0);
    Result<QString> text(const YAML::Node &node, const QString &field);
    Result<void> readText(const YAML::Node &node, const QString &field, QString &into);
    Result<void> appendTexts(const YAML::Node &node, const QString &field, QStringList &into);

    Result<void> readModel(const YAML::Node &model, PromptContent &content);
    Result<void> readParameters(const YAML::Node &parameters, PromptContent &content);
    Result<void> readOptions(const YAML::Node &options, PromptContent &content);
    Result<void> readInputs(const YAML::Node &inputs, PromptContent &content);
    Result<void> readType(const YAML::Node &node, const QString &field, VariableType &into);
    Result<void> readInput(const QString &name, const YAML::Node &input, const QString &field,
                           PromptContent &content);
    Result<void> readTemplate(const YAML::Node &node);

    QString m_source;
    int m_firstLine; ///< the file's 1-based line of the YAML's first line
    Notes m_notes;
    qsizetype m_values = 0;
    QString m_templateFormat;
    QString m_templateField = u"template"_qs;
    std::set<QString> m_threadInputs;
    nlohmann::json m_inputSamples = nlohmann::json::object();
};

QString FrontMatterReader::place(const YAML::Mark &mark, bool withColumn) const
{
    if (mark.is_null())
        return QStringLiteral("%1:%2").arg(m_source).arg(m_firstLine);
    const QString line = QStringLiteral("%1:%2").arg(m_source).arg(m_firstLine + mark.line);
    return withColumn ? line + QStringLiteral(":%1").arg(mark.column + 1) : line;
}

tl::unexpected<Error> FrontMatterReader::wrong(const YAML::Node &node, const QString &field,
                                               const QString &what) const
{
    return fail(ErrorCode::InvalidArgument, what, place(node.Mark()) + u": " + field);
}

void FrontMatterReader::note(const YAML::Mark &mark, const QString &field, const QString &what)
{
    m_notes.push_back({place(mark, false) + u": " + field, what});
}

Result<void> FrontMatterReader::forEachEntry(const YAML::Node &map, const QString &field,
                                             const EntryReader &read)
{
    if (!map.IsMap())
        return wrong(map, field, QStringLiteral("must be a mapping of keys to values"));
    for (auto entry = map.begin(); entry != map.end(); ++entry) {
        if (!entry->first.IsScalar())
            return wrong(entry->first, field, QStringLiteral("keys must be text"));
        if (auto done =
                read(QString::fromStdString(entry->first.Scalar()), entry->second, entry->first.Mark());
            !done)
            return done;
    }
    return {};
}

Result<nlohmann::json> FrontMatterReader::json(const YAML::Node &node, const QString &field, int depth)
{
    if (++m_values > kMaxValues)
        return wrong(node, field,
                     QStringLiteral("holds more than %1 values (are aliases repeating a large part?)")
                         .arg(kMaxValues));
    if (depth > kMaxDepth)
        return wrong(node, field, QStringLiteral("nests deeper than %1 levels").arg(kMaxDepth));
    if (node.IsScalar()) {
        // "!" is the tag of a quoted or block scalar: always text.
        if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str")
            return nlohmann::json(node.Scalar());
        return plainScalarValue(node.Scalar());
    }
    if (node.IsSequence()) {
        nlohmann::json array = nlohmann::json::array();
        for (std::size_t i = 0; i < node.size(); ++i) {
            auto item = json(node[i], QStringLiteral("%1[%2]").arg(field).arg(i), depth + 1);
            if (!item)
                return item;
            array.push_back(std::move(*item));
        }
        return array;
    }
    if (node.IsMap()) {
        nlohmann::json object = nlohmann::json::object();
        auto done = forEachEntry(
            node, field,
            [&](const QString &key, const YAML::Node &value, const YAML::Mark &) -> Result<void> {
                auto item = json(value, field + u'.' + key, depth + 1);
                if (!item)
                    return tl::unexpected(item.error());
                object[key.toStdString()] = std::move(*item);
                return {};
            });
        if (!done)
            return tl::unexpected(done.error());
        return object;
    }
    return nlohmann::json(nullptr);
}

Result<QString> FrontMatterReader::text(const YAML::Node &node, const QString &field)
{
    if (!node.IsDefined() || node.IsNull())
        return QString();
    if (!node.IsScalar())
        return wrong(node, field, QStringLiteral("must be text"));
    return QString::fromStdString(node.Scalar());
}

Result<void> FrontMatterReader::readText(const YAML::Node &node, const QString &field, QString &into)
{
    auto read = text(node, field);
    if (!read)
        return tl::unexpected(read.error());
    into = *read;
    return {};
}

Result<void> FrontMatterReader::appendTexts(const YAML::Node &node, const QString &field, QStringList &into)
{
    if (node.IsNull())
        return {};
    if (!node.IsSequence())
        return wrong(node, field, QStringLiteral("must be a list of text"));
    for (std::size_t i = 0; i < node.size(); ++i) {
        if (!node[i].IsScalar())
            return wrong(node[i], QStringLiteral("%1[%2]").arg(field).arg(i), QStringLiteral("must be text"));
        into << QString::fromStdString(node[i].Scalar());
    }
    return {};
}

const QString kSecretsNote =
    QStringLiteral("not kept: endpoints and API keys are set in Lathe, keys only in the keychain or the "
                   "environment");

Result<void> FrontMatterReader::read(const YAML::Node &root, PromptyDocument &document)
{
    if (root.IsNull())
        return {};
    if (!root.IsMap())
        return wrong(root, u"front matter"_qs, QStringLiteral("must be a mapping of keys to values"));
    PromptContent &content = document.content;
    // Prompty's own fields that Lathe has no place for, with why; other fields are noted plainly.
    static const std::map<QString, QString> kNotKept = {
        {u"authors"_qs, u"not kept: a version's author is whoever saves it"_qs},
        {u"version"_qs, u"not kept: Lathe numbers the versions it saves"_qs},
        {u"outputs"_qs, u"not kept: a response schema says what Lathe expects back"_qs},
        {u"tools"_qs, u"not kept: Lathe's prompts call no tools"_qs},
    };
    const auto whyNotKept = [](const QString &key) {
        const auto known = kNotKept.find(key);
        return known == kNotKept.end() ? QStringLiteral("not kept") : known->second;
    };
    bool sampleGiven = false;
    auto done = forEachEntry(
        root, QString(),
        [&](const QString &key, const YAML::Node &value, const YAML::Mark &keyMark) -> Result<void> {
            if (key == u"name") {
                return readText(value, key, document.name);
            } else if (key == u"description") {
                return readText(value, key, document.description);
            } else if (key == u"tags") {
                return appendTexts(value, key, document.tags);
            } else if (key == u"metadata") {
                return forEachEntry(value, key,
                                    [&](const QString &metaKey, const YAML::Node &metaValue,
                                        const YAML::Mark &metaKeyMark) -> Result<void> {
                                        const QString field = key + u'.' + metaKey;
                                        if (metaKey != u"tags") {
                                            note(metaKeyMark, field, whyNotKept(metaKey));
                                            return {};
                                        }
                                        return appendTexts(metaValue, field, document.tags);
                                    });
            } else if (key == u"model") {
                return readModel(value, content);
            } else if (key == u"inputs") {
                return readInputs(value, content);
            } else if (key == u"sample") {
                if (value.IsScalar()) {
                    note(keyMark, key,
                         QStringLiteral("a sample file (%1) is not read; give the values in the file instead")
                             .arg(QString::fromStdString(value.Scalar())));
                    return {};
                }
                if (!value.IsMap())
                    return wrong(value, key, QStringLiteral("must be a mapping of values by input name"));
                auto sample = json(value, key);
                if (!sample)
                    return tl::unexpected(sample.error());
                document.sample = std::move(*sample);
                sampleGiven = true;
            } else if (key == u"template") {
                return readTemplate(value);
            } else {
                note(keyMark, key, whyNotKept(key));
            }
            return {};
        });
    if (!done)
        return done;
    // An input's own sample fills in what the file's sample does not give.
    for (const auto &[name, value] : m_inputSamples.items()) {
        if (!sampleGiven)
            document.sample = nlohmann::json::object();
        sampleGiven = true;
        if (!document.sample.contains(name))
            document.sample[name] = value;
    }
    document.notes.insert(document.notes.end(), m_notes.begin(), m_notes.end());
    return {};
}

Result<void> FrontMatterReader::readModel(const YAML::Node &model, PromptContent &content)
{
    if (model.IsScalar()) { // v2: the model's id alone
        content.parameters["model"] = model.Scalar();
        return {};
    }
    return forEachEntry(
        model, u"model"_qs,
        [&](const QString &key, const YAML::Node &value, const YAML::Mark &keyMark) -> Result<void> {
            const QString field = u"model."_qs + key;
            if (key == u"api" || key == u"apiType") {
                auto api = text(value, field);
                if (!api)
                    return tl::unexpected(api.error());
                if (*api != u"chat")
                    note(keyMark, field,
                         QStringLiteral("\"%1\" is not kept: Lathe's prompts are chat prompts").arg(*api));
            } else if (key == u"id") {
                auto id = text(value, field);
                if (!id)
                    return tl::unexpected(id.error());
                content.parameters["model"] = id->toStdString();
            } else if (key == u"configuration") {
                return forEachEntry(
                    value, field,
                    [&](const QString &setting, const YAML::Node &settingValue,
                        const YAML::Mark &settingMark) -> Result<void> {
                        const QString settingField = field + u'.' + setting;
                        if (setting == u"name" || setting == u"azure_deployment") {
                            auto name = text(settingValue, settingField);
                            if (!name)
                                return tl::unexpected(name.error());
                            // The model's name wins over a deployment's, whichever comes first.
                            if (setting == u"name" || !content.parameters.contains("model"))
                                content.parameters["model"] = name->toStdString();
                        } else if (setting == u"type") {
                            auto type = text(settingValue, settingField);
                            if (!type)
                                return tl::unexpected(type.error());
                            if (*type != u"openai")
                                note(settingMark, settingField,
                                     QStringLiteral(
                                         "\"%1\" is not kept: the run's provider is chosen in Lathe")
                                         .arg(*type));
                        } else {
                            note(settingMark, settingField, kSecretsNote);
                        }
                        return {};
                    });
            } else if (key == u"connection") {
                note(keyMark, field, kSecretsNote);
            } else if (key == u"parameters") {
                return readParameters(value, content);
            } else if (key == u"options") {
                return readOptions(value, content);
            } else {
                note(keyMark, field, QStringLiteral("not kept"));
            }
            return {};
        });
}

Result<void> FrontMatterReader::readParameters(const YAML::Node &parameters, PromptContent &content)
{
    return forEachEntry(
        parameters, u"model.parameters"_qs,
        [&](const QString &key, const YAML::Node &value, const YAML::Mark &keyMark) -> Result<void> {
            const QString field = u"model.parameters."_qs + key;
            if (isCredentialName(key)) {
                note(keyMark, field,
                     QStringLiteral("not kept: keys live in the keychain or the environment"));
                return {};
            }
            auto parameter = json(value, field);
            if (!parameter)
                return tl::unexpected(parameter.error());
            // Every lookup checks the type first: a half-typed front matter ("type:" with no
            // value yet) must not throw out of nlohmann.
            const auto type = parameter->is_object() ? parameter->find("type") : parameter->end();
            if (key == u"response_format" && type != parameter->end() && *type == "json_schema") {
                const auto format = parameter->find("json_schema");
                if (format == parameter->end() || !format->is_object() || !format->contains("schema"))
                    return wrong(
                        value, field + u".json_schema.schema"_qs,
                        QStringLiteral("is missing: a json_schema response format needs its schema"));
                content.responseSchema = (*format)["schema"];
                if (const auto strict = format->find("strict"); strict != format->end() && *strict != true)
                    note(keyMark, field + u".json_schema.strict"_qs,
                         QStringLiteral("not kept: Lathe keeps the schema and asks for it strictly"));
                return {};
            }
            content.parameters[key.toStdString()] = std::move(*parameter);
            return {};
        });
}

Result<void> FrontMatterReader::readOptions(const YAML::Node &options, PromptContent &content)
{
    // Prompty v2 spells the options in camelCase; Lathe's parameters are OpenAI's snake_case.
    static const std::map<QString, const char *> kParameterOfOption = {
        {u"maxOutputTokens"_qs, "max_tokens"},
        {u"topP"_qs, "top_p"},
        {u"topK"_qs, "top_k"},
        {u"stopSequences"_qs, "stop"},
        {u"frequencyPenalty"_qs, "frequency_penalty"},
        {u"presencePenalty"_qs, "presence_penalty"},
        {u"temperature"_qs, "temperature"},
        {u"seed"_qs, "seed"},
    };
    return forEachEntry(
        options, u"model.options"_qs,
        [&](const QString &key, const YAML::Node &value, const YAML::Mark &keyMark) -> Result<void> {
            const QString field = u"model.options."_qs + key;
            const auto parameter = kParameterOfOption.find(key);
            if (parameter == kParameterOfOption.end() && key != u"additionalProperties") {
                note(keyMark, field, QStringLiteral("not kept"));
                return {};
            }
            auto option = json(value, field);
            if (!option)
                return tl::unexpected(option.error());
            if (parameter != kParameterOfOption.end()) {
                content.parameters[parameter->second] = std::move(*option);
                return {};
            }
            if (!option->is_object())
                return wrong(value, field, QStringLiteral("must be a mapping of parameters"));
            for (auto &[name, extra] : option->items()) {
                if (isCredentialName(QString::fromStdString(name)))
                    note(keyMark, field + u'.' + QString::fromStdString(name),
                         QStringLiteral("not kept: keys live in the keychain or the environment"));
                else
                    content.parameters[name] = std::move(extra);
            }
            return {};
        });
}

Result<void> FrontMatterReader::readInputs(const YAML::Node &inputs, PromptContent &content)
{
    if (inputs.IsSequence()) { // v2: a list of properties, each with its name
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const YAML::Node &input = inputs[i];
            const QString field = QStringLiteral("inputs[%1]").arg(i);
            if (!input.IsMap() || !input["name"] || !input["name"].IsScalar())
                return wrong(input, field, QStringLiteral("must be a mapping with a name"));
            if (auto done = readInput(QString::fromStdString(input["name"].Scalar()), input, field, content);
                !done)
                return done;
        }
        return {};
    }
    return forEachEntry(inputs, u"inputs"_qs,
                        [&](const QString &name, const YAML::Node &input, const YAML::Mark &) {
                            return readInput(name, input, u"inputs."_qs + name, content);
                        });
}

Result<void> FrontMatterReader::readType(const YAML::Node &node, const QString &field, VariableType &into)
{
    auto name = text(node, field);
    if (!name)
        return tl::unexpected(name.error());
    // Prompty's "float" is JSON's number.
    const auto type = *name == u"float" ? std::optional(VariableType::Number) : variableTypeFromName(*name);
    if (!type)
        return wrong(
            node, field,
            QStringLiteral("unknown type \"%1\"; use string, number, integer, float, boolean, array, "
                           "object or thread")
                .arg(*name));
    into = *type;
    return {};
}

Result<void> FrontMatterReader::readInput(const QString &name, const YAML::Node &input, const QString &field,
                                          PromptContent &content)
{
    VariableDeclaration declaration;
    if (input.IsScalar()) { // the short form "name: string"
        if (auto done = readType(input, field, declaration.type); !done)
            return done;
    } else if (!input.IsNull()) {
        auto done = forEachEntry(
            input, field,
            [&](const QString &key, const YAML::Node &value, const YAML::Mark &keyMark) -> Result<void> {
                const QString keyField = field + u'.' + key;
                if (key == u"type" || key == u"kind") {
                    return readType(value, keyField, declaration.type);
                } else if (key == u"description") {
                    return readText(value, keyField, declaration.description);
                } else if (key == u"default" || key == u"sample" || key == u"example") {
                    auto given = json(value, keyField);
                    if (!given)
                        return tl::unexpected(given.error());
                    if (key == u"default")
                        declaration.defaultValue = std::move(*given);
                    else
                        m_inputSamples[name.toStdString()] = std::move(*given);
                } else if (key != u"name") {
                    note(keyMark, keyField, QStringLiteral("not kept"));
                }
                return {};
            });
        if (!done)
            return done;
    }
    if (declaration.type == VariableType::Thread)
        m_threadInputs.insert(name);
    content.variables[name] = std::move(declaration);
    return {};
}

Result<void> FrontMatterReader::readTemplate(const YAML::Node &node)
{
    if (node.IsScalar()) { // v1: "template: jinja2"
        m_templateFormat = QString::fromStdString(node.Scalar());
        return {};
    }
    // v1's {type, parser} and v2's {format: {kind}, parser: {kind}}.
    return forEachEntry(
        node, u"template"_qs,
        [&](const QString &key, const YAML::Node &value, const YAML::Mark &keyMark) -> Result<void> {
            QString field = u"template."_qs + key;
            if (key != u"type" && key != u"format" && key != u"parser") {
                note(keyMark, field, QStringLiteral("not kept"));
                return {};
            }
            const bool kinded = value.IsMap();
            if (kinded) {
                for (auto entry = value.begin(); entry != value.end(); ++entry)
                    if (entry->first.Scalar() != "kind")
                        note(entry->first.Mark(),
                             field + u'.' + QString::fromStdString(entry->first.Scalar()),
                             QStringLiteral("not kept"));
                field += u".kind"_qs;
            }
            auto kind = text(kinded ? value["kind"] : value, field);
            if (!kind)
                return tl::unexpected(kind.error());
            if (key == u"parser") {
                if (!kind->isEmpty() && *kind != u"prompty")
                    note(keyMark, field,
                         QStringLiteral("\"%1\" is not kept: Lathe reads the body's role lines").arg(*kind));
                return {};
            }
            m_templateFormat = *kind;
            m_templateField = field;
            return {};
        });
}

/** The 1-based numbers of body lines holding a Jinja statement or comment ("{{#" is Mustache). */
std::vector<int> jinjaLines(const QStringList &lines, int firstLine)
{
    static const QRegularExpression kJinja(QStringLiteral("\\{%|(?<!\\{)\\{#"));
    std::vector<int> found;
    for (int i = 0; i < int(lines.size()); ++i)
        if (kJinja.match(lines[i]).hasMatch())
            found.push_back(firstLine + i);
    return found;
}

/** Messages split where a line is a lone tag of a thread input: there the history goes. */
std::vector<PromptMessage> withHistoryPlaceholders(const std::vector<PromptMessage> &messages,
                                                   const std::set<QString> &threads)
{
    std::vector<PromptMessage> result;
    for (const PromptMessage &message : messages) {
        const QStringList lines = message.text.split(u'\n');
        const auto isHistoryLine = [&](const QString &line) {
            const auto thread = placeholderName(line);
            return thread && threads.count(*thread) > 0;
        };
        if (std::none_of(lines.begin(), lines.end(), isHistoryLine)) {
            result.push_back(message);
            continue;
        }
        // The pieces around a history line lose their blank edges, as a message's text does.
        qsizetype start = 0;
        const auto flushUpTo = [&](qsizetype end) {
            qsizetype first = start;
            while (first < end && lines[first].trimmed().isEmpty())
                ++first;
            while (end > first && lines[end - 1].trimmed().isEmpty())
                --end;
            if (end > first)
                result.push_back({message.role, lines.mid(first, end - first).join(u'\n')});
        };
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (!isHistoryLine(lines[i]))
                continue;
            flushUpTo(i);
            result.push_back({u"placeholder"_qs, lines[i]});
            start = i + 1;
        }
        flushUpTo(lines.size());
    }
    return result;
}

} // namespace

Result<PromptyDocument> readPrompty(const QString &text, const QString &source)
{
    QStringList lines = text.split(u'\n');
    if (!lines.isEmpty() && lines.front().startsWith(QChar(0xFEFF)))
        lines.front().remove(0, 1);
    PromptyDocument document;
    qsizetype bodyStart = 0; // index of the body's first line
    std::set<QString> threads;
    QString templateFormat = u"mustache"_qs; // a text without front matter is Lathe's own body
    QString templateField = u"template"_qs;
    if (!lines.isEmpty() && lineWithoutCr(lines.front()) == u"---") {
        qsizetype close = 1;
        while (close < lines.size() && lineWithoutCr(lines[close]) != u"---")
            ++close;
        if (close == lines.size())
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("The front matter that starts with \"---\" has no closing \"---\" line."),
                source + u":1");
        FrontMatterReader reader(source, 2);
        try {
            QStringList frontMatter = lines.mid(1, close - 1);
            std::transform(frontMatter.begin(), frontMatter.end(), frontMatter.begin(), lineWithoutCr);
            const YAML::Node root = YAML::Load(frontMatter.join(u'\n').toStdString());
            if (auto done = reader.read(root, document); !done)
                return tl::unexpected(done.error());
        } catch (const YAML::Exception &error) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("not valid YAML: %1").arg(QString::fromStdString(error.msg)),
                        reader.place(error.mark) + u": front matter");
        } catch (const nlohmann::json::exception &error) {
            // A value of a type the reader did not check for; named rather than fatal.
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("a value has an unexpected type: %1").arg(QString::fromUtf8(error.what())),
                source + u": front matter");
        }
        bodyStart = close + 1;
        threads = reader.threadInputs();
        templateFormat = reader.templateFormat();
        templateField = reader.templateField();
    }

    const QStringList body = lines.mid(bodyStart);
    if (templateFormat != u"mustache") {
        const QString declared = templateFormat.isEmpty()
                                     ? QStringLiteral("no template format (Prompty's default is jinja2)")
                                     : QStringLiteral("the template format \"%1\"").arg(templateFormat);
        const std::vector<int> jinja = templateFormat.isEmpty() || templateFormat == u"jinja2"
                                           ? jinjaLines(body, int(bodyStart) + 1)
                                           : std::vector<int>();
        if (jinja.empty())
            document.notes.push_back(
                {source + u": " + templateField,
                 QStringLiteral("the file declares %1; its body is read as Mustache").arg(declared)});
        for (int line : jinja)
            document.notes.push_back(
                {QStringLiteral("%1:%2: template").arg(source).arg(line),
                 QStringLiteral("a Jinja statement, which Lathe's Mustache templates do not run")});
    }

    // History lines before the first role line become the first messages; blanking them (and
    // the front matter) keeps the body's line numbers those of the whole file in errors.
    std::vector<PromptMessage> leading;
    QStringList blanked = lines;
    for (qsizetype i = 0; i < bodyStart; ++i)
        blanked[i].clear();
    for (qsizetype i = bodyStart; i < blanked.size(); ++i) {
        const QString line = lineWithoutCr(blanked[i]);
        if (line.trimmed().isEmpty())
            continue;
        const auto thread = placeholderName(line);
        if (!thread || !threads.count(*thread))
            break;
        leading.push_back({u"placeholder"_qs, line});
        blanked[i].clear();
    }
    const QString bodyText = blanked.join(u'\n');
    if (!leading.empty() && bodyText.trimmed().isEmpty()) {
        document.content.messages = std::move(leading);
        return document;
    }
    auto content = PromptContent::fromRoleMarkedText(bodyText, source);
    if (!content)
        return tl::unexpected(content.error());
    document.content.messages = std::move(leading);
    for (PromptMessage &message : withHistoryPlaceholders(content->messages, threads))
        document.content.messages.push_back(std::move(message));
    return document;
}

PromptyText writePrompty(const PromptyDocument &document, PlaceholderStyle placeholders)
{
    PromptyText written;
    PromptContent expected = document.content; // what reading the file back must give
    // History placeholders become a lone {{name}} line in the text of the message before them,
    // which Prompty expands there, or before the first role line.
    PromptContent body;
    QStringList leading;
    for (std::size_t i = 0; i < document.content.messages.size(); ++i) {
        const PromptMessage &message = document.content.messages[i];
        const bool asThread = placeholders == PlaceholderStyle::ThreadInput;
        const auto thread =
            message.role == u"placeholder" && asThread ? placeholderName(message.text) : std::nullopt;
        if (message.role == u"placeholder" && !thread && asThread)
            written.notes.push_back(
                {QStringLiteral("messages[%1]").arg(i),
                 QStringLiteral("a placeholder that is not one {{name}} tag is written as "
                                "a \"placeholder:\" line, which Prompty reads as text")});
        if (!thread) {
            body.messages.push_back(message);
            continue;
        }
        VariableDeclaration &declaration = expected.variables[*thread];
        if (declaration.type != VariableType::Thread && declaration.type != VariableType::Any)
            written.notes.push_back(
                {u"variables."_qs + *thread,
                 QStringLiteral("declared %1 but holds the history; written as a thread input")
                     .arg(variableTypeName(declaration.type))});
        declaration.type = VariableType::Thread;
        if (body.messages.empty())
            leading << message.text;
        else
            body.messages.back().text += u"\n\n"_qs + message.text;
    }

    YAML::Emitter out;
    out << YAML::BeginMap;
    const auto field = [&](const char *key) {
        out << YAML::Key << key << YAML::Value;
    };
    if (!document.name.isEmpty()) {
        field("name");
        emitString(out, document.name.toStdString());
    }
    if (!document.description.isEmpty()) {
        field("description");
        emitString(out, document.description.toStdString());
    }
    if (!document.tags.isEmpty()) {
        nlohmann::json tags = nlohmann::json::array();
        for (const QString &tag : document.tags)
            tags.push_back(tag.toStdString());
        field("tags");
        emitJson(out, tags);
    }
    field("model");
    out << YAML::BeginMap;
    field("api");
    out << "chat";
    nlohmann::json parameters = expected.parameters;
    if (const auto model = parameters.find("model"); model != parameters.end() && model->is_string()) {
        field("configuration");
        out << YAML::BeginMap;
        field("type");
        out << "openai";
        field("name");
        emitString(out, model->get<std::string>());
        out << YAML::EndMap;
        parameters.erase(model);
    }
    if (!expected.responseSchema.is_null()) {
        if (parameters.contains("response_format"))
            written.notes.push_back(
                {u"parameters.response_format"_qs, QStringLiteral("replaced by the response schema")});
        expected.parameters.erase("response_format");
        // OpenAI allows only these characters in a schema's name.
        static const QRegularExpression kSchemaName(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
        const QString name = kSchemaName.match(document.name).hasMatch() ? document.name : u"response"_qs;
        parameters["response_format"] = {
            {"type", "json_schema"},
            {"json_schema",
             {{"name", name.toStdString()}, {"schema", expected.responseSchema}, {"strict", true}}}};
    }
    if (!parameters.empty()) {
        field("parameters");
        emitJson(out, parameters);
    }
    out << YAML::EndMap;
    if (!expected.variables.empty()) {
        field("inputs");
        out << YAML::BeginMap;
        for (const auto &[name, declaration] : expected.variables) {
            out << YAML::Key;
            emitString(out, name.toStdString());
            out << YAML::Value;
            // Type, description, default: the order a reader looks for them in.
            if (declaration.type == VariableType::Any && declaration.description.isEmpty() &&
                !declaration.defaultValue)
                out << YAML::Flow;
            out << YAML::BeginMap;
            if (declaration.type != VariableType::Any) {
                field("type");
                out << variableTypeName(declaration.type).toStdString();
            }
            if (!declaration.description.isEmpty()) {
                field("description");
                emitString(out, declaration.description.toStdString());
            }
            if (declaration.defaultValue) {
                field("default");
                emitJson(out, *declaration.defaultValue);
            }
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    }
    if (document.sample.is_object() && !document.sample.empty()) {
        field("sample");
        emitJson(out, document.sample);
    } else if (!document.sample.is_null() && !document.sample.is_object()) {
        written.notes.push_back(
            {u"sample"_qs, QStringLiteral("not written: it is not a mapping of values by name")});
    }
    field("template");
    out << "mustache";
    out << YAML::EndMap;

    written.text = u"---\n"_qs + QString::fromUtf8(out.c_str()) + u"\n---\n"_qs;
    for (const QString &line : leading)
        written.text += line + u"\n\n"_qs;
    if (!body.messages.empty())
        written.text += body.toRoleMarkedText();

    // Whatever the file cannot carry exactly shows as a difference when it is read back.
    const auto reread = readPrompty(written.text, QString());
    if (!reread) {
        written.notes.push_back(
            {u"messages"_qs, u"the file does not read back: "_qs + reread.error().message});
        return written;
    }
    const std::vector<PromptMessage> &readBack = reread->content.messages;
    for (std::size_t i = 0; i < std::max(readBack.size(), expected.messages.size()); ++i) {
        if (i < readBack.size() && i < expected.messages.size() && readBack[i] == expected.messages[i])
            continue;
        written.notes.push_back(
            {QStringLiteral("messages[%1]").arg(i),
             QStringLiteral("reads back differently: blank lines at the ends of a message, "
                            "a line that is itself a role line, or a lone {{tag}} of a "
                            "history input do not survive the role-marked body")});
        break;
    }
    if (reread->content.parameters != expected.parameters)
        written.notes.push_back({u"parameters"_qs, QStringLiteral("read back differently: a json_schema "
                                                                  "response_format is read as the response "
                                                                  "schema")});
    return written;
}

nlohmann::json sampleOfScenario(const Scenario &scenario,
                                const std::map<QString, VariableDeclaration> &variables)
{
    nlohmann::json sample = nlohmann::json::object();
    for (const auto &[name, value] : scenario.values) {
        const auto declared = variables.find(name);
        sample[name.toStdString()] = valueFromTypedText(
            value, declared != variables.end() ? declared->second.type : VariableType::Any);
    }
    return sample;
}

std::map<QString, QString> scenarioValuesOfSample(const nlohmann::json &sample)
{
    std::map<QString, QString> values;
    if (!sample.is_object())
        return values;
    for (const auto &[name, value] : sample.items())
        values[QString::fromStdString(name)] =
            QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
    return values;
}

} // namespace Lathe::Library
