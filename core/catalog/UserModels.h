// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include "base/Result.h"
#include "catalog/ModelCatalog.h"

namespace Lathe::Catalog
{

/**
 * The prices and limits a user set: overrides of bundled models and custom models, which
 * ModelCatalog::withUserModels() puts on top of the bundled table. Kept as JSON with prices
 * per million tokens, as people read them:
 * {"version":1,"models":[{"name":…,"input_per_million":…,"output_per_million":…,
 *  "cache_read_per_million":…,"context_window":…,"max_output":…}]} (null or absent: unknown).
 * Until the workspace exists (a later issue) the file lives beside the request ledger.
 */
namespace UserModels
{

constexpr int kFormatVersion = 1;

/** The user's models in `path`; a missing file is none. A bad entry is an error naming it. */
Result<QList<ModelInfo>> load(const QString &path);
Result<QList<ModelInfo>> fromJson(QByteArrayView json, const QString &where);
QByteArray toJson(const QList<ModelInfo> &models);
/** Writes atomically (QSaveFile), creating the folder. */
Result<void> save(const QString &path, const QList<ModelInfo> &models);
/** Marks each model an override when `bundled` knows its name, else custom. */
QList<ModelInfo> classified(QList<ModelInfo> models, const ModelCatalog &bundled);

} // namespace UserModels

} // namespace Lathe::Catalog
