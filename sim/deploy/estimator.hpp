// The deployment estimator: does a model variant fit a device, and what latency, energy, battery life,
// throughput and cost does it get there — each computed from stated assumptions (a per-layer roofline over
// the device's peak compute and memory bandwidth). No measurement happens here; the measured accuracy comes
// in with the variant.
#pragma once

#include "models/workload/workload.hpp"
#include "sim/deploy/profiles.hpp"

#include <limits>
#include <string>
#include <vector>

namespace mlsys::sim {

// One version of the model (fp32, int8, pruned...) as the estimator sees it.
struct ModelVariant {
    std::string name;
    models::Workload workload;
    Precision precision = Precision::Fp32;
    double accuracy = std::numeric_limits<double>::quiet_NaN();  // measured on the test set; NaN if unknown
    int64_t input_bytes = 0;   // one raw input as sent over a link (0: input elements x element size)
    int64_t output_bytes = 0;  // the class scores returned (0: output elements x 4)
};

struct EstimateOptions {
    double inferences_per_hour = 3600;   // duty cycle for battery life and amortised cost
    double electricity_usd_per_kwh = 0.15;
    double lifetime_years = 3;           // amortisation of an owned device
};

struct LayerTime {
    std::string name;
    double compute_s = 0;
    double memory_s = 0;
    bool memory_bound = false;
    double time_s() const { return compute_s > memory_s ? compute_s : memory_s; }
};

struct DeviceEstimate {
    std::string device_id;
    std::string variant;
    bool fits = false;
    int64_t weight_bytes = 0;
    int64_t activation_bytes = 0;  // peak live activations (inference frees each buffer after its layer)
    int64_t ram_needed_bytes = 0;
    int64_t ram_available_bytes = 0;
    int64_t storage_needed_bytes = 0;
    int64_t storage_available_bytes = 0;
    int64_t shortfall_bytes = 0;   // the larger of the RAM and storage shortfalls
    std::string fit_reason;        // "fits" or what does not ("needs 1.20 MB of RAM, has 1.00 MB: 200 KB short")
    double latency_s = 0;          // compute, plus transfer_s for a cloud device reached over a link
    double transfer_s = 0;
    double energy_j = 0;           // per inference, on the device that computes
    double throughput_per_s = 0;
    double battery_life_h = -1;    // -1: mains powered
    double cost_per_million_usd = 0;
    bool raw_input_leaves_device = false;
    double accuracy = std::numeric_limits<double>::quiet_NaN();
    std::vector<LayerTime> layers;
    std::vector<std::string> assumptions;  // how each number was computed
};

int64_t weight_bytes(const models::Workload& w, Precision p);
int64_t peak_activation_bytes(const models::Workload& w, Precision p);
int64_t input_bytes(const ModelVariant& v);
int64_t output_bytes(const ModelVariant& v);

// Seconds to run layers [first, last) on the device: per layer max(MACs / (peak x efficiency),
// bytes / bandwidth). `detail` (optional) receives each layer's split.
double compute_time_s(const models::Workload& w, Precision p, const DeviceProfile& d, size_t first, size_t last,
                      std::vector<LayerTime>* detail = nullptr);

// A cloud device serves a remote user: with `link`, the input's upload and the scores' download over it are
// added to the latency (transfer_s), and the raw input always leaves the user's device. Other devices run
// the model where the input is produced.
DeviceEstimate estimate_on_device(const ModelVariant& v, const DeviceProfile& d, const EstimateOptions& o = {},
                                  const LinkProfile* link = nullptr);

// Split computing: layers [0, split) on the device, the activation at the split sent over the link, layers
// [split, L) on the server. split = 0 sends the raw input; split = L runs everything on the device.
struct SplitPoint {
    size_t split = 0;
    std::string after_layer;  // name of the last on-device layer ("input" for split 0)
    double device_s = 0;
    double transfer_s = 0;
    double server_s = 0;
    double total_s = 0;
    double device_energy_j = 0;
    int64_t bytes_sent = 0;
    bool raw_input_sent = false;
    bool possible = true;     // false when the split needs a link that does not exist
};
std::vector<SplitPoint> evaluate_splits(const ModelVariant& v, const DeviceProfile& device, const DeviceProfile& server,
                                        const LinkProfile& link);
// The index in `points` of the fastest possible split.
size_t best_split(const std::vector<SplitPoint>& points);

// The cascade pattern: a small on-device model answers when its confidence reaches `threshold` and forwards
// the rest to a large model on a server. Per-sample inputs are the two models' measured predictions and the
// small model's confidence on the same test set.
struct CascadeResult {
    double threshold = 0;
    double forward_rate = 0;     // share of inputs sent to the server
    double accuracy = 0;         // of the combined system
    double mean_latency_s = 0;   // small model always, plus the offload for forwarded inputs
};
CascadeResult evaluate_cascade(const std::vector<int>& labels, const std::vector<int>& small_pred,
                               const std::vector<float>& small_confidence, const std::vector<int>& large_pred,
                               double threshold, double small_latency_s, double offload_latency_s);

}  // namespace mlsys::sim
