// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ProviderProtocol.h"

namespace Lathe::Providers
{

/**
 * OpenAI's Responses API: `POST {base}/responses`, base as the official SDK takes it
 * (`https://api.openai.com/v1`).
 *
 * Streams are SSE with named events whose JSON `type` repeats the name; every event carries a
 * `sequence_number` that counts up from 0. There is no `[DONE]`: the answer ends with
 * `response.completed`, `response.incomplete` (cut short, e.g. by max_output_tokens) or
 * `response.failed`, or with an `error` event. Usage arrives only on the final `response`
 * object. A non-streamed body is that Response object, with its `output[]` items.
 */
class OpenAiResponsesProtocol final : public ProviderProtocol
{
public:
    OutgoingRequest buildRequest(const ProviderEndpoint &endpoint, const ChatRequest &request) const override;
    std::unique_ptr<ResponseDecoder> createDecoder(const ChatRequest &request) const override;
    /** The generic error, plus OpenAI's machine-readable `error.code` as the providerCode. */
    Lathe::Error httpError(int status, QByteArrayView body, const QString &where) const override;
};

} // namespace Lathe::Providers
