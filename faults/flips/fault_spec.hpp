// What to break: the fault model (transient flip, stuck-at, intermittent), where (weights, a layer's
// activations, an accelerator SRAM buffer, a processing element, gradients), at which rate or exact sites,
// in which number format. A plain struct with a parser for the command-line spellings; no model access.
#pragma once

#include "faults/flips/bits.hpp"
#include "models/core/result.hpp"
#include "sim/accel/accel_config.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mlsys::faults {

enum class FaultKind {
    BitFlip,       // transient: a stored bit inverts (an upset); weights stay flipped for the trial, activations
                   // and buffers are hit afresh on every inference
    StuckAt0,      // permanent: a cell reads 0 whatever is written, on every inference
    StuckAt1,      // permanent: a cell reads 1
    Intermittent,  // a marginal cell: fixed sites that flip only on some inferences (probability or bursts)
};
const char* to_string(FaultKind k);
core::Result<FaultKind> parse_fault_kind(const std::string& s);  // bitflip stuck0 stuck1 intermittent

enum class TargetKind { Weights, Activations, Buffer, Pe, Gradients };
enum class BufferKind { Ifmap, Filter, Ofmap };
const char* to_string(TargetKind k);
const char* to_string(BufferKind k);

struct FaultTarget {
    TargetKind kind = TargetKind::Weights;
    // Layer index for activations and buffers (required), and an optional filter for weights and PEs
    // (-1: every layer with parameters / every matrix layer). Names resolve through resolve_layers().
    int layer = -1;
    std::string layer_name;  // as written ("conv2d_1" or "3"); resolved against a model
    BufferKind buffer = BufferKind::Ifmap;
    int pe_row = 0, pe_col = 0;
};
// "weights", "weights:LAYER", "activations:LAYER", "buffer:ifmap|filter|ofmap[:LAYER]", "pe:R,C",
// "gradients". The error names the part that is wrong.
core::Result<FaultTarget> parse_fault_target(const std::string& s);
std::string to_string(const FaultTarget& t);

// One exact fault site: element `index` of the target's flat storage (the layer's parameters in order, or a
// sample's activation), bit `bit` (0 = LSB).
struct FaultSite {
    int64_t index = 0;
    int bit = 0;
};

// Which layers the protections cover.
enum class Protection { None, Parity, Ecc, Range, Tmr, Abft };
const char* to_string(Protection p);
core::Result<Protection> parse_protection(const std::string& s);  // none parity ecc range tmr abft

struct FaultSpec {
    FaultKind kind = FaultKind::BitFlip;
    FaultTarget target;
    Precision precision = Precision::Fp32;
    double ber = 1e-6;            // probability that each stored bit is hit (per trial, or per inference)
    int n_faults = 0;             // > 0: exactly this many random sites per trial instead of a rate
    std::vector<int> bits;        // bit positions that may be hit (empty: every bit of the word)
    std::vector<FaultSite> sites; // exact sites (override ber and n_faults)
    double intermittent_p = 0.25; // intermittent: chance that the faulty sites are active on an inference
    int burst_length = 1;         // intermittent: once active, stay active for this many inferences
    // Processing-element faults: the array, its dataflow and the bit that the PE's output corrupts
    // (stuck-at-0/1, or always inverted for bitflip).
    sim::accel::Dataflow dataflow = sim::accel::Dataflow::OutputStationary;
    int array_rows = 8, array_cols = 8;
    int pe_bit = 30;
    // SRAM size for buffer faults, in 4-byte words: a stuck cell hits every element stored at its address
    // (element i lives at address i mod buffer_words). 0: the AccelConfig default for that buffer.
    int64_t buffer_words = 0;
    Protection protection = Protection::None;
    std::vector<int> protected_layers;  // TMR and ABFT: layer indices (empty: every eligible layer)
};
nlohmann::json to_json(const FaultSpec& s);
// Checks ranges (ber in [0, 1], bits within the word, PE inside the array, protection applicable to the
// target). The message names the field.
core::Status validate(const FaultSpec& s);

// Parses "1e-7:1e-2" into log-spaced rates (per_decade points a decade, ends included) or "1e-5" into one.
core::Result<std::vector<double>> parse_ber_range(const std::string& s, int per_decade = 1);
// Parses "23-30", "31", "0-22,31" into bit positions.
core::Result<std::vector<int>> parse_bits(const std::string& s);

}  // namespace mlsys::faults
