// The real shell drawn in an ImGui context with no window and no renderer: every workspace for several
// frames (an ImGui assertion would abort the test), each workspace region submitting draw commands, the
// icons present in the font, shortcuts, the error modal and the theme switch.
#include "gui_test_support.hpp"

#include "app/gui/workspace.hpp"

#include <doctest/doctest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <set>

using mlsys::test::HeadlessGui;
using namespace mlsys::gui;

TEST_SUITE_BEGIN("gui.shell");

TEST_CASE("the sidebar lists Train Memory Accelerator Deploy Optimize Faults Board Labs Runs in that order") {
    std::vector<std::string> ids;
    for (const WorkspaceEntry& e : workspace_catalog()) ids.push_back(e.info.id);
    REQUIRE(ids.size() >= 9);
    const std::vector<std::string> planned = {"train", "memory", "accelerator", "deploy", "optimize",
                                              "faults", "board",  "labs",        "runs"};
    CHECK(std::vector<std::string>(ids.begin(), ids.begin() + 9) == planned);
    std::set<std::string> unique(ids.begin(), ids.end());
    CHECK(unique.size() == ids.size());
    for (const WorkspaceEntry& e : workspace_catalog()) {
        CAPTURE(e.info.id);
        CHECK_FALSE(e.info.title.empty());
        CHECK_FALSE(e.info.icon.empty());
        CHECK(e.info.summary.size() > 80);  // a real paragraph, not a stub
    }
}

TEST_CASE("every workspace draws for several frames and submits draw commands in its region") {
    HeadlessGui gui;
    REQUIRE(gui.ctx.fonts.is_dejavu);  // fonts-dejavu-core is a build dependency
    for (const ShellUi::Entry& e : gui.ui->entries()) {
        CAPTURE(e.info.id);
        REQUIRE(gui.ui->select(e.info.id));
        for (int i = 0; i < 3; ++i) gui.frame();
        CHECK(gui.window_vertex_count("##workspace_" + e.info.id) > 0);
        CHECK(gui.window_vertex_count("##sidebar") > 0);
        CHECK(gui.window_vertex_count("##statusbar") > 0);
        CHECK(gui.ui->active_id() == e.info.id);
    }
    // After the loop no window, popup or ID is left on ImGui's stacks.
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    CHECK(g.CurrentWindowStack.Size == 0);
    CHECK(g.BeginPopupStack.Size == 0);
}

TEST_CASE("an unavailable workspace says so plainly") {
    HeadlessGui gui;
    for (const ShellUi::Entry& e : gui.ui->entries()) {
        CAPTURE(e.info.id);
        CHECK(e.workspace->is_available() == e.is_registered);
    }
}

TEST_CASE("every workspace icon and the symbols charts use are in the loaded font") {
    HeadlessGui gui;
    ImFont* font = gui.ctx.fonts.regular;
    REQUIRE(font);
    auto has = [&](const char* utf8) {
        unsigned int c = 0;
        ImTextCharFromUtf8(&c, utf8, nullptr);
        return font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr;
    };
    for (const ShellUi::Entry& e : gui.ui->entries()) {
        CAPTURE(e.info.icon);
        CHECK(has(e.info.icon.c_str()));
    }
    for (const char* symbol : {"⁻", "⁶", "×", "µ", "σ", "≤", "·", "—", "✓", "✗", "▶"}) {
        CAPTURE(symbol);
        CHECK(has(symbol));
    }
}

TEST_CASE("F1 toggles the help window and F2 the performance overlay") {
    HeadlessGui gui;
    gui.frame();
    CHECK(gui.window_vertex_count("Help###help") == 0);
    gui.press_key(290);  // GLFW_KEY_F1
    CHECK(gui.window_vertex_count("Help###help") > 0);
    gui.press_key(290);
    CHECK(gui.window_vertex_count("Help###help") == 0);

    CHECK_FALSE(gui.settings.performance_overlay);
    gui.press_key(291);  // GLFW_KEY_F2
    CHECK(gui.settings.performance_overlay);
    CHECK(gui.window_vertex_count("##perf_overlay") > 0);
    CHECK(gui.ui->settings_changed);
}

TEST_CASE("Ctrl+S without a model says so and so does Space on a page without a job") {
    HeadlessGui gui;
    gui.frame();
    gui.press_key('S', /*ctrl=*/true);
    REQUIRE(gui.ctx.toasts.size() == 1);
    CHECK(gui.ctx.toasts.back().kind == ToastKind::Warning);
    CHECK(gui.ctx.toasts.back().text.find("train one") != std::string::npos);
    REQUIRE(gui.ui->select("memory"));
    gui.press_key(32);  // Space
    CHECK(gui.ctx.toasts.back().text == "Nothing to start or pause in Memory.");
}

TEST_CASE("Ctrl+E with nothing to export asks for the window as PNG") {
    HeadlessGui gui;
    REQUIRE(gui.ui->select("board"));
    gui.frame();
    CHECK_FALSE(gui.ui->wants_window_png);
    gui.press_key('E', /*ctrl=*/true);
    CHECK(gui.ui->wants_window_png);
}

TEST_CASE("show_error opens a modal that the app survives and shows one error at a time") {
    HeadlessGui gui;
    gui.frame();
    gui.ctx.show_error("Could not load model", "/tmp/x.mlsys: not a model file (bad magic number)");
    gui.ctx.show_error("Missing dataset", "fashion-mnist: /usr/share/datasets/fashion-mnist not found");
    gui.frame();
    gui.frame();
    CHECK(ImGui::GetCurrentContext()->OpenPopupStack.Size == 1);
    CHECK(gui.window_vertex_count("Could not load model###error_modal") > 0);
    // Enter closes the first; the second follows.
    gui.press_key(257);  // GLFW_KEY_ENTER
    REQUIRE(gui.ctx.errors.size() == 1);
    CHECK(gui.ctx.errors.front().title == "Missing dataset");
    gui.frame();
    gui.press_key(256);  // GLFW_KEY_ESCAPE
    CHECK(gui.ctx.errors.empty());
    gui.frame();
    CHECK(ImGui::GetCurrentContext()->OpenPopupStack.Size == 0);
}

TEST_CASE("switching theme restyles ImGui and records the setting") {
    HeadlessGui gui;
    gui.frame();
    const ImVec4 dark_bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    gui.ui->set_theme(ThemeKind::Light);
    gui.frame();
    const ImVec4 light_bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    CHECK(light_bg.x > dark_bg.x + 0.5f);
    CHECK(gui.settings.theme == "light");
    CHECK(gui.ctx.theme->kind == ThemeKind::Light);
}

TEST_CASE("selecting an unknown workspace fails and keeps the current one") {
    HeadlessGui gui(1280, 800, "no-such-workspace");
    CHECK(gui.ui->active_id() == "train");  // falls back to the first
    CHECK_FALSE(gui.ui->select("nope"));
    CHECK(gui.ui->active_id() == "train");
    CHECK(gui.ui->known_ids().rfind("train, memory, accelerator", 0) == 0);
}

TEST_SUITE_END();
