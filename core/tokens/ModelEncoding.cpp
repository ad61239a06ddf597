// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokens/ModelEncoding.h"

namespace Lathe::Tokens
{

namespace
{

struct NameRule
{
    const char16_t *name;
    Encoding encoding;
};

// openai/tiktoken tiktoken/model.py MODEL_TO_ENCODING (the cl100k and o200k entries).
constexpr NameRule kExactNames[] = {
    {u"o1", Encoding::O200kBase},
    {u"o3", Encoding::O200kBase},
    {u"o4-mini", Encoding::O200kBase},
    {u"gpt-5", Encoding::O200kBase},
    {u"gpt-4.1", Encoding::O200kBase},
    {u"gpt-4o", Encoding::O200kBase},
    {u"gpt-4", Encoding::Cl100kBase},
    {u"gpt-3.5-turbo", Encoding::Cl100kBase},
    {u"gpt-3.5", Encoding::Cl100kBase},
    {u"gpt-35-turbo", Encoding::Cl100kBase},
    {u"davinci-002", Encoding::Cl100kBase},
    {u"babbage-002", Encoding::Cl100kBase},
    {u"text-embedding-ada-002", Encoding::Cl100kBase},
    {u"text-embedding-3-small", Encoding::Cl100kBase},
    {u"text-embedding-3-large", Encoding::Cl100kBase},
};

// MODEL_PREFIX_TO_ENCODING, in its order: the first match wins, so "gpt-4o-mini" meets
// "gpt-4o-" before "gpt-4-". Fine-tune prefixes are included, as there.
constexpr NameRule kPrefixes[] = {
    {u"o1-", Encoding::O200kBase},
    {u"o3-", Encoding::O200kBase},
    {u"o4-mini-", Encoding::O200kBase},
    {u"gpt-5", Encoding::O200kBase},
    {u"gpt-4.5-", Encoding::O200kBase},
    {u"gpt-4.1-", Encoding::O200kBase},
    {u"chatgpt-4o-", Encoding::O200kBase},
    {u"gpt-4o-", Encoding::O200kBase},
    {u"gpt-oss-", Encoding::O200kBase},
    {u"gpt-4-", Encoding::Cl100kBase},
    {u"gpt-3.5-turbo-", Encoding::Cl100kBase},
    {u"gpt-35-turbo-", Encoding::Cl100kBase},
    {u"ft:gpt-4o", Encoding::O200kBase},
    {u"ft:gpt-4", Encoding::Cl100kBase},
    {u"ft:gpt-3.5-turbo", Encoding::Cl100kBase},
    {u"ft:davinci-002", Encoding::Cl100kBase},
    {u"ft:babbage-002", Encoding::Cl100kBase},
};

} // namespace

std::optional<Encoding> encodingForModel(QStringView model)
{
    QString name = model.trimmed().toString().toLower();
    // "openai/gpt-4o", "azure/gpt-4o-mini": the last segment names the model. Fine-tune names
    // have no slash.
    if (const qsizetype slash = name.lastIndexOf(u'/'); slash >= 0)
        name = name.mid(slash + 1);
    for (const NameRule &rule : kExactNames) {
        if (name == QStringView(rule.name))
            return rule.encoding;
    }
    for (const NameRule &rule : kPrefixes) {
        if (name.startsWith(QStringView(rule.name)))
            return rule.encoding;
    }
    return std::nullopt;
}

std::optional<Encoding> encodingFromName(QStringView name)
{
    for (const Encoding encoding : {Encoding::Cl100kBase, Encoding::O200kBase}) {
        if (name == encodingName(encoding))
            return encoding;
    }
    return std::nullopt;
}

QString encodingName(Encoding encoding)
{
    return encodingDefinition(encoding).name;
}

} // namespace Lathe::Tokens
