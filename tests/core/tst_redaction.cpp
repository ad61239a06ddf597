// SPDX-License-Identifier: GPL-3.0-or-later
// The one rule for which names carry a credential, shared by headers, URLs and prompt files.
#include <QTest>

#include "base/Redaction.h"
#include "http/HttpHeaders.h"

class TestRedaction : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void credentialNames_data();
    void credentialNames();
    void headersAndUrlsFollowTheRule();
};

void TestRedaction::credentialNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("credential");
    for (const char16_t *name :
         {u"Authorization", u"Proxy-Authorization", u"Cookie", u"Set-Cookie", u"x-api-key", u"api-key",
          u"x-goog-api-key", u"API_KEY", u"apikey", u"key", u"sig", u"token", u"access_token",
          u"x-auth-token", u"client_secret", u"password", u"Bearer"})
        QTest::newRow(qPrintable(QString::fromUtf16(name))) << QString::fromUtf16(name) << true;
    for (const char16_t *name :
         {u"max_tokens", u"max_output_tokens", u"x-ratelimit-remaining-tokens", u"temperature",
          u"content-type", u"keywords", u"monkey", u"top_k", u"signal"})
        QTest::newRow(qPrintable(QString::fromUtf16(name))) << QString::fromUtf16(name) << false;
}

void TestRedaction::credentialNames()
{
    QFETCH(QString, name);
    QFETCH(bool, credential);
    QCOMPARE(Lathe::isCredentialName(name), credential);
}

void TestRedaction::headersAndUrlsFollowTheRule()
{
    const Lathe::Http::HeaderList headers{{"X-Custom-Api-Key", "sk-one"},
                                          {"anthropic-ratelimit-tokens-limit", "9"}};
    const Lathe::Http::HeaderList redacted = Lathe::Http::redactedHeaders(headers);
    QCOMPARE(redacted[0].second, QByteArray("[redacted]"));
    QCOMPARE(redacted[1].second, QByteArray("9"));
    const QUrl url = Lathe::Http::redactedUrl(QUrl(u"https://h/v1?key=sk-two&alt=sse&access_token=t"_qs));
    QVERIFY2(!url.toString().contains(u"sk-two") && !url.toString().contains(u"=t"),
             qPrintable(url.toString()));
    QVERIFY(url.toString().contains(u"alt=sse"));
}

QTEST_GUILESS_MAIN(TestRedaction)
#include "tst_redaction.moc"
