// Board jobs over BoardClient (see board_ops.hpp).
#include "app/session/board_ops.hpp"

#include "hardware/boards/from_quantized.hpp"
#include "hardware/protocol/plotter_format.hpp"
#include "models/core/rng.hpp"
#include "models/data/csv_dataset.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>

namespace mlsys::session {

core::Result<hardware::BoardModel> load_board_model(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return core::fail(path + ": cannot open");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return hardware::parse_any_board_model(bytes, path);  // MLB1, or an MLQ8 image from `mlsyslab optimize`
}

core::Status save_board_model(const hardware::BoardModel& m, const std::string& path) {
    if (auto st = hardware::validate_board_model(m); !st) return st;
    const auto bytes = hardware::write_board_model(m);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out) return core::fail(path + ": cannot write");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return core::fail(path + ": cannot rename the temporary file");
    return core::Status::success();
}

core::Result<hardware::Capture> capture_from_board(hardware::BoardClient& client, const CaptureRequest& request,
                                                   const std::function<bool(const hardware::Capture&)>& on_sample) {
    if (request.seconds <= 0) return core::fail("capture: seconds must be positive");
    auto info = client.start_stream(request.sensor, request.rate_hz);
    if (!info) return core::fail(info.error());
    hardware::Capture cap;
    cap.sensor = info->sensor;
    cap.label = request.label;
    cap.channels = info->channels;
    cap.units = info->units;
    hardware::TimestampUnwrapper unwrap;
    uint64_t t0 = 0;
    // N seconds at R Hz is R*N samples: stop half a period early so that sampling jitter cannot add one.
    const auto span_us = static_cast<uint64_t>(request.seconds * 1e6 - 0.5e6 / info->rate_hz);
    bool done = false;
    // Wall-clock guard: a board running at real time needs `seconds`; allow slack for a slow simulation.
    const int guard_ms = static_cast<int>(request.seconds * 1000 * 20) + 5000;
    auto st = client.read_samples(guard_ms, [&](const hardware::SampleLine& s) {
        if (s.values.size() != cap.channels.size()) return true;  // a damaged line: skip it
        const uint64_t t = unwrap.unwrap(s.t_us);
        if (cap.rows.empty()) t0 = t;
        if (t - t0 >= span_us) {
            done = true;
            return false;
        }
        cap.t_ms.push_back(static_cast<double>(t - t0) / 1000.0);
        cap.rows.emplace_back(s.values.begin(), s.values.end());
        if (on_sample && !on_sample(cap)) {
            done = true;
            return false;
        }
        return true;
    });
    if (!st) return core::fail(st.error() + " (" + std::to_string(cap.n_samples()) + " samples captured before)");
    (void)client.stop_stream();
    if (!done && cap.rows.empty()) return core::fail("capture: no samples from " + client.path());
    return cap;
}

core::Result<hardware::Capture> capture_plotter_lines(hardware::BoardClient& client, double seconds, const std::string& label) {
    hardware::Capture cap;
    cap.sensor = "plotter";
    cap.label = label;
    const auto t0 = std::chrono::steady_clock::now();
    int n_bad = 0;
    while (true) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (elapsed >= seconds) break;
        auto lines = client.read_lines(static_cast<int>(std::min(200.0, (seconds - elapsed) * 1000)) + 1);
        if (!lines) return core::fail(lines.error());
        const double now_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        for (const auto& l : *lines) {
            auto s = hardware::parse_plotter_line(l);
            if (!s) {
                ++n_bad;
                continue;
            }
            if (cap.channels.empty()) {
                for (size_t i = 0; i < s->values.size(); ++i)
                    cap.channels.push_back(s->labels[i].empty() ? "ch" + std::to_string(i) : s->labels[i]);
            }
            if (s->values.size() != cap.channels.size()) {
                ++n_bad;
                continue;
            }
            cap.t_ms.push_back(now_ms);
            cap.rows.push_back(s->values);
        }
    }
    if (cap.rows.empty())
        return core::fail("no plotter or data-forwarder lines from " + client.path() + " in " + std::to_string(seconds) +
                          " s (" + std::to_string(n_bad) + " other lines)");
    return cap;
}

core::Result<InferComparison> compare_inference(hardware::BoardClient& client, const hardware::BoardModel& m,
                                                const std::vector<std::vector<int8_t>>& inputs, const std::vector<int>& labels) {
    InferComparison cmp;
    std::vector<int64_t> cycles, micros;
    for (size_t i = 0; i < inputs.size(); ++i) {
        auto r = client.infer(inputs[i], m.n_outputs());
        if (!r) return core::fail("input " + std::to_string(i) + ": " + r.error());
        InferRow row;
        row.input = inputs[i];
        row.board = r->scores;
        row.desktop = hardware::infer_board_model(m, inputs[i]);
        row.board_class = r->predicted_class;
        row.cycles = r->cycles;
        row.micros = r->micros;
        row.label = i < labels.size() ? labels[i] : -1;
        if (row.board == row.desktop) ++cmp.n_equal;
        cycles.push_back(row.cycles);
        micros.push_back(row.micros);
        cmp.rows.push_back(std::move(row));
    }
    if (!labels.empty()) {
        cmp.n_correct = 0;
        for (const auto& r : cmp.rows) cmp.n_correct += r.board_class == r.label ? 1 : 0;
    }
    if (!cycles.empty()) {
        std::sort(cycles.begin(), cycles.end());
        std::sort(micros.begin(), micros.end());
        cmp.median_cycles = cycles[cycles.size() / 2];
        cmp.median_micros = micros[micros.size() / 2];
    }
    return cmp;
}

core::Result<InferInputs> load_infer_inputs(const std::string& dataset, const hardware::BoardModel& m, int count, uint64_t seed) {
    InferInputs in;
    if (count < 1) return core::fail("--count must be at least 1");
    if (dataset.empty() || dataset == "random") {
        core::Rng rng(seed);
        for (int i = 0; i < count; ++i) {
            std::vector<int8_t> x(static_cast<size_t>(m.n_inputs()));
            for (auto& v : x) v = static_cast<int8_t>(static_cast<int>(rng.uniform_int(256)) - 128);
            in.inputs.push_back(std::move(x));
        }
        return in;
    }
    auto data = models::load_csv_dataset(dataset);
    if (!data) return core::fail(data.error());
    if (data->sample_size() != m.n_inputs())
        return core::fail(dataset + ": " + std::to_string(data->sample_size()) + " features, the model takes " +
                          std::to_string(m.n_inputs()));
    const int n = std::min(count, data->size());
    for (int i = 0; i < n; ++i) {
        const float* x = data->sample(i);
        in.inputs.push_back(hardware::quantize_input(m, std::vector<float>(x, x + m.n_inputs())));
        in.labels.push_back(data->y[static_cast<size_t>(i)]);
    }
    return in;
}

}  // namespace mlsys::session
