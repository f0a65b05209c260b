// Accelerator workspace: registration, the current model's workload, evaluation and the sweep job, the
// animation clock, the toolbar, the layout, demos, help and saved state. The views are in accel_views.cpp.
#include "app/gui/panels/accel_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"
#include "models/model/model.hpp"
#include "models/model/model_spec.hpp"
#include "sim/accel/builtin_topologies.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {

MLSYS_GUI_WORKSPACE((WorkspaceInfo{"accelerator", "", "", 0, ""}), AccelWorkspace);

AccelWorkspace::AccelWorkspace() = default;
AccelWorkspace::~AccelWorkspace() = default;  // the sweep job's destructor cancels and joins

namespace acc = sim::accel;

namespace {

std::string settings_key(const session::AccelSettings& s) { return session::to_json(s).dump(); }

// Layers up to this many PE-cycles per frame are animated; the speed slider is capped by it.
constexpr double kPeUpdatesPerFrame = 4e6;

}  // namespace

// ---- per frame ---------------------------------------------------------------------------------------

void AccelWorkspace::update(GuiContext& ctx) {
    if (!pending_state_.is_null()) {
        if (const core::Status st = session::apply_json(settings_, pending_state_); !st)
            ctx.toast("Saved accelerator settings not restored: " + st.error(), ToastKind::Warning);
        pending_state_ = nullptr;
    }
    // The current model's workload, rebuilt when the session's model changes.
    const models::Model* m = ctx.session && ctx.session->has_model() ? ctx.session->model() : nullptr;
    const std::string label = ctx.session ? ctx.session->model_label() : "";
    if (m != model_seen_ || label != model_label_seen_) {
        model_seen_ = m;
        model_label_seen_ = label;
        current_workload_.reset();
        if (m) {
            auto w = models::make_workload(m->spec());
            if (w) current_workload_ = std::make_unique<models::Workload>(std::move(*w));
        }
        eval_key_.clear();
    }
    const std::string key = settings_key(settings_) + "#" + label;
    if (key != eval_key_) {
        eval_key_ = key;
        auto ev = session::evaluate_accel(settings_, current_workload_.get());
        if (ev) {
            eval_ = std::make_shared<session::AccelEvaluation>(std::move(*ev));
            eval_error_.clear();
            for (const auto& w : eval_->warnings) ctx.toast(w, ToastKind::Warning);
        } else {
            eval_error_ = ev.error();
        }
    }
    if (sweep_job_ && sweep_job_->is_done()) {
        if (auto r = sweep_job_->result()) {
            sweep_ = std::move(r);
            sweep_error_.clear();
            char buf[160];
            std::snprintf(buf, sizeof buf, "Sweep finished: %zu design points for %s", sweep_->points.size(),
                          sweep_->workload.c_str());
            ctx.toast(buf, ToastKind::Success);
        } else if (!sweep_job_->error().empty()) {
            sweep_error_ = sweep_job_->error();
            ctx.toast("Sweep failed: " + sweep_error_, ToastKind::Error);
        }
        sweep_job_.reset();
    }
    rebuild_stepper();
    const double dt = last_time_s_ < 0 ? 0.0 : std::max(0.0, ctx.time_s - last_time_s_);
    last_time_s_ = ctx.time_s;
    if (playing_) advance_animation(dt);
}

const acc::NetworkResult* AccelWorkspace::shown() const {
    if (!eval_) return nullptr;
    auto df = acc::parse_dataflow(eval_->settings.dataflow);
    return &eval_->main.result(df ? *df : acc::Dataflow::OutputStationary);
}

void AccelWorkspace::select_layer(int index) {
    selected_layer_ = index;
    stepper_key_.clear();
}

void AccelWorkspace::rebuild_stepper() {
    const acc::NetworkResult* net = shown();
    if (!net) {
        stepper_.reset();
        return;
    }
    // Default: the first array layer; a selection past the end (another network) falls back to it.
    if (selected_layer_ < 0 || selected_layer_ >= int(net->layers.size()) || !net->layers[size_t(selected_layer_)].work.on_array) {
        selected_layer_ = -1;
        for (size_t i = 0; i < net->layers.size(); ++i)
            if (net->layers[i].work.on_array) {
                selected_layer_ = int(i);
                break;
            }
    }
    if (selected_layer_ < 0) {
        stepper_.reset();
        return;
    }
    const acc::LayerWork& w = net->layers[size_t(selected_layer_)].work;
    char key[200];
    std::snprintf(key, sizeof key, "%s|%d|%dx%d|%s|%lld,%lld,%lld", net->workload_name.c_str(), selected_layer_,
                  net->config.array_rows, net->config.array_cols, acc::to_string(net->config.dataflow),
                  static_cast<long long>(w.gemm.m), static_cast<long long>(w.gemm.n), static_cast<long long>(w.gemm.k));
    if (key == stepper_key_ && stepper_) return;
    stepper_key_ = key;
    // Activity only (no operand values): the schedule is the same and large layers stay cheap.
    stepper_ = std::make_unique<acc::SystolicStepper>(net->config.array_rows, net->config.array_cols, net->config.dataflow,
                                                      w.gemm);
    cycle_debt_ = 0;
    heat_.assign(size_t(net->config.n_pes()), 0.0f);
}

