// SPDX-License-Identifier: GPL-3.0-or-later
#include "SchemaDraft.h"

#include <array>
#include <utility>

#include "UriReference.h"

namespace Lathe::Schema
{

namespace
{

struct DraftNames
{
    Draft draft;
    std::string_view shortName;
    std::string_view metaSchema;
};

constexpr std::array kDrafts{
    DraftNames{Draft::Draft4, "4", "http://json-schema.org/draft-04/schema"},
    DraftNames{Draft::Draft6, "6", "http://json-schema.org/draft-06/schema"},
    DraftNames{Draft::Draft7, "7", "http://json-schema.org/draft-07/schema"},
    DraftNames{Draft::Draft2019_09, "2019-09", "https://json-schema.org/draft/2019-09/schema"},
    DraftNames{Draft::Draft2020_12, "2020-12", "https://json-schema.org/draft/2020-12/schema"},
};

} // namespace

QString draftName(Draft draft)
{
    for (const auto &names : kDrafts) {
        if (names.draft == draft)
            return QString::fromLatin1(names.shortName.data(), qsizetype(names.shortName.size()));
    }
    Q_UNREACHABLE();
}

std::optional<Draft> draftFromName(QStringView name)
{
    QString normalized = name.trimmed().toString().toLower();
    if (normalized.startsWith(u"draft"))
        normalized.remove(0, 5);
    if (normalized.startsWith(u'-'))
        normalized.remove(0, 1);
    if (normalized.size() == 2 && normalized.startsWith(u'0'))
        normalized.remove(0, 1);
    for (const auto &names : kDrafts) {
        if (normalized == QLatin1String(names.shortName.data(), qsizetype(names.shortName.size())))
            return names.draft;
    }
    return std::nullopt;
}

std::optional<Draft> draftFromMetaSchemaUri(std::string_view uri)
{
    uri = withoutEmptyFragment(uri);
    for (const auto &names : kDrafts) {
        if (uri == names.metaSchema)
            return names.draft;
    }
    // Draft 4 to 7 meta-schemas are also commonly written with https.
    for (const auto &names : kDrafts) {
        if (names.metaSchema.starts_with("http://") && uri.starts_with("https://") &&
            uri.substr(8) == names.metaSchema.substr(7))
            return names.draft;
    }
    return std::nullopt;
}

std::string_view metaSchemaUri(Draft draft)
{
    for (const auto &names : kDrafts) {
        if (names.draft == draft)
            return names.metaSchema;
    }
    Q_UNREACHABLE();
}

unsigned vocabularyFromUri(std::string_view uri)
{
    static constexpr std::array<std::pair<std::string_view, unsigned>, 14> kVocabularies{{
        {"https://json-schema.org/draft/2020-12/vocab/core", VocabularyCore},
        {"https://json-schema.org/draft/2020-12/vocab/applicator", VocabularyApplicator},
        {"https://json-schema.org/draft/2020-12/vocab/unevaluated", VocabularyUnevaluated},
        {"https://json-schema.org/draft/2020-12/vocab/validation", VocabularyValidation},
        {"https://json-schema.org/draft/2020-12/vocab/meta-data", VocabularyMetaData},
        {"https://json-schema.org/draft/2020-12/vocab/format-annotation", VocabularyFormatAnnotation},
        {"https://json-schema.org/draft/2020-12/vocab/format-assertion", VocabularyFormatAssertion},
        {"https://json-schema.org/draft/2020-12/vocab/content", VocabularyContent},
        // 2019-09 keeps unevaluated* in its applicator vocabulary.
        {"https://json-schema.org/draft/2019-09/vocab/core", VocabularyCore},
        {"https://json-schema.org/draft/2019-09/vocab/applicator",
         VocabularyApplicator | VocabularyUnevaluated},
        {"https://json-schema.org/draft/2019-09/vocab/validation", VocabularyValidation},
        {"https://json-schema.org/draft/2019-09/vocab/meta-data", VocabularyMetaData},
        {"https://json-schema.org/draft/2019-09/vocab/format", VocabularyFormatAnnotation},
        {"https://json-schema.org/draft/2019-09/vocab/content", VocabularyContent},
    }};
    for (const auto &[known, bit] : kVocabularies) {
        if (uri == known)
            return bit;
    }
    return 0;
}

} // namespace Lathe::Schema
