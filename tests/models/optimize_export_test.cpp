// The int8 export forms: the MLQ8 image and the C header round-trip to the same model (and the same
// integer outputs); a table of damaged images each gets its own clear error.
#include "models/model/model.hpp"
#include "models/optimize/int8_export.hpp"

#include <doctest/doctest.h>

#include <cstring>

using namespace mlsys::models;
using namespace mlsys::models::optimize;

TEST_SUITE_BEGIN("models.optimize");

namespace {

QuantizedModel make_q(const std::string& preset, bool per_channel) {
    auto spec = *preset_spec(preset);
    Dataset d;
    d.name = "synthetic";
    d.sample_shape = spec.input_shape;
    d.n_classes = spec.n_classes;
    for (int c = 0; c < spec.n_classes; ++c) d.class_names.push_back("c" + std::to_string(c));
    d.x = Tensor(batched(20, spec.input_shape));
    mlsys::core::Rng rng(11);
    for (auto& v : d.x.data) v = float(rng.uniform());
    for (int i = 0; i < 20; ++i) d.y.push_back(i % spec.n_classes);
    auto model = Model::build(spec, 2);
    REQUIRE(model.ok());
    QuantConfig cfg;
    cfg.per_channel = per_channel;
    auto q = quantize_model(*model, d, cfg);
    REQUIRE_MESSAGE(q.ok(), q.error());
    return *q;
}

void check_same(const QuantizedModel& a, const QuantizedModel& b) {
    CHECK(a.name == b.name);
    CHECK(a.input_shape == b.input_shape);
    CHECK(a.n_classes == b.n_classes);
    CHECK(a.input_q.scale == b.input_q.scale);
    CHECK(a.input_q.zero_point == b.input_q.zero_point);
    REQUIRE(a.layers.size() == b.layers.size());
    for (size_t k = 0; k < a.layers.size(); ++k) {
        const QLayer &x = a.layers[k], &y = b.layers[k];
        CHECK(x.op == y.op);
        CHECK(x.name == y.name);
        CHECK(x.out_elems() == y.out_elems());
        CHECK(x.weights == y.weights);
        CHECK(x.bias == y.bias);
        CHECK(x.weight_scale == y.weight_scale);
        CHECK(x.weight_zero_point == y.weight_zero_point);
        CHECK(x.lut == y.lut);
        CHECK(x.act_min == y.act_min);
        CHECK(x.out_q.scale == y.out_q.scale);
        REQUIRE(x.requant.size() == y.requant.size());
        for (size_t i = 0; i < x.requant.size(); ++i) {
            CHECK(x.requant[i].multiplier == y.requant[i].multiplier);
            CHECK(x.requant[i].shift == y.requant[i].shift);
        }
    }
}

}  // namespace

TEST_CASE("the MLQ8 image round-trips cnn dscnn and tiny") {
    for (const char* preset : {"cnn", "dscnn", "tiny", "playground"}) {
        for (bool pc : {true, false}) {
            const QuantizedModel q = make_q(preset, pc);
            auto image = serialize_int8(q);
            REQUIRE_MESSAGE(image.ok(), image.error());
            CHECK(image->substr(0, 4) == "MLQ8");
            CHECK(image->size() % 4 == 0);
            auto back = parse_int8(*image, "mem");
            REQUIRE_MESSAGE(back.ok(), back.error());
            check_same(q, *back);
            CHECK(*serialize_int8(*back) == *image);
        }
    }
}

TEST_CASE("the tiny model's image has the documented size") {
    // tiny = dense 6->16 (relu fused), dense 16->3, per-channel: header 32 + name "tiny" 4;
    // layer 0: 36 + name "dense_1" 8 + weights 96 + scales 64 + zero points 16 + bias 64 + mult 64 + shift 16 = 364;
    // layer 1: 36 + 8 + 48 + 12 + 4 + 12 + 12 + 4 = 136; CRC 4.
    const QuantizedModel q = make_q("tiny", true);
    auto image = serialize_int8(q);
    REQUIRE(image.ok());
    CHECK(image->size() == 32 + 4 + 364 + 136 + 4);
    CHECK(int8_arena_bytes(q) == 32);  // two buffers of 16
}

