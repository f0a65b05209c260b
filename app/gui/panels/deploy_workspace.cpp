// Deploy workspace: registration, the model it evaluates, the evaluation and offload jobs, the toolbar, the
// layout, help and saved state. The board and radars are drawn in deploy_board.cpp, the charts in
// deploy_charts.cpp.
#include "app/gui/panels/deploy_workspace.hpp"

#include "app/gui/widgets/plot_math.hpp"
#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlsys::gui {

MLSYS_GUI_WORKSPACE((WorkspaceInfo{"deploy", "", "", 0, ""}), DeployWorkspace);

DeployWorkspace::DeployWorkspace() = default;
DeployWorkspace::~DeployWorkspace() = default;  // the jobs' destructors cancel and join

namespace {

std::string settings_key(const session::DeploySettings& s) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s|%s|%s|%.6g|%d", s.link.c_str(), s.split_device.c_str(), s.split_server.c_str(),
                  s.inferences_per_hour, s.accuracy_samples);
    return buf;
}

std::string model_key(const models::Model* m, const std::string& label) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%p|", static_cast<const void*>(m));
    return buf + label;
}

}  // namespace

// ---- the model and the jobs ----------------------------------------------------------------------

const models::Model* DeployWorkspace::current_model(GuiContext& ctx, std::string& label, bool& trained, std::string& dataset) {
    if (ctx.session && ctx.session->has_model()) {
        label = ctx.session->model_label();
        trained = true;
        dataset = session::model_dataset(ctx.session->model_metadata());
        return ctx.session->model();
    }
    if (!fallback_ || fallback_->spec().name != settings_.fallback_preset) {
        auto spec = models::preset_spec(settings_.fallback_preset);
        if (!spec) spec = models::preset_spec("mlp");
        auto m = models::Model::build(*spec, 1);
        if (!m) return nullptr;
        fallback_ = std::make_unique<models::Model>(std::move(*m));
    }
    label = "untrained " + fallback_->spec().name + " preset";
    trained = false;
    // The image presets are shaped for Fashion-MNIST: their chance-level accuracy is measured there too.
    dataset = fallback_->spec().input_shape == models::Shape{28, 28, 1} ? "fashion-mnist" : "";
    return fallback_.get();
}

void DeployWorkspace::poll_jobs(GuiContext& ctx) {
    if (eval_job_ && eval_job_->is_done()) {
        if (auto r = eval_job_->result()) {
            eval_ = std::move(r);
            eval_error_.clear();
        } else if (!eval_job_->error().empty()) {
            eval_error_ = eval_job_->error();
            ctx.toast("Deploy evaluation failed: " + eval_error_, ToastKind::Error);
        }
        eval_job_.reset();
    }
    if (offload_job_) {
        if (auto r = offload_job_->result()) offload_ = std::move(r);  // fills in link by link
        if (offload_job_->is_done()) {
            if (!offload_job_->error().empty()) {
                offload_error_ = offload_job_->error();
                ctx.toast("Live offload failed: " + offload_error_, ToastKind::Error);
            } else if (offload_ && !offload_->links.empty()) {
                ctx.toast("Live offload measured over loopback for " + std::to_string(offload_->links.size()) + " links",
                          ToastKind::Success);
            }
            offload_job_.reset();
        }
    }
}