void AccelWorkspace::step_cycles(int64_t n) {
    if (!stepper_) return;
    for (int64_t i = 0; i < n && !stepper_->done(); ++i) stepper_->step();
}

void AccelWorkspace::advance_animation(double dt) {
    if (!stepper_) return;
    if (stepper_->done()) {
        playing_ = false;
        return;
    }
    cycle_debt_ += dt * speed_cycles_per_s_;
    const double pes = double(stepper_->plan().array_rows) * stepper_->plan().array_cols;
    const double cap = std::max(1.0, kPeUpdatesPerFrame / pes);
    const int64_t n = int64_t(std::min(cycle_debt_, cap));
    cycle_debt_ = std::min(cycle_debt_ - double(n), cap);
    step_cycles(n);
}

bool AccelWorkspace::on_start_pause(GuiContext& ctx) {
    (void)ctx;
    if (!stepper_) return false;
    if (stepper_->done()) stepper_key_.clear();  // play again from the start
    playing_ = !playing_;
    return true;
}

bool AccelWorkspace::start_sweep(GuiContext& ctx, std::string* error_out) {
    std::string error;
    if (sweep_running()) error = "a sweep is already running";
    else if (!eval_) error = eval_error_.empty() ? "nothing to sweep yet" : eval_error_;
    if (error.empty()) {
        acc::SweepSpec spec = acc::default_sweep_spec();
        spec.sram_kib = settings_.sweep_sram_kib;
        acc::SimOptions opt;
        opt.batch = settings_.batch;
        opt.include_vector_layers = settings_.include_vector_layers;
        sweep_job_ = session::AccelSweepJob::start(eval_->main.workload, eval_->config, spec, opt);
        sweep_error_.clear();
        return true;
    }
    if (error_out) *error_out = error;
    else ctx.show_error("Cannot start the sweep", error);
    return false;
}

bool AccelWorkspace::start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
    if (name == "resnet50" || name == "mobilenet" || name == "bert") {
        settings_.topology = name == "resnet50" ? "resnet50" : name == "mobilenet" ? "mobilenet_v2" : "bert_base_128";
        settings_.compare_topology = "current";
        return true;
    }
    if (name == "play") {
        playing_ = true;
        speed_cycles_per_s_ = 120;
        return true;
    }
    if (name == "sweep") {
        // Evaluate first so the sweep has a workload; the job then runs on its worker thread.
        update(ctx);
        return start_sweep(ctx, &error);
    }
    error = "the Accelerator workspace has no demo '" + name + "' (demos: resnet50, mobilenet, bert, play, sweep)";
    return false;
}

void AccelWorkspace::running_jobs(std::vector<JobView>& out) const {
    if (!sweep_running()) return;
    JobView v;
    v.name = "Accelerator sweep of " + sweep_job_->workload_name();
    v.progress = sweep_job_->progress();
    char buf[96];
    std::snprintf(buf, sizeof buf, "%lld design points", static_cast<long long>(sweep_job_->total_points()));
    v.detail = buf;
    out.push_back(v);
}

// ---- layout ------------------------------------------------------------------------------------------

