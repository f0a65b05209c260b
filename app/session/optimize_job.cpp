// run_optimize (optimize_job.hpp): load the model and data, apply one optimization, measure the variant
// beside the original, write the variant and the Run.
#include "app/session/optimize_job.hpp"

#include "app/session/model_source.hpp"
#include "hardware/boards/from_quantized.hpp"
#include "models/core/files.hpp"
#include "models/io/model_file.hpp"
#include "models/io/run_log.hpp"
#include "models/optimize/int8_export.hpp"
#include "models/optimize/precision_eval.hpp"
#include "models/optimize/qat.hpp"
#include "models/train/evaluate.hpp"

#include <cmath>
#include <filesystem>

namespace mlsys::session {
namespace {

using core::fail;
namespace opt = models::optimize;

std::string percent_name(const std::string& prefix, double share) {
    return prefix + std::to_string(static_cast<int>(std::lround(share * 100)));
}

// A C identifier from a file name ("fashion-cnn.h" -> "fashion_cnn").
std::string c_symbol(const std::filesystem::path& p) {
    std::string s = p.stem().string();
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "model_" + s;
    return s;
}

core::Status write_variant(OptimizeResult& r, const std::string& path, const nlohmann::json& metadata) {
    const std::filesystem::path p(path);
    const std::string ext = p.extension().string();
    if (r.int8) {
        if (ext == ".h") {
            auto h = opt::write_c_header(*r.int8, c_symbol(p));
            if (!h) return fail(h.error());
            return core::write_file_atomic(p, *h);
        }
        if (ext == ".mlb1") {  // the board firmware's dense-only form (mlsyslab board deploy --model-file)
            auto b = hardware::board_model_from_quantized(*r.int8);
            if (!b) return fail("--out " + path + ": " + b.error());
            const auto bytes = hardware::write_board_model(*b);
            return core::write_file_atomic(p, std::string(bytes.begin(), bytes.end()));
        }
        if (ext != ".mlq8") return fail("--out " + path + ": an integer model is written as .mlq8 (binary), .h (C header) or .mlb1 (board)");
        return opt::save_int8(p, *r.int8);
    }
    if (ext != ".mlsys") return fail("--out " + path + ": a float model is written as .mlsys");
    return models::save_model(p, *r.model, metadata);
}

}  // namespace

nlohmann::json to_json(const OptimizeRequest& r) {
    nlohmann::json j{{"model_file", r.model_file}, {"model", r.model},         {"dataset", r.dataset},
                     {"train_limit", r.train_limit}, {"test_limit", r.test_limit}, {"quantize", r.quantize},
                     {"quant", opt::to_json(r.quant)}, {"qat_epochs", r.qat_epochs}, {"prune", r.prune},
                     {"prune_config", opt::to_json(r.prune_config)}, {"distill_from", r.distill_from},
                     {"distill", opt::to_json(r.distill)}, {"epochs", r.epochs}, {"learning_rate", r.learning_rate},
                     {"batch_size", r.batch_size}, {"seed", r.seed}, {"device", r.device}, {"out", r.out}};
    if (r.teacher) j["teacher"] = r.teacher->spec().name + " (the session's model, in memory)";
    return j;
}

nlohmann::json to_json(const OptimizeResult& r) {
    nlohmann::json j{{"action", r.action}, {"original", to_json(r.original)}, {"variant", to_json(r.variant)},
                     {"run_dir", r.run_dir}, {"notes", r.notes}};
    j["baselines"] = nlohmann::json::array();
    for (const auto& b : r.baselines) j["baselines"].push_back(to_json(b));
    j["layers"] = nlohmann::json::array();
    for (const auto& s : r.sparsity)
        j["layers"].push_back({{"name", s.name}, {"n_weights", s.n_weights}, {"n_zero", s.n_zero},
                               {"sparsity", s.sparsity()}, {"dense_bytes", s.dense_bytes}, {"csr_bytes", s.csr_bytes}});
    return j;
}

core::Result<OptimizeResult> run_optimize(const OptimizeRequest& rq, const opt::TrainProgress& progress,
                                          core::JobControl* control) {
    const bool distilling = !rq.distill_from.empty() || rq.teacher != nullptr;
    const int n_actions = int(!rq.quantize.empty()) + int(rq.prune > 0) + int(distilling);
    if (n_actions != 1) return fail("choose exactly one of --quantize, --prune and --distill-from");
    if (rq.prune < 0 || rq.prune >= 1) return fail("--prune must be in (0, 1), got " + std::to_string(rq.prune));
    const auto status = [&](const std::string& s) {
        if (control) control->set_status(s);
    };

    // The model and its data.
    std::optional<models::Model> model;
    nlohmann::json metadata = nlohmann::json::object();
    std::string dataset = rq.dataset;
    if (rq.source) {
        auto copy = rq.source->clone();
        if (!copy) return fail(copy.error());
        model.emplace(std::move(*copy));
    } else if (!rq.model_file.empty()) {
        auto loaded = load_model_file(rq.model_file);
        if (!loaded) return fail(loaded.error());
        metadata = loaded->metadata;
        if (dataset.empty() && metadata.is_object()) dataset = metadata.value("dataset", std::string());
        model.emplace(std::move(loaded->model));
    } else if (rq.model.empty()) {
        return fail("--model-file is required (or --model for a distillation student)");
    }
    if (dataset.empty()) dataset = "fashion-mnist";
    models::DatasetOptions dopt;
    dopt.seed = rq.seed;
    dopt.val_fraction = 0;
    dopt.train_limit = rq.train_limit;
    dopt.test_limit = rq.test_limit;
    status("loading " + dataset);
    auto data = models::load_dataset(dataset, dopt);
    if (!data) return fail(data.error());
    if (!model) {
        auto spec = resolve_model_spec(rq.model);
        if (!spec) return fail(spec.error());
        if (auto st = models::adapt_to_dataset(*spec, data->train.sample_shape, data->train.n_classes); !st) return fail(st.error());
        auto built = models::Model::build(*spec, rq.seed);
        if (!built) return fail(built.error());
        model.emplace(std::move(*built));
    }
    if (data->test.sample_shape != model->spec().input_shape || data->test.n_classes != model->spec().n_classes)
        return fail("model \"" + model->spec().name + "\" takes " + models::shape_str(model->spec().input_shape) + " inputs and " +
                    std::to_string(model->spec().n_classes) + " classes; dataset \"" + dataset + "\" has " +
                    models::shape_str(data->test.sample_shape) + " and " + std::to_string(data->test.n_classes));
    auto lib = sim::load_profile_library();
    if (!lib) return fail(lib.error());
    const sim::DeviceProfile* device = lib->device(rq.device);
    if (!device) {
        std::string ids;
        for (const auto& d : lib->devices) ids += (ids.empty() ? "" : ", ") + d.id;
        return fail("unknown device \"" + rq.device + "\" (devices: " + ids + ")");
    }

    OptimizeResult res;
    status("measuring the original");
    res.original = describe_float(*model, "original", "fp32", device);
    res.original.is_original = true;
    {
        const auto e = models::evaluate(*model, data->test);
        res.original.accuracy = e.accuracy;
        res.original.n_test = e.n_samples;
    }
    models::TrainConfig tc;
    tc.batch_size = rq.batch_size;
    tc.optimizer.learning_rate = rq.learning_rate;
    tc.seed = rq.seed;
    tc.epochs = std::max(1, rq.epochs);

    if (!rq.quantize.empty()) {
        res.action = "quantize";
        if (rq.quantize == "int8" || rq.quantize == "int4") {
            opt::QuantConfig qc = rq.quant;
            qc.weight_bits = rq.quantize == "int8" ? 8 : 4;
            const std::string name = rq.quantize + (qc.per_channel ? "-per-channel" : "");
            models::Model* src = &*model;
            std::optional<models::Model> qat;
            if (rq.qat_epochs > 0) {
                status("post-training baseline");
                auto ptq = opt::quantize_model(*model, data->train, qc);
                if (!ptq) return fail(ptq.error());
                VariantMetrics b = describe_int8(*ptq, model->workload(), name + "-ptq", device);
                const auto pe = opt::evaluate_int8(*ptq, data->test);
                b.accuracy = pe.accuracy;
                b.n_test = pe.n_samples;
                res.baselines.push_back(b);
                auto copy = model->clone();
                if (!copy) return fail(copy.error());
                qat.emplace(std::move(*copy));
                tc.epochs = rq.qat_epochs;
                status("quantization-aware training");
                if (auto r = opt::qat_train(*qat, data->train, qc, tc, progress, control); !r) return fail(r.error());
                src = &*qat;
            }
            status("calibrating and quantizing");
            auto q = opt::quantize_model(*src, data->train, qc);
            if (!q) return fail(q.error());
            status("measuring the integer-only model");
            const auto e = opt::evaluate_int8(*q, data->test);
            res.variant = describe_int8(*q, model->workload(), rq.qat_epochs > 0 ? name + "-qat" : name, device);
            res.variant.accuracy = e.accuracy;
            res.variant.n_test = e.n_samples;
            res.int8.emplace(std::move(*q));
        } else {
            auto fmt = opt::parse_float_format(rq.quantize);
            if (!fmt) return fail("--quantize: " + fmt.error() + " or int8, int4");
            auto e = opt::evaluate_in_format(*model, data->test, *fmt);
            if (!e) return fail(e.error());
            auto copy = model->clone();
            if (!copy) return fail(copy.error());
            opt::round_weights(*copy, *fmt);
            res.variant = describe_float(*copy, rq.quantize, rq.quantize, device);
            res.variant.accuracy = e->accuracy;
            res.variant.n_test = e->n_samples;
            res.notes.push_back("weights and every activation are rounded to " + rq.quantize + "; arithmetic inside a layer stays fp32");
            res.model.emplace(std::move(*copy));
        }
    } else if (rq.prune > 0) {
        res.action = "prune";
        opt::PruneConfig pc = rq.prune_config;
        pc.sparsity = rq.prune;
        status("pruning");
        auto pruned = opt::prune_model(*model, data->train, pc, tc, progress, control);
        if (!pruned) return fail(pruned.error());
        res.variant = describe_float(*pruned, percent_name(pc.structured ? "structured" : "pruned", rq.prune), "fp32", device);
        const auto e = models::evaluate(*pruned, data->test);
        res.variant.accuracy = e.accuracy;
        res.variant.n_test = e.n_samples;
        res.sparsity = opt::sparsity_report(*pruned);
        res.model.emplace(std::move(*pruned));
    } else {
        res.action = "distill";
        core::Result<models::LoadedModel> teacher = fail("no teacher");
        if (rq.teacher) {
            auto copy = rq.teacher->clone();
            if (!copy) return fail("the teacher: " + copy.error());
            teacher = models::LoadedModel{std::move(*copy), nlohmann::json::object()};
        } else {
            teacher = load_model_file(rq.distill_from);
            if (!teacher) return fail("--distill-from: " + teacher.error());
        }
        VariantMetrics t = describe_float(teacher->model, "teacher", "fp32", device);
        t.accuracy = models::evaluate(teacher->model, data->test).accuracy;
        auto alone = model->clone();
        auto taught = model->clone();
        if (!alone || !taught) return fail("could not copy the student");
        status("training the student alone");
        if (auto r = opt::distill(*alone, nullptr, data->train, rq.distill, tc, progress, control); !r) return fail(r.error());
        status("distilling");
        if (auto r = opt::distill(*taught, &teacher->model, data->train, rq.distill, tc, progress, control); !r) return fail(r.error());
        VariantMetrics a = describe_float(*alone, "student-alone", "fp32", device);
        a.accuracy = models::evaluate(*alone, data->test).accuracy;
        res.baselines = {t, a};
        res.variant = describe_float(*taught, "distilled", "fp32", device);
        const auto e = models::evaluate(*taught, data->test);
        res.variant.accuracy = e.accuracy;
        res.variant.n_test = e.n_samples;
        res.model.emplace(std::move(*taught));
    }

    nlohmann::json variant_meta = metadata.is_object() ? metadata : nlohmann::json::object();
    variant_meta["dataset"] = dataset;
    variant_meta["optimized"] = {{"action", res.action}, {"variant", res.variant.name}, {"from", rq.model_file}};
    variant_meta["accuracy"] = res.variant.accuracy;
    if (!rq.out.empty()) {
        if (auto st = write_variant(res, rq.out, variant_meta); !st) return fail(st.error());
        res.variant.file = rq.out;
    }
    if (rq.write_run) {
        const std::string root = rq.runs_dir.empty() ? core::default_runs_dir().string() : rq.runs_dir;
        auto run = models::RunWriter::create(root, "optimize", model->spec().name + "-" + res.variant.name, to_json(rq));
        if (!run) {
            res.notes.push_back("the Run was not written: " + run.error());
        } else {
            (void)run->append_event("variant", to_json(res.original));
            for (const auto& b : res.baselines) (void)run->append_event("variant", to_json(b));
            (void)run->append_event("variant", to_json(res.variant));
            if (res.int8) {
                if (auto img = opt::serialize_int8(*res.int8)) (void)run->write_artifact("model.mlq8", *img);
                if (auto h = opt::write_c_header(*res.int8, "mlsys_model")) (void)run->write_artifact("model.h", *h);
            } else if (res.model) {
                (void)run->write_artifact("model.mlsys", models::serialize_model(*res.model, variant_meta));
            }
            const nlohmann::json headline{{"accuracy_before", res.original.accuracy}, {"accuracy_after", res.variant.accuracy},
                                          {"size_before_bytes", res.original.size_bytes}, {"size_after_bytes", res.variant.size_bytes},
                                          {"macs_before", res.original.macs}, {"macs_after", res.variant.macs},
                                          {"variant", res.variant.name}};
            (void)run->finish(models::RunStatus::Finished, headline);
            res.run_dir = run->dir().string();
        }
    }
    status("done");
    return res;
}

}  // namespace mlsys::session
