#!/usr/bin/env python3
"""Writes assets/memory/<preset>.json: the memory-hierarchy presets, every number with its source.

Run from the repository root: python3 scripts/make_memory_presets.py
Energy per access uses Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014,
45 nm: 64-bit cache read 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ; DRAM 1.3-2.6 nJ per 64-bit access; fp32
multiply 3.7 pJ + add 0.9 pJ; fp16 multiply 1.1 pJ + add 0.4 pJ; int8 multiply 0.2 pJ + add 0.03 pJ.
(BOOK.md quotes the same table per 32-bit word, i.e. halved: 5 / 10 / 50 pJ.) Sizes between the three SRAM
points are interpolated on a log scale; the interpolation is stated in the source string.
"""
import json
import math
import os

HOROWITZ = "Horowitz, ISSCC 2014 (45 nm)"


def sram_pj(size_bytes):
    """64-bit read energy of an SRAM of this size, log-interpolated through Horowitz's 8 KB/32 KB/1 MB points."""
    pts = [(8 * 1024, 10.0), (32 * 1024, 20.0), (1024 * 1024, 100.0)]
    if size_bytes <= pts[0][0]:
        return pts[0][1]
    if size_bytes >= pts[-1][0]:
        return pts[-1][1]
    for (s0, e0), (s1, e1) in zip(pts, pts[1:]):
        if s0 <= size_bytes <= s1:
            t = math.log(size_bytes / s0) / math.log(s1 / s0)
            return round(e0 * (e1 / e0) ** t, 1)


def sram_src(size_bytes):
    e = sram_pj(size_bytes)
    kb = size_bytes // 1024
    if kb in (8, 32, 1024):
        return f"{HOROWITZ}: {kb} KB cache, 64-bit read {e:g} pJ (writes taken equal)"
    if size_bytes > 1024 * 1024:
        return (f"{HOROWITZ}: 1 MB cache 100 pJ per 64-bit read; a larger cache is banked and one access reads one "
                f"~1 MB-class bank, so 100 pJ is kept (a lower bound: wires to a far bank cost more)")
    return f"{HOROWITZ}: log-interpolated between its 8 KB 10 pJ, 32 KB 20 pJ and 1 MB 100 pJ points for {kb} KB = {e:g} pJ per 64-bit access"


DRAM_PJ_PER_BYTE = 1300.0 / 8  # Horowitz: 1.3 nJ per 64-bit DRAM access (low end of 1.3-2.6 nJ)
DRAM_SRC = (f"{HOROWITZ}: DRAM 1.3-2.6 nJ per 64-bit access; the low end / 8 bytes = 162.5 pJ per byte. This is the "
            "textbook's figure (BOOK.md §10.5 table); a DDR3-era number - modern LPDDR4/5 spends several times less")

MAC_SRC = {
    "mac_energy_pj_fp32": f"{HOROWITZ}: fp32 multiply 3.7 pJ + fp32 add 0.9 pJ",
    "mac_energy_pj_fp16": f"{HOROWITZ}: fp16 multiply 1.1 pJ + fp16 add 0.4 pJ",
    "mac_energy_pj_int8": f"{HOROWITZ}: 8-bit integer multiply 0.2 pJ + 8-bit add 0.03 pJ",
}


def level(name, size, ways, line, latency, bw, sources, prefix, src):
    e = sram_pj(size)
    sources[f"{prefix}.size_bytes"] = src["size"]
    sources[f"{prefix}.ways"] = src["ways"]
    sources[f"{prefix}.line_bytes"] = src["line"]
    sources[f"{prefix}.hit_latency_cycles"] = src["latency"]
    sources[f"{prefix}.bandwidth_bytes_per_cycle"] = src["bw"]
    sources[f"{prefix}.read_energy_pj"] = sram_src(size)
    sources[f"{prefix}.write_energy_pj"] = sram_src(size)
    sources[f"{prefix}.replacement"] = src.get("replacement", "LRU: the usual model; vendors do not publish the exact (pseudo-LRU) policy")
    sources[f"{prefix}.write_policy"] = src.get("write", "write-back, write-allocate: the usual policy of data caches")
    return {"name": name, "kind": "cache", "size_bytes": size, "line_bytes": line, "ways": ways, "replacement": "lru",
            "write_policy": "write-back", "write_allocate": True, "hit_latency_cycles": latency,
            "bandwidth_bytes_per_cycle": bw, "read_energy_pj": e, "write_energy_pj": e}


