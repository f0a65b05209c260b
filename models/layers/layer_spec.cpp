// LayerSpec JSON parsing: strict (unknown keys and wrong types refused) with the key path in every error.
#include "models/layers/layer_spec.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace mlsys::models {

using core::fail;
using core::Result;
using nlohmann::json;

namespace {

struct KindName {
    LayerKind kind;
    const char* name;
};
constexpr KindName kKinds[] = {
    {LayerKind::Dense, "dense"},         {LayerKind::Conv2D, "conv2d"},
    {LayerKind::DepthwiseConv2D, "depthwise_conv2d"}, {LayerKind::MaxPool2D, "maxpool2d"},
    {LayerKind::AvgPool2D, "avgpool2d"}, {LayerKind::GlobalAvgPool, "global_avgpool"},
    {LayerKind::Flatten, "flatten"},     {LayerKind::ReLU, "relu"},
    {LayerKind::Sigmoid, "sigmoid"},     {LayerKind::Tanh, "tanh"},
    {LayerKind::Softmax, "softmax"},     {LayerKind::Dropout, "dropout"},
    {LayerKind::BatchNorm, "batchnorm"},
};

bool is_pool(LayerKind k) { return k == LayerKind::MaxPool2D || k == LayerKind::AvgPool2D; }
bool is_conv(LayerKind k) { return k == LayerKind::Conv2D || k == LayerKind::DepthwiseConv2D; }

// The keys each kind accepts besides "type" and "name".
std::set<std::string> allowed_keys(LayerKind k) {
    switch (k) {
    case LayerKind::Dense: return {"units", "use_bias"};
    case LayerKind::Conv2D: return {"filters", "kernel", "stride", "padding", "use_bias"};
    case LayerKind::DepthwiseConv2D: return {"kernel", "stride", "padding", "use_bias"};
    case LayerKind::MaxPool2D:
    case LayerKind::AvgPool2D: return {"pool", "kernel", "stride", "padding"};
    case LayerKind::Dropout: return {"rate"};
    case LayerKind::BatchNorm: return {"momentum", "epsilon"};
    case LayerKind::GlobalAvgPool:
    case LayerKind::Flatten:
    case LayerKind::ReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
    case LayerKind::Softmax: return {};
    }
    return {};
}

Result<int> positive_int(const json& v, const std::string& path, const char* what = "a positive integer") {
    if (!v.is_number_integer() || v.get<int64_t>() <= 0 || v.get<int64_t>() > (1 << 20))
        return fail(path + ": must be " + what + ", got " + v.dump());
    return v.get<int>();
}

}  // namespace

const char* to_string(LayerKind kind) {
    for (const auto& k : kKinds)
        if (k.kind == kind) return k.name;
    return "?";
}

Result<LayerKind> parse_layer_kind(const std::string& name) {
    for (const auto& k : kKinds)
        if (name == k.name) return k.kind;
    std::string names;
    for (const auto& k : kKinds) names += std::string(names.empty() ? "" : ", ") + k.name;
    return fail("unknown layer type \"" + name + "\" (types: " + names + ")");
}

