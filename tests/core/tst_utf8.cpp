// SPDX-License-Identifier: GPL-3.0-or-later
#include <QTest>

#include "base/Utf8.h"

class TestUtf8 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsTheFirstIllFormedByte_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qsizetype>("offset"); // -1: well-formed
        QTest::newRow("empty") << QByteArray() << qsizetype(-1);
        QTest::newRow("ascii") << QByteArray("hello") << qsizetype(-1);
        QTest::newRow("2, 3 and 4 bytes")
            << QByteArray("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80") << qsizetype(-1);
        QTest::newRow("lone continuation") << QByteArray("ab\x80") << qsizetype(2);
        QTest::newRow("C0 overlong lead") << QByteArray("\xC0\xAF") << qsizetype(0);
        QTest::newRow("E0 overlong") << QByteArray("x\xE0\x80\x80") << qsizetype(1);
        QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << qsizetype(0);
        QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << qsizetype(0);
        QTest::newRow("F5 lead") << QByteArray("\xF5\x80\x80\x80") << qsizetype(0);
        QTest::newRow("truncated at end") << QByteArray("ok\xE2\x82") << qsizetype(2);
        QTest::newRow("0xFF") << QByteArray("hello \xFF world") << qsizetype(6);
    }

    void findsTheFirstIllFormedByte()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(qsizetype, offset);
        const auto found = Lathe::firstInvalidUtf8Offset(bytes);
        QCOMPARE(found.value_or(-1), offset);
    }

    void decodesWithOneReplacementPerMaximalSubpart_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("text");
        const QChar fffd(QChar::ReplacementCharacter);
        QTest::newRow("well-formed") << QByteArray("caf\xC3\xA9") << QStringLiteral("café");
        QTest::newRow("leading BOM kept") << QByteArray("\xEF\xBB\xBFx") << QStringLiteral("\uFEFFx");
        QTest::newRow("truncated 3-byte") << QByteArray("a\xE2\x82"
                                                        "b")
                                          << (QStringLiteral("a") + fffd + QStringLiteral("b"));
        QTest::newRow("truncated 4-byte") << QByteArray("\xF0\x9F\x98") << QString(fffd);
        // Encoding Standard examples: each byte that cannot start or continue is its own error.
        QTest::newRow("surrogate bytes") << QByteArray("\xED\xA0\x80") << QString(3, fffd);
        QTest::newRow("overlong") << QByteArray("\xC0\xAF") << QString(2, fffd);
        QTest::newRow("errors between good text")
            << QByteArray("x\xFFy\xE2\x82\xACz\x80")
            << (QStringLiteral("x") + fffd + QStringLiteral("y€z") + fffd);
    }

    void decodesWithOneReplacementPerMaximalSubpart()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, text);
        QCOMPARE(Lathe::decodeUtf8(bytes), text);
    }
};

QTEST_APPLESS_MAIN(TestUtf8)
#include "tst_utf8.moc"
