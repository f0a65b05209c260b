// Memory workspace: registration, the study job, the settings column (model, hierarchy and level editor,
// loop nest, batch, precision, training memory), the layout, demos, help and saved state. The views are in
// memory_views.cpp.
#include "app/gui/panels/memory_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"
#include "models/model/model.hpp"
#include "models/model/model_spec.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace mlsys::gui {

MLSYS_GUI_WORKSPACE((WorkspaceInfo{"memory", "", "", 0, ""}), MemoryWorkspace);

MemoryWorkspace::MemoryWorkspace() = default;
MemoryWorkspace::~MemoryWorkspace() {
    if (!current_spec_path_.empty()) {
        std::error_code ec;
        std::filesystem::remove(current_spec_path_, ec);
    }
}

namespace {

const char* kPresets[] = {"mlp", "cnn", "dscnn", "tiny"};
const char* kOrders[] = {"mnk", "mkn", "nmk", "nkm", "kmn", "knm"};
const char* kPrecisions[] = {"fp32", "fp16", "int8"};
const char* kOptimizers[] = {"sgd", "momentum", "adam"};
const char* kPolicies[] = {"lru", "fifo", "random"};

template <size_t N>
bool combo(const char* label, std::string& value, const char* (&items)[N], const char* help) {
    bool changed = false;
    if (ImGui::BeginCombo(label, value.c_str())) {
        for (const char* it : items)
            if (ImGui::Selectable(it, value == it)) {
                changed = value != it;
                value = it;
            }
        ImGui::EndCombo();
    }
    if (help) metric_tooltip(help);
    return changed;
}

std::string level_spec(const sim::LevelConfig& l) {
    return std::to_string(l.size_bytes) + "," + std::to_string(l.ways) + "," + std::to_string(l.line_bytes) + "," +
           sim::to_string(l.replacement);
}

}  // namespace

// ---- per frame ---------------------------------------------------------------------------------------

void MemoryWorkspace::resimulate() { dirty_ = true; }

void MemoryWorkspace::update(GuiContext& ctx) {
    if (!ctx.session) return;
    state_ = &session::memory_workspace(*ctx.session);
    session::MemoryWorkspaceState& st = *state_;
    if (!pending_state_.is_null()) {
        if (pending_state_.contains("use_current_model") && pending_state_["use_current_model"].is_boolean())
            use_current_model_ = pending_state_["use_current_model"].get<bool>();
        nlohmann::json s = pending_state_.value("settings", nlohmann::json::object());
        if (auto r = session::apply_json(st.settings, s); !r)
            ctx.toast("Saved memory settings not restored: " + r.error(), ToastKind::Warning);
        pending_state_ = nullptr;
        dirty_ = true;
    }
    // The current model, as a description file the study can read; rebuilt when the model changes.
    const models::Model* m = ctx.session->has_model() ? ctx.session->model() : nullptr;
    const std::string label = ctx.session->model_label();
    if (label != model_label_seen_) {
        model_label_seen_ = label;
        if (m) {
            if (current_spec_path_.empty())
                current_spec_path_ =
                    (std::filesystem::temp_directory_path() / ("mlsyslab-memory-current-" + std::to_string(getpid()) + ".json")).string();
            std::ofstream(current_spec_path_) << models::to_json(m->spec()).dump();
        }
        if (use_current_model_) dirty_ = true;
    }
    if (st.poll()) {
        if (!st.error.empty()) ctx.toast("Memory simulation failed: " + st.error, ToastKind::Error);
    }
    // Simulate only once the workspace has been shown (the shell updates every workspace each frame).
    if (dirty_ && shown_ && ctx.time_s - dirty_since_s_ > 0.15 && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
        dirty_ = false;
        session::MemorySettings s = st.settings;
        if (use_current_model_ && m && !current_spec_path_.empty()) s.workload = current_spec_path_;
        const session::MemorySettings keep = st.settings;
        st.settings = s;
        st.restart();
        st.settings = keep;  // the panel keeps showing the preset name; the job has the resolved workload
        if (ctx.scripted && st.job) {  // --screenshot / --frames: deterministic pictures, so wait for the study
            st.job->wait();
            st.poll();
        }
    }
    if (st.study && st.study.get() != view_of_) {
        rebuild_views(*st.study);
        // A new study (other settings): the running replay no longer matches it.
        replay_h_.reset();
        replay_trace_.clear();
        replay_playing_ = false;
        replay_layer_ = -1;
    }
    const double dt = last_time_s_ < 0 ? 0.0 : std::max(0.0, ctx.time_s - last_time_s_);
    last_time_s_ = ctx.time_s;
    if (replay_playing_ && replay_h_) {
        replay_step(std::min<int64_t>(2'000'000, std::max<int64_t>(1, int64_t(double(replay_speed_) * dt))));
        if (replay_pos_ >= replay_trace_.size()) replay_playing_ = false;
    }
}

