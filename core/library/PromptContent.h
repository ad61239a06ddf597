// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// core/library: versioned prompts in the workspace.

#include <map>
#include <optional>
#include <vector>

#include <QString>

#include <nlohmann/json.hpp>

#include "base/Result.h"

namespace Lathe::Library
{

struct PromptyNote;

/** One message of a prompt: its role and its text, a Mustache template. */
struct PromptMessage
{
    QString role; ///< system, user, assistant, or placeholder (a conversation's history goes there)
    QString text;

    bool operator==(const PromptMessage &other) const = default;
};

/** What a variable's value must be. Any: whatever is given. Thread: a conversation, a JSON
 *  array of {"role", "content"} objects, which a placeholder message expands into messages. */
enum class VariableType
{
    Any,
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
    Thread,
};

/** "string", "number", …; Any is "any". */
QString variableTypeName(VariableType type);
std::optional<VariableType> variableTypeFromName(const QString &name);

/** What a prompt says about one of its variables; all of it optional. */
struct VariableDeclaration
{
    VariableType type = VariableType::Any;
    std::optional<nlohmann::json> defaultValue; ///< used when no value is given
    QString description;

    bool operator==(const VariableDeclaration &other) const = default;
};

/**
 * What a prompt version holds: its messages, the call's parameters (model, temperature, …) and
 * the response schema. Two contents are the same version exactly when their canonical forms
 * are equal.
 */
struct PromptContent
{
    std::vector<PromptMessage> messages;
    nlohmann::json parameters = nlohmann::json::object();
    nlohmann::json responseSchema; ///< null: no schema
    /** Declared variables by name. A variable the templates use need not be declared; one that
     *  is declared need not be used. In the JSON form "variables" is left out when empty, so
     *  versions saved before declarations existed keep their hash. */
    std::map<QString, VariableDeclaration> variables;

    /** Keys sorted, no spaces, numbers as nlohmann writes them: the same content, the same bytes. */
    std::string canonical() const;
    /** SHA-256 of canonical(), in hex. */
    QString hash() const;

    nlohmann::json toJson() const;
    /** Errors name the field: "messages[2].role", "variables.count.type". */
    static Result<PromptContent> fromJson(const nlohmann::json &json);

    /**
     * The role-marked text of a .prompty body: a line "system:", "user:" or "assistant:" (or
     * "placeholder:") alone starts a message, and the lines up to the next such line are its
     * text, without the blank lines around it. Text before the first role line is an error
     * naming the line.
     */
    static Result<PromptContent> fromRoleMarkedText(const QString &text, const QString &source);
    /**
     * The messages back in that form. fromRoleMarkedText(toRoleMarkedText()) gives them again
     * unless a message's text has blank lines at its ends or a line that is itself a role line.
     */
    QString toRoleMarkedText() const;
};

/**
 * The form a person edits a prompt in: plain text is one user message; text whose first
 * non-blank line is a role line ("system:") is role-marked, several messages.
 */
PromptContent fromPromptText(const QString &text);
/**
 * The whole form the editor holds: fromPromptText's, after an optional Prompty front matter
 * (a first line "---", YAML, a line "---") that declares the variables and the call's
 * parameters. Errors name "prompt:LINE:COLUMN" in the whole text. What the front matter holds
 * that a version does not keep goes to `notes`, when given.
 */
Result<PromptContent> readPromptText(const QString &text, std::vector<PromptyNote> *notes = nullptr);
/**
 * Back to the editor's form: the text of a lone user message, else role-marked text; with a
 * front matter first when the content declares variables or has parameters other than the
 * model (which the window's model field shows) or a response schema.
 */
QString toPromptText(const PromptContent &content);
// The three below read `text` with readPromptText, unless the caller gives `read`, what that
// gave for the same text: the editor reads once per pause, not once per question.

/** For each message readPromptText() finds, the 0-based line of `text` where its text starts. */
std::vector<int> promptTextMessageLines(const QString &text, const Result<PromptContent> *read = nullptr);

/**
 * Where in the editor's text an error's place ("prompt:3:5" in the front matter, "message 2
 * (user):1:15" in a message) is, as a 0-based line and character column.
 */
std::optional<std::pair<int, int>> promptTextPlace(const QString &text, const QString &where,
                                                   const Result<PromptContent> *read = nullptr);

/** How the editor's text is laid out, for showing it: 0-based lines. */
struct PromptTextLayout
{
    int frontMatterLines = 0; ///< lines from the first "---" to the closing one, both counted; 0: none
    struct RoleLine
    {
        int line = 0;
        QString role;
    };
    std::vector<RoleLine> roleLines; ///< the lines that start messages; none for a plain prompt
};
PromptTextLayout promptTextLayout(const QString &text, const Result<PromptContent> *read = nullptr);

/** The roles a message may have. */
bool isKnownRole(const QString &role);

} // namespace Lathe::Library
