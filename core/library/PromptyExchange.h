// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include <QByteArray>
#include <QString>

#include "PromptLibrary.h"
#include "PromptyFile.h"
#include "base/Result.h"

namespace Lathe::Library
{

/** A .prompty file's bytes as a document; bytes that are not UTF-8 are an error naming the byte. */
Result<PromptyDocument> readPromptyBytes(const QByteArray &bytes, const QString &source);
/** The same from a file. */
Result<PromptyDocument> readPromptyFile(const QString &path);

struct PromptyImport
{
    SaveOutcome saved;
    std::vector<PromptyNote> notes; ///< what the library could not keep (a tag it refuses)
};

/**
 * Files the document in the library as a version of `name` (unchanged content creates
 * nothing), with its tags, and its sample as the scenario "sample". The name is checked before
 * anything is written.
 */
Result<PromptyImport> importPrompty(PromptLibrary &library, const PromptyDocument &document,
                                    const QString &name, const QString &message, const QString &author);

/** A version as a document for writePrompty: its prompt's name and tags, and the scenario
 *  "default" (or else the first) as its sample. */
Result<PromptyDocument> promptyOfVersion(PromptLibrary &library, const PromptVersion &version);

/** The name a document is imported under: its own, else the file's base name. */
QString importName(const PromptyDocument &document, const QString &path);

} // namespace Lathe::Library
