// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <QByteArray>
#include <QTimer>
#include <QWidget>

#include "base/Result.h"
#include "schema/JsonSchema.h"
#include "schema/StrictSchemaLint.h"
#include "structured/StructuredRun.h"

class QCheckBox;
class QLabel;
class QRadioButton;
class QScrollArea;
class QSpinBox;

namespace Lathe::Ui
{

class PromptEditor;

/** A response schema that compiled, ready for StreamHub::startStructured(). */
struct CheckedSchema
{
    Schema::JsonSchema schema;
    /** The text as the user wrote it: models answer in the schema's member order, which a
     *  re-serialised nlohmann::json would sort. */
    QByteArray json;
    /** What OpenAI's strict mode would reject; StructuredRun then asks without strict. */
    std::vector<Schema::StrictSchemaIssue> strictIssues;
};

/**
 * The response schema of structured runs and how to ask for it: a JSON editor, a status line
 * that says whether the schema compiles (or where it does not), the places OpenAI's strict mode
 * would reject, and the run policy (provider-enforced or prompt-only, attempts per model,
 * whether repaired JSON counts). The schema is re-checked after the user pauses typing, on the
 * thread pool, so a large schema never makes typing wait. The text and the settings are kept
 * in QSettings (group "responseSchema").
 *
 * Thread affinity: the GUI thread.
 */
class SchemaPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SchemaPanel)

public:
    /** The pause in typing after which the schema is checked again. */
    static constexpr int kCheckDelayMs = 300;

    explicit SchemaPanel(QWidget *parent = nullptr);

    PromptEditor *editor() const { return m_editor; }

    /**
     * The schema in the editor now: the last check's result when the text has not changed
     * since, else checked on the spot (a Run must send what is on screen). An error names its
     * place: "schema:3:14 (byte 52)" for JSON, "#/properties/a/type" for the schema.
     */
    Result<CheckedSchema> currentSchema();
    Structured::StructuredOutputPolicy policy() const;

    /** What the status line says: "Valid schema (draft 2020-12)", or the problem and its place. */
    QString statusText() const;
    /** The strict-mode issues listed, one "pointer: message" line each; empty when none are shown. */
    QString strictIssuesText() const;

    /** Parses, compiles and lints `utf8`; pure, so it runs on any thread. */
    static Result<CheckedSchema> check(const QByteArray &utf8);

Q_SIGNALS:
    /** The status line and the lint list now describe the text in the editor. */
    void checked();

private:
    void setUpEditor();
    void scheduleCheck();
    void startCheck();
    void adopt(quint64 generation, const Result<CheckedSchema> &result);
    void showStrictIssues();
    void loadSettings();
    void saveSettings() const;

    PromptEditor *m_editor;
    QLabel *m_status;
    QLabel *m_strictIssues;
    QScrollArea *m_strictIssuesArea; // a long list scrolls rather than squeezing the editor
    QRadioButton *m_native;
    QRadioButton *m_promptOnly;
    QSpinBox *m_attempts;
    QCheckBox *m_acceptRepaired;
    QTimer m_checkTimer;
    quint64 m_generation = 0; // counts edits; a check of an older text is dropped
    quint64 m_checkedGeneration = 0;
    std::optional<Result<CheckedSchema>> m_lastCheck; // of m_checkedGeneration's text
};

} // namespace Lathe::Ui