void DeployWorkspace::update(GuiContext& ctx) {
    if (!pending_state_.is_null()) {
        if (const core::Status st = session::apply_json(settings_, pending_state_); !st)
            ctx.toast("Saved deploy settings not restored: " + st.error(), ToastKind::Warning);
        pending_state_ = nullptr;
    }
    if (!library_ && library_error_.empty()) {
        auto lib = sim::load_profile_library();
        if (lib) {
            for (const std::string& w : lib->warnings) ctx.toast("Profile file skipped: " + w, ToastKind::Warning);
            library_.emplace(std::move(*lib));
            if (!library_->device(settings_.split_device)) settings_.split_device = library_->devices.front().id;
            if (!library_->link(settings_.link)) settings_.link = "wifi";
        } else {
            library_error_ = lib.error();
        }
    }
    poll_jobs(ctx);
    if (!library_) return;
    std::string label, dataset;
    bool trained = false;
    const models::Model* model = current_model(ctx, label, trained, dataset);
    if (!model) return;
    const std::string mkey = model_key(model, label);
    const std::string key = mkey + "#" + settings_key(settings_);
    if (!eval_job_ && key != eval_key_) {
        auto job = session::DeployEvaluationJob::start(*model, label, trained, dataset, settings_);
        if (job) {
            eval_job_ = std::move(*job);
            eval_key_ = key;
        } else {
            eval_error_ = job.error();
            eval_key_ = key;  // do not retry every frame
        }
    }
    if (offload_ && offload_key_ != mkey && !offload_job_) offload_.reset();  // measured on another model
    if (want_offload_) {
        want_offload_ = false;
        start_offload(ctx);
    }
}

void DeployWorkspace::reevaluate(GuiContext& ctx) {
    (void)ctx;
    eval_key_.clear();  // the next update starts a new evaluation
}

bool DeployWorkspace::start_offload(GuiContext& ctx, std::string* error_out) {
    std::string error;
    std::string label, dataset;
    bool trained = false;
    const models::Model* model = library_ ? current_model(ctx, label, trained, dataset) : nullptr;
    if (!library_) error = "the device and link profiles did not load: " + library_error_;
    else if (!model) error = "there is no model to serve";
    else if (offload_job_ && !offload_job_->is_done()) error = "a measurement is already running";
    else if (dataset.empty()) error = "the model names no dataset to take real test inputs from (train it in the Train workspace)";
    if (error.empty()) {
        std::vector<sim::LinkProfile> links;
        for (const auto& l : library_->links)
            if (l.available()) links.push_back(l);
        auto job = session::OffloadMeasureJob::start(*model, dataset, settings_.offload_requests, std::move(links));
        if (job) {
            offload_job_ = std::move(*job);
            offload_.reset();
            offload_error_.clear();
            offload_key_ = model_key(model, label);
            return true;
        }
        error = job.error();
    }
    if (error_out) *error_out = error;
    else ctx.show_error("Cannot measure the offload", error);
    return false;
}

bool DeployWorkspace::start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
    (void)ctx;
    if (name == "offload") {
        // The live measurement starts at the next update, once the profiles and the model are known; a few
        // requests per link keep the demo short.
        settings_.offload_requests = 5;
        want_offload_ = true;
        return true;
    }
    const auto& names = session::deploy_variant_names();
    if (std::find(names.begin(), names.end(), name) != names.end()) {
        settings_.variant = name;
        return true;
    }
    error = "the Deploy workspace has no demo '" + name + "' (demos: offload, fp32, fp16, int8, pruned50)";
    return false;
}

void DeployWorkspace::running_jobs(std::vector<JobView>& out) const {
    if (eval_job_ && !eval_job_->is_done()) {
        JobView v;
        v.name = "Deploy: evaluating the model on every device";
        v.detail = eval_job_->status();
        out.push_back(v);
    }
    if (offload_job_ && !offload_job_->is_done()) {
        JobView v;
        v.name = "Deploy: live offload over loopback";
        v.progress = offload_job_->progress();
        v.detail = offload_job_->status();
        out.push_back(v);
    }
}

// ---- layout --------------------------------------------------------------------------------------