bool MemoryWorkspace::select_replay_layer(int layer, std::string* error) {
    replay_h_.reset();
    replay_trace_.clear();
    replay_pos_ = 0;
    replay_playing_ = false;
    replay_layer_ = -1;
    const session::MemoryStudy* m = state_ && state_->study ? state_->study.get() : nullptr;
    if (!m || layer < 0 || layer >= int(m->workload.layers.size())) {
        if (error) *error = "no such layer";
        return false;
    }
    auto o = session::resolve_memsim_options(m->settings);
    if (!o) {
        if (error) *error = o.error();
        return false;
    }
    o->trace = sim::trace_options_for(m->hierarchy, o->trace);  // a scratchpad: the staged trace with its DMAs
    const int64_t n = sim::count_layer_accesses(m->workload.layers[size_t(layer)], o->trace);
    constexpr int64_t kMaxAnimated = 20'000'000;
    if (n > kMaxAnimated) {
        if (error) *error = "this layer makes " + std::to_string(n) + " accesses: too many to animate (lower the batch)";
        return false;
    }
    sim::VectorSink sink;
    sink.entries.reserve(size_t(n));
    sim::generate_layer_trace(m->workload, size_t(layer), o->trace, sim::AddressMap{}, sink);
    replay_trace_ = std::move(sink.entries);
    replay_h_ = std::make_unique<sim::Hierarchy>(m->hierarchy, true);
    replay_h_->set_double_buffer(o->trace.double_buffer);
    replay_layer_ = layer;
    return true;
}

void MemoryWorkspace::replay_step(int64_t accesses) {
    if (!replay_h_) return;
    const size_t end = std::min(replay_trace_.size(), replay_pos_ + size_t(std::max<int64_t>(0, accesses)));
    std::vector<sim::DmaRun> runs;
    for (; replay_pos_ < end; ++replay_pos_) {
        const auto& e = replay_trace_[replay_pos_];
        if (e.kind == 0) {
            replay_h_->access(e.addr, e.size, e.is_write);
            continue;
        }
        // A DMA descriptor: its runs follow one another (kind 1 starts it).
        runs.clear();
        runs.push_back({e.addr, e.size});
        while (replay_pos_ + 1 < replay_trace_.size() && replay_trace_[replay_pos_ + 1].kind == 2) {
            ++replay_pos_;
            runs.push_back({replay_trace_[replay_pos_].addr, replay_trace_[replay_pos_].size});
        }
        replay_h_->dma(runs, !e.is_write);
    }
}

void MemoryWorkspace::running_jobs(std::vector<JobView>& out) const {
    if (!state_ || !state_->job) return;
    JobView v;
    v.name = "Memory simulation";
    v.progress = state_->job->progress();
    v.detail = state_->job->status();
    out.push_back(v);
}

bool MemoryWorkspace::start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
    if (!ctx.session) {
        error = "no session yet";
        return false;
    }
    state_ = &session::memory_workspace(*ctx.session);
    if (name == "tiling") {  // cnn on a small cache, tiled: the lesson's picture
        use_current_model_ = false;
        state_->settings.workload = "cnn";
        state_->settings.levels = {"4096,4,64", "65536,8,64"};
        state_->settings.tile_m = state_->settings.tile_n = state_->settings.tile_k = 16;
    } else if (name == "scratchpad") {  // cnn on the Cortex-M7 computing out of its DTCM
        use_current_model_ = false;
        state_->settings.workload = "cnn";
        state_->settings.hierarchy = "cortex-m7-dtcm";
        state_->settings.levels.clear();
        state_->settings.onchip = "preset";
    } else if (name == "cnn" || name == "mlp") {
        use_current_model_ = false;
        state_->settings.workload = name;
    } else {
        error = "the Memory workspace has the demos cnn, mlp, tiling and scratchpad";
        return false;
    }
    dirty_ = true;
    return true;
}

