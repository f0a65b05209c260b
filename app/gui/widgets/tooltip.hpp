// Tooltips that explain a metric in the textbook's terms, used on every number the app shows, and the
// small label/value "metric" item built on them.
#pragma once

#include <imgui.h>

namespace mlsys::gui {

// Shows `text` (wrapped) as a tooltip when the previous item is hovered.
void metric_tooltip(const char* text);

// A metric: a dim label above a large value, with `explanation` as its tooltip. `value` is preformatted.
void metric_value(const char* label, const char* value, const char* explanation);

// A dim "(?)" marker whose tooltip is `text`, for settings and chart titles.
void help_marker(const char* text);

}  // namespace mlsys::gui
