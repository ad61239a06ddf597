// SPDX-License-Identifier: GPL-3.0-or-later
// `lathe-cli tokens`, run as a real child process: ids, the JSON summary, prices, special
// tokens, invalid UTF-8 and every usage error.
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "CliProcess.h"
#include "catalog/ModelCatalog.h"
#include "tokens/BpeEncoding.h"

using namespace Lathe;
using namespace Lathe::TestSupport;
using nlohmann::json;

class TestCliTokens : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;

    CliResult tokens(const QStringList &arguments, const QByteArray &input = {})
    {
        return runCli(QStringList{QStringLiteral("tokens")} + arguments,
                      privateHomeEnvironment(m_home.path()), input);
    }

    static json summary(const CliResult &result)
    {
        const json parsed = json::parse(result.out.constBegin(), result.out.constEnd(), nullptr, false);
        return parsed.is_discarded() ? json() : parsed;
    }

private slots:
    void printsTheIdsTiktokenWould_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("ids");

        // From tests/data/tokenizers/test_vectors.json (npm tiktoken 1.0.22).
        QTest::newRow("cl100k") << QStringList{QStringLiteral("--encoding"), QStringLiteral("cl100k_base")}
                                << QByteArray("hello world") << QByteArray("15339 1917\n");
        QTest::newRow("o200k by model") << QStringList{QStringLiteral("--model"), QStringLiteral("gpt-4o")}
                                        << QByteArray("hello world") << QByteArray("24912 2375\n");
        QTest::newRow("special token as text by default")
            << QStringList{QStringLiteral("--model"), QStringLiteral("gpt-4")}
            << QByteArray("<|endoftext|> is encoded as plain text here")
            << QByteArray("27 91 8862 728 428 91 29 374 21136 439 14733 1495 1618\n");
        QTest::newRow("special token allowed")
            << QStringList{QStringLiteral("--model"), QStringLiteral("gpt-4"),
                           QStringLiteral("--allow-special")}
            << QByteArray("Hello<|endoftext|>world") << QByteArray("9906 100257 14957\n");
        QTest::newRow("empty input") << QStringList{QStringLiteral("--encoding"),
                                                    QStringLiteral("o200k_base")}
                                     << QByteArray() << QByteArray("\n");
    }

    void printsTheIdsTiktokenWould()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, ids);
        const CliResult result = tokens(arguments + QStringList{QStringLiteral("--ids")}, input);
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out, ids);
        QCOMPARE(result.err, QByteArray());
    }

    void summarizesCountAndCost()
    {
        const QByteArray text = "The quick brown fox jumps over the lazy dog.\n";
        const auto o200k = Tokens::BpeEncoding::load(Tokens::Encoding::O200kBase);
        QVERIFY(o200k);
        const auto count = qint64(o200k->encodeUtf8(text).size());
        const CliResult result =
            tokens({QStringLiteral("--model"), QStringLiteral("gpt-4o-mini-2024-07-18")}, text);
        QCOMPARE(result.exitCode, 0);
        const json out = summary(result);
        // The keys in the documented order, then the values: gpt-4o-mini costs $0.15 per million.
        QVERIFY2(result.out.startsWith(
                     "{\"model\":\"gpt-4o-mini-2024-07-18\",\"encoding\":\"o200k_base\",\"tokens\":"),
                 result.out.constData());
        QCOMPARE(out["model"].get<std::string>(), std::string("gpt-4o-mini-2024-07-18"));
        QCOMPARE(out["encoding"].get<std::string>(), std::string("o200k_base"));
        QCOMPARE(out["tokens"].get<qint64>(), count);
        QCOMPARE(out["approximate"].get<bool>(), false);
        QCOMPARE(out["input_cost_usd"].get<double>(), double(count) * 1.5e-07);
    }

    void approximatesModelsWithoutAPublicTokenizer()
    {
        const CliResult result =
            tokens({QStringLiteral("--model"), QStringLiteral("claude-sonnet-4-5")}, "hello world");
        QCOMPARE(result.exitCode, 0);
        const json out = summary(result);
        QCOMPARE(out["approximate"].get<bool>(), true);
        QCOMPARE(out["encoding"].get<std::string>(), std::string("o200k_base"));
        QCOMPARE(out["tokens"].get<int>(), 2);
        QCOMPARE(out["input_cost_usd"].get<double>(), 2 * 3e-06);
    }

    void sayNoPriceInsteadOfZero()
    {
        // An OpenAI-tokenized name the catalog has no price for: counted, not priced.
        const CliResult result =
            tokens({QStringLiteral("--model"), QStringLiteral("gpt-4o-mystery-edition")}, "hi");
        QCOMPARE(result.exitCode, 0);
        const json out = summary(result);
        QCOMPARE(out["tokens"].get<int>(), 1);
        QVERIFY(out["input_cost_usd"].is_null());

        const CliResult byEncoding =
            tokens({QStringLiteral("--encoding"), QStringLiteral("cl100k_base")}, "hi");
        QVERIFY(summary(byEncoding)["model"].is_null());
        QVERIFY(summary(byEncoding)["input_cost_usd"].is_null());
    }

    void readsFilesAndWarnsAboutInvalidUtf8()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("caf\xC3\xA9 \xFF\xFE ok");
        file.close();

        const CliResult result = tokens(
            {QStringLiteral("--encoding"), QStringLiteral("o200k_base"), QStringLiteral("--ids"), path});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.errLines(),
                 QStringList{QStringLiteral("lathe-cli tokens: warning: %1: invalid UTF-8 at byte "
                                            "6; counted as U+FFFD, as a Python or JavaScript "
                                            "decode would")
                                 .arg(path)});
        // Each bad byte is one U+FFFD, as Python's bytes.decode(errors="replace") gives.
        const auto encoding = Tokens::BpeEncoding::load(Tokens::Encoding::O200kBase);
        QVERIFY(encoding);
        QString expected;
        for (const Tokens::TokenId id : encoding->encode(u"caf\u00E9 \uFFFD\uFFFD ok"))
            expected += QString::number(id) + u' ';
        QCOMPARE(QString::fromUtf8(result.out), expected.trimmed() + u'\n');
    }

    void refusesWhatItCannotDo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");

        QTest::newRow("unknown model")
            << QStringList{QStringLiteral("--model"), QStringLiteral("no-such-model-xyz")}
            << "unknown model 'no-such-model-xyz'";
        QTest::newRow("unknown encoding")
            << QStringList{QStringLiteral("--encoding"), QStringLiteral("p50k_base")}
            << "unknown encoding 'p50k_base'";
        QTest::newRow("neither") << QStringList{} << "give exactly one of --encoding and --model";
        QTest::newRow("both") << QStringList{QStringLiteral("--model"), QStringLiteral("gpt-4o"),
                                             QStringLiteral("--encoding"), QStringLiteral("o200k_base")}
                              << "give exactly one of --encoding and --model";
        QTest::newRow("ids of a model without a tokenizer")
            << QStringList{QStringLiteral("--model"), QStringLiteral("claude-sonnet-4-5"),
                           QStringLiteral("--ids")}
            << "has no public tokenizer";
        QTest::newRow("missing file") << QStringList{QStringLiteral("--model"), QStringLiteral("gpt-4o"),
                                                     QStringLiteral("/nonexistent/prompt.txt")}
                                      << "/nonexistent/prompt.txt";
    }

    void refusesWhatItCannotDo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const CliResult result = tokens(arguments, "text");
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(QString::fromUtf8(result.err).contains(message), result.err.constData());
        QCOMPARE(result.out, QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestCliTokens)
#include "tst_cli_tokens.moc"