nlohmann::json MemoryWorkspace::save_state() const {
    if (!state_) return nullptr;
    return {{"use_current_model", use_current_model_}, {"settings", session::to_json(state_->settings)}};
}

void MemoryWorkspace::restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
    if (!state.is_object()) {
        warnings.push_back("workspaces.memory: not an object; defaults kept");
        return;
    }
    pending_state_ = state;
}

void MemoryWorkspace::draw_help(GuiContext&) {
    ImGui::TextWrapped(
        "Memory: every load and store of the model's layers (the loop nests of docs/MEMORY.md) replayed through the "
        "hierarchy on the left, or estimated analytically for big models. Boxes are sized by capacity; bars split "
        "each layer's energy into compute and each memory level; the roofline places each layer by arithmetic "
        "intensity (FLOPs per byte) against the device's peak compute and bandwidth. The on-chip level can be a "
        "cache (hardware decides what stays) or a scratchpad (software copies each tile in by DMA; no misses, "
        "but the tiles must fit, and the processor stalls on transfers unless they are double-buffered). "
        "Change any knob: the simulation re-runs in the background.");
}

// ---- settings column ---------------------------------------------------------------------------------

void MemoryWorkspace::draw_settings(GuiContext& ctx, float w, float h) {
    session::MemoryWorkspaceState& st = *state_;
    session::MemorySettings& s = st.settings;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::BeginChild("##memsettings", ImVec2(w, h), true);
    bool changed = false;
    ImGui::TextUnformatted("Model");
    const bool has_model = ctx.session && ctx.session->has_model();
    if (has_model) {
        changed |= ImGui::Checkbox("current model", &use_current_model_);
        metric_tooltip("Simulate the model you trained or loaded (Train workspace) instead of a preset.");
    }
    if (!has_model || !use_current_model_) {
        std::string wl = s.workload;
        if (combo("preset##wl", wl, kPresets, "The network whose layers are traced: mlp (784-128-10), cnn (two conv + pool "
                                             "stages), dscnn (depthwise-separable), tiny (6-16-3).")) {
            s.workload = wl;
            changed = true;
        }
    } else {
        ImGui::TextDisabled("%s", ctx.session->model_label().c_str());
    }
    ImGui::Separator();
    ImGui::TextUnformatted("Hierarchy");
    if (ImGui::BeginCombo("preset##hier", s.hierarchy.c_str())) {
        for (const auto& name : sim::hierarchy_preset_names())
            if (ImGui::Selectable(name.c_str(), s.hierarchy == name) && s.hierarchy != name) {
                s.hierarchy = name;
                s.levels.clear();
                s.onchip = "preset";
                s.scratchpad_bytes = 0;
                changed = true;
            }
        ImGui::EndCombo();
    }
    metric_tooltip("A device's caches (or scratchpad) and main memory with a cited source for every number "
                   "(docs/MEMORY.md). Editing a level below replaces the preset's levels.");
    // The on-chip level: a hardware-managed cache or a software-managed scratchpad.
    {
        static const char* kOnchip[] = {"preset", "cache", "scratchpad"};
        std::string oc = s.onchip;
        ImGui::SetNextItemWidth(w * 0.5f);
        if (combo("on-chip level", oc, kOnchip,
                  "The innermost level as the preset has it, or forced to a cache (tags, misses, replacement: the "
                  "hardware decides what stays) or a scratchpad (no tags, no misses: the loop nest copies each tile in "
                  "by DMA, computes on it, and writes its outputs back once, like a TPU's unified buffer or an MCU's "
                  "TCM). A tiling that does not fit the scratchpad is refused; tiles left at 0 are chosen to fit.")) {
            s.onchip = oc;
            changed = true;
        }
    }
    // Level editor over the resolved levels.
    auto resolved = session::resolve_hierarchy(s);
    std::vector<sim::LevelConfig> levels;
    if (resolved) levels = resolved->levels;
    else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme->bad), "%s", resolved.error().c_str());
    bool levels_changed = false;
    for (size_t i = 0; i < levels.size(); ++i) {
        sim::LevelConfig& l = levels[i];
        ImGui::PushID(int(i));
        if (l.is_scratchpad) {
            ImGui::Text("%s (scratchpad)", l.name.c_str());
            int kb = int(l.size_bytes / 1024);
            ImGui::SetNextItemWidth(w * 0.45f);
            if (ImGui::InputInt("KB", &kb, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue) && kb > 0) {
                s.onchip = "scratchpad";
                s.scratchpad_bytes = int64_t(kb) * 1024;
                changed = true;
            }
            metric_tooltip("Scratchpad capacity: every GEMM tile (A + B + C, twice when double-buffered) and every "
                           "streamed band must fit in it.");
            changed |= ImGui::Checkbox("double buffer", &s.double_buffer);
            metric_tooltip("Two buffers per operand: the next tile's DMA runs while the current tile computes, so the "
                           "transfer hides behind compute (fewer stall cycles) at the price of half the usable capacity.");
            ImGui::PopID();
            continue;
        }
        ImGui::Text("%s", l.name.c_str());
        int kb = int(l.size_bytes / 1024);
        ImGui::SetNextItemWidth(w * 0.45f);
        if (ImGui::InputInt("KB", &kb, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue) && kb > 0) {
            l.size_bytes = int64_t(kb) * 1024;
            levels_changed = true;
        }
        metric_tooltip("Capacity. Size must be a multiple of line x ways with a power-of-two set count.");
        int ways = l.ways, line = l.line_bytes;
        ImGui::SetNextItemWidth(w * 0.3f);
        if (ImGui::InputInt("ways", &ways, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue) && ways > 0) {
            l.ways = ways;
            levels_changed = true;
        }
        metric_tooltip("Associativity: 1 = direct-mapped (conflict misses), more ways = fewer conflicts.");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(w * 0.3f);
        if (ImGui::InputInt("line", &line, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue) && line > 0) {
            l.line_bytes = line;
            levels_changed = true;
        }
        metric_tooltip("Line size in bytes: what one miss brings in (spatial locality).");
        std::string pol = sim::to_string(l.replacement);
        ImGui::SetNextItemWidth(w * 0.45f);
        if (combo("policy", pol, kPolicies, "Replacement: LRU evicts the least recently used line, FIFO the oldest, random a seeded random one.")) {
            l.replacement = pol == "fifo" ? sim::Replacement::Fifo : pol == "random" ? sim::Replacement::Random : sim::Replacement::Lru;
            levels_changed = true;
        }
        ImGui::PopID();
    }
    if (!levels.empty() && ImGui::SmallButton("- level")) {
        levels.pop_back();
        levels_changed = true;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("+ level")) {
        sim::LevelConfig l;
        l.size_bytes = levels.empty() ? 32768 : levels.back().size_bytes * 8;
        l.line_bytes = levels.empty() ? 64 : levels.back().line_bytes;
        levels.push_back(l);
        levels_changed = true;
    }
    ImGui::SameLine();
    if (!s.levels.empty() && ImGui::SmallButton("reset")) {
        s.levels.clear();
        changed = true;
    }
    if (levels_changed) {
        // The level specs are caches; a scratchpad innermost level stays one through the on-chip setting.
        if (!levels.empty() && levels.front().is_scratchpad) {
            s.onchip = "scratchpad";
            s.scratchpad_bytes = levels.front().size_bytes;
        }
        s.levels.clear();
        for (const auto& l : levels) s.levels.push_back(level_spec(l));
        changed = true;
    }
    ImGui::Separator();
    ImGui::TextUnformatted("Loop nest");
    std::string order = s.loop_order;
    if (combo("loop order", order, kOrders, "GEMM loops outer to inner. mnk keeps a partial sum in a register; kmn reads W "
                                            "row by row (sequential) but writes every partial sum K times.")) {
        s.loop_order = order;
        changed = true;
    }
    int tiles[3] = {s.tile_m, s.tile_n, s.tile_k};
    if (ImGui::InputInt3("tiles m,n,k", tiles, ImGuiInputTextFlags_EnterReturnsTrue)) {
        s.tile_m = std::max(0, tiles[0]);
        s.tile_n = std::max(0, tiles[1]);
        s.tile_k = std::max(0, tiles[2]);
        changed = true;
    }
    metric_tooltip("Tile sizes (0 = untiled): blocks small enough to stay in cache are reused before eviction.");
    changed |= ImGui::Checkbox("im2col", &s.im2col);
    metric_tooltip("Convolutions first write the im2col patch matrix, then multiply it (more traffic, simpler GEMM).");
    ImGui::SameLine();
    changed |= ImGui::Checkbox("warm caches", &s.warm);
    metric_tooltip("Keep cache contents from one layer to the next (the next layer reads the activations just written).");
    ImGui::Separator();
    int batch = s.batch;
    if (ImGui::SliderInt("batch", &batch, 1, 256, "%d", ImGuiSliderFlags_Logarithmic)) {
        s.batch = batch;
        changed = true;
    }
    metric_tooltip("Samples per pass: weights are reused across the batch, so intensity grows with it (roofline).");
    std::string prec = s.precision;
    if (combo("precision", prec, kPrecisions, "Element size of the traffic: fp32 4 bytes, fp16 2, int8 1. Training memory: fp16 means "
                                              "mixed precision with fp32 master weights.")) {
        s.precision = prec;
        changed = true;
    }
    std::string mode = s.mode;
    static const char* kModes[] = {"replay", "analytic"};
    if (combo("mode", mode, kModes, "replay: every access through the caches (exact); analytic: a footprint model for models too "
                                    "large to trace (docs/MEMORY.md states its tolerance).")) {
        s.mode = mode;
        changed = true;
    }
    std::string opt = s.optimizer;
    if (combo("optimizer", opt, kOptimizers, "Training memory: SGD keeps no state, momentum one fp32 copy, Adam two.")) {
        s.optimizer = opt;
        changed = true;
    }
    changed |= ImGui::Checkbox("activation checkpointing", &s.checkpointing);
    metric_tooltip("Keep every sqrt(n)-th activation and recompute the rest in the backward pass.");
    ImGui::Separator();
    if (st.job) {
        ImGui::ProgressBar(float(st.job->progress()), ImVec2(-1, 0), "simulating...");
    } else if (!st.error.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme->bad), "%s", st.error.c_str());
        ImGui::PopTextWrapPos();
    } else if (st.study) {
        ImGui::TextDisabled("simulated %lld accesses in %.2f s", static_cast<long long>(st.study->result.total.accesses),
                            st.study->seconds);
    }
    ImGui::EndChild();
    layout_.settings = {p0, ImVec2(p0.x + w, p0.y + h)};
    if (changed) {
        dirty_ = true;
        dirty_since_s_ = ctx.time_s;
    }
}

// ---- layout ------------------------------------------------------------------------------------------

void MemoryWorkspace::draw(GuiContext& ctx) {
    layout_ = Layout{};
    shown_ = true;
    if (!state_) {
        ImGui::TextDisabled("Starting...");
        return;
    }
    const session::MemoryStudy* m = state_->study.get();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float left = std::min(310.0f, avail.x * 0.3f);
    draw_settings(ctx, left, avail.y);
    ImGui::SameLine();
    ImGui::BeginGroup();
    const float rw = avail.x - left - gap;
    const float top = std::max(150.0f, avail.y * 0.26f);
    const float row = (avail.y - top - 2 * ImGui::GetStyle().ItemSpacing.y) / 2;
    draw_hierarchy(ctx, m, rw, top);
    const float half = (rw - gap) / 2;
    draw_energy(ctx, m, half, row);
    ImGui::SameLine();
    draw_roofline(ctx, m, half, row);
    draw_traffic(ctx, m, half, row);
    ImGui::SameLine();
    draw_training(ctx, m, half, row);
    ImGui::EndGroup();
}

}  // namespace mlsys::gui
