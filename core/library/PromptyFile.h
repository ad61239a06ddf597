// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <vector>

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include "PromptContent.h"
#include "base/Result.h"

namespace Lathe::Library
{

struct Scenario;

/** Something a .prompty file holds that Lathe does not keep, or that Lathe holds and the file
 *  cannot say. */
struct PromptyNote
{
    QString where; ///< the field ("model.connection", "messages[3]"), after "file:line: " when read
    QString what;
};

/** A .prompty file as Lathe sees it. */
struct PromptyDocument
{
    PromptContent content;
    QString name;
    QString description;
    QStringList tags;
    nlohmann::json sample; ///< values for the inputs by name (an object), or null
    std::vector<PromptyNote> notes;
};

/**
 * Reads a .prompty file (Prompty v1 or v2 front matter, then the role-marked body); a text
 * without front matter is just a body. Errors name the field and `source:line:column`.
 */
Result<PromptyDocument> readPrompty(const QString &text, const QString &source);

struct PromptyText
{
    QString text;
    std::vector<PromptyNote> notes;
};

/** How writePrompty writes a history placeholder. */
enum class PlaceholderStyle
{
    ThreadInput, ///< a lone {{name}} line and a thread input, as Prompty runtimes expand it
    RoleLine,    ///< Lathe's own "placeholder:" role line, declaring nothing (the editor's form)
};

/** The document as a Prompty v1 file; the document's own notes are not written. */
PromptyText writePrompty(const PromptyDocument &document,
                         PlaceholderStyle placeholders = PlaceholderStyle::ThreadInput);

/** A scenario's values as a sample object, each read as its declared type says (valueFromTypedText). */
nlohmann::json sampleOfScenario(const Scenario &scenario,
                                const std::map<QString, VariableDeclaration> &variables);
/** A sample object as scenario values: strings as their text, anything else as its JSON. */
std::map<QString, QString> scenarioValuesOfSample(const nlohmann::json &sample);

} // namespace Lathe::Library
