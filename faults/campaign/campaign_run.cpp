// Campaign Runs (see campaign_run.hpp).
#include "faults/campaign/campaign_run.hpp"

#include <nlohmann/json.hpp>

namespace mlsys::faults {

core::Result<models::RunWriter> start_campaign_run(const std::filesystem::path& runs_dir, const std::string& name,
                                                   const CampaignConfig& config, const nlohmann::json& model_info) {
    nlohmann::json cfg = to_json(config);
    cfg["model"] = model_info;
    auto run = models::RunWriter::create(runs_dir, "faults", name, cfg);
    if (!run) return core::fail(run.error());
    if (auto st = run->declare_metrics({"ber", "accuracy", "accuracy_lo", "accuracy_hi", "sdc_rate", "sdc_lo",
                                        "sdc_hi", "detected_rate", "mean_faults"});
        !st)
        return core::fail(st.error());
    return std::move(*run);
}

core::Status finish_campaign_run(models::RunWriter& run, const CampaignResult& r,
                                 const std::vector<ProtectionCost>& costs) {
    int64_t step = 0;
    for (const auto& p : r.points) {
        const nlohmann::json j = to_json(p);
        if (auto st = run.append_metrics(step++, {{"ber", p.ber},
                                                  {"accuracy", p.accuracy.mean},
                                                  {"accuracy_lo", p.accuracy.ci.lo},
                                                  {"accuracy_hi", p.accuracy.ci.hi},
                                                  {"sdc_rate", j["sdc_rate"].get<double>()},
                                                  {"sdc_lo", p.sdc_ci.lo},
                                                  {"sdc_hi", p.sdc_ci.hi},
                                                  {"detected_rate", j["detected_rate"].get<double>()},
                                                  {"mean_faults", p.mean_faults}});
            !st)
            return st;
        if (auto st = run.append_event("point", j); !st) return st;
    }
    nlohmann::json cost_json = nlohmann::json::array();
    for (const auto& c : costs) cost_json.push_back(to_json(c));
    if (auto st = run.write_artifact("result.json", to_json(r).dump(2)); !st) return st;
    if (auto st = run.write_artifact("protection_costs.json", cost_json.dump(2)); !st) return st;
    nlohmann::json headline = {{"clean_accuracy", r.clean_accuracy}};
    if (!r.points.empty()) {
        headline["worst_accuracy"] = r.points.back().accuracy.mean;
        headline["worst_sdc_rate"] = to_json(r.points.back())["sdc_rate"];
    }
    return run.finish(r.cancelled ? models::RunStatus::Cancelled : models::RunStatus::Finished, headline);
}

}  // namespace mlsys::faults
