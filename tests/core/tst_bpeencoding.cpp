// SPDX-License-Identifier: GPL-3.0-or-later
// The BPE encoder against the reference: every id list in tests/data/tokenizers/ comes from npm
// tiktoken (test_vectors.json from shared/data, extra_vectors.json from
// scripts/tokenizer-vectors.mjs), and each must match exactly and decode back to its text.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

#include "tokens/BpeEncoding.h"

using namespace Lathe::Tokens;

namespace
{

QJsonObject readVectors(const char *name)
{
    QFile file(QString::fromUtf8(LATHE_TEST_DATA "/tokenizers/") + QString::fromUtf8(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object();
}

QList<uint> toList(const std::vector<TokenId> &ids)
{
    return QList<uint>(ids.begin(), ids.end());
}

QList<uint> idsOf(const QJsonValue &value)
{
    QList<uint> ids;
    for (const QJsonValue &id : value.toArray())
        ids.append(uint(id.toInteger()));
    return ids;
}

/** A rank file with the 256 single bytes (ranks 0-255) that every encoding must have. */
QByteArray byteRanks()
{
    QByteArray file;
    for (int byte = 0; byte < 256; ++byte)
        file += QByteArray(1, char(byte)).toBase64() + ' ' + QByteArray::number(byte) + '\n';
    return file;
}

} // namespace

class TestBpeEncoding : public QObject
{
    Q_OBJECT

private:
    std::optional<BpeEncoding> m_cl100k;
    std::optional<BpeEncoding> m_o200k;

    const BpeEncoding &encoding(const QString &name) const
    {
        return name == m_cl100k->name() ? *m_cl100k : *m_o200k;
    }

    static void addVectorRows(const QJsonArray &cases, const QString &source)
    {
        for (qsizetype i = 0; i < cases.size(); ++i) {
            const QJsonObject entry = cases[i].toObject();
            QString text = entry[u"text"].toString();
            if (const int repeat = entry[u"repeat"].toInt(); repeat > 0)
                text = text.repeated(repeat);
            QString label = entry[u"label"].toString();
            if (label.isEmpty()) {
                QString start = text.left(24);
                for (QChar &c : start) {
                    if (c.category() == QChar::Other_Control)
                        c = u'~';
                }
                label = QStringLiteral("#%1 %2").arg(i).arg(start);
            }
            for (const QString &name : {QStringLiteral("cl100k_base"), QStringLiteral("o200k_base")}) {
                QTest::addRow("%s %s: %s", qPrintable(source), qPrintable(name), qPrintable(label))
                    << name << text << idsOf(entry[name]);
            }
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto cl100k = BpeEncoding::load(Encoding::Cl100kBase);
        if (!cl100k)
            QFAIL(qPrintable(cl100k.error().toString()));
        m_cl100k = *cl100k;
        auto o200k = BpeEncoding::load(Encoding::O200kBase);
        if (!o200k)
            QFAIL(qPrintable(o200k.error().toString()));
        m_o200k = *o200k;
    }

    void loadsTheCarriedRankFilesWithTheirSpecialTokens()
    {
        QCOMPARE(m_cl100k->vocabularySize(), 100256 + 5);
        QCOMPARE(m_o200k->vocabularySize(), 199998 + 2);
    }

    void matchesTiktokenAndRoundTrips_data()
    {
        QTest::addColumn<QString>("encodingName");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<uint>>("expected");
        addVectorRows(readVectors("test_vectors.json")[u"cases"].toArray(), QStringLiteral("shared"));
        addVectorRows(readVectors("extra_vectors.json")[u"cases"].toArray(), QStringLiteral("extra"));
    }

    void matchesTiktokenAndRoundTrips()
    {
        QFETCH(QString, encodingName);
        QFETCH(QString, text);
        QFETCH(QList<uint>, expected);
        const BpeEncoding &bpe = encoding(encodingName);
        const std::vector<TokenId> ids = bpe.encode(text);
        QCOMPARE(toList(ids), expected);
        const auto decoded = bpe.decode(ids);
        QVERIFY(decoded);
        QCOMPARE(*decoded, tokenizerUtf8(text));
    }

    void encodesAllowedSpecialTokensAsTheirIds_data()
    {
        QTest::addColumn<QString>("encodingName");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<uint>>("expected");
        addVectorRows(QJsonArray{readVectors("test_vectors.json")[u"special_allowed_case"]},
                      QStringLiteral("shared"));
        addVectorRows(readVectors("extra_vectors.json")[u"special_allowed_cases"].toArray(),
                      QStringLiteral("extra"));
    }

    void encodesAllowedSpecialTokensAsTheirIds()
    {
        QFETCH(QString, encodingName);
        QFETCH(QString, text);
        QFETCH(QList<uint>, expected);
        const BpeEncoding &bpe = encoding(encodingName);
        const std::vector<TokenId> ids = bpe.encode(text, SpecialTokens::Allowed);
        QCOMPARE(toList(ids), expected);
        QCOMPARE(*bpe.decode(ids), tokenizerUtf8(text));
    }

    void treatsSpecialTokenTextAsOrdinaryByDefault()
    {
        for (const BpeEncoding *bpe : {&*m_cl100k, &*m_o200k}) {
            for (const SpecialToken &special :
                 encodingDefinition(bpe->name() == m_cl100k->name() ? Encoding::Cl100kBase
                                                                    : Encoding::O200kBase)
                     .specialTokens) {
                const std::vector<TokenId> ids = bpe->encodeUtf8(special.text);
                QVERIFY(ids.size() > 1);
                QVERIFY(std::find(ids.begin(), ids.end(), special.id) == ids.end());
                QCOMPARE(bpe->encodeUtf8(special.text, SpecialTokens::Allowed),
                         std::vector<TokenId>{special.id});
            }
        }
    }

    void convertsToUtf8AsTiktokenSeesIt_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("utf8");
        const auto units = [](std::initializer_list<char16_t> list) {
            return QString(reinterpret_cast<const QChar *>(std::data(list)), qsizetype(list.size()));
        };
        QTest::newRow("empty") << QString() << QByteArray();
        QTest::newRow("ASCII over several blocks")
            << QStringLiteral("abcdefghij") << QByteArray("abcdefghij");
        QTest::newRow("two and three bytes")
            << QStringLiteral("\u00E9\u20AC") << QByteArray("\xC3\xA9\xE2\x82\xAC");
        QTest::newRow("a pair after ASCII")
            << QStringLiteral("abc\U0001F600") << QByteArray("abc\xF0\x9F\x98\x80");
        QTest::newRow("lone high at the end") << units({u'a', 0xD83D}) << QByteArray("a\xEF\xBF\xBD");
        QTest::newRow("lone low at the start") << units({0xDE00, u'a'})
                                               << QByteArray("\xEF\xBF\xBD"
                                                             "a");
        QTest::newRow("two highs, then a low")
            << units({0xD83D, 0xD83D, 0xDE00}) << QByteArray("\xEF\xBF\xBD\xF0\x9F\x98\x80");
        QTest::newRow("a reversed pair") << units({0xDE00, 0xD83D}) << QByteArray("\xEF\xBF\xBD\xEF\xBF\xBD");
        QTest::newRow("U+FFFF and U+0080") << units({0xFFFF, 0x80}) << QByteArray("\xEF\xBF\xBF\xC2\x80");
    }

    void convertsToUtf8AsTiktokenSeesIt()
    {
        QFETCH(QString, text);
        QFETCH(QByteArray, utf8);
        QCOMPARE(tokenizerUtf8(text), utf8);
    }

    void convertsRandomTextLikeTheObviousWay()
    {
        // The obvious conversion: lone surrogates replaced by U+FFFD, then Qt's encoder.
        const auto reference = [](QString text) {
            for (qsizetype i = 0; i < text.size(); ++i) {
                const bool paired = text[i].isHighSurrogate()
                                        ? i + 1 < text.size() && text[i + 1].isLowSurrogate()
                                        : i > 0 && text[i - 1].isHighSurrogate();
                if (text[i].isSurrogate() && !paired)
                    text[i] = QChar::ReplacementCharacter;
            }
            return text.toUtf8();
        };
        const char16_t alphabet[] = {u'a',  u' ',   u'\n',  0x7F,   0x80,   0x7FF,
                                     0x800, 0xFFFD, 0xD83D, 0xDE00, 0xDBFF, 0xDC00};
        QRandomGenerator random(4242);
        for (int round = 0; round < 20000; ++round) {
            QString text;
            const int length = int(random.bounded(12));
            for (int k = 0; k < length; ++k)
                text += QChar(alphabet[random.bounded(int(std::size(alphabet)))]);
            QCOMPARE(tokenizerUtf8(text), reference(text));
        }
    }

    void roundTripsAnyBytesThroughEncodeBytes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("lone continuation byte") << QByteArray("ab\x80");
        QTest::newRow("truncated character at the end") << QByteArray("price: 5 \xE2\x82");
        QTest::newRow("overlong slash") << QByteArray("\xC0\xAF");
        QTest::newRow("encoded surrogate") << QByteArray("x\xED\xA0\x80y");
        QTest::newRow("after whitespace pieces") << QByteArray("hello \n\n   \xFF world  \n\n \xFE");
        QTest::newRow("only 0xFF, long run") << QByteArray(5000, '\xFF');
        QByteArray noise(100'000, '\0');
        quint32 state = 2463534242u;
        for (char &byte : noise) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            byte = char(state);
        }
        QTest::newRow("100 kB of xorshift noise") << noise;
    }

    void roundTripsAnyBytesThroughEncodeBytes()
    {
        QFETCH(QByteArray, bytes);
        for (const BpeEncoding *bpe : {&*m_cl100k, &*m_o200k})
            QCOMPARE(*bpe->decode(bpe->encodeBytes(bytes)), bytes);
    }

    void keepsIllFormedInputToEncodeUtf8WithinBounds()
    {
        // Not its contract, but a character cut off by the end must not be read past it.
        for (const QByteArray &bytes : {QByteArray("abc \xE2"), QByteArray("\xF0"), QByteArray("x\xC3")}) {
            for (const BpeEncoding *bpe : {&*m_cl100k, &*m_o200k})
                QCOMPARE(*bpe->decode(bpe->encodeUtf8(bytes)), bytes);
        }
    }

    void encodesWellFormedBytesAsText()
    {
        const QByteArray text = QStringLiteral("naïve café 👍 \r\n  x").toUtf8();
        for (const BpeEncoding *bpe : {&*m_cl100k, &*m_o200k})
            QCOMPARE(bpe->encodeBytes(text), bpe->encodeUtf8(text));
    }

    void decodesSpecialIdsAndRejectsUnknownIds()
    {
        QCOMPARE(*m_cl100k->decode(std::vector<TokenId>{9906, 100257}), QByteArray("Hello<|endoftext|>"));
        const auto unknown = m_cl100k->decode(std::vector<TokenId>{9906, 100256});
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().where, QStringLiteral("ids[1]"));
        QVERIFY(!m_o200k->decode(std::vector<TokenId>{200019}));
    }

