// SPDX-License-Identifier: GPL-3.0-or-later
#include "ProviderProtocol.h"

#include "JsonFields.h"
#include "OpenAiChatProtocol.h"
#include "base/Utf8.h"
#include "http/HttpStatus.h"

namespace Lathe::Providers
{

namespace
{

// The provider's message and its machine-readable code, from whichever shape the body uses.
QString providerMessage(const nlohmann::json &body)
{
    const nlohmann::json *source = &body;
    if (const auto *error = Json::member(body, "error")) {
        if (error->is_string())
            return QString::fromStdString(error->get<std::string>());
        if (error->is_object())
            source = error;
    }
    QString message = Json::string(*source, "message").value_or(QString());
    QString code = Json::string(*source, "code").value_or(QString());
    if (code.isEmpty())
        code = Json::string(*source, "type").value_or(QString());
    if (message.isEmpty())
        return {};
    return code.isEmpty() ? message : message + QStringLiteral(" [") + code + QLatin1Char(']');
}

} // namespace

const ProviderProtocol &protocolFor(WireProtocol protocol)
{
    switch (protocol) {
    case WireProtocol::OpenAiChat:
        break;
    }
    static const OpenAiChatProtocol openAiChat;
    return openAiChat;
}

Lathe::Error errorFromHttpResponse(int status, QByteArrayView body, const QString &where)
{
    QString detail;
    const auto json = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (!json.is_discarded())
        detail = providerMessage(json);
    if (detail.isEmpty()) {
        constexpr qsizetype kMaxQuotedChars = 300;
        detail = decodeUtf8(body).simplified();
        if (detail.size() > kMaxQuotedChars) {
            detail.truncate(kMaxQuotedChars);
            if (detail.back().isHighSurrogate())
                detail.chop(1);
            detail += QStringLiteral("…");
        }
    }
    if (detail.isEmpty())
        detail = QString::fromLatin1(Http::reasonPhrase(status));
    QString message = QStringLiteral("HTTP %1").arg(status);
    if (!detail.isEmpty())
        message += QStringLiteral(": ") + detail;
    return Lathe::Error{ErrorCode::Http, message, where, status};
}

} // namespace Lathe::Providers
