// The Labs workspace: the catalog of guided labs grouped by textbook chapter and by board, with each lab's
// progress; and the lab view, which puts the current step (text, predictions, the Run step button, questions,
// check status, hints one at a time, Next, reset to any step, report export) beside the live workspace the
// step drives (drawn in place on the right). All lab logic is labs::LabRunner's; this file only draws it.
// Split by area: labs_workspace.cpp (frame, catalog, state, demos), labs_step.cpp (the step column),
// labs_text.cpp (the markdown subset drawn with ImGui).
#pragma once

#include "app/gui/workspace.hpp"

#include "labs/catalog.hpp"
#include "labs/runner.hpp"

#include <map>
#include <memory>
#include <string>

namespace mlsys::session {
class SessionLabHost;
}

namespace mlsys::gui {

// Draws lab text (labs/markdown.hpp subset) wrapped to the current content width.
void draw_lab_text(GuiContext& ctx, const std::string& markdown);

class LabsWorkspace final : public Workspace {
public:
    LabsWorkspace();
    ~LabsWorkspace() override;

    void update(GuiContext& ctx) override;
    void draw(GuiContext& ctx) override;
    bool on_export(GuiContext& ctx) override;
    void running_jobs(std::vector<JobView>& out) const override;
    void draw_help(GuiContext& ctx) override;
    // "<lab id>" opens a lab at its first step; "<lab id>@N" completes steps 1..N-1 with the solution and
    // opens step N; "<lab id>@report" completes the lab and shows the completion view. Demos keep their
    // progress in memory only.
    bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) override;
    nlohmann::json save_state() const override;
    void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) override;

    // Commands (the buttons; also driven by tests).
    void reload_catalog();
    bool open_lab(GuiContext& ctx, const std::string& id, bool persist = true);
    void close_lab();
    // Writes the completion report into a Run; returns its directory ("" and an error modal on failure).
    std::string export_report(GuiContext& ctx);

    const labs::Catalog& catalog() const { return catalog_; }
    labs::LabRunner* runner() { return runner_.get(); }

private:
    void draw_catalog(GuiContext& ctx);
    void draw_lab(GuiContext& ctx);
    void draw_step_column(GuiContext& ctx, float width, float height);
    void draw_completion(GuiContext& ctx);
    void draw_driven(GuiContext& ctx, const std::string& workspace_id);
    void refresh_status();
    void go_to_step(GuiContext& ctx, int i);
    // Completes steps [0, n) headless with the solution (demos and screenshots).
    bool complete_with_solution(GuiContext& ctx, int n, std::string& error);

    labs::Catalog catalog_;
    bool catalog_loaded_ = false;
    // Progress of every lab in the catalog for its card: passed steps, and whether completed.
    struct CardProgress {
        int n_passed = 0;
        bool is_complete = false;
        bool is_started = false;
    };
    std::map<std::string, CardProgress> cards_;

    std::unique_ptr<session::SessionLabHost> host_;
    std::unique_ptr<labs::LabRunner> runner_;
    std::string open_id_;       // restored from settings: opened at the first update
    bool show_completion_ = false;
    int viewed_step_ = 0;       // the step shown (<= unlocked)
    labs::StepStatus status_;
    double status_at_s_ = -1;
    // Entry fields by prediction or question id, and the last grading message.
    std::map<std::string, double> number_inputs_;
    std::map<std::string, int> choice_inputs_;
    std::map<std::string, std::string> feedback_;
    std::map<std::string, bool> feedback_ok_;
    std::string action_error_;
    std::string last_report_dir_;
};

}  // namespace mlsys::gui