void AccelWorkspace::draw(GuiContext& ctx) {
    layout_ = Layout{};
    const float sc = ctx.fonts.scale;
    const ImGuiStyle& style = ImGui::GetStyle();
    draw_toolbar(ctx);
    if (!eval_) {
        ImGui::TextWrapped("%s", eval_error_.empty() ? "Evaluating…" : ("Cannot map this network: " + eval_error_).c_str());
        return;
    }
    if (!eval_error_.empty()) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme->bad), "Not applied: %s (showing the last good result)",
                           eval_error_.c_str());
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = style.ItemSpacing.x;
    const float row_gap = style.ItemSpacing.y;
    const float top_h = std::max(240.0f * sc, std::floor((avail.y - 2 * row_gap) * 0.40f));
    const float mid_h = std::max(160.0f * sc, std::floor((avail.y - 2 * row_gap) * 0.29f));
    const float bot_h = std::max(160.0f * sc, avail.y - top_h - mid_h - 2 * row_gap - 1);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, 0);
    const float grid_w = std::floor(avail.x * 0.34f);
    const float table_w = std::floor(avail.x * 0.38f);
    draw_grid(ctx, grid_w, top_h);
    ImGui::SameLine(0, gap);
    draw_table(ctx, table_w, top_h);
    ImGui::SameLine(0, gap);
    draw_dataflows(ctx, avail.x - grid_w - table_w - 2 * gap, top_h);
    const float half = std::floor((avail.x - gap) / 2);
    draw_layer_charts(ctx, half, mid_h);
    ImGui::SameLine(0, gap);
    draw_traffic(ctx, avail.x - half - gap, mid_h);
    draw_pareto(ctx, half, bot_h);
    ImGui::SameLine(0, gap);
    draw_compare(ctx, avail.x - half - gap, bot_h);
    ImGui::PopStyleColor();
}

// ---- toolbar -----------------------------------------------------------------------------------------

namespace {

void dim_label(const Theme& t, const char* text, const char* help) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s", text);
    metric_tooltip(help);
    ImGui::SameLine();
}

bool topology_combo(const char* id, std::string& value, bool allow_current) {
    bool changed = false;
    if (ImGui::BeginCombo(id, value.c_str())) {
        if (allow_current && ImGui::Selectable("current", value == "current")) {
            value = "current";
            changed = true;
        }
        if (allow_current) metric_tooltip("The session's current model (trained in Train or opened from a file).");
        for (const auto& b : acc::builtin_topologies()) {
            if (ImGui::Selectable(b.name.c_str(), value == b.name)) {
                value = b.name;
                changed = true;
            }
            metric_tooltip(b.description.c_str());
        }
        for (const auto& p : models::preset_names()) {
            const std::string name = p;
            if (ImGui::Selectable((name + " (preset)").c_str(), value == name)) {
                value = name;
                changed = true;
            }
        }
        ImGui::EndCombo();
    }
    return changed;
}

}  // namespace