def preset(name, description, clock, clock_src, levels, main, main_src, peak, peak_src, sources):
    sources["clock_hz"] = clock_src
    for k, v in main_src.items():
        sources[f"main.{k}"] = v
    sources.update(MAC_SRC)
    sources["peak_macs_per_cycle"] = peak_src
    return {"format": "mlsys-hierarchy", "version": 1, "name": name, "description": description, "clock_hz": clock,
            "levels": levels, "main": main, "mac_energy_pj_fp32": 4.6, "mac_energy_pj_fp16": 1.5,
            "mac_energy_pj_int8": 0.23, "peak_macs_per_cycle": peak[0], "peak_macs_per_cycle_fp16": peak[1],
            "peak_macs_per_cycle_int8": peak[2], "sources": sources}


presets = {}

# ---------------------------------------------------------------- cloud GPU (one A100 SM's view of the chip)
s = {}
clk = 1.41e9
levels = [
    level("L1", 128 * 1024, 4, 128, 33, 128, s, "levels[0]", {
        "size": "NVIDIA A100 Tensor Core GPU Architecture whitepaper (2020): 192 KB combined L1/shared memory per SM; "
                "128 KB is the L1 share when 64 KB is carved out as shared memory",
        "ways": "assumption: NVIDIA does not publish the associativity; 4 ways keeps the set count a power of two",
        "line": "A100 whitepaper / CUDA C++ Programming Guide: 128-byte L1 cache lines",
        "latency": "Abdelkhalik et al., 'Demystifying the Nvidia Ampere Architecture through Microbenchmarking' (2022): "
                   "about 33 cycles for an A100 L1 hit (Jia et al. 2018 measured 28 on V100)",
        "bw": "A100 whitepaper: L1/shared memory 128 bytes per clock per SM"}),
    level("L2", 40 * 1024 * 1024, 20, 128, 200, 5120, s, "levels[1]", {
        "size": "A100 whitepaper: 40 MB L2 cache",
        "ways": "assumption: associativity not published; 20 ways gives 16,384 sets (a power of two) for 40 MB",
        "line": "A100 whitepaper: 128-byte lines (32-byte sectors)",
        "latency": "Abdelkhalik et al. 2022: about 200 cycles for an A100 L2 hit (Jia et al. 2018: 193 on V100)",
        "bw": "A100 whitepaper: L2 read bandwidth 5120 bytes per clock (2.3x V100)"}),
]
main = {"name": "HBM2e", "kind": "hbm", "latency_cycles": 141, "bandwidth_bytes_per_cycle": round(2.039e12 / clk),
        "energy_pj_per_byte": 31.2}
presets["gpu-hbm"] = preset(
    "gpu-hbm", "Cloud GPU: one NVIDIA A100 80GB SXM streaming multiprocessor's L1, the chip's 40 MB L2, and HBM2e "
    "(the roofline uses the whole chip's peak compute and bandwidth)", clk,
    "A100 datasheet: 1410 MHz boost clock", levels, main,
    {"latency_cycles": "BOOK.md §11.4 table: HBM ~100 ns beyond the caches = 141 cycles at 1.41 GHz",
     "bandwidth_bytes_per_cycle": "A100 80GB SXM datasheet: 2,039 GB/s HBM2e / 1.41 GHz = 1446 bytes per cycle",
     "energy_pj_per_byte": "O'Connor et al., 'Fine-Grained DRAM', MICRO 2017: HBM2 about 3.9 pJ per bit = 31.2 pJ per byte",
     "kind": "A100 datasheet: HBM2e"},
    [round(9.75e12 / clk), round(156e12 / clk), round(312e12 / clk)],
    "A100 datasheet: 19.5 TFLOPS fp32, 312 TFLOPS fp16 tensor, 624 TOPS int8 tensor (dense), 1 MAC = 2 FLOPs, / 1.41 GHz "
    "(as assets/deploy/devices.json cloud-a100)", s)

