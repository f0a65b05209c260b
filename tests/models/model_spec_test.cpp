// Model descriptions: parsing, presets and the Workload numbers (hand-computed, and the textbook's).
#include "models/model/model.hpp"
#include "models/model/model_spec.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace mlsys::models;
using nlohmann::json;

TEST_SUITE_BEGIN("models.model");

TEST_CASE("preset mlp: 784-128-10 has 101770 parameters and 101632 MACs") {
    auto spec = preset_spec("mlp");
    REQUIRE(spec.ok());
    auto w = make_workload(*spec);
    REQUIRE(w.ok());
    // 784*128 + 128 = 100,480 and 128*10 + 10 = 1,290.
    CHECK(w->total_params() == 101770);
    // 784*128 + 128*10 multiply-accumulates per image.
    CHECK(w->total_macs() == 101632);
    CHECK(w->layers.back().output_elems() == 10);
}

TEST_CASE("preset cnn: per-layer shapes - GEMM lowering - parameters and MACs") {
    auto w = make_workload(*preset_spec("cnn"));
    REQUIRE(w.ok());
    const auto& conv1 = w->layers[0];
    CHECK(conv1.op == OpKind::Conv2D);
    CHECK(conv1.out_h == 28);
    CHECK(conv1.out_c == 16);
    CHECK(conv1.gemm_m == 28 * 28);
    CHECK(conv1.gemm_n == 16);
    CHECK(conv1.gemm_k == 9);
    CHECK(conv1.macs == 112896);  // 28*28 positions x 16 filters x 9
    const auto& conv2 = w->layers[3];
    CHECK(conv2.in_h == 14);
    CHECK(conv2.gemm_k == 144);      // 3*3*16
    CHECK(conv2.macs == 903168);     // 14*14 x 32 x 144
    CHECK(conv2.n_params() == 4640); // 144*32 + 32
    CHECK(w->layers[6].op == OpKind::Reshape);
    CHECK(w->layers[6].out_c == 1568);  // 7*7*32
    // 160 + 4,640 + 100,416 + 650
    CHECK(w->total_params() == 105866);
    CHECK(w->total_macs() == 112896 + 903168 + 100352 + 640);
}

TEST_CASE("the textbook's 784-100-100-10 MLP: 89610 parameters and 89400 MACs (BOOK.md - S 3.6.3)") {
    json j = {{"input_shape", {784}},
              {"n_classes", 10},
              {"layers",
               {{{"type", "dense"}, {"units", 100}}, {{"type", "relu"}}, {{"type", "dense"}, {"units", 100}},
                {{"type", "relu"}}, {{"type", "dense"}, {"units", 10}}, {{"type", "softmax"}}}}};
    auto spec = parse_model_spec(j);
    REQUIRE(spec.ok());
    auto w = make_workload(*spec);
    REQUIRE(w.ok());
    CHECK(w->total_params() == 89610);
    CHECK(w->total_macs() == 89400);
    // 358.44 KB as fp32 with 1 KB = 1,000 bytes.
    CHECK(w->total_params() * 4 == 358440);
}

TEST_CASE("dscnn uses depthwise layers lowered per channel") {
    auto w = make_workload(*preset_spec("dscnn"));
    REQUIRE(w.ok());
    bool found = false;
    for (const auto& l : w->layers) {
        if (l.op != OpKind::DepthwiseConv2D) continue;
        found = true;
        CHECK(l.gemm_n == 1);
        CHECK(l.gemm_k == 9);
        CHECK(l.n_gemms == l.in_c);
        CHECK(l.macs == int64_t(l.out_h) * l.out_w * l.in_c * 9);
    }
    CHECK(found);
    CHECK(w->layers.back().output_elems() == 10);
}

