// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string_view>

#include <QString>

namespace Lathe::Schema
{

/** The JSON Schema drafts Lathe validates; a schema picks one with `$schema`. */
enum class Draft
{
    Draft4,
    Draft6,
    Draft7,
    Draft2019_09,
    Draft2020_12,
};

/** "4", "6", "7", "2019-09", "2020-12" (what the CLI's --draft takes). */
QString draftName(Draft draft);

/** Accepts the short names above and "draft4", "draft-07", "draft2020-12" spellings. */
std::optional<Draft> draftFromName(QStringView name);

/** The draft an official meta-schema URI names, with or without the empty fragment "#". */
std::optional<Draft> draftFromMetaSchemaUri(std::string_view uri);

/** The official meta-schema URI of a draft, as `$schema` spells it. */
std::string_view metaSchemaUri(Draft draft);

/**
 * The vocabularies a schema resource uses, as a bit set. Drafts before 2019-09 have no
 * vocabularies: everything their specification defines is on. From 2019-09 a custom
 * meta-schema's `$vocabulary` turns groups of keywords off.
 */
enum Vocabulary : unsigned
{
    VocabularyCore = 1u << 0,
    VocabularyApplicator = 1u << 1,
    VocabularyUnevaluated = 1u << 2,
    VocabularyValidation = 1u << 3,
    VocabularyMetaData = 1u << 4,
    VocabularyFormatAnnotation = 1u << 5,
    VocabularyFormatAssertion = 1u << 6,
    VocabularyContent = 1u << 7,
    VocabularyAllDefault = VocabularyCore | VocabularyApplicator | VocabularyUnevaluated |
                           VocabularyValidation | VocabularyMetaData | VocabularyFormatAnnotation |
                           VocabularyContent,
};

/** The vocabulary bit of an official vocabulary URI, or 0 for one Lathe does not know. */
unsigned vocabularyFromUri(std::string_view uri);

} // namespace Lathe::Schema
