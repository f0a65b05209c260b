// Model file writer and strict reader: checks length, magic, version and CRC before trusting anything.
#include "models/io/model_file.hpp"

#include "models/core/files.hpp"

#include <zlib.h>

#include <bit>
#include <cstring>

namespace mlsys::models {

using core::fail;
using nlohmann::json;

static_assert(std::endian::native == std::endian::little, "the model file stores little-endian float32");

namespace {

void put_u32(std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint32_t get_u32(const std::string& in, size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
    return v;
}
uint32_t crc32_of(const char* data, size_t n) {
    uLong crc = crc32(0L, Z_NULL, 0);
    // zlib's crc32 takes uInt lengths; feed large buffers in pieces.
    while (n > 0) {
        const uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
        data += chunk;
        n -= chunk;
    }
    return static_cast<uint32_t>(crc);
}

struct Entry {
    std::string name;
    Tensor* tensor;
};

std::vector<Entry> all_tensors(Model& model) {
    std::vector<Entry> out;
    for (auto& p : model.params()) out.push_back({p.name, p.value});
    for (auto& p : model.state()) out.push_back({p.name, p.value});
    return out;
}

}  // namespace

std::string serialize_model(Model& model, const json& metadata) {
    json manifest = json::array();
    int64_t offset = 0;
    const auto tensors = all_tensors(model);
    for (const auto& e : tensors) {
        manifest.push_back({{"name", e.name}, {"shape", e.tensor->shape}, {"offset", offset}, {"count", e.tensor->size()}});
        offset += e.tensor->size();
    }
    const json header{{"spec", to_json(model.spec())}, {"tensors", manifest}, {"metadata", metadata}};
    const std::string header_text = header.dump();
    std::string out(kModelFileMagic, sizeof kModelFileMagic);
    put_u32(out, kModelFileVersion);
    put_u32(out, static_cast<uint32_t>(header_text.size()));
    out += header_text;
    for (const auto& e : tensors)
        out.append(reinterpret_cast<const char*>(e.tensor->ptr()), static_cast<size_t>(e.tensor->size()) * 4);
    put_u32(out, crc32_of(out.data(), out.size()));
    return out;
}

core::Result<LoadedModel> parse_model(const std::string& bytes, const std::string& what) {
    const size_t fixed = sizeof kModelFileMagic + 8;
    if (bytes.size() < fixed + 4)
        return fail(what + ": file is too short (" + std::to_string(bytes.size()) + " bytes) to be a model file");
    if (std::memcmp(bytes.data(), kModelFileMagic, sizeof kModelFileMagic) != 0)
        return fail(what + ": not an MLSys Lab model file (bad magic number)");
    const uint32_t version = get_u32(bytes, 8);
    if (version != kModelFileVersion)
        return fail(what + ": model file version " + std::to_string(version) + " is not supported (this build reads " +
                    std::to_string(kModelFileVersion) + ")");
    const uint32_t header_len = get_u32(bytes, 12);
    if (fixed + static_cast<size_t>(header_len) + 4 > bytes.size())
        return fail(what + ": truncated: the header says " + std::to_string(header_len) + " header bytes but the file has " +
                    std::to_string(bytes.size()) + " bytes in all");
    json header = json::parse(bytes.begin() + static_cast<std::ptrdiff_t>(fixed),
                              bytes.begin() + static_cast<std::ptrdiff_t>(fixed + header_len), nullptr, false);
    if (header.is_discarded() || !header.is_object() || !header.contains("spec") || !header.contains("tensors") ||
        !header["tensors"].is_array())
        return fail(what + ": corrupted header (not the expected JSON)");
    // The payload size follows from the manifest; check the total length before the checksum so a
    // truncated file is reported as truncated.
    int64_t total_floats = 0;
    for (const auto& t : header["tensors"]) {
        if (!t.is_object() || !t.contains("count") || !t["count"].is_number_integer() || t["count"].get<int64_t>() < 0)
            return fail(what + ": corrupted header (bad tensor entry)");
        total_floats += t["count"].get<int64_t>();
        if (total_floats > (int64_t(1) << 34)) return fail(what + ": corrupted header (implausible tensor sizes)");
    }
    const size_t expected = fixed + header_len + static_cast<size_t>(total_floats) * 4 + 4;
    if (bytes.size() < expected)
        return fail(what + ": truncated: expected " + std::to_string(expected) + " bytes, found " + std::to_string(bytes.size()));
    if (bytes.size() > expected)
        return fail(what + ": " + std::to_string(bytes.size() - expected) + " unexpected bytes after the end of the model");
    const uint32_t stored = get_u32(bytes, expected - 4);
    const uint32_t computed = crc32_of(bytes.data(), expected - 4);
    if (stored != computed) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "checksum mismatch (stored %08x, computed %08x): the file is corrupted", stored, computed);
        return fail(what + ": " + buf);
    }
    auto spec = parse_model_spec(header["spec"]);
    if (!spec) return fail(what + ": model description: " + spec.error());
    auto model = Model::build(*spec, 0);
    if (!model) return fail(what + ": " + model.error());
    auto tensors = all_tensors(*model);
    const auto& manifest = header["tensors"];
    if (manifest.size() != tensors.size())
        return fail(what + ": the file holds " + std::to_string(manifest.size()) + " tensors but the model has " +
                    std::to_string(tensors.size()));
    const char* payload = bytes.data() + fixed + header_len;
    int64_t offset = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const auto& m = manifest[i];
        const int64_t count = m["count"].get<int64_t>();
        if (!m.contains("name") || m["name"] != tensors[i].name || count != tensors[i].tensor->size())
            return fail(what + ": tensor " + std::to_string(i) + " (" + m.value("name", std::string("?")) +
                        ") does not match the model's " + tensors[i].name);
        std::memcpy(tensors[i].tensor->ptr(), payload + offset * 4, static_cast<size_t>(count) * 4);
        offset += count;
    }
    LoadedModel out{std::move(*model), header.value("metadata", json::object())};
    return out;
}

core::Status save_model(const std::filesystem::path& path, Model& model, const json& metadata) {
    return core::write_file_atomic(path, serialize_model(model, metadata));
}

core::Result<LoadedModel> load_model(const std::filesystem::path& path) {
    auto bytes = core::read_file(path);
    if (!bytes) return fail(bytes.error());
    return parse_model(*bytes, path.string());
}

}  // namespace mlsys::models