void DeployWorkspace::draw(GuiContext& ctx) {
    layout_ = Layout{};
    if (!library_) {
        ImGui::TextWrapped("The device and link profiles could not be loaded: %s",
                           library_error_.empty() ? "not loaded yet" : library_error_.c_str());
        return;
    }
    const float sc = ctx.fonts.scale;
    const ImGuiStyle& style = ImGui::GetStyle();
    draw_toolbar(ctx);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = style.ItemSpacing.x;
    const float top_h = std::max(300.0f * sc, std::floor((avail.y - style.ItemSpacing.y) * 0.55f));
    const float bottom_h = std::max(200.0f * sc, avail.y - top_h - style.ItemSpacing.y);
    const float board_w = std::floor((avail.x - gap) * 0.58f);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, 0);
    draw_board(ctx, board_w, top_h);
    ImGui::SameLine(0, gap);
    draw_radars(ctx, avail.x - board_w - gap, top_h);
    const float third = std::floor((avail.x - 2 * gap) / 3);
    draw_pareto(ctx, third, bottom_h);
    ImGui::SameLine(0, gap);
    draw_splits(ctx, third, bottom_h);
    ImGui::SameLine(0, gap);
    draw_offload(ctx, avail.x - 2 * third - 2 * gap, bottom_h);
    ImGui::PopStyleColor();
}

// ---- toolbar -------------------------------------------------------------------------------------

