// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <QObject>

#include "tokens/IncrementalTokenCount.h"

class QsciScintilla;

namespace Lathe::Ui
{

/**
 * Keeps the token count of an editor's text current for one encoding while the user types.
 * Ordinary edits re-count only what they touched, on the GUI thread, in well under a
 * millisecond. Counting a whole large text (the first count, a big paste) runs on the thread
 * pool instead; edits made meanwhile are replayed on its result, so no keystroke waits for it.
 */
class LiveTokenCount final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveTokenCount)

public:
    /** Texts and insertions larger than this are counted off the GUI thread. */
    static constexpr qsizetype kBackgroundBytes = 256 * 1024;

    LiveTokenCount(QsciScintilla *editor, Tokens::BpeEncoding encoding, QObject *parent = nullptr);

    /** The count of the editor's text, or nullopt while a background count runs. */
    std::optional<qint64> tokens() const;

signals:
    /** tokens() has a new value, or is now being counted. */
    void changed();

private:
    struct Edit
    {
        qsizetype position = 0;
        qsizetype removed = 0;
        QByteArray inserted;
    };

    void onModified(int position, int modificationType, const char *text, int length);
    void countWholeText();
    void adopt(quint64 generation, Tokens::IncrementalTokenCount count);

    QsciScintilla *m_editor;
    Tokens::BpeEncoding m_encoding;
    std::optional<Tokens::IncrementalTokenCount> m_count; ///< nullopt while counting in the background
    std::vector<Edit> m_editsWhileCounting;
    quint64 m_generation = 0; ///< which background count is the current one
};

} // namespace Lathe::Ui
