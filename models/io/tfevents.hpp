// TensorBoard event files (events.out.tfevents.*) written directly: CRC-32C, TFRecord framing and the few
// protobuf fields of a scalar tensorflow.Event, so no TensorFlow or protobuf library is needed. Also a
// strict reader of the same subset, used to check files. Pure functions and file I/O only.
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mlsys::models {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as in RFC 3720 and TFRecord.
uint32_t crc32c(std::string_view bytes);
// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8.
uint32_t masked_crc32c(std::string_view bytes);

// One TFRecord: uint64 length (little-endian), masked CRC of those 8 bytes, the payload, masked CRC of it.
std::string tfrecord_frame(std::string_view payload);

// The serialized tensorflow.Event {wall_time = 1 (double), file_version = 3 (string)}: the first record
// of every event file ("brain.Event:2").
std::string encode_file_version_event(double wall_time_s, const std::string& version = "brain.Event:2");
// The serialized Event {wall_time = 1, step = 2 (omitted when 0, as proto3 does), summary = 5 {value = 1
// {tag = 1, simple_value = 2 (float)}}}: one scalar point as TensorBoard's Scalars tab reads it.
std::string encode_scalar_event(double wall_time_s, int64_t step, const std::string& tag, float value);

// One scalar point to write.
struct ScalarPoint {
    std::string tag;
    int64_t step = 0;
    double wall_time_s = 0;  // seconds since the Unix epoch
    float value = 0;
};

// Writes <dir>/events.out.tfevents.<seconds>.mlsyslab (the file-version record, then each point) through a
// temporary name and a rename; returns the file's path. Creates dir.
core::Result<std::filesystem::path> write_tfevents_file(const std::filesystem::path& dir, double start_wall_time_s,
                                                        const std::vector<ScalarPoint>& points);

// What the reader found in an event file.
struct TfEventsContents {
    std::string file_version;        // from the first record
    std::vector<ScalarPoint> points;  // every scalar value, in file order
};
// Reads an event file written by write_tfevents_file (or any file of scalar simple_value Events), checking
// both CRCs of every record; the error names the record number and the problem.
core::Result<TfEventsContents> read_tfevents(const std::string& bytes);

}  // namespace mlsys::models