    void rejectsMalformedRankFileLinesNamingTheLine_data()
    {
        QTest::addColumn<QByteArray>("badLine");
        QTest::newRow("no space") << QByteArray("YWI=256");
        QTest::newRow("two spaces") << QByteArray("YWI= 256 1");
        QTest::newRow("no rank") << QByteArray("YWI= ");
        QTest::newRow("not base64") << QByteArray("!!! 256");
        QTest::newRow("rank not decimal") << QByteArray("YWI= 25x");
        QTest::newRow("huge rank") << QByteArray("YWI= 99999999999");
        QTest::newRow("duplicate token") << QByteArray("YQ== 256");
        QTest::newRow("duplicate rank") << QByteArray("YWI= 255");
        QTest::newRow("carriage return line ending") << QByteArray("YWI= 256\r");
    }

    void rejectsMalformedRankFileLinesNamingTheLine()
    {
        QFETCH(QByteArray, badLine);
        const QByteArray ranks = byteRanks() + badLine + '\n';
        const auto loaded =
            BpeEncoding::fromRankFile(ranks, encodingDefinition(Encoding::Cl100kBase), QStringLiteral("t"));
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().where, QStringLiteral("t:257"));
    }

    void rejectsRankFilesWithoutEverySingleByte()
    {
        QByteArray ranks = byteRanks();
        ranks.remove(0, ranks.indexOf('\n') + 1);
        QVERIFY(
            !BpeEncoding::fromRankFile(ranks, encodingDefinition(Encoding::Cl100kBase), QStringLiteral("t")));
        QVERIFY(BpeEncoding::fromRankFile(QByteArray(byteRanks() + "\n\n"),
                                          encodingDefinition(Encoding::Cl100kBase), QStringLiteral("t")));
    }
};

QTEST_GUILESS_MAIN(TestBpeEncoding)
#include "tst_bpeencoding.moc"
