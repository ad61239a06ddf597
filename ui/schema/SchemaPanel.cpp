// SPDX-License-Identifier: GPL-3.0-or-later
#include "SchemaPanel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QCoreApplication>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QRadioButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QThreadPool>
#include <QVBoxLayout>

#include <Qsci/qscilexerjson.h>

#include "editor/PromptEditor.h"

namespace Lathe::Ui
{

namespace
{

// One table of settings keys and defaults (KeePassXC's habit), so reading and writing agree.
const QString kGroup = QStringLiteral("responseSchema");
const QString kTextKey = QStringLiteral("text");
const QString kNativeKey = QStringLiteral("nativeEnforcement");
const QString kAttemptsKey = QStringLiteral("attemptsPerTarget");
const QString kAcceptRepairedKey = QStringLiteral("acceptRepaired");
constexpr int kMinAttempts = 1;
constexpr int kMaxAttempts = 10;

// Small enough to read at a glance, and strict-mode clean, so the demo runs natively on OpenAI.
const QString kExampleSchema = QStringLiteral(R"({
  "type": "object",
  "properties": {
    "summary": { "type": "string" },
    "reasons": { "type": "array", "items": { "type": "string" } },
    "confidence": { "type": "number", "minimum": 0, "maximum": 1 }
  },
  "required": ["summary", "reasons", "confidence"],
  "additionalProperties": false
}
)");

const QString kValidColour = QStringLiteral("#1e6b34");
const QString kProblemColour = QStringLiteral("#8a1c1c");

QString pointerLabel(const std::string &pointer)
{
    return pointer.empty() ? QStringLiteral("(root)") : QString::fromStdString(pointer);
}

// QsciLexerJSON's colours assume a white page; these follow the palette, light or dark.
void applyJsonColours(QsciLexerJSON *lexer, const QPalette &palette, const QFont &font)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    lexer->setDefaultFont(font);
    lexer->setFont(font, -1);
    lexer->setDefaultPaper(palette.color(QPalette::Base));
    lexer->setPaper(palette.color(QPalette::Base), -1);
    lexer->setDefaultColor(palette.color(QPalette::Text));
    lexer->setColor(palette.color(QPalette::Text), -1);
    lexer->setColor(QColor(dark ? 0x9cdcfe : 0x1f4e9c), QsciLexerJSON::Property);
    lexer->setColor(QColor(dark ? 0xce9178 : 0xa31515), QsciLexerJSON::String);
    lexer->setColor(QColor(dark ? 0xce9178 : 0xa31515), QsciLexerJSON::UnclosedString);
    lexer->setColor(QColor(dark ? 0xd7ba7d : 0x795e26), QsciLexerJSON::EscapeSequence);
    lexer->setColor(QColor(dark ? 0xb5cea8 : 0x098658), QsciLexerJSON::Number);
    lexer->setColor(QColor(dark ? 0x569cd6 : 0x0000ff), QsciLexerJSON::Keyword);
    lexer->setColor(QColor(dark ? 0xf48771 : 0xc50f1f), QsciLexerJSON::Error);
}

} // namespace

