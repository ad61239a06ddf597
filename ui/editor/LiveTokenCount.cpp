// SPDX-License-Identifier: GPL-3.0-or-later
#include "LiveTokenCount.h"

#include <QPointer>
#include <QThreadPool>

#include <Qsci/qsciscintilla.h>

namespace Lathe::Ui
{

LiveTokenCount::LiveTokenCount(QsciScintilla *editor, Tokens::BpeEncoding encoding, QObject *parent)
    : QObject(parent)
    , m_editor(editor)
    , m_encoding(std::move(encoding))
{
    connect(editor, &QsciScintillaBase::SCN_MODIFIED, this,
            [this](int position, int type, const char *text, int length, int, int, int, int, int, int) {
                onModified(position, type, text, length);
            });
    countWholeText();
}

std::optional<qint64> LiveTokenCount::tokens() const
{
    if (!m_count)
        return std::nullopt;
    return m_count->tokenCount();
}

void LiveTokenCount::onModified(int position, int modificationType, const char *text, int length)
{
    const bool inserted = modificationType & QsciScintillaBase::SC_MOD_INSERTTEXT;
    const bool deleted = modificationType & QsciScintillaBase::SC_MOD_DELETETEXT;
    if (!inserted && !deleted)
        return;
    Edit edit{position, deleted ? length : 0, inserted ? QByteArray(text, length) : QByteArray()};
    if (!m_count) {
        m_editsWhileCounting.push_back(std::move(edit));
        return;
    }
    if (edit.inserted.size() > kBackgroundBytes) {
        countWholeText();
        return;
    }
    // An edit that does not fit the copy means the two went apart, which the editor's
    // notifications should never allow; counting afresh repairs it rather than showing a
    // wrong figure.
    if (!m_count->applyEdit(edit.position, edit.removed, edit.inserted)) {
        countWholeText();
        return;
    }
    emit changed();
}

void LiveTokenCount::countWholeText()
{
    const int length = m_editor->length();
    // bytes() adds the NUL that Scintilla's text-range call writes after the text.
    const QByteArray utf8 = m_editor->bytes(0, length).left(length);
    if (utf8.size() <= kBackgroundBytes) {
        m_count.emplace(m_encoding);
        m_count->setText(utf8);
        ++m_generation;
        emit changed();
        return;
    }
    m_count.reset();
    m_editsWhileCounting.clear();
    const quint64 generation = ++m_generation;
    emit changed();
    QThreadPool::globalInstance()->start(
        [self = QPointer<LiveTokenCount>(this), encoding = m_encoding, utf8, generation] {
            Tokens::IncrementalTokenCount count(encoding);
            count.setText(utf8);
            // Back to the GUI thread; Qt drops the call if the counter is gone by then.
            QMetaObject::invokeMethod(
                self,
                [self, generation, count = std::move(count)]() mutable {
                    self->adopt(generation, std::move(count));
                },
                Qt::QueuedConnection);
        });
}

void LiveTokenCount::adopt(quint64 generation, Tokens::IncrementalTokenCount count)
{
    if (generation != m_generation)
        return; // a newer count superseded this one
    for (const Edit &edit : m_editsWhileCounting) {
        if (!count.applyEdit(edit.position, edit.removed, edit.inserted)) {
            countWholeText();
            return;
        }
    }
    m_editsWhileCounting.clear();
    m_count.emplace(std::move(count));
    emit changed();
}

} // namespace Lathe::Ui
