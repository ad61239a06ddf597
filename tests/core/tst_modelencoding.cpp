// SPDX-License-Identifier: GPL-3.0-or-later
// Model names to tiktoken encodings, as openai/tiktoken's model.py maps them.
#include <QtTest>

#include "tokens/ModelEncoding.h"

using namespace Lathe::Tokens;

class TestModelEncoding : public QObject
{
    Q_OBJECT

private slots:
    void mapsModelNames_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("encoding"); // empty: none

        QTest::newRow("gpt-4o") << "gpt-4o"
                                << "o200k_base";
        QTest::newRow("dated gpt-4o") << "gpt-4o-2024-08-06"
                                      << "o200k_base";
        QTest::newRow("gpt-4o-mini meets gpt-4o- before gpt-4-") << "gpt-4o-mini"
                                                                 << "o200k_base";
        QTest::newRow("chatgpt-4o-latest") << "chatgpt-4o-latest"
                                           << "o200k_base";
        QTest::newRow("gpt-4.1") << "gpt-4.1"
                                 << "o200k_base";
        QTest::newRow("gpt-4.1-mini") << "gpt-4.1-mini-2025-04-14"
                                      << "o200k_base";
        QTest::newRow("gpt-4.5-preview") << "gpt-4.5-preview"
                                         << "o200k_base";
        QTest::newRow("o1") << "o1"
                            << "o200k_base";
        QTest::newRow("o1-mini") << "o1-mini"
                                 << "o200k_base";
        QTest::newRow("o3-pro") << "o3-pro"
                                << "o200k_base";
        QTest::newRow("o4-mini dated") << "o4-mini-2025-04-16"
                                       << "o200k_base";
        QTest::newRow("any gpt-5") << "gpt-5.5-codex"
                                   << "o200k_base";
        QTest::newRow("gpt-oss") << "gpt-oss-120b"
                                 << "o200k_base";
        QTest::newRow("gpt-4") << "gpt-4"
                               << "cl100k_base";
        QTest::newRow("gpt-4-turbo") << "gpt-4-turbo-2024-04-09"
                                     << "cl100k_base";
        QTest::newRow("gpt-3.5-turbo") << "gpt-3.5-turbo-0125"
                                       << "cl100k_base";
        QTest::newRow("Azure spelling") << "gpt-35-turbo-16k"
                                        << "cl100k_base";
        QTest::newRow("embeddings") << "text-embedding-3-large"
                                    << "cl100k_base";
        QTest::newRow("fine-tuned gpt-4o-mini") << "ft:gpt-4o-mini-2024-07-18:acme::9xYz"
                                                << "o200k_base";
        QTest::newRow("fine-tuned gpt-3.5") << "ft:gpt-3.5-turbo-0613:acme::8abc"
                                            << "cl100k_base";
        QTest::newRow("provider prefix") << "openai/gpt-4o"
                                         << "o200k_base";
        QTest::newRow("any case") << "GPT-4O-Mini"
                                  << "o200k_base";
        QTest::newRow("Claude has its own tokenizer") << "claude-sonnet-4-5"
                                                      << "";
        QTest::newRow("Gemini") << "gemini-2.5-pro"
                                << "";
        QTest::newRow("Llama") << "llama3.1:8b"
                               << "";
        QTest::newRow("a name that only starts like one") << "o10"
                                                          << "";
        QTest::newRow("empty") << ""
                               << "";
    }

    void mapsModelNames()
    {
        QFETCH(QString, model);
        QFETCH(QString, encoding);
        const auto found = encodingForModel(model);
        QCOMPARE(found ? encodingName(*found) : QString(), encoding);
    }

    void namesEncodings()
    {
        QCOMPARE(encodingFromName(u"cl100k_base"), Encoding::Cl100kBase);
        QCOMPARE(encodingFromName(u"o200k_base"), Encoding::O200kBase);
        QVERIFY(!encodingFromName(u"p50k_base"));
        QVERIFY(!encodingFromName(u"O200K_BASE"));
    }
};

QTEST_GUILESS_MAIN(TestModelEncoding)
#include "tst_modelencoding.moc"
