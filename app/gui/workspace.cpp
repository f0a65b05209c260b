// The workspace registry and the planned catalog (see workspace.hpp). Summaries describe what each
// workspace will do, from the project's issues; nothing here pretends a workspace exists.
#include "app/gui/workspace.hpp"

#include <algorithm>
#include <map>

namespace mlsys::gui {
namespace {

std::map<std::string, std::pair<WorkspaceInfo, WorkspaceFactory>>& registry() {
    static std::map<std::string, std::pair<WorkspaceInfo, WorkspaceFactory>> entries;
    return entries;
}

const std::vector<WorkspaceInfo>& planned() {
    static const std::vector<WorkspaceInfo> kPlanned = {
        {"train", "Train", "∿", 10,
         "Train a network on Fashion-MNIST or the 2-D playground sets. Pick a preset or build a layer list with "
         "live parameter, MAC and memory totals, then watch the loss and accuracy curves, the confusion matrix, "
         "the test-image grid and, for 2-D sets, the decision boundary update as the network learns — with a "
         "systems strip showing images per second, FLOPs per step, the memory split and the step-time split."},
        {"memory", "Memory", "▤", 20,
         "Replay the current model's real memory traffic through a configurable hierarchy of caches and main "
         "memory, from a cloud GPU with HBM down to an ATmega328P: hits and misses per level, bytes moved, "
         "stall cycles and energy by level for every layer, a log-log roofline with each layer as a point, and "
         "the training-memory breakdown — the memory wall, seen on the network you trained."},
        {"accelerator", "Accelerator", "▦", 30,
         "Map every layer of the current model, or of a real topology such as ResNet-50, MobileNet or BERT, onto "
         "a systolic array with a weight-, output- or input-stationary dataflow: cycles, stalls, utilization and "
         "buffer traffic per layer, an animated processing-element grid, a dataflow comparison, and a "
         "design-space sweep with its Pareto front."},
        {"deploy", "Deploy", "☁", 40,
         "Put the model on a cloud GPU, an edge server, a phone, a Raspberry Pi or a microcontroller and compare "
         "what fits, latency, energy per inference, battery life, cost and privacy; find the best split point "
         "between device and cloud for each network link, and measure a real offload over the network beside "
         "the estimate."},
        {"optimize", "Optimize", "◆", 45,
         "Make the current model smaller and faster and measure what it costs: quantize to int8 or int4 "
         "(integer-only) or to fp16, bf16 and fp8, prune weights or whole channels with fine-tuning, or distill it "
         "into a smaller student. Every variant is measured on the real test set beside the original — accuracy, "
         "weight bytes, MACs and estimated latency on a device — in a table and a Pareto chart, with per-layer "
         "weight histograms before and after and per-layer sensitivity. Each variant is a Run and can become the "
         "current model."},
        {"faults", "Faults", "⚡", 50,
         "Break the trained model on purpose: bit flips, stuck-at bits and faulty processing elements in "
         "weights, activations and accelerator buffers, run as seeded statistical campaigns on the real test "
         "set — accuracy against bit-error rate with confidence bands, vulnerability per layer and per bit, and "
         "protections (ECC, range restriction, TMR, ABFT) with what they cost."},
        {"board", "Board", "▣", 60,
         "Connect a development board over a serial port — or the virtual ATmega328P that runs the real "
         "firmware in a simulator — with a serial monitor and plotter, labelled data capture, int8 model "
         "deployment, and on-board inference latency beside the deployment estimate."},
        {"labs", "Labs", "⚗", 70,
         "Guided exercises grounded in the textbook: each step opens a workspace, asks you to predict and then "
         "measure, checks your result, offers hints one at a time, and ends with a report you can hand in."},
        {"runs", "Runs", "☰", 80,
         "Every training run, simulation, fault campaign, lab and board session as an experiment log: search and "
         "filter, open a run's configuration, charts and events, compare runs on shared axes with a diff of "
         "their configurations, and export to CSV, JSON Lines, TensorBoard event files, a zip bundle or an HTML "
         "report."},
    };
    return kPlanned;
}

class UnavailableWorkspace final : public Workspace {
public:
    explicit UnavailableWorkspace(WorkspaceInfo info) : info_(std::move(info)) {}

    void draw(GuiContext& ctx) override {
        const Theme& t = *ctx.theme;
        ImGui::PushFont(ctx.fonts.heading);
        ImGui::TextUnformatted(info_.title.c_str());
        ImGui::PopFont();
        ImGui::Spacing();
        const float wrap = std::min(ImGui::GetContentRegionAvail().x, 720.0f * ctx.fonts.scale);
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
        ImGui::TextUnformatted(info_.summary.c_str());
        ImGui::PopTextWrapPos();
        ImGui::Spacing();
        ImGui::Spacing();
        // A quiet callout rather than an error: nothing is broken, the feature is simply not built yet.
        const ImVec2 pad(12 * ctx.fonts.scale, 9 * ctx.fonts.scale);
        const char* note = "Not available in this build yet.";
        const ImVec2 text_size = ImGui::CalcTextSize(note);
        const ImVec2 p0 = ImGui::GetCursorScreenPos();
        const ImVec2 p1(p0.x + text_size.x + 2 * pad.x, p0.y + text_size.y + 2 * pad.y);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(p0, p1, with_alpha(t.accent, 0.12f), 5 * ctx.fonts.scale);
        dl->AddRect(p0, p1, with_alpha(t.accent, 0.45f), 5 * ctx.fonts.scale);
        dl->AddText(ImVec2(p0.x + pad.x, p0.y + pad.y), t.text, note);
        ImGui::Dummy(ImVec2(p1.x - p0.x, p1.y - p0.y));
    }
    bool is_available() const override { return false; }

private:
    WorkspaceInfo info_;
};

}  // namespace

bool register_workspace(WorkspaceInfo info, WorkspaceFactory factory) {
    // The key is copied first: in `map[info.id] = {std::move(info), ...}` C++17 evaluates the right side
    // (moving the id away) before the subscript.
    const std::string id = info.id;
    registry()[id] = {std::move(info), std::move(factory)};
    return true;
}

std::unique_ptr<Workspace> make_unavailable_workspace(const WorkspaceInfo& info) {
    return std::make_unique<UnavailableWorkspace>(info);
}

std::vector<WorkspaceEntry> workspace_catalog() {
    std::vector<WorkspaceEntry> out;
    for (const WorkspaceInfo& p : planned()) {
        auto it = registry().find(p.id);
        if (it == registry().end()) {
            out.push_back({p, [p] { return make_unavailable_workspace(p); }, false});
            continue;
        }
        WorkspaceInfo info = it->second.first;
        if (info.title.empty()) info.title = p.title;
        if (info.icon.empty()) info.icon = p.icon;
        if (info.summary.empty()) info.summary = p.summary;
        if (info.order == 0) info.order = p.order;
        out.push_back({info, it->second.second, true});
    }
    for (const auto& [id, entry] : registry()) {
        const bool is_planned =
            std::any_of(planned().begin(), planned().end(), [&](const WorkspaceInfo& p) { return p.id == id; });
        if (is_planned) continue;
        WorkspaceInfo info = entry.first;
        if (info.order == 0) info.order = 1000;
        out.push_back({info, entry.second, true});
    }
    std::stable_sort(out.begin(), out.end(), [](const WorkspaceEntry& a, const WorkspaceEntry& b) {
        return a.info.order != b.info.order ? a.info.order < b.info.order : a.info.id < b.info.id;
    });
    return out;
}

}  // namespace mlsys::gui
