// How a workspace plugs into the app: each app/gui/panels/<name>.cpp defines a Workspace subclass and
// registers it with MLSYS_GUI_WORKSPACE; no shared file lists them. The sidebar shows the planned
// workspaces in a fixed order; one nobody has registered yet draws an honest "not available" page.
#pragma once

#include "app/gui/gui_context.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlsys::gui {

struct WorkspaceInfo {
    std::string id;       // "train"; used by --workspace and the settings file
    std::string title;    // "Train"
    std::string icon;     // one UTF-8 symbol drawn in the sidebar (must be in the font: fonts.cpp)
    int order = 0;        // sidebar position, ascending (0: the planned position; unplanned ids go last)
    std::string summary;  // one paragraph: what the workspace does
};

// A workspace's behaviour. The shell calls update() on every workspace each frame (jobs keep running when
// another workspace is shown) and draw() on the visible one inside its content window.
class Workspace {
public:
    virtual ~Workspace() = default;
    virtual void update(GuiContext& ctx) { (void)ctx; }
    virtual void draw(GuiContext& ctx) = 0;

    // Shortcuts and menu commands the shell delegates; return false when the workspace has nothing to do,
    // so the shell can say so.
    virtual bool on_start_pause(GuiContext& ctx) { (void)ctx; return false; }  // Space
    virtual bool on_save_model(GuiContext& ctx) { (void)ctx; return false; }   // Ctrl+S
    virtual bool on_export(GuiContext& ctx) { (void)ctx; return false; }       // Ctrl+E
    // Starts a named demo (--demo); returns false with a reason when the name is unknown.
    virtual bool start_demo(GuiContext& ctx, const std::string& name, std::string& error) {
        (void)ctx;
        error = "this workspace has no demo '" + name + "'";
        return false;
    }
    // Jobs this workspace runs, for the status bar and the performance overlay.
    virtual void running_jobs(std::vector<JobView>& out) const { (void)out; }
    // The workspace's part of the help window (F1), drawn below the shell's shortcuts while it is shown.
    virtual void draw_help(GuiContext& ctx) { (void)ctx; }
    // Settings to keep between launches (null: nothing), stored in settings.json under "workspaces".<id>,
    // and given back at the next start. restore_state keeps its defaults for anything it cannot read and
    // adds a warning naming the key.
    virtual nlohmann::json save_state() const { return nullptr; }
    virtual void restore_state(const nlohmann::json& state, std::vector<std::string>& warnings) {
        (void)state;
        (void)warnings;
    }
    // Whether the workspace is a real implementation (false for the "not available yet" page).
    virtual bool is_available() const { return true; }
};

using WorkspaceFactory = std::function<std::unique_ptr<Workspace>()>;

// Registers a workspace (at static initialisation, through MLSYS_GUI_WORKSPACE). Empty title, icon or
// summary are taken from the planned entry with the same id. Returns true.
bool register_workspace(WorkspaceInfo info, WorkspaceFactory factory);

struct WorkspaceEntry {
    WorkspaceInfo info;
    WorkspaceFactory factory;  // always set: planned entries make the "not available yet" page
    bool is_registered = false;
};

// The planned workspaces (Train, Memory, Accelerator, Deploy, Optimize, Faults, Board, Labs, Runs) merged with the
// registered ones, sorted by order then id.
std::vector<WorkspaceEntry> workspace_catalog();

// The page a planned but unregistered workspace shows: its name, what it will do, and that it is not
// available in this build yet.
std::unique_ptr<Workspace> make_unavailable_workspace(const WorkspaceInfo& info);

}  // namespace mlsys::gui

#define MLSYS_GUI_CONCAT2(a, b) a##b
#define MLSYS_GUI_CONCAT(a, b) MLSYS_GUI_CONCAT2(a, b)
// MLSYS_GUI_WORKSPACE((WorkspaceInfo{"train", "Train", "∿", 10, ""}), TrainWorkspace); at namespace scope.
#define MLSYS_GUI_WORKSPACE(info, Type)                                                         \
    static const bool MLSYS_GUI_CONCAT(mlsys_gui_workspace_registered_, __LINE__) =            \
        ::mlsys::gui::register_workspace(info, [] { return std::make_unique<Type>(); })
