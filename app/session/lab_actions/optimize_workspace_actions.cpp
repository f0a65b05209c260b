// The Optimize workspace for the labs: the "optimize" state section shows and sets the workspace's settings
// and lists its variants (what lab checks read: "optimize.variants[1].size_bytes"), and the "optimize_apply"
// action applies the settings' technique through the workspace's own job, so the variant appears in the
// Optimize table beside the original (unlike "optimize_model", which measures one variant on the side).
#include "app/session/lab_host.hpp"
#include "app/session/optimize_state.hpp"
#include "app/session/session.hpp"

#include <algorithm>
#include <cmath>

namespace mlsys::session {
namespace {

using core::fail;
using nlohmann::json;

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json variant_json(const OptimizeVariant& v, double base_accuracy) {
    const VariantMetrics& m = v.metrics;
    return json{{"name", m.name},
                {"technique", v.technique},
                {"precision", m.precision},
                {"accuracy", num(m.accuracy)},
                {"accuracy_drop", num(base_accuracy - m.accuracy)},
                {"size_bytes", m.size_bytes},
                {"compressed_bytes", m.compressed_bytes},
                {"smallest_bytes", m.compressed_bytes > 0 ? std::min(m.size_bytes, m.compressed_bytes) : m.size_bytes},
                {"sparsity", m.sparsity},
                {"macs", m.macs},
                {"latency_ms", num(1000 * m.latency_s)},
                {"device", m.device},
                {"fits", m.fits},
                {"is_original", m.is_original},
                {"is_baseline", v.is_baseline},
                {"run_dir", v.run_dir}};
}

json optimize_state_get(const Session& s) {
    const OptimizeWorkspaceState& st = s.optimize_state();
    json j = to_json(st.settings);
    j["status"] = st.is_busy() ? "running" : st.variants.empty() ? "idle" : "ready";
    j["current"] = st.current;
    j["error"] = st.error;
    const double base = st.variants.empty() ? NAN : st.variants[0].metrics.accuracy;
    j["variants"] = json::array();
    for (const OptimizeVariant& v : st.variants) j["variants"].push_back(variant_json(v, base));
    j["n_variants"] = st.variants.size();
    return j;
}

core::Status optimize_state_set(Session& s, const json& settings) { return apply_json(s.optimize_state().settings, settings); }

// The newest non-baseline variant beside the original, once the apply job has added it: the same keys as
// the "optimize_model" action, so a lab step can switch between them.
json apply_result(const OptimizeWorkspaceState& st) {
    const OptimizeVariant* v = &st.variants.back();
    for (auto it = st.variants.rbegin(); it != st.variants.rend(); ++it)
        if (!it->is_baseline) {
            v = &*it;
            break;
        }
    const VariantMetrics &a = st.variants[0].metrics, &b = v->metrics;
    const int64_t smallest = b.compressed_bytes > 0 ? std::min(b.size_bytes, b.compressed_bytes) : b.size_bytes;
    return json{{"variant", b.name},
                {"technique", v->technique},
                {"precision", b.precision},
                {"accuracy_before", num(a.accuracy)},
                {"accuracy_after", num(b.accuracy)},
                {"accuracy_drop", num(a.accuracy - b.accuracy)},
                {"size_before_bytes", a.size_bytes},
                {"size_after_bytes", b.size_bytes},
                {"compressed_after_bytes", b.compressed_bytes},
                {"size_ratio", double(b.size_bytes) / double(std::max<int64_t>(1, a.size_bytes))},
                {"smallest_after_bytes", smallest},
                {"macs_before", a.macs},
                {"macs_after", b.macs},
                {"effective_macs_after", b.effective_macs},
                {"sparsity_after", b.sparsity},
                {"latency_before_ms", num(1000 * a.latency_s)},
                {"latency_after_ms", num(1000 * b.latency_s)},
                {"device", b.device},
                {"fits_after", b.fits},
                {"run_dir", v->run_dir},
                {"n_variants", st.variants.size()}};
}

// One poll step of the apply action: measure the original first, then apply once, then report.
// `applies_before` (the state's n_applies when the action began) tells whether our apply was started.
std::optional<core::Result<json>> step(Session& s, size_t n_before, int applies_before) {
    OptimizeWorkspaceState& st = s.optimize_state();
    const std::string message = st.poll(s);
    if (st.job) return std::nullopt;
    if (!st.error.empty()) return core::Result<json>(fail(st.error));
    if (st.variants.empty()) return core::Result<json>(fail("the current model could not be measured"));
    if (st.n_applies == applies_before) {
        if (auto a = st.apply(s); !a) return core::Result<json>(fail(a.error()));
        return std::nullopt;
    }
    if (st.variants.size() <= std::max<size_t>(n_before, 1))
        return core::Result<json>(fail(message.empty() ? "no variant was added (the job was cancelled)" : message));
    return core::Result<json>(apply_result(st));
}

core::Result<json> optimize_apply(Session& s, const json& params, const labs::ActionContext& context) {
    if (!s.model()) return fail("there is no current model yet: train one first");
    OptimizeWorkspaceState& st = s.optimize_state();
    if (st.is_busy() && st.job->kind() == OptimizeJob::Kind::Apply) return fail("an optimization is already running");
    if (auto a = apply_json(st.settings, params.is_null() ? json::object() : params); !a) return fail("params: " + a.error());
    const size_t n_before = st.variants.size();
    const int applies_before = st.n_applies;
    for (;;) {
        if (auto r = step(s, n_before, applies_before)) return *r;
        if (!context.blocking) return json{{"pending", true}, {"n_before", n_before}, {"applies_before", applies_before}};
        if (st.job) st.job->wait();
    }
}

std::optional<core::Result<json>> optimize_apply_poll(Session& s, const json& params, const json& started) {
    (void)params;
    return step(s, started.value("n_before", size_t(0)), started.value("applies_before", 0));
}

}  // namespace
}  // namespace mlsys::session

MLSYS_LAB_ACTION_ASYNC("optimize_apply",
                       "apply the Optimize workspace's technique (params: any of its settings) to the current model; the "
                       "variant joins the workspace's table",
                       mlsys::session::optimize_apply, mlsys::session::optimize_apply_poll);
MLSYS_LAB_STATE("optimize", mlsys::session::optimize_state_get, mlsys::session::optimize_state_set);
