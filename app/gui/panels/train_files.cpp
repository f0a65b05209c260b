// Train workspace, saving and opening model files: two small modal dialogs with a path field (Debian has no
// native file-dialog library for us) and a list of the model files found under the data directory. The
// session does the reading and writing; any failure opens the error modal.
#include "app/gui/panels/train_workspace.hpp"

#include "app/gui/widgets/tooltip.hpp"
#include "app/session/session.hpp"
#include "models/core/files.hpp"

#include <imgui_stdlib.h>

#include <algorithm>
#include <cfloat>
#include <filesystem>

namespace mlsys::gui {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSavePopup = "Save model###train_save_model";
constexpr const char* kOpenPopup = "Open model###train_open_model";

}  // namespace

void TrainWorkspace::open_save_dialog(GuiContext& ctx, session::Session& s) {
    (void)ctx;
    const std::string name = s.model() ? s.model()->spec().name : "model";
    file_path_ = default_model_path(core::data_dir(), name, s.model_metadata().value("dataset", std::string()));
    want_save_dialog_ = true;
}

void TrainWorkspace::open_load_dialog(GuiContext& ctx) {
    (void)ctx;
    recent_models_.clear();
    std::vector<fs::path> roots = {core::data_dir() / "models"};
    if (session_) roots.emplace_back(session_->runs_dir());
    recent_models_ = find_model_files(roots, 12);
    file_path_ = recent_models_.empty() ? "" : recent_models_.front();
    want_load_dialog_ = true;
}

bool TrainWorkspace::save_model_to(GuiContext& ctx, const std::string& path) {
    if (!ctx.session) return false;
    if (const core::Status st = ctx.session->save_model(path); !st) {
        ctx.show_error("Could not save the model", st.error());
        return false;
    }
    ctx.toast("Saved the model to " + path, ToastKind::Success);
    return true;
}

bool TrainWorkspace::open_model_from(GuiContext& ctx, const std::string& path) {
    if (!ctx.session) return false;
    if (const core::Status st = ctx.session->load_model(path); !st) {
        ctx.show_error("Could not open the model", st.error());
        return false;
    }
    ctx.toast("Opened " + path + ": it is now the current model.", ToastKind::Success);
    return true;
}

void TrainWorkspace::draw_file_dialogs(GuiContext& ctx, session::Session& s) {
    const float sc = ctx.fonts.scale;
    const Theme& t = *ctx.theme;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImVec2 centre(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f);
    if (want_save_dialog_) {
        ImGui::OpenPopup(kSavePopup);
        want_save_dialog_ = false;
    }
    if (want_load_dialog_) {
        ImGui::OpenPopup(kOpenPopup);
        want_load_dialog_ = false;
    }

    ImGui::SetNextWindowPos(centre, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(560 * sc, 0));
    if (ImGui::BeginPopupModal(kSavePopup, nullptr, ImGuiWindowFlags_NoResize)) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Current model");
        ImGui::SameLine(120 * sc);
        ImGui::TextUnformatted(s.has_model() ? s.model_label().c_str() : "none");
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "File");
        ImGui::SameLine(120 * sc);
        ImGui::SetNextItemWidth(-FLT_MIN);
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        bool go = ImGui::InputText("##save_path", &file_path_, ImGuiInputTextFlags_EnterReturnsTrue);
        const std::string path = model_file_path(file_path_);
        std::error_code ec;
        ImGui::PushFont(ctx.fonts.small);
        ImGui::SetCursorPosX(120 * sc);
        if (!path.empty() && fs::exists(path, ec))
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.warning), "%s exists and will be replaced.", path.c_str());
        else
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "~ is your home folder; missing folders are "
                                                                           "created; .mlsys is added if missing.");
        ImGui::PopFont();
        ImGui::Spacing();
        ImGui::BeginDisabled(path.empty() || !s.has_model());
        go = ImGui::Button("Save", ImVec2(100 * sc, 0)) || go;
        ImGui::EndDisabled();
        ImGui::SameLine();
        const bool cancel = ImGui::Button("Cancel", ImVec2(100 * sc, 0)) ||
                            ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false);
        if (go && !path.empty() && s.has_model()) {
            save_model_to(ctx, path);
            ImGui::CloseCurrentPopup();
        } else if (cancel) {
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }

    ImGui::SetNextWindowPos(centre, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(640 * sc, 0));
    if (ImGui::BeginPopupModal(kOpenPopup, nullptr, ImGuiWindowFlags_NoResize)) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "File");
        ImGui::SameLine(80 * sc);
        ImGui::SetNextItemWidth(-FLT_MIN);
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        bool go = ImGui::InputText("##open_path", &file_path_, ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::Spacing();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.text_dim), "Model files found (newest first)");
        if (ImGui::BeginChild("##recent_models", ImVec2(0, 190 * sc), true)) {
            if (recent_models_.empty())
                ImGui::TextDisabled("None yet: trained models are saved with each run, and Ctrl+S saves one anywhere.");
            for (const std::string& p : recent_models_) {
                if (ImGui::Selectable(p.c_str(), p == file_path_, ImGuiSelectableFlags_AllowDoubleClick)) {
                    file_path_ = p;
                    if (ImGui::IsMouseDoubleClicked(0)) go = true;
                }
            }
        }
        ImGui::EndChild();
        ImGui::Spacing();
        const std::string path = expand_user_path(file_path_);
        ImGui::BeginDisabled(path.empty());
        go = ImGui::Button("Open", ImVec2(100 * sc, 0)) || go;
        ImGui::EndDisabled();
        ImGui::SameLine();
        const bool cancel = ImGui::Button("Cancel", ImVec2(100 * sc, 0)) ||
                            ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false);
        if (go && !path.empty()) {
            open_model_from(ctx, path);
            ImGui::CloseCurrentPopup();
        } else if (cancel) {
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
}

}  // namespace mlsys::gui