# ---------------------------------------------------------------- mobile SoC big core, LPDDR5
s = {}
clk = 2.4e9
levels = [
    level("L1", 64 * 1024, 4, 64, 4, 32, s, "levels[0]", {
        "size": "Arm Cortex-A76 Technical Reference Manual: 64 KB L1 data cache", "ways": "Cortex-A76 TRM: 4-way set associative",
        "line": "Cortex-A76 TRM: 64-byte lines", "latency": "Cortex-A76 TRM / Arm optimization guide: 4-cycle load-to-use",
        "bw": "Cortex-A76 software optimization guide: two 128-bit (16-byte) loads per cycle"}),
    level("L2", 512 * 1024, 8, 64, 9, 32, s, "levels[1]", {
        "size": "Cortex-A76 TRM: private L2 of 128, 256 or 512 KB; 512 KB as in Snapdragon 855/865 prime cores",
        "ways": "Cortex-A76 TRM: 8-way L2", "line": "Cortex-A76 TRM: 64-byte lines",
        "latency": "Arm Cortex-A76 launch material (2018): 9-cycle L2 latency",
        "bw": "Cortex-A76 TRM: 256-bit (32 bytes per cycle) L1-L2 read path"}),
    level("L3", 4 * 1024 * 1024, 16, 64, 31, 32, s, "levels[2]", {
        "size": "Arm DynamIQ Shared Unit TRM: shared L3 up to 4 MB", "ways": "DSU TRM: 16-way L3", "line": "DSU TRM: 64-byte lines",
        "latency": "AnandTech Snapdragon 855 review (2019): about 31 cycles to the DSU L3 (estimate read from its latency plot)",
        "bw": "assumption: 32 bytes per cycle, the same 256-bit path as L2"}),
]
main = {"name": "LPDDR5", "kind": "lpddr", "latency_cycles": 240, "bandwidth_bytes_per_cycle": round(51.2e9 / clk, 2),
        "energy_pj_per_byte": DRAM_PJ_PER_BYTE}
presets["mobile-lpddr"] = preset(
    "mobile-lpddr", "Mobile SoC: an Arm Cortex-A76-class big core (64 KB L1, 512 KB L2, 4 MB shared L3) over 64-bit LPDDR5-6400",
    clk, "Cortex-A76 class big cores ship at 2.4-2.8 GHz (e.g. Kirin 980 2.6 GHz); 2.4 GHz used", levels, main,
    {"latency_cycles": "BOOK.md §11.4 table: off-chip DRAM ~50-150 ns; 100 ns = 240 cycles at 2.4 GHz",
     "bandwidth_bytes_per_cycle": "LPDDR5-6400 on a 64-bit bus: 51.2 GB/s / 2.4 GHz",
     "energy_pj_per_byte": DRAM_SRC, "kind": "LPDDR5"},
    [32, 64, 128],
    "4 big cores x two 128-bit NEON FMA pipes = 32 fp32 MACs per cycle; ARMv8.2 fp16 doubles it; SDOT int8 quadruples it",
    s)

# ---------------------------------------------------------------- Raspberry Pi 4
s = {}
clk = 1.5e9
levels = [
    level("L1", 32 * 1024, 2, 64, 4, 16, s, "levels[0]", {
        "size": "Arm Cortex-A72 TRM: 32 KB L1 data cache (BCM2711)", "ways": "Cortex-A72 TRM: 2-way set associative",
        "line": "Cortex-A72 TRM: 64-byte lines", "latency": "Cortex-A72 software optimization guide: 4-cycle load-to-use",
        "bw": "Cortex-A72: one 128-bit (16-byte) load per cycle"}),
    level("L2", 1024 * 1024, 16, 64, 21, 16, s, "levels[1]", {
        "size": "Raspberry Pi 4 product brief / BCM2711: 1 MB shared L2", "ways": "Cortex-A72 TRM: 16-way L2",
        "line": "Cortex-A72 TRM: 64-byte lines",
        "latency": "Cortex-A72 TRM: L2 data RAM latency 2-5 cycles plus tag lookup; about 21 cycles load-to-use as measured by "
                   "lmbench-style pointer chasing (estimate)",
        "bw": "Cortex-A72 TRM: 128-bit L1-L2 interface"}),
]
main = {"name": "LPDDR4", "kind": "lpddr", "latency_cycles": 150, "bandwidth_bytes_per_cycle": 3.0,
        "energy_pj_per_byte": DRAM_PJ_PER_BYTE}
presets["rpi4"] = preset(
    "rpi4", "Raspberry Pi 4 Model B: Cortex-A72 (32 KB L1D, 1 MB L2) over 32-bit LPDDR4-3200", clk,
    "Raspberry Pi 4 product brief: 1.5 GHz", levels, main,
    {"latency_cycles": "BOOK.md §11.4 table: off-chip DRAM ~50-150 ns; 100 ns = 150 cycles at 1.5 GHz",
     "bandwidth_bytes_per_cycle": "about 4.5 GB/s measured by STREAM-like copy tests (12.8 GB/s in theory) / 1.5 GHz "
                                  "(as assets/deploy/devices.json rpi4)",
     "energy_pj_per_byte": DRAM_SRC, "kind": "Raspberry Pi 4 product brief: LPDDR4-3200"},
    [32, 32, 64], "as assets/deploy/devices.json rpi4: 4 cores x 8 fp32 MACs per cycle; no fp16 arithmetic; int8 about 2x", s)

