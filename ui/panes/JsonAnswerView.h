// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QWidget>

#include "schema/JsonSchema.h"
#include "schema/PartialJsonParser.h"

class QLabel;
class QPlainTextEdit;

namespace Lathe::Structured
{
struct StructuredAttempt;
}

namespace Lathe::Ui
{

/**
 * The JSON view of a structured answer: the value built so far, pretty-printed, and under it
 * the verdict: the violations of the schema that are already certain while the answer streams
 * (validatePartial on the open path), then, once the answer is whole, its violations, "Matches
 * the schema", or why it is not JSON, with every repair that was needed. The text is parsed
 * incrementally as it arrives (PartialJsonParser); drawing waits for refresh(), which the
 * response pane calls once per frame.
 */
class JsonAnswerView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonAnswerView)

public:
    /** More violations than this are counted, not listed: the first ones say what is wrong. */
    static constexpr int kMaxListedViolations = 10;

    explicit JsonAnswerView(QWidget *parent = nullptr);

    /** Clears the view for a new answer that must validate against `schema`. */
    void begin(const Schema::JsonSchema &schema);
    /** Clears the view for the next answer against the same schema. */
    void clear();
    /** Parses the next piece of the answer; nothing is drawn until refresh(). */
    void appendText(const QString &text);
    /** Draws the value so far and its certain violations, when text arrived since the last call. */
    void refresh();
    /** Shows the verdict on the whole answer: the value read (repaired if it had to be) and its fate. */
    void showVerdict(const Structured::StructuredAttempt &attempt);

    /** The JSON on screen. */
    QString jsonText() const;
    /** The verdict lines, as plain text, one a line. */
    QString verdictText() const;

private:
    enum class Tone
    {
        Problem,
        Good,
        Repair,
        Quiet,
    };
    struct Line
    {
        Tone tone;
        QString text;
    };

    void showJson(const nlohmann::json &value);
    void showLines(const QList<Line> &lines);
    static void addViolations(QList<Line> &lines, const std::vector<Schema::ValidationError> &errors);

    QPlainTextEdit *m_view;
    QLabel *m_verdict;
    Schema::PartialJsonParser m_parser;
    std::optional<Schema::JsonSchema> m_schema;
    bool m_dirty = false;
};

} // namespace Lathe::Ui