void DeployWorkspace::draw_toolbar(GuiContext& ctx) {
    const Theme& t = *ctx.theme;
    const float sc = ctx.fonts.scale;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();

    // Precision: every view switches to the chosen variant.
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Variant");
    metric_tooltip("The numeric format of the deployed weights and arithmetic, or pruning. INT8 stores each weight in one "
                   "byte instead of four (a 4x smaller model) and most edge accelerators run int8 multiply-accumulates "
                   "several times faster; it is measured with the integer-only kernels. pruned50 zeroes the half of the "
                   "weights smallest in magnitude (no fine-tuning) but stores them dense, so only accuracy changes. Every "
                   "accuracy is measured, not assumed; every view below switches to the chosen variant.");
    for (const std::string& v : session::deploy_variant_names()) {
        ImGui::SameLine();
        const bool on = settings_.variant == v;
        ImGui::PushStyleColor(ImGuiCol_Button, on ? with_alpha(t.accent, 0.85f) : ImGui::GetColorU32(ImGuiCol_Button));
        if (ImGui::Button(v.c_str(), ImVec2((v.size() > 4 ? 78 : 54) * sc, 0))) settings_.variant = v;
        ImGui::PopStyleColor();
    }
    ImGui::SameLine(0, 16 * sc);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Link");
    metric_tooltip("The network between the user's device and a cloud server. It sets the cloud rows' transfer time "
                   "(the input goes up, the scores come back) and which split is highlighted.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110 * sc);
    const sim::LinkProfile* cur_link = library_->link(settings_.link);
    if (ImGui::BeginCombo("##link", cur_link ? cur_link->name.c_str() : settings_.link.c_str())) {
        for (const auto& l : library_->links) {
            if (!l.available()) continue;
            if (ImGui::Selectable(l.name.c_str(), l.id == settings_.link)) settings_.link = l.id;
            char buf[200];
            std::snprintf(buf, sizeof buf, "%s: %.3g ms round trip, %s/s up, %s/s down, %.2g%% loss", l.name.c_str(),
                          1e3 * l.rtt_s, format_si(l.uplink_bytes_per_s).c_str(), format_si(l.downlink_bytes_per_s).c_str(),
                          100 * l.loss_rate);
            metric_tooltip(buf);
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine(0, 16 * sc);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Split on");
    metric_tooltip("The device side of the split-computing chart: it runs the layers before the split and sends the "
                   "activation there to the cloud server, which runs the rest.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120 * sc);
    const sim::DeviceProfile* sd = library_->device(settings_.split_device);
    if (ImGui::BeginCombo("##split_device", sd ? sd->id.c_str() : settings_.split_device.c_str())) {
        for (const auto& d : library_->devices) {
            if (d.category == sim::DeviceCategory::Cloud) continue;
            if (ImGui::Selectable(d.name.c_str(), d.id == settings_.split_device)) settings_.split_device = d.id;
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine(0, 16 * sc);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Inferences/h");
    metric_tooltip("The duty cycle: how often the model runs. Battery life mixes active power while inferring with "
                   "idle power in between; an owned device's price is spread over its lifetime's inferences.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90 * sc);
    double per_hour = settings_.inferences_per_hour;
    if (ImGui::InputDouble("##per_hour", &per_hour, 0, 0, "%.0f", ImGuiInputTextFlags_EnterReturnsTrue) && per_hour > 0 &&
        per_hour <= 3.6e9)
        settings_.inferences_per_hour = per_hour;

    // The model, on its own line: what is evaluated, or plainly that there is none.
    std::string text;
    ImU32 colour = t.text;
    if (eval_) {
        text = eval_->trained ? "Model: " + eval_->model_label
                              : "No trained model yet: showing the " + eval_->model_label + " (chance-level accuracy). "
                                "Train one in the Train workspace.";
        if (!eval_->trained) colour = t.warning;
    } else if (eval_job_) {
        text = eval_job_->status();
    } else if (!eval_error_.empty()) {
        text = "Evaluation failed: " + eval_error_;
        colour = t.bad;
    }
    if (eval_job_ && eval_) text += "  · re-evaluating…";
    const ImVec2 tp = ImGui::GetCursorScreenPos();
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    ImGui::PushClipRect(tp, ImVec2(right, tp.y + ImGui::GetFrameHeight()), true);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour), "%s", text.c_str());
    ImGui::PopClipRect();
    if (eval_)
        metric_tooltip(eval_->trained
                           ? "The session's current model (trained in the Train workspace or opened from a file). Its accuracy "
                             "is measured on the real test set for every precision."
                           : "No model has been trained or opened in this session, so the workspace evaluates an untrained "
                             "preset: every latency, memory, energy and cost number is real for its architecture, but its "
                             "accuracy is that of random weights. Train a model (Train workspace) to see real accuracy.");
    layout_.toolbar = {p0, ImVec2(right, ImGui::GetItemRectMax().y)};
    ImGui::Dummy(ImVec2(0, 2 * sc));
}

// ---- help and saved state ------------------------------------------------------------------------

void DeployWorkspace::draw_help(GuiContext& ctx) {
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("The Deploy workspace");
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::BulletText("The current model (train one in Train) is placed on a cloud GPU, an edge server, a phone, Raspberry "
                      "Pis and three microcontrollers. Cloud, edge, mobile and TinyML differ by orders of magnitude in "
                      "compute, memory, power and latency: there is no best system, only the right trade-offs.");
    ImGui::BulletText("The decision board computes, for each device: does it fit (weights, activations, runtime in RAM "
                      "and flash), latency (a per-layer roofline), energy per inference, battery life at the chosen duty "
                      "cycle, cost per million inferences, privacy and the measured accuracy. Click a row to read how "
                      "each number was computed.");
    ImGui::BulletText("Precision (fp32, fp16, int8) re-evaluates everything: memory, speed, energy, and the accuracy "
                      "measured on the test set with the weights stored at that precision.");
    ImGui::BulletText("The split chart tries every layer boundary as the point where the device hands its activation "
                      "to the cloud: device compute + bytes over the link + cloud compute, for every link.");
    ImGui::BulletText("Live offload starts a real inference server on this machine (the protocol of `mlsyslab serve`), "
                      "sends real test images through a link shaper and puts the measured round trip beside the prediction.");
    ImGui::BulletText("Device and link profiles (with their sources) are JSON files in assets/deploy/; add or override "
                      "them in the data folder's deploy/ directory (docs/DEPLOY.md).");
    ImGui::PopTextWrapPos();
}

nlohmann::json DeployWorkspace::save_state() const {
    return nlohmann::json{{"version", 1}, {"settings", session::to_json(settings_)}, {"selected_device", selected_device_}};
}

void DeployWorkspace::restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
    if (state.is_null()) return;
    if (!state.is_object() || !state.contains("settings")) {
        warnings.push_back("workspaces.deploy: expected an object with \"settings\"; using the defaults");
        return;
    }
    pending_state_ = state["settings"];
    if (state.contains("selected_device") && state["selected_device"].is_string())
        selected_device_ = state["selected_device"].get<std::string>();
}

}  // namespace mlsys::gui