# ---------------------------------------------------------------- Cortex-M7 (Nicla Vision, STM32H747)
s = {}
clk = 480e6
levels = [
    level("D-cache", 16 * 1024, 4, 32, 1, 8, s, "levels[0]", {
        "size": "STM32H747 datasheet (DS12930): Cortex-M7 with 16 KB data cache", "ways": "Arm Cortex-M7 TRM: 4-way data cache",
        "line": "Arm Cortex-M7 TRM: 32-byte cache lines", "latency": "Arm Cortex-M7 TRM: single-cycle cache hits",
        "bw": "Arm Cortex-M7 TRM: 64-bit data path (8 bytes per cycle)"}),
]
main = {"name": "AXI SRAM", "kind": "sram", "latency_cycles": 6, "bandwidth_bytes_per_cycle": 4.0,
        "energy_pj_per_byte": round(sram_pj(512 * 1024) / 8, 2)}
presets["cortex-m7"] = preset(
    "cortex-m7", "Arduino Nicla Vision: STM32H747 Cortex-M7 at 480 MHz, 16 KB D-cache over the 512 KB AXI SRAM that holds "
    "tensors (weights from the 2 MB flash are modelled as copied to SRAM)", clk,
    "BOOK.md lab boards / STM32H747 datasheet: Cortex-M7 at 480 MHz", levels, main,
    {"latency_cycles": "estimate: AXI bus at 240 MHz (half the core clock) plus arbitration, about 6 core cycles per line request",
     "bandwidth_bytes_per_cycle": "STM32H747 reference manual: 64-bit AXI matrix at 240 MHz = 8 bytes per bus cycle = 4 bytes "
                                  "per core cycle",
     "energy_pj_per_byte": sram_src(512 * 1024) + "; / 8 bytes", "kind": "on-chip SRAM"},
    [1, 1, 2], "as assets/deploy/devices.json nicla-vision: one fp32 FMA per cycle; CMSIS-NN int8 through SMLAD, two per cycle", s)

# ------------------------------------------------ Cortex-M7 with its DTCM as a scratchpad (same chip as above)
# The STM32H747's 128 KB DTCM is a tightly coupled, software-managed memory: no tags, zero wait states; the
# MDMA stages tensors into it from the AXI SRAM. Same clock, main memory and compute as "cortex-m7", so the
# two presets compare a cache with a scratchpad on one chip.
s = {}
clk = 480e6
dtcm = 128 * 1024
levels = [{"name": "DTCM", "kind": "scratchpad", "size_bytes": dtcm, "line_bytes": 8, "ways": 4, "replacement": "lru",
           "write_policy": "write-back", "write_allocate": True, "hit_latency_cycles": 1, "bandwidth_bytes_per_cycle": 8,
           "read_energy_pj": sram_pj(dtcm), "write_energy_pj": sram_pj(dtcm)}]
s["levels[0].kind"] = ("STM32H747 reference manual (RM0399) / Arm Cortex-M7 TRM: DTCM is tightly coupled RAM the core addresses "
                       "directly, with no cache tags; software (here the MDMA) places data in it")
s["levels[0].size_bytes"] = "STM32H747 datasheet (DS12930): 192 KB of TCM RAM = 64 KB ITCM + 128 KB DTCM"
s["levels[0].line_bytes"] = ("Arm Cortex-M7 TRM: the DTCM interface is two 32-bit ports (D0TCM, D1TCM) = 8 bytes per cycle; "
                             "used as the scratchpad's port width (one access per 8-byte DMA beat)")
s["levels[0].ways"] = "unused by a scratchpad; 4 (as the Cortex-M7 D-cache) when the level is switched to a cache"
s["levels[0].hit_latency_cycles"] = "Arm Cortex-M7 TRM / STM32H747 datasheet: DTCM at core clock with zero wait states"
s["levels[0].bandwidth_bytes_per_cycle"] = "Arm Cortex-M7 TRM: two 32-bit DTCM ports, 8 bytes per cycle"
s["levels[0].read_energy_pj"] = sram_src(dtcm)
s["levels[0].write_energy_pj"] = sram_src(dtcm)
s["levels[0].replacement"] = "unused by a scratchpad (software decides what is resident)"
s["levels[0].write_policy"] = "unused by a scratchpad (outputs leave by explicit DMA)"
main = {"name": "AXI SRAM", "kind": "sram", "latency_cycles": 6, "bandwidth_bytes_per_cycle": 4.0,
        "energy_pj_per_byte": round(sram_pj(512 * 1024) / 8, 2)}
