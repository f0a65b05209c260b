// `mlsyslab eval`: accuracy, per-class precision/recall and the confusion matrix of a saved model.
#include "app/cli/command.hpp"
#include "app/session/model_source.hpp"

#include "models/train/evaluate.hpp"

#include <cstdio>
#include <memory>

namespace mlsys::cli {
namespace {

struct EvalOptions {
    std::string model_file;
    std::string dataset = "fashion-mnist";
    int limit = 0;
    uint64_t seed = 1;
};

int run_eval(const EvalOptions& o, const CommandContext& ctx) {
    if (o.model_file.empty()) return usage_error("eval", "--model-file is required");
    auto loaded = session::load_model_file(o.model_file);
    if (!loaded) return usage_error("eval", loaded.error());
    models::DatasetOptions dopt;
    dopt.seed = o.seed;
    dopt.test_limit = o.limit;
    dopt.val_fraction = 0;
    auto data = models::load_dataset(o.dataset, dopt);
    if (!data) return usage_error("eval", data.error());
    models::Model& m = loaded->model;
    if (data->test.sample_shape != m.spec().input_shape || data->test.n_classes != m.spec().n_classes)
        return usage_error("eval", "model \"" + m.spec().name + "\" takes " + models::shape_str(m.spec().input_shape) +
                                       " inputs and " + std::to_string(m.spec().n_classes) + " classes; dataset \"" +
                                       o.dataset + "\" has " + models::shape_str(data->test.sample_shape) + " and " +
                                       std::to_string(data->test.n_classes));
    const auto r = models::evaluate(m, data->test);
    if (ctx.json) {
        auto j = models::to_json(r);
        j["model_file"] = o.model_file;
        j["dataset"] = o.dataset;
        j["class_names"] = data->test.class_names;
        print_json(j);
        return kExitOk;
    }
    std::printf("%s on %s: accuracy %.2f%%, loss %.4f over %d images\n\n", o.model_file.c_str(), o.dataset.c_str(),
                100 * r.accuracy, r.loss, r.n_samples);
    std::printf("%-14s %9s %9s\n", "class", "precision", "recall");
    for (size_t c = 0; c < r.precision.size(); ++c)
        std::printf("%-14s %8.1f%% %8.1f%%\n", data->test.class_names[c].c_str(), 100 * r.precision[c], 100 * r.recall[c]);
    std::printf("\nconfusion matrix (rows: true class, columns: predicted)\n");
    for (size_t t = 0; t < r.confusion.size(); ++t) {
        std::printf("%-14s", data->test.class_names[t].c_str());
        for (auto v : r.confusion[t]) std::printf(" %5lld", static_cast<long long>(v));
        std::printf("\n");
    }
    return kExitOk;
}

void setup_eval(CLI::App& app, CommandContext& ctx) {
    auto o = std::make_shared<EvalOptions>();
    CLI::App* sub = app.add_subcommand("eval", "Evaluate a saved model on a dataset's test split");
    sub->add_option("--model-file", o->model_file, "A saved model file (.mlsys)");
    sub->add_option("--dataset", o->dataset, "fashion-mnist, circles, xor, blobs or spiral")->capture_default_str();
    sub->add_option("--limit", o->limit, "Evaluate at most this many test images (0 = all)");
    sub->add_option("--seed", o->seed, "Seed of the generated playground test set")->capture_default_str();
    add_common_flags(*sub, ctx);
    sub->callback([o, &ctx] { ctx.exit_code = run_eval(*o, ctx); });
}

}  // namespace

MLSYS_CLI_COMMAND("eval", setup_eval);

}  // namespace mlsys::cli
