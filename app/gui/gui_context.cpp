// GuiContext services (see gui_context.hpp): queues toasts, errors and captures for the shell to act on.
#include "app/gui/gui_context.hpp"

#include "models/core/log.hpp"

#include <ctime>

namespace mlsys::gui {

void GuiContext::toast(std::string text, ToastKind kind) {
    if (toasts.size() >= 6) toasts.pop_front();
    toasts.push_back(Toast{std::move(text), kind, -1});
}

void GuiContext::show_error(std::string title, std::string message) {
    core::log_error(title + ": " + message);
    if (errors.size() >= 20) errors.pop_front();  // a failure loop must not grow the queue forever
    errors.push_back(ErrorMessage{std::move(title), std::move(message)});
}

void GuiContext::save_region_png(const std::string& name, ImVec2 min, ImVec2 max) {
    if (!can_capture) {
        toast("Saving images needs the window's renderer; not available here.", ToastKind::Warning);
        return;
    }
    captures.push_back(RegionCapture{export_dir / export_file_name(name, "png"), min, max});
}

GuiContext* current_gui_context() {
    if (!ImGui::GetCurrentContext()) return nullptr;
    return static_cast<GuiContext*>(ImGui::GetIO().UserData);
}

void set_current_gui_context(GuiContext* ctx) { ImGui::GetIO().UserData = ctx; }

std::string export_file_name(const std::string& name, const std::string& extension) {
    std::string clean;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        clean += ok ? c : '-';
    }
    if (clean.empty()) clean = "image";
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    return clean + "-" + stamp + "." + extension;
}

}  // namespace mlsys::gui