presets["cortex-m7-dtcm"] = preset(
    "cortex-m7-dtcm", "Arduino Nicla Vision: STM32H747 Cortex-M7 at 480 MHz computing out of its 128 KB DTCM (a "
    "scratchpad: tiles staged by MDMA) over the 512 KB AXI SRAM that holds tensors", clk,
    "BOOK.md lab boards / STM32H747 datasheet: Cortex-M7 at 480 MHz", levels, main,
    {"latency_cycles": "estimate: AXI bus at 240 MHz (half the core clock) plus arbitration, about 6 core cycles per request "
                       "(as cortex-m7)",
     "bandwidth_bytes_per_cycle": "STM32H747 reference manual: 64-bit AXI matrix at 240 MHz = 8 bytes per bus cycle = 4 bytes "
                                  "per core cycle (the MDMA reads it through the same matrix)",
     "energy_pj_per_byte": sram_src(512 * 1024) + "; / 8 bytes", "kind": "on-chip SRAM"},
    [1, 1, 2], "as assets/deploy/devices.json nicla-vision: one fp32 FMA per cycle; CMSIS-NN int8 through SMLAD, two per cycle", s)

# ---------------------------------------------------------------- TPU v1: the 24 MiB Unified Buffer
# Jouppi et al., "In-Datacenter Performance Analysis of a Tensor Processing Unit", ISCA 2017: a 256 x 256 8-bit
# MAC array at 700 MHz reads activations from a 24 MiB software-managed Unified Buffer; weights stream from
# 8 GiB of DDR3 through the Weight FIFO.
s = {}
clk = 700e6
JOUPPI = "Jouppi et al., 'In-Datacenter Performance Analysis of a Tensor Processing Unit', ISCA 2017"
ub = 24 * 1024 * 1024
levels = [{"name": "Unified Buffer", "kind": "scratchpad", "size_bytes": ub, "line_bytes": 256, "ways": 12,
           "replacement": "lru", "write_policy": "write-back", "write_allocate": True, "hit_latency_cycles": 1,
           "bandwidth_bytes_per_cycle": 256, "read_energy_pj": sram_pj(ub), "write_energy_pj": sram_pj(ub)}]
s["levels[0].kind"] = JOUPPI + ": the Unified Buffer is a software-managed on-chip buffer (the host and the TPU's DMA place data)"
s["levels[0].size_bytes"] = JOUPPI + ": 24 MiB Unified Buffer"
s["levels[0].line_bytes"] = JOUPPI + ": the matrix unit reads a 256-byte row of the Unified Buffer per cycle (its port width)"
s["levels[0].ways"] = "unused by a scratchpad; 12 ways (8192 sets of 256 B) when the level is switched to a cache"
s["levels[0].hit_latency_cycles"] = "estimate: a pipelined on-chip buffer delivers one row per cycle"
s["levels[0].bandwidth_bytes_per_cycle"] = JOUPPI + ": 256 bytes per cycle into the matrix unit (167 GiB/s at 700 MHz)"
s["levels[0].read_energy_pj"] = sram_src(ub)
s["levels[0].write_energy_pj"] = sram_src(ub)
s["levels[0].replacement"] = "unused by a scratchpad (software decides what is resident)"
s["levels[0].write_policy"] = "unused by a scratchpad (outputs leave by explicit DMA)"
main = {"name": "DDR3", "kind": "dram", "latency_cycles": 70, "bandwidth_bytes_per_cycle": round(30 * 2**30 / clk, 2),
        "energy_pj_per_byte": DRAM_PJ_PER_BYTE}
presets["tpu-v1"] = preset(
    "tpu-v1", "Google TPU v1 (2015): 256x256 int8 MAC array at 700 MHz computing out of a 24 MiB software-managed Unified "
    "Buffer, weights from 8 GiB DDR3 at 30 GiB/s", clk, JOUPPI + ": 700 MHz clock", levels, main,
    {"latency_cycles": "estimate: about 100 ns for a DDR3 access = 70 cycles at 700 MHz",
     "bandwidth_bytes_per_cycle": JOUPPI + ": DDR3 weight memory 30 GiB/s / 700 MHz",
     "energy_pj_per_byte": DRAM_SRC + " (TPU v1 used DDR3: the textbook's figure is of its era)",
     "kind": JOUPPI + ": 8 GiB DDR3-2133"},
    [65536, 65536, 65536], JOUPPI + ": 65,536 8-bit MACs per cycle (92 TOPS); the TPU v1 computes in int8 only, so the fp32 "
    "and fp16 rows reuse that peak (simulate it with --precision int8)", s)

