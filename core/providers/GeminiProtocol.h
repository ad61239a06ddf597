// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ProviderProtocol.h"

namespace Lathe::Providers
{

/**
 * Google's Gemini API (Generative Language API): `POST {base}/v1beta/models/{model}:generateContent`
 * and, streamed, `…:streamGenerateContent?alt=sse`. The base URL is the API root as Google's SDKs
 * take it (`https://generativelanguage.googleapis.com`); the API version is part of the path we
 * append, as in the SDKs. The key travels only in the `x-goog-api-key` header, never in the URL.
 *
 * Streams are data-only SSE: every event is a whole GenerateContentResponse with the next piece
 * of text, complete function calls and running usage totals. There is no end marker: the
 * answer is complete when a candidate's finishReason has arrived and the body ends cleanly.
 */
class GeminiProtocol final : public ProviderProtocol
{
public:
    OutgoingRequest buildRequest(const ProviderEndpoint &endpoint, const ChatRequest &request) const override;
    /**
     * `POST {base}/v1beta/models/{model}:countTokens` with the request's contents, system
     * instruction and tools as a `generateContentRequest`, without generation settings. The
     * answer is {"totalTokens": N}.
     */
    OutgoingRequest buildCountTokensRequest(const ProviderEndpoint &endpoint,
                                            const ChatRequest &request) const;
    std::unique_ptr<ResponseDecoder> createDecoder(const ChatRequest &request) const override;
    /** Google's `{"error":{"code","message","status","details"}}`, with the status word. */
    Lathe::Error httpError(int status, QByteArrayView body, const QString &where) const override;
};

} // namespace Lathe::Providers