TEST_CASE("model descriptions: bad input is refused with the key named") {
    auto bad = [](json j) { return parse_model_spec(j).error(); };
    json ok = {{"input_shape", {4}}, {"n_classes", 2}, {"layers", {{{"type", "dense"}, {"units", 2}}}}};
    CHECK(parse_model_spec(ok).ok());
    json j = ok;
    j.erase("input_shape");
    CHECK(bad(j) == "input_shape: missing (e.g. [28, 28, 1] or [784])");
    j = ok;
    j["input_shape"] = {4, -1};
    CHECK(bad(j) == "input_shape[1]: must be a positive integer, got -1");
    j = ok;
    j["n_classes"] = 1;
    CHECK(bad(j) == "n_classes: must be an integer >= 2");
    j = ok;
    j["layers"] = json::array();
    CHECK(bad(j) == "layers: must be a non-empty array of layer objects");
    j = ok;
    j["colour"] = "red";
    CHECK(bad(j) == "model description: unknown key \"colour\"");
    j = ok;
    j["layers"][0]["units"] = 3;
    CHECK(bad(j) == "layers: the last layer outputs 3 values but n_classes is 2");
    j = ok;
    j["version"] = 7;
    CHECK(bad(j) == "version: this build reads version 1, got 7");
    j = ok;
    j["layers"] = {{{"type", "dense"}, {"units", 2}, {"name", "a"}}, {{"type", "dense"}, {"units", 2}, {"name", "a"}}};
    CHECK(bad(j) == "layers[1].name: \"a\" is already used by layers[0]");
    // A conv layer on a flat input cannot be built; the error names the layer.
    j = ok;
    j["layers"] = {{{"type", "conv2d"}, {"filters", 2}, {"kernel", 3}}};
    CHECK(bad(j).rfind("layers[0]", 0) == 0);
    CHECK(preset_spec("resnet").error() == "unknown model preset \"resnet\" (presets: mlp, cnn, dscnn, tiny, playground)");
}

TEST_CASE("to_json round-trips a preset") {
    for (const auto& name : preset_names()) {
        auto spec = preset_spec(name);
        REQUIRE(spec.ok());
        auto again = parse_model_spec(to_json(*spec));
        REQUIRE(again.ok());
        CHECK(to_json(*again) == to_json(*spec));
    }
}

TEST_CASE("adapt_to_dataset resizes the input and the head - and refuses impossible inputs") {
    auto mlp = *preset_spec("mlp");
    REQUIRE(adapt_to_dataset(mlp, {2}, 3).ok());
    auto w = make_workload(mlp);
    REQUIRE(w.ok());
    CHECK(w->layers.back().output_elems() == 3);
    CHECK(w->layers[1].gemm_k == 2);
    auto cnn = *preset_spec("cnn");
    auto st = adapt_to_dataset(cnn, {2}, 2);
    CHECK_FALSE(st.ok());
    CHECK(st.error().rfind("model \"cnn\" cannot take inputs of shape 2", 0) == 0);
}

TEST_CASE("Model::build: same seed - identical weights; clone is a deep copy") {
    auto a = Model::build(*preset_spec("cnn"), 7);
    auto b = Model::build(*preset_spec("cnn"), 7);
    auto c = Model::build(*preset_spec("cnn"), 8);
    REQUIRE(a.ok());
    auto pa = a->params(), pb = b->params(), pc = c->params();
    REQUIRE(pa.size() == pb.size());
    bool all_equal = true, any_differs = false;
    for (size_t i = 0; i < pa.size(); ++i) {
        all_equal = all_equal && pa[i].value->data == pb[i].value->data;
        any_differs = any_differs || pa[i].value->data != pc[i].value->data;
    }
    CHECK(all_equal);
    CHECK(any_differs);
    CHECK(a->n_params() == 105866);
    auto copy = a->clone();
    REQUIRE(copy.ok());
    auto pcopy = copy->params();
    CHECK(pcopy[0].value->data == pa[0].value->data);
    pcopy[0].value->data[0] += 1.0f;
    CHECK(pcopy[0].value->data[0] != pa[0].value->data[0]);
}

TEST_SUITE_END();