# ---------------------------------------------------------------- ESP32-S3 (XIAO ESP32S3 Sense) with PSRAM
s = {}
clk = 240e6
levels = [
    level("D-cache", 32 * 1024, 8, 32, 1, 4, s, "levels[0]", {
        "size": "ESP-IDF ESP32-S3 config: data cache 16/32/64 KB, 32 KB by default (CONFIG_ESP32S3_DATA_CACHE_32KB)",
        "ways": "ESP-IDF: data cache 4 or 8 ways, 8 by default", "line": "ESP-IDF: data cache line 16/32/64 bytes, 32 by default",
        "latency": "ESP32-S3 technical reference manual: cache hits complete in the core's load pipeline (1 cycle)",
        "bw": "Xtensa LX7 32-bit load per cycle (4 bytes)"}),
]
main = {"name": "Octal PSRAM", "kind": "dram", "latency_cycles": 100, "bandwidth_bytes_per_cycle": round(80e6 / clk, 3),
        "energy_pj_per_byte": DRAM_PJ_PER_BYTE}
presets["esp32s3"] = preset(
    "esp32s3", "Seeed XIAO ESP32S3 Sense: Xtensa LX7 at 240 MHz, 32 KB data cache over 8 MB octal-SPI PSRAM", clk,
    "ESP32-S3 datasheet: up to 240 MHz", levels, main,
    {"latency_cycles": "estimate: an octal-SPI PSRAM line fill (command, address, 32 bytes at 80 MHz DDR) takes about 0.4 us = "
                       "100 cycles at 240 MHz",
     "bandwidth_bytes_per_cycle": "octal PSRAM at 80 MHz DDR: 160 MB/s peak, about 80 MB/s sustained / 240 MHz (as "
                                  "assets/deploy/devices.json xiao-esp32s3)",
     "energy_pj_per_byte": DRAM_SRC + " (PSRAM is DRAM with a refresh controller)",
     "kind": "XIAO ESP32S3 Sense: 8 MB PSRAM"},
    [2, 2, 8], "as assets/deploy/devices.json xiao-esp32s3: 2 cores x 1 fp32 FMA per cycle; PIE SIMD int8 4 per cycle per core", s)

# ---------------------------------------------------------------- ATmega328P (no cache)
s = {}
clk = 16e6
main = {"name": "SRAM", "kind": "sram", "latency_cycles": 2, "bandwidth_bytes_per_cycle": 1.0,
        "energy_pj_per_byte": round(sram_pj(8 * 1024) / 8, 2)}
presets["atmega328p"] = preset(
    "atmega328p", "Arduino Uno: ATmega328P at 16 MHz with 2 KB SRAM and no cache - every load and store reaches SRAM", clk,
    "Arduino Uno: 16 MHz crystal", [], main,
    {"latency_cycles": "ATmega328P datasheet, instruction set summary: LD/ST take 2 cycles",
     "bandwidth_bytes_per_cycle": "8-bit data bus: one byte per cycle",
     "energy_pj_per_byte": sram_src(8 * 1024) + "; / 8 bytes. The textbook's 45 nm figure: the ATmega's older process "
                           "spends far more (the whole chip draws milliwatts at 16 MHz)",
     "kind": "ATmega328P datasheet: 2 KB internal SRAM"},
    [1.2e6 / clk, 1.2e6 / clk, 1.2e6 / clk],
    "PLATFORM.md (simavr measurement, as assets/deploy/devices.json atmega328p): about 13 cycles per int8 MAC; fp32 in "
    "software about 160 cycles (0.00625 per cycle) - the roofline uses the int8 figure for every precision", s)
presets["atmega328p"]["peak_macs_per_cycle"] = 0.00625
presets["atmega328p"]["peak_macs_per_cycle_fp16"] = 0.00625

os.makedirs("assets/memory", exist_ok=True)
for name, p in presets.items():
    with open(f"assets/memory/{name}.json", "w") as f:
        json.dump(p, f, indent=2)
        f.write("\n")
    print("wrote", name)
