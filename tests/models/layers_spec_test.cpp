// Layer descriptions: the JSON keys each type accepts, defaults, and the exact messages for bad input.
#include "models/layers/layer.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace mlsys::models;
using nlohmann::json;

TEST_SUITE_BEGIN("models.layers");

TEST_CASE("layer specs parse with defaults and round-trip") {
    auto conv = parse_layer_spec(json{{"type", "conv2d"}, {"filters", 8}, {"kernel", {5, 3}}, {"stride", 2}}, "l");
    REQUIRE(conv.ok());
    CHECK(conv->kernel_h == 5);
    CHECK(conv->kernel_w == 3);
    CHECK(conv->padding == 0);
    CHECK(conv->use_bias);
    auto pool = parse_layer_spec(json{{"type", "maxpool2d"}, {"pool", 3}}, "l");
    REQUIRE(pool.ok());
    CHECK(pool->stride == 3);  // pools step by their window unless told otherwise
    auto same = parse_layer_spec(json{{"type", "conv2d"}, {"filters", 1}, {"kernel", 5}, {"padding", "same"}}, "l");
    CHECK(same->padding == 2);
    for (const json& j : {json{{"type", "dense"}, {"units", 4}, {"use_bias", false}, {"name", "head"}},
                          json{{"type", "dropout"}, {"rate", 0.25}}, json{{"type", "batchnorm"}, {"momentum", 0.8}}}) {
        auto s = parse_layer_spec(j, "l");
        REQUIRE(s.ok());
        auto again = parse_layer_spec(to_json(*s), "l");
        REQUIRE(again.ok());
        CHECK(to_json(*again) == to_json(*s));
    }
}

TEST_CASE("bad layer specs name the key and the value") {
    auto err = [](const json& j) { return parse_layer_spec(j, "layers[2]").error(); };
    CHECK(err(json::array()) == "layers[2]: must be an object like {\"type\": \"dense\", \"units\": 10}");
    CHECK(err(json{{"units", 3}}) == "layers[2].type: missing (a string such as \"dense\")");
    CHECK(err(json{{"type", "lstm"}}).rfind("layers[2].type: unknown layer type \"lstm\" (types: dense, conv2d", 0) == 0);
    CHECK(err(json{{"type", "dense"}}) == "layers[2].units: missing (the number of outputs)");
    CHECK(err(json{{"type", "dense"}, {"units", 0}}) == "layers[2].units: must be a positive integer, got 0");
    CHECK(err(json{{"type", "dense"}, {"units", 4}, {"kernel", 3}}) == "layers[2].kernel: not a key of a dense layer");
    CHECK(err(json{{"type", "conv2d"}, {"filters", 4}, {"kernel", "x"}}) ==
          "layers[2].kernel: must be a positive integer or [h, w], got \"x\"");
    CHECK(err(json{{"type", "conv2d"}, {"filters", 4}, {"kernel", {3, 3, 3}}}) ==
          "layers[2].kernel: must be a positive integer or [h, w], got [3,3,3]");
    CHECK(err(json{{"type", "conv2d"}, {"filters", 4}, {"kernel", 2}, {"padding", "same"}}) ==
          "layers[2].padding: \"same\" needs an odd kernel, got 2x2");
    CHECK(err(json{{"type", "conv2d"}, {"filters", 4}, {"padding", -1}}) ==
          "layers[2].padding: must be \"same\", \"valid\" or a non-negative integer, got -1");
    CHECK(err(json{{"type", "dropout"}, {"rate", 1.0}}) == "layers[2].rate: must be a number in [0, 1), got 1.0");
    CHECK(err(json{{"type", "conv2d"}, {"filters", 4}, {"stride", 0}}) == "layers[2].stride: must be a positive integer, got 0");
}

TEST_CASE("layers refuse input shapes they cannot take") {
    auto build = [](const json& j, const Shape& in) {
        auto spec = parse_layer_spec(j, "l");
        REQUIRE(spec.ok());
        spec->name = "x";
        auto layer = make_layer(*spec);
        REQUIRE(layer.ok());
        return (*layer)->build(in).error();
    };
    CHECK(build(json{{"type", "dense"}, {"units", 4}}, {7, 7, 32}) ==
          "x: dense needs a flat input (add a flatten layer before it), got 7x7x32");
    CHECK(build(json{{"type", "conv2d"}, {"filters", 4}, {"kernel", 5}}, {3, 3, 1}) ==
          "x: kernel 5x5 is larger than the padded input 3x3");
    CHECK(build(json{{"type", "conv2d"}, {"filters", 4}}, {10}) ==
          "x: conv2d needs an image input (height x width x channels), got 10");
    CHECK(build(json{{"type", "maxpool2d"}, {"pool", 4}}, {3, 3, 1}) == "x: pool 4x4 is larger than the input 3x3");
}

TEST_SUITE_END();