Result<LayerSpec> parse_layer_spec(const json& j, const std::string& where) {
    if (!j.is_object()) return fail(where + ": must be an object like {\"type\": \"dense\", \"units\": 10}");
    if (!j.contains("type") || !j["type"].is_string()) return fail(where + ".type: missing (a string such as \"dense\")");
    auto kind = parse_layer_kind(j["type"].get<std::string>());
    if (!kind) return fail(where + ".type: " + kind.error());
    LayerSpec s;
    s.kind = *kind;
    const auto allowed = allowed_keys(s.kind);
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "type" || it.key() == "name" || allowed.count(it.key())) continue;
        return fail(where + "." + it.key() + ": not a key of a " + std::string(to_string(s.kind)) + " layer");
    }
    if (j.contains("name")) {
        if (!j["name"].is_string() || j["name"].get<std::string>().empty())
            return fail(where + ".name: must be a non-empty string");
        s.name = j["name"].get<std::string>();
    }
    if (s.kind == LayerKind::Dense) {
        if (!j.contains("units")) return fail(where + ".units: missing (the number of outputs)");
        auto u = positive_int(j["units"], where + ".units");
        if (!u) return fail(u.error());
        s.units = *u;
    }
    if (s.kind == LayerKind::Conv2D) {
        if (!j.contains("filters")) return fail(where + ".filters: missing (the number of output channels)");
        auto f = positive_int(j["filters"], where + ".filters");
        if (!f) return fail(f.error());
        s.filters = *f;
    }
    if (is_pool(s.kind)) s.kernel_h = s.kernel_w = 2;
    const char* kernel_key = j.contains("pool") ? "pool" : "kernel";
    if ((is_conv(s.kind) || is_pool(s.kind)) && j.contains(kernel_key)) {
        const json& k = j[kernel_key];
        const std::string path = where + "." + kernel_key;
        if (k.is_array()) {
            if (k.size() != 2) return fail(path + ": must be a positive integer or [h, w], got " + k.dump());
            auto h = positive_int(k[0], path, "a positive integer or [h, w]");
            auto w = positive_int(k[1], path, "a positive integer or [h, w]");
            if (!h || !w) return fail(path + ": must be a positive integer or [h, w], got " + k.dump());
            s.kernel_h = *h;
            s.kernel_w = *w;
        } else {
            auto v = positive_int(k, path, "a positive integer or [h, w]");
            if (!v) return fail(v.error());
            s.kernel_h = s.kernel_w = *v;
        }
    }
    if (is_pool(s.kind)) s.stride = s.kernel_h;
    if (j.contains("stride")) {
        auto st = positive_int(j["stride"], where + ".stride");
        if (!st) return fail(st.error());
        s.stride = *st;
    }
    if (j.contains("padding")) {
        const json& p = j["padding"];
        if (p == "same") {
            if (s.kernel_h % 2 == 0 || s.kernel_w % 2 == 0)
                return fail(where + ".padding: \"same\" needs an odd kernel, got " + std::to_string(s.kernel_h) + "x" +
                            std::to_string(s.kernel_w));
            if (s.kernel_h != s.kernel_w)
                return fail(where + ".padding: \"same\" needs a square kernel (padding is symmetric)");
            s.padding = (s.kernel_h - 1) / 2;
        } else if (p == "valid") {
            s.padding = 0;
        } else if (p.is_number_integer() && p.get<int64_t>() >= 0 && p.get<int64_t>() < 4096) {
            s.padding = p.get<int>();
        } else {
            return fail(where + ".padding: must be \"same\", \"valid\" or a non-negative integer, got " + p.dump());
        }
    }
    if (j.contains("use_bias")) {
        if (!j["use_bias"].is_boolean()) return fail(where + ".use_bias: must be true or false");
        s.use_bias = j["use_bias"].get<bool>();
    }
    if (j.contains("rate")) {
        const json& r = j["rate"];
        if (!r.is_number() || r.get<double>() < 0 || r.get<double>() >= 1)
            return fail(where + ".rate: must be a number in [0, 1), got " + r.dump());
        s.rate = r.get<float>();
    }
    if (j.contains("momentum")) {
        const json& m = j["momentum"];
        if (!m.is_number() || m.get<double>() < 0 || m.get<double>() >= 1)
            return fail(where + ".momentum: must be a number in [0, 1), got " + m.dump());
        s.momentum = m.get<float>();
    }
    if (j.contains("epsilon")) {
        const json& e = j["epsilon"];
        if (!e.is_number() || e.get<double>() <= 0) return fail(where + ".epsilon: must be a positive number, got " + e.dump());
        s.epsilon = e.get<float>();
    }
    return s;
}

json to_json(const LayerSpec& s) {
    json j{{"type", to_string(s.kind)}};
    if (!s.name.empty()) j["name"] = s.name;
    switch (s.kind) {
    case LayerKind::Dense:
        j["units"] = s.units;
        if (!s.use_bias) j["use_bias"] = false;
        break;
    case LayerKind::Conv2D:
        j["filters"] = s.filters;
        [[fallthrough]];
    case LayerKind::DepthwiseConv2D:
        j["kernel"] = s.kernel_h == s.kernel_w ? json(s.kernel_h) : json{s.kernel_h, s.kernel_w};
        j["stride"] = s.stride;
        j["padding"] = s.padding;
        if (!s.use_bias) j["use_bias"] = false;
        break;
    case LayerKind::MaxPool2D:
    case LayerKind::AvgPool2D:
        j["pool"] = s.kernel_h == s.kernel_w ? json(s.kernel_h) : json{s.kernel_h, s.kernel_w};
        j["stride"] = s.stride;
        if (s.padding) j["padding"] = s.padding;
        break;
    case LayerKind::Dropout: j["rate"] = s.rate; break;
    case LayerKind::BatchNorm:
        j["momentum"] = s.momentum;
        j["epsilon"] = s.epsilon;
        break;
    case LayerKind::GlobalAvgPool:
    case LayerKind::Flatten:
    case LayerKind::ReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
    case LayerKind::Softmax: break;
    }
    return j;
}

}  // namespace mlsys::models
