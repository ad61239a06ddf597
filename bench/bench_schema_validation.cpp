// SPDX-License-Identifier: GPL-3.0-or-later
// How fast JsonSchema validates typical structured answers: 1,000 generated support-ticket
// triage answers (1-4 KB each, about one in six invalid) against bench/data/ticket-triage.schema.json
// (nesting, arrays, enums, $refs, if/then, oneOf, patterns). Prints µs per answer for the
// verdict alone (stop at the first error) and for every error on already-parsed values, and for
// the verdict on the answers' text (parsing included), best of several rounds.
// `--write DIR` also writes the schema, the answers (answers.jsonl) and Lathe's verdicts
// (verdicts.txt) for the peers' script,
// scripts/bench-schema-peers.sh, which runs ajv on the same files. `--passes N` runs exactly N
// passes once, for instruction counts under callgrind.

#include <cstdio>
#include <random>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>

#include "schema/JsonSchema.h"

using nlohmann::json;

namespace
{

json loadSchema()
{
    QFile file(QStringLiteral(LATHE_SOURCE_DIR "/bench/data/ticket-triage.schema.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the benchmark schema");
    const QByteArray bytes = file.readAll();
    return json::parse(bytes.constData(), bytes.constData() + bytes.size());
}

/** One answer as a model would write it; `flaw` > 0 plants one kind of mistake. */
json makeAnswer(std::mt19937 &random, int flaw)
{
    const auto pick = [&](std::initializer_list<const char *> options) {
        const auto index = std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(random);
        return std::string(*(options.begin() + index));
    };
    const auto number = [&](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(random);
    };
    const std::string words[] = {"the",      "order",  "arrived", "damaged", "customer", "asks",  "for",
                                 "a",        "refund", "of",      "invoice", "shipping", "delay", "account",
                                 "password", "reset",  "charged", "twice",   "label",    "box",   "broken"};
    const auto sentence = [&](int count) {
        std::string text;
        for (int i = 0; i < count; ++i) {
            if (i)
                text += ' ';
            text += words[std::size_t(number(0, int(std::size(words)) - 1))];
        }
        return text;
    };

    json answer;
    char id[16];
    std::snprintf(id, sizeof id, "TK-%06d", number(0, 999999));
    answer["ticket_id"] = id;
    answer["customer"] = {
        {"name", sentence(2)},
        {"email", sentence(1) + "@example." + pick({"com", "org", "de"})},
        {"tier", pick({"free", "pro", "enterprise"})},
        {"address",
         {{"street", sentence(3)}, {"city", sentence(1)}, {"postal_code", "12345"}, {"country", "DE"}}}};
    answer["category"] = pick({"billing", "shipping", "technical", "account", "other"});
    answer["priority"] = pick({"low", "medium", "high", "urgent"});
    answer["sentiment"] = number(-100, 100) / 100.0;
    answer["summary"] = sentence(number(12, 60));
    json items = json::array();
    for (int i = 0, count = number(1, 18); i < count; ++i) {
        char sku[16];
        std::snprintf(sku, sizeof sku, "%c%c%c-%04d", 'A' + number(0, 25), 'A' + number(0, 25),
                      'A' + number(0, 25), number(0, 9999));
        items.push_back({{"sku", sku},
                         {"description", sentence(number(3, 14))},
                         {"quantity", number(1, 9)},
                         {"unit_price", number(1, 99999) / 100.0},
                         {"currency", pick({"USD", "EUR", "GBP", "JPY"})}});
    }
    answer["items"] = items;
    json actions = json::array();
    for (int i = 0, count = number(1, 4); i < count; ++i) {
        json action{{"type", pick({"refund", "replace", "escalate", "reply", "close"})},
                    {"detail", sentence(8)}};
        if (action["type"] == "refund")
            action["amount"] = number(100, 50000) / 100.0;
        actions.push_back(action);
    }
    answer["actions"] = actions;
    answer["tags"] = json::array({"triaged", "model", sentence(1) + std::to_string(number(0, 999))});
    answer["follow_up"] = number(0, 1) ? json(nullptr) : json{{"due", "2026-12-24"}, {"owner", sentence(1)}};

    switch (flaw) {
    case 1:
        answer["priority"] = "critical"; // not in the enum
        break;
    case 2:
        answer.erase("summary"); // a required property missing
        break;
    case 3:
        answer["items"][answer["items"].size() - 1]["quantity"] = 0; // below the minimum, deep inside
        break;
    case 4:
        answer["customer"]["email"] = "not an email"; // a pattern
        break;
    case 5:
        answer["confidence"] = 0.9; // additionalProperties false
        break;
    case 6:
        answer["actions"][0] = {{"type", "refund"}, {"detail", "no amount"}}; // if/then
        break;
    default:
        break;
    }
    return answer;
}

/** Best of 7 rounds of at least 0.2 s; with `fixedPasses` > 0, one round of exactly that many (for
 * callgrind). */
template <typename Answer, typename Check>
double bestMicrosecondsPerAnswer(const std::vector<Answer> &answers, const Check &check, int &invalid,
                                 int fixedPasses)
{
    double best = 1e30;
    for (int round = 0; round < (fixedPasses > 0 ? 1 : 7); ++round) {
        int rejected = 0;
        QElapsedTimer timer;
        timer.start();
        int passes = 0;
        do {
            rejected = 0;
            for (const Answer &answer : answers)
                rejected += !check(answer);
            ++passes;
        } while (fixedPasses > 0 ? passes < fixedPasses : timer.nsecsElapsed() < 200'000'000);
        best =
            std::min(best, double(timer.nsecsElapsed()) / 1000.0 / double(passes) / double(answers.size()));
        invalid = rejected;
    }
    return best;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    const qsizetype writeAt = arguments.indexOf(u"--write"_qs);
    const qsizetype passesAt = arguments.indexOf(u"--passes"_qs);
    const int fixedPasses =
        passesAt >= 0 && passesAt + 1 < arguments.size() ? arguments[passesAt + 1].toInt() : 0;

    const json schemaJson = loadSchema();
    auto schema = Lathe::Schema::JsonSchema::compile(schemaJson);
    if (!schema)
        qFatal("%s", qPrintable(schema.error().toString()));

    std::mt19937 random(20261206);
    std::vector<json> answers;
    std::vector<std::string> texts;
    std::size_t bytes = 0;
    std::string jsonLines;
    for (int i = 0; i < 1000; ++i) {
        answers.push_back(makeAnswer(random, i % 6 == 5 ? 1 + (i / 6) % 6 : 0));
        texts.push_back(answers.back().dump());
        bytes += texts.back().size();
        jsonLines += texts.back() + '\n';
    }
    if (writeAt >= 0 && writeAt + 1 < arguments.size()) {
        const QDir out(arguments[writeAt + 1]);
        QFile schemaFile(out.filePath(u"schema.json"_qs));
        QFile answersFile(out.filePath(u"answers.jsonl"_qs));
        if (!schemaFile.open(QIODevice::WriteOnly) || !answersFile.open(QIODevice::WriteOnly))
            qFatal("cannot write to %s", qPrintable(out.path()));
        schemaFile.write(QByteArray::fromStdString(schemaJson.dump(2)));
        answersFile.write(QByteArray::fromStdString(jsonLines));
        // Lathe's verdict per answer, so the peers' script can count disagreements.
        QFile verdictsFile(out.filePath(u"verdicts.txt"_qs));
        if (!verdictsFile.open(QIODevice::WriteOnly))
            qFatal("cannot write to %s", qPrintable(out.path()));
        for (const json &answer : answers)
            verdictsFile.write(schema->isValid(answer) ? "1\n" : "0\n");
    }

    int invalidFast = 0;
    int invalidFull = 0;
    std::size_t errors = 0;
    const double fast = bestMicrosecondsPerAnswer(
        answers, [&](const json &answer) { return schema->isValid(answer); }, invalidFast, fixedPasses);
    const double full = bestMicrosecondsPerAnswer(
        answers,
        [&](const json &answer) {
            const auto report = schema->validate(answer);
            errors += report.errors.size();
            return report.valid;
        },
        invalidFull, fixedPasses);
    int invalidText = 0;
    const double text = bestMicrosecondsPerAnswer(
        texts, [&](const std::string &answer) { return schema->isValidText(answer).value_or(false); },
        invalidText, fixedPasses);
    const auto row = [&](const char *input, const char *mode, int invalid, double microseconds) {
        std::printf("Lathe\t%s\t%s\t%zu\t%d\t%.2f\t%.0f\n", input, mode, answers.size(), invalid,
                    microseconds, double(bytes) / double(answers.size()) / microseconds);
    };
    std::printf("validator\tinput\tmode\tanswers\tinvalid\tus/answer\tMB/s\n");
    row("parsed", "first error", invalidFast, fast);
    row("parsed", "all errors", invalidFull, full);
    row("text", "first error", invalidText, text);
    std::fprintf(
        stderr, "%zu answers, %.1f KB on average (%zu to %zu bytes)\n", answers.size(),
        double(bytes) / double(answers.size()) / 1024.0,
        std::min_element(answers.begin(), answers.end(),
                         [](const json &a, const json &b) { return a.dump().size() < b.dump().size(); })
            ->dump()
            .size(),
        std::max_element(answers.begin(), answers.end(),
                         [](const json &a, const json &b) { return a.dump().size() < b.dump().size(); })
            ->dump()
            .size());
    return 0;
}