void AccelWorkspace::draw_toolbar(GuiContext& ctx) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    dim_label(t, "Network", "The network mapped onto the array. 'current' is the session's model; the built-ins are "
                            "SCALE-Sim topologies of published networks (assets/topologies/).");
    ImGui::SetNextItemWidth(120 * sc);
    topology_combo("##topology", settings_.topology, true);
    ImGui::SameLine(0, 12 * sc);
    dim_label(t, "vs", "The real network shown beside it in the comparison card: same array, same dataflows.");
    ImGui::SetNextItemWidth(120 * sc);
    topology_combo("##compare", settings_.compare_topology, true);

    ImGui::SameLine(0, 12 * sc);
    dim_label(t, "Array", "Rows x columns of multiply-accumulate PEs. Peak throughput is rows x columns MACs per "
                          "cycle; a layer whose GEMM is smaller than the array leaves PEs idle.");
    static const int sizes[] = {4, 8, 16, 32, 64, 128, 256};
    char cur[32];
    std::snprintf(cur, sizeof cur, "%dx%d", settings_.array_rows, settings_.array_cols);
    ImGui::SetNextItemWidth(84 * sc);
    if (ImGui::BeginCombo("##array", cur)) {
        for (int r : sizes)
            for (int c : sizes) {
                if (r != c && (r < 8 || c < 8)) continue;
                char b[32];
                std::snprintf(b, sizeof b, "%dx%d", r, c);
                if (ImGui::Selectable(b, r == settings_.array_rows && c == settings_.array_cols)) {
                    settings_.array_rows = r;
                    settings_.array_cols = c;
                }
            }
        ImGui::EndCombo();
    }
    ImGui::SameLine(0, 12 * sc);
    dim_label(t, "Dataflow", "Which operand stays in the PEs for a whole fold (BOOK §11.6): output stationary keeps "
                             "partial sums, weight stationary keeps a filter tile (the TPU), input stationary keeps an "
                             "ifmap tile. The stationary operand is preloaded at the start of every ws/is fold.");
    for (const char* df : {"os", "ws", "is"}) {
        const bool on = settings_.dataflow == df;
        ImGui::PushStyleColor(ImGuiCol_Button, on ? with_alpha(t.accent, 0.85f) : ImGui::GetColorU32(ImGuiCol_Button));
        if (ImGui::Button(df, ImVec2(34 * sc, 0))) settings_.dataflow = df;
        ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    ImGui::SameLine(0, 12 * sc);
    dim_label(t, "SRAM", "Each of the three on-chip buffers (ifmap, filter, ofmap), double-buffered: half computes "
                         "while the other half loads. Smaller buffers mean more DRAM traffic and, with limited "
                         "bandwidth, stalls.");
    ImGui::SetNextItemWidth(86 * sc);
    char sram[32];
    std::snprintf(sram, sizeof sram, "%lld KiB", static_cast<long long>(settings_.sram_kib));
    if (ImGui::BeginCombo("##sram", sram)) {
        for (int64_t k : {16, 64, 256, 1024, 4096}) {
            char b[32];
            std::snprintf(b, sizeof b, "%lld KiB", static_cast<long long>(k));
            if (ImGui::Selectable(b, k == settings_.sram_kib)) settings_.sram_kib = k;
        }
        ImGui::EndCombo();
    }
    dim_label(t, "Batch", "Samples per inference: multiplies M of every GEMM (more rows of the ifmap matrix), so "
                          "a dense layer stops being a single 1 x K row and can fill the array.");
    ImGui::SetNextItemWidth(96 * sc);
    int batch = settings_.batch;
    if (ImGui::InputInt("##batch", &batch, 1, 8) && batch >= 1 && batch <= 4096) settings_.batch = batch;
    ImGui::SameLine(0, 12 * sc);
    ImGui::Checkbox("DRAM limit", &settings_.user_bandwidth);
    metric_tooltip("Off (SCALE-Sim's CALC mode): DRAM is fast enough, the report says how much bandwidth that takes. On "
                   "(USER mode): each buffer gets this many words per cycle and the array stalls when a tile is late.");
    if (settings_.user_bandwidth) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(70 * sc);
        float bw = float(settings_.bandwidth_words_per_cycle);
        if (ImGui::DragFloat("##bw", &bw, 0.25f, 0.25f, 1024.0f, "%.2f w/c") && bw > 0) settings_.bandwidth_words_per_cycle = bw;
    }
    ImGui::SameLine(0, 12 * sc);
    ImGui::BeginDisabled(sweep_running());
    if (ImGui::Button(sweep_running() ? "Sweeping…" : "Run sweep")) start_sweep(ctx);
    ImGui::EndDisabled();
    metric_tooltip("Design-space sweep on a worker thread: rows and columns each from 8 to 256 (36 shapes), all three "
                   "dataflows and the SRAM sizes -> latency, utilization, energy and an area proxy, with the Pareto front.");
    if (sweep_running()) {
        ImGui::SameLine();
        if (ImGui::SmallButton("Cancel")) sweep_job_->cancel();
    }
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    layout_.toolbar = {p0, ImVec2(right, ImGui::GetItemRectMax().y)};
    if (eval_) {
        ImGui::SameLine(0, 16 * sc);
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "%s%s", eval_->main.label.c_str(),
                           model_seen_ || settings_.topology != "current" ? "" : " · train a model to map it here");
    }
}

// ---- help and saved state ----------------------------------------------------------------------------

void AccelWorkspace::draw_help(GuiContext& ctx) {
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("The Accelerator workspace");
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::BulletText("Every layer becomes a GEMM: a convolution has M = output pixels, N = filters, K = kernel area x "
                      "input channels; a dense layer is 1 x K times K x N. The GEMM is cut into folds (tiles) that fit "
                      "the array; each fold pays fill and drain cycles.");
    ImGui::BulletText("The PE grid steps the array cycle by cycle (Space plays or pauses): operands move one PE per "
                      "cycle, partial sums accumulate; colour shows what each PE did in the last cycle, the heatmap how "
                      "many MACs it has done. Click a row of the layer table to animate that layer.");
    ImGui::BulletText("Cycle counts, utilization and mapping efficiency follow SCALE-Sim v2 exactly (docs/ACCEL.md); "
                      "`mlsyslab accel` writes its reports for any network.");
    ImGui::BulletText("Run sweep tries 324 designs (arrays 8x8 to 256x256, three dataflows, three SRAM sizes) and draws "
                      "latency against area: the Pareto front is the set no other design beats on both.");
    ImGui::PopTextWrapPos();
}

nlohmann::json AccelWorkspace::save_state() const {
    return nlohmann::json{{"version", 1}, {"settings", session::to_json(settings_)}};
}

void AccelWorkspace::restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
    if (state.is_null()) return;
    if (!state.is_object() || !state.contains("settings")) {
        warnings.push_back("workspaces.accelerator: expected an object with \"settings\"; using the defaults");
        return;
    }
    pending_state_ = state["settings"];
}

}  // namespace mlsys::gui
