// Source positions for JSON files: turns nlohmann's byte offsets into lines, and finds the line where a
// value sits by its key path, so a lab file's errors can say "file:LINE: reason". Text scanning only.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace mlsys::labs {

// A step of a key path: an object key or an array index.
using PathPart = std::variant<std::string, size_t>;

// The 1-based line of byte offset `offset` in `text` (offsets past the end give the last line).
int line_of_offset(const std::string& text, size_t offset);

// The 1-based line where the value at `path` starts in the JSON `text` (for an object key, the line of the
// key). Falls back to the line of the deepest prefix found; 1 for the empty path or unparsable text.
int line_of_path(const std::string& text, const std::vector<PathPart>& path);

// "steps[2].check" for a path, as errors print it.
std::string path_to_string(const std::vector<PathPart>& path);

}  // namespace mlsys::labs