TEST_CASE("the C header carries the same image and per-layer arrays") {
    const QuantizedModel q = make_q("tiny", true);
    auto h = write_c_header(q, "tiny_model");
    REQUIRE_MESSAGE(h.ok(), h.error());
    CHECK(h->find("#define tiny_model_model_bytes") != std::string::npos);
    CHECK(h->find("PROGMEM") != std::string::npos);
    CHECK(h->find("static const int8_t tiny_model_l0_weights[96]") != std::string::npos);
    CHECK(h->find("static const int32_t tiny_model_l1_bias[3]") != std::string::npos);
    auto image = image_from_c_header(*h, "tiny_model.h");
    REQUIRE(image.ok());
    CHECK(*image == *serialize_int8(q));
    auto back = parse_int8(*image, "tiny_model.h");
    REQUIRE(back.ok());
    check_same(q, *back);
    CHECK(!write_c_header(q, "9lives").ok());
    CHECK(!write_c_header(q, "has-dash").ok());
}

TEST_CASE("damaged MLQ8 images are refused with a reason") {
    const QuantizedModel q = make_q("tiny", true);
    const std::string good = *serialize_int8(q);
    const auto refix_crc = [](std::string s) {
        const uint32_t c = int8_crc32(s, s.size() - 4);
        for (int k = 0; k < 4; ++k) s[s.size() - 4 + size_t(k)] = static_cast<char>((c >> (8 * k)) & 0xFF);
        return s;
    };
    struct Case {
        std::string name;
        std::string bytes;
        std::string expect;
    };
    std::vector<Case> cases;
    cases.push_back({"empty", "", "too short"});
    cases.push_back({"magic", "XLQ8" + good.substr(4), "bad magic"});
    std::string v = good;
    v[4] = 9;
    cases.push_back({"version", v, "version 9"});
    cases.push_back({"truncated", good.substr(0, good.size() - 8), "truncated"});
    std::string flip = good;
    flip[100] ^= 0x01;
    cases.push_back({"bit flip", flip, "CRC-32 mismatch"});
    std::string op = good;
    op[36] = 42;  // first layer's op code
    cases.push_back({"op", refix_crc(op), "unknown op code 42"});
    std::string nw = good;
    nw[36 + 32] = 95;  // n_weights 96 -> 95
    cases.push_back({"n_weights", refix_crc(nw), "n_weights 95 does not match"});
    std::string dim = good;
    dim[36 + 8] = 7;  // in_c 6 -> 7
    cases.push_back({"chain", refix_crc(dim), "takes 7 inputs"});
    std::string amin = good;
    amin[36 + 2] = 100;  // act_min 100 > act_max 127? no: set act_max below
    amin[36 + 3] = 50;
    cases.push_back({"clamp", refix_crc(amin), "act_min > act_max"});
    std::string sh = good;
    const size_t shift_at = 36 + 36 + 8 + 96 + 64 + 16 + 64 + 64;  // layer 0's first shift byte
    sh[shift_at] = 0;
    cases.push_back({"shift", refix_crc(sh), "invalid multiplier/shift"});
    for (const auto& c : cases) {
        CAPTURE(c.name);
        auto r = parse_int8(c.bytes, "model.mlq8");
        REQUIRE(!r.ok());
        CHECK_MESSAGE(r.error().find(c.expect) != std::string::npos, r.error());
        CHECK(r.error().rfind("model.mlq8: ", 0) == 0);
    }
}

TEST_CASE("every truncation and every single-byte change of an image is handled without a crash") {
    const QuantizedModel q = make_q("tiny", false);
    const std::string good = *serialize_int8(q);
    for (size_t n = 0; n < good.size(); ++n) CHECK(!parse_int8(good.substr(0, n), "t").ok());
    mlsys::core::Rng rng(5);
    int accepted = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string s = good;
        s[size_t(rng.uniform_int(s.size() - 4))] = static_cast<char>(rng.uniform_int(256));
        const uint32_t c = int8_crc32(s, s.size() - 4);
        for (int k = 0; k < 4; ++k) s[s.size() - 4 + size_t(k)] = static_cast<char>((c >> (8 * k)) & 0xFF);
        accepted += parse_int8(s, "t").ok();  // some changes (a scale, a weight) stay valid models
    }
    CHECK(accepted < 3000);
}

TEST_SUITE_END();
