// Built-in topology table and loaders over core::assets_dir()/topologies.
#include "sim/accel/builtin_topologies.hpp"

#include "models/core/files.hpp"
#include "models/model/model_spec.hpp"

#include <cctype>
#include <filesystem>

namespace mlsys::sim::accel {
namespace {

std::string key(const std::string& s) {
    std::string k;
    for (char c : s)
        if (c != '-' && c != '_' && c != ' ') k += char(std::tolower(static_cast<unsigned char>(c)));
    return k;
}

}  // namespace

const std::vector<BuiltinTopology>& builtin_topologies() {
    static const std::vector<BuiltinTopology> list = {
        {"alexnet", "alexnet.csv", "AlexNet (Krizhevsky et al., NeurIPS 2012), 5 conv + 3 FC"},
        {"vgg16", "vgg16.csv", "VGG-16 (Simonyan & Zisserman, ICLR 2015), 13 conv + 3 FC"},
        {"resnet18", "resnet18.csv", "ResNet-18 (He et al., CVPR 2016), 20 conv + FC"},
        {"resnet50", "resnet50.csv", "ResNet-50 (He et al., CVPR 2016), 53 conv + FC"},
        {"mobilenet_v1", "mobilenet_v1.csv", "MobileNetV1 (Howard et al., 2017), depthwise-separable"},
        {"mobilenet_v2", "mobilenet_v2.csv", "MobileNetV2 (Sandler et al., CVPR 2018), inverted residuals"},
        {"bert_base_128", "bert_base_seq128.csv", "BERT-base encoder layer GEMMs at 128 tokens (Devlin et al., 2019)"},
        {"bert_base_512", "bert_base_seq512.csv", "BERT-base encoder layer GEMMs at 512 tokens (Devlin et al., 2019)"},
    };
    return list;
}

core::Result<ParsedTopology> load_builtin_topology(const std::string& name) {
    const std::string k = key(name);
    for (const BuiltinTopology& t : builtin_topologies()) {
        if (key(t.name) != k && key(t.file) != k + "csv") continue;
        const std::filesystem::path path = core::assets_dir() / "topologies" / t.file;
        auto text = core::read_file(path);
        if (!text) return core::fail("built-in topology " + t.name + ": " + text.error());
        return parse_scalesim_topology(*text, path.string(), t.name);
    }
    // The app's own model presets ("mlp", "cnn", ...), including their vector-unit layers.
    for (const std::string& preset : models::preset_names()) {
        if (key(preset) != k) continue;
        auto spec = models::preset_spec(preset);
        if (!spec) return core::fail(spec.error());
        auto w = models::make_workload(*spec);
        if (!w) return core::fail("model preset " + preset + ": " + w.error());
        ParsedTopology t;
        t.workload = std::move(*w);
        t.form = TopologyForm::Conv;
        return t;
    }
    std::string names;
    for (const BuiltinTopology& t : builtin_topologies()) names += (names.empty() ? "" : ", ") + t.name;
    for (const std::string& preset : models::preset_names()) names += ", " + preset;
    return core::fail("unknown topology '" + name + "' (built-in: " + names + "; or give a CSV file)");
}

core::Result<ParsedTopology> load_topology(const std::string& name_or_path, TopologyForm form) {
    const std::filesystem::path p(name_or_path);
    const bool looks_like_file = p.has_extension() || name_or_path.find('/') != std::string::npos;
    if (!looks_like_file) return load_builtin_topology(name_or_path);
    auto text = core::read_file(p);
    if (!text) return core::fail(text.error());
    std::string stem = p.stem().string();
    return parse_scalesim_topology(*text, name_or_path, stem, form);
}

}  // namespace mlsys::sim::accel
