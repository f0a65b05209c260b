// Zip archives (PKWARE APPNOTE 6.3, no ZIP64) with zlib's raw deflate: a writer for run bundles and a
// reader that checks every entry's CRC-32, used by tests and by anyone importing a bundle.
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mlsys::models {

// Writes a zip file entry by entry. Entries are deflated in memory (runs hold small files) and streamed to
// the file. Sizes are limited to 4 GiB per entry and archive (no ZIP64); beyond that add() fails.
class ZipWriter {
public:
    // Opens `path` for writing (truncates it). The error names the path.
    static core::Result<ZipWriter> create(const std::filesystem::path& path);

    // Adds an entry named `name` ('/'-separated, relative) holding `bytes`, with the given modification
    // time (seconds since the Unix epoch, stored as a DOS date in UTC).
    core::Status add(const std::string& name, const std::string& bytes, int64_t mtime_s = 0);
    // Adds a file from disk under `name`.
    core::Status add_file(const std::string& name, const std::filesystem::path& file);
    // Writes the central directory and closes the file. Must be called; without it the archive is invalid.
    core::Status finish();

private:
    struct Entry {
        std::string name;
        uint32_t crc = 0;
        uint32_t compressed_bytes = 0;
        uint32_t uncompressed_bytes = 0;
        uint16_t method = 0;
        uint16_t dos_time = 0, dos_date = 0;
        uint32_t offset = 0;
    };
    ZipWriter() = default;
    std::filesystem::path path_;
    std::ofstream out_;
    std::vector<Entry> entries_;
    uint64_t offset_ = 0;
    bool finished_ = false;
};

struct ZipEntry {
    std::string name;
    std::string bytes;
};
// Reads every entry of a zip archive (stored or deflated), checking CRC-32s; the error names the entry.
core::Result<std::vector<ZipEntry>> read_zip(const std::string& archive);

}  // namespace mlsys::models