SchemaPanel::SchemaPanel(QWidget *parent)
    : QWidget(parent)
    , m_editor(new PromptEditor(this))
    , m_status(new QLabel(this))
    , m_strictIssues(new QLabel(this))
    , m_strictIssuesArea(new QScrollArea(this))
    , m_native(new QRadioButton(tr("Ask the provider to enforce it"), this))
    , m_promptOnly(new QRadioButton(tr("Only in the prompt"), this))
    , m_attempts(new QSpinBox(this))
    , m_acceptRepaired(new QCheckBox(tr("Accept repaired JSON"), this))
{
    setObjectName(QStringLiteral("schemaPanel"));
    setUpEditor();

    auto *title = new QLabel(tr("Response schema"), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    title->setFont(titleFont);
    title->setContentsMargins(4, 2, 4, 2);

    m_status->setObjectName(QStringLiteral("schemaStatus"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setContentsMargins(4, 2, 4, 2);

    m_strictIssues->setObjectName(QStringLiteral("schemaStrictIssues"));
    m_strictIssues->setTextFormat(Qt::RichText);
    m_strictIssues->setWordWrap(true);
    m_strictIssues->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_strictIssues->setStyleSheet(QStringLiteral("QLabel { background: #fff8e1; color: #5d4200; border: 1px "
                                                 "solid #f0d98c; border-radius: 4px; padding: 4px; }"));
    m_strictIssuesArea->setWidget(m_strictIssues);
    m_strictIssuesArea->setWidgetResizable(true);
    m_strictIssuesArea->setFrameShape(QFrame::NoFrame);
    m_strictIssuesArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_strictIssuesArea->setMaximumHeight(fontMetrics().lineSpacing() * 9);
    m_strictIssuesArea->hide();

    m_native->setObjectName(QStringLiteral("schemaNative"));
    m_native->setToolTip(tr("OpenAI json_schema, an Anthropic tool, Gemini's responseJsonSchema, Ollama's "
                            "format. Lathe still checks every answer."));
    m_promptOnly->setObjectName(QStringLiteral("schemaPromptOnly"));
    m_promptOnly->setToolTip(tr("Send the schema as a system instruction, for models without structured "
                                "output. Lathe checks every answer."));
    auto *enforcement = new QButtonGroup(this);
    enforcement->addButton(m_native);
    enforcement->addButton(m_promptOnly);

    m_attempts->setObjectName(QStringLiteral("schemaAttempts"));
    m_attempts->setRange(kMinAttempts, kMaxAttempts);
    m_attempts->setToolTip(tr("Answers asked of each model: the first, then re-asks quoting what was wrong"));
    m_acceptRepaired->setObjectName(QStringLiteral("schemaAcceptRepaired"));
    m_acceptRepaired->setToolTip(
        tr("Accept an answer that needed lenient repair (a trailing comma, a cut-off "
           "object closed); each fix is listed"));

    auto *modeRow = new QHBoxLayout;
    modeRow->setContentsMargins(4, 0, 4, 0);
    modeRow->addWidget(m_native);
    modeRow->addWidget(m_promptOnly);
    modeRow->addStretch(1);
    auto *attemptsLabel = new QLabel(tr("Attempts per model"), this);
    attemptsLabel->setBuddy(m_attempts);
    auto *policyRow = new QHBoxLayout;
    policyRow->setContentsMargins(4, 0, 4, 4);
    policyRow->addWidget(attemptsLabel);
    policyRow->addWidget(m_attempts);
    policyRow->addSpacing(16);
    policyRow->addWidget(m_acceptRepaired);
    policyRow->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(title);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_strictIssuesArea);
    layout->addLayout(modeRow);
    layout->addLayout(policyRow);

    loadSettings();

    m_checkTimer.setSingleShot(true);
    m_checkTimer.setInterval(kCheckDelayMs);
    connect(&m_checkTimer, &QTimer::timeout, this, &SchemaPanel::startCheck);
    connect(m_editor, &QsciScintilla::textChanged, this, &SchemaPanel::scheduleCheck);
    connect(m_native, &QRadioButton::toggled, this, [this] {
        showStrictIssues();
        saveSettings();
    });
    connect(m_attempts, &QSpinBox::valueChanged, this, &SchemaPanel::saveSettings);
    connect(m_acceptRepaired, &QCheckBox::toggled, this, &SchemaPanel::saveSettings);
    startCheck();
}

void SchemaPanel::setUpEditor()
{
    m_editor->setObjectName(QStringLiteral("schemaEditor"));
    const QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto *lexer = new QsciLexerJSON(m_editor);
    applyJsonColours(lexer, m_editor->palette(), font);
    m_editor->setLexer(lexer);
    // setLexer() restyles the whole editor, margins included.
    m_editor->setMarginsFont(font);
    m_editor->setBraceMatching(QsciScintilla::SloppyBraceMatch);
}

void SchemaPanel::loadSettings()
{
    QSettings settings;
    settings.beginGroup(kGroup);
    m_editor->setText(settings.value(kTextKey, kExampleSchema).toString());
    const bool native = settings.value(kNativeKey, true).toBool();
    m_native->setChecked(native);
    m_promptOnly->setChecked(!native);
    m_attempts->setValue(std::clamp(settings.value(kAttemptsKey, 3).toInt(), kMinAttempts, kMaxAttempts));
    m_acceptRepaired->setChecked(settings.value(kAcceptRepairedKey, true).toBool());
}

void SchemaPanel::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(kGroup);
    settings.setValue(kTextKey, m_editor->text());
    settings.setValue(kNativeKey, m_native->isChecked());
    settings.setValue(kAttemptsKey, m_attempts->value());
    settings.setValue(kAcceptRepairedKey, m_acceptRepaired->isChecked());
}

Structured::StructuredOutputPolicy SchemaPanel::policy() const
{
    Structured::StructuredOutputPolicy policy;
    policy.attemptsPerTarget = m_attempts->value();
    policy.acceptRepaired = m_acceptRepaired->isChecked();
    policy.nativeEnforcement = m_native->isChecked();
    return policy;
}

Result<CheckedSchema> SchemaPanel::check(const QByteArray &utf8)
{
    auto document = Schema::parseJsonDocument(std::string_view(utf8.constData(), std::size_t(utf8.size())),
                                              QStringLiteral("schema"));
    if (!document)
        return tl::unexpected(document.error());
    // Every protocol embeds the schema as an object; `true` is a schema, but not one a
    // provider takes.
    if (!document->is_object())
        return fail(ErrorCode::InvalidArgument, tr("A response schema is a JSON object: {\"type\": …}."),
                    QStringLiteral("#"));
    auto compiled = Schema::JsonSchema::compile(*document);
    if (!compiled)
        return tl::unexpected(compiled.error());
    return CheckedSchema{std::move(*compiled), utf8, Schema::lintForOpenAiStrict(*document)};
}

Result<CheckedSchema> SchemaPanel::currentSchema()
{
    if (m_lastCheck && m_checkedGeneration == m_generation)
        return *m_lastCheck;
    m_checkTimer.stop();
    adopt(m_generation, check(m_editor->text().toUtf8()));
    return *m_lastCheck;
}

QString SchemaPanel::statusText() const
{
    return m_status->text();
}

QString SchemaPanel::strictIssuesText() const
{
    if (m_strictIssuesArea->isHidden() || !m_lastCheck || !*m_lastCheck)
        return {};
    QStringList lines;
    for (const Schema::StrictSchemaIssue &issue : (*m_lastCheck)->strictIssues)
        lines << pointerLabel(issue.pointer) + QStringLiteral(": ") + issue.message;
    return lines.join(QLatin1Char('\n'));
}

void SchemaPanel::scheduleCheck()
{
    ++m_generation;
    m_checkTimer.start();
}

void SchemaPanel::startCheck()
{
    saveSettings();
    QThreadPool::globalInstance()->start(
        [self = QPointer<SchemaPanel>(this), utf8 = m_editor->text().toUtf8(), generation = m_generation] {
            Result<CheckedSchema> result = check(utf8);
            // Back to the GUI thread through the application, so this thread never reads the
            // panel (it may be mid-destruction there); the GUI thread checks whether it is gone.
            if (QCoreApplication *app = QCoreApplication::instance())
                QMetaObject::invokeMethod(
                    app,
                    [self, generation, result = std::move(result)] {
                        if (self)
                            self->adopt(generation, result);
                    },
                    Qt::QueuedConnection);
        });
}

void SchemaPanel::adopt(quint64 generation, const Result<CheckedSchema> &result)
{
    // A check of an older text, or one that a Run's own check has overtaken.
    if (generation != m_generation || (m_lastCheck && m_checkedGeneration == generation))
        return;
    m_checkedGeneration = generation;
    m_lastCheck = result;
    if (result) {
        m_status->setText(tr("Valid schema (draft %1)").arg(Schema::draftName(result->schema.draft())));
        m_status->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(kValidColour));
    } else {
        const Error &error = result.error();
        m_status->setText(error.where.isEmpty() ? error.message
                                                : error.where + QStringLiteral(": ") + error.message);
        m_status->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(kProblemColour));
    }
    showStrictIssues();
    Q_EMIT checked();
}

void SchemaPanel::showStrictIssues()
{
    // Strict mode is OpenAI's way of enforcing a schema; a prompt-only run never asks for it.
    if (!m_lastCheck || !*m_lastCheck || (*m_lastCheck)->strictIssues.empty() || !m_native->isChecked()) {
        m_strictIssuesArea->hide();
        return;
    }
    QString html =
        tr("OpenAI's strict mode would reject this schema, so Lathe asks OpenAI without <i>strict</i>: the "
           "schema is still sent, and Lathe checks every answer itself.");
    for (const Schema::StrictSchemaIssue &issue : (*m_lastCheck)->strictIssues)
        html += QStringLiteral("<br>\u2022 <code>%1</code>: %2")
                    .arg(pointerLabel(issue.pointer).toHtmlEscaped(), issue.message.toHtmlEscaped());
    m_strictIssues->setText(html);
    m_strictIssuesArea->show();
}

} // namespace Lathe::Ui
