// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonFields.h"

namespace Lathe::Providers::Json
{

const nlohmann::json *member(const nlohmann::json &value, const char *key)
{
    if (!value.is_object())
        return nullptr;
    const auto it = value.find(key);
    return it == value.end() ? nullptr : &*it;
}

std::optional<QString> string(const nlohmann::json &value, const char *key)
{
    const auto *field = member(value, key);
    if (!field || !field->is_string())
        return std::nullopt;
    return QString::fromStdString(field->get<std::string>());
}

std::optional<qint64> integer(const nlohmann::json &value, const char *key)
{
    const auto *field = member(value, key);
    if (!field || !field->is_number_integer())
        return std::nullopt;
    return field->get<qint64>();
}

} // namespace Lathe::Providers::Json
