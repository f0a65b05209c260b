// Writing a campaign as a Run (docs/RUNS.md): config.json with everything needed to repeat it (seed,
// fault spec, model), one metrics row per bit-error rate, an event per point, the protection cost table and
// the full result as artifacts, and a summary with the headline numbers. No printing.
#pragma once

#include "faults/campaign/campaign.hpp"
#include "faults/protect/protection_cost.hpp"
#include "models/io/run_log.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mlsys::faults {

// Creates the Run before the campaign starts (so a crash leaves a visible, incomplete run).
core::Result<models::RunWriter> start_campaign_run(const std::filesystem::path& runs_dir, const std::string& name,
                                                   const CampaignConfig& config, const nlohmann::json& model_info);
// Appends the results and finishes the run (Cancelled when the campaign was cancelled).
core::Status finish_campaign_run(models::RunWriter& run, const CampaignResult& result,
                                 const std::vector<ProtectionCost>& costs);

}  // namespace mlsys::faults
