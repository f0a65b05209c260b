// "Same model, different hardware": the Workload on a SIMD CPU core, a GPU and a microcontroller at a
// roofline level of detail (time = max(compute, memory) per layer, plus fixed per-layer overheads), with
// energy from device power, next to the systolic array's own result. Every device constant cites its
// datasheet. Plain structs; no I/O.
#pragma once

#include "models/workload/workload.hpp"
#include "sim/accel/accel_sim.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace mlsys::sim::accel {

// One core with SIMD FMA units. Defaults: a desktop x86 core with two 256-bit FMA pipes (AVX2: 16 fp32
// FMAs per cycle, Intel optimization manual for Skylake / AMD Zen 2 and later) at 3 GHz; ~20 GB/s is one
// core's realistic share of dual-channel DDR4-3200 (51.2 GB/s peak); 8 W is one core of a 65 W 8-core part.
struct CpuSimdConfig {
    std::string name = "x86 core, AVX2 (2x 256-bit FMA), 3 GHz";
    double clock_hz = 3.0e9;
    int simd_lanes = 8;  // fp32 lanes per vector
    int fma_units = 2;
    double memory_bytes_per_s = 20e9;
    double power_w = 8.0;
    int word_bytes = 4;  // fp32
};

// A GPU with tensor cores. Defaults: NVIDIA A100 SXM4 40 GB datasheet — 108 SMs, 1.41 GHz boost, 312 TFLOPS
// dense FP16 tensor (= 1024 FMAs per SM per cycle), 19.5 TFLOPS FP32 (64 FMAs per SM per cycle), HBM2
// 1,555 GB/s, 400 W TDP. 5 µs per kernel launch is the usual order of magnitude for a CUDA launch.
struct GpuConfig {
    std::string name = "NVIDIA A100-like (108 SMs, tensor cores, HBM2)";
    int sms = 108;
    double clock_hz = 1.41e9;
    double tensor_macs_per_cycle_per_sm = 1024;
    double vector_ops_per_cycle_per_sm = 64;
    double memory_bytes_per_s = 1555e9;
    double power_w = 400;
    double launch_overhead_s = 5e-6;
    int word_bytes = 2;  // fp16
};

// A microcontroller without an array. Defaults: Arm Cortex-M4F at 80 MHz (e.g. STM32L4); the DSP
// extension's SMLAD does two 16-bit MACs per cycle (Cortex-M4 Technical Reference Manual), which CMSIS-NN
// uses for int8; one 32-bit bus word per cycle from SRAM/flash; ~100 µA/MHz at 3.3 V (STM32L4 datasheet)
// is about 26 mW.
struct McuConfig {
    std::string name = "Arm Cortex-M4F MCU, 80 MHz";
    double clock_hz = 80e6;
    double macs_per_cycle = 2;
    double vector_ops_per_cycle = 1;
    double memory_bytes_per_s = 4 * 80e6;
    double power_w = 0.0264;
    int word_bytes = 1;  // int8
};

struct StyleLayer {
    std::string name;
    double compute_s = 0;
    double memory_s = 0;
    double latency_s = 0;
    bool memory_bound = false;
};

struct StyleResult {
    std::string style;   // "systolic", "cpu", "gpu", "mcu"
    std::string device;  // the config's name
    double latency_s = 0;
    double energy_j = 0;
    double peak_macs_per_s = 0;
    double memory_bytes_per_s = 0;
    int64_t macs = 0;
    int64_t bytes = 0;  // compulsory traffic: weights + inputs + outputs of every layer
    std::vector<StyleLayer> layers;
    // Roofline ridge point: MACs per byte above which a layer is compute-bound.
    double ridge_macs_per_byte() const { return memory_bytes_per_s > 0 ? peak_macs_per_s / memory_bytes_per_s : 0; }
};

StyleResult simulate_cpu(const models::Workload& w, const CpuSimdConfig& c, int batch = 1);
StyleResult simulate_gpu(const models::Workload& w, const GpuConfig& c, int batch = 1);
StyleResult simulate_mcu(const models::Workload& w, const McuConfig& c, int batch = 1);
// The systolic array's NetworkResult in the same form (energy from the per-access model).
StyleResult style_of(const NetworkResult& net);

nlohmann::json to_json(const StyleResult& r);

}  // namespace mlsys::sim::accel
