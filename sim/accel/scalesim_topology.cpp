// SCALE-Sim topology CSV reader and writer (scalesim/topology_utils.py semantics, with real error messages
// instead of Python asserts, and a warning instead of a silently dropped field).
#include "sim/accel/scalesim_files.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

namespace mlsys::sim::accel {
namespace {

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : line) {
        if (ch == ',') {
            out.push_back(trim(cur));
            cur.clear();
        } else {
            cur += ch;
        }
    }
    out.push_back(trim(cur));
    return out;
}

bool is_int(const std::string& s) {
    if (s.empty()) return false;
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

const char* const kConvColumns[] = {"Layer name", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width",
                                    "Channels",   "Num Filter",   "Strides",     "Stride Width"};
const char* const kGemmColumns[] = {"Layer Name", "M", "N", "K"};

models::WorkloadLayer conv_layer(const std::string& name, int64_t h, int64_t w, int64_t r, int64_t s, int64_t c,
                                 int64_t n, int64_t sh, int64_t sw, bool depthwise) {
    models::WorkloadLayer l;
    l.name = name;
    l.in_h = int(h);
    l.in_w = int(w);
    l.in_c = int(c);
    l.kernel_h = int(r);
    l.kernel_w = int(s);
    l.stride = int(sh);
    // SCALE-Sim: ceil((H - R + S) / S), so a last window that overruns the input still counts (its
    // missing pixels are null requests).
    l.out_h = int((h - r + sh - 1) / sh + 1);
    l.out_w = int((w - s + sw - 1) / sw + 1);
    l.gemm_m = int64_t(l.out_h) * l.out_w;
    if (depthwise) {
        // SCALE-Sim runs a "DP" row as one layer per channel, each with one input channel and N filters.
        l.type = "depthwise_conv2d";
        l.op = models::OpKind::DepthwiseConv2D;
        l.out_c = int(c * n);
        l.gemm_n = n;
        l.gemm_k = r * s;
        l.n_gemms = c;
        l.n_weights = r * s * c * n;
    } else {
        l.type = "conv2d";
        l.op = models::OpKind::Conv2D;
        l.out_c = int(n);
        l.gemm_n = n;
        l.gemm_k = r * s * c;
        l.n_gemms = 1;
        l.n_weights = l.gemm_k * n;
    }
    l.macs = l.gemm_m * l.gemm_n * l.gemm_k * l.n_gemms;
    return l;
}

models::WorkloadLayer gemm_layer(const std::string& name, int64_t m, int64_t n, int64_t k) {
    models::WorkloadLayer l;
    l.name = name;
    l.type = "gemm";
    l.op = models::OpKind::Gemm;
    l.in_h = int(m);
    l.in_c = int(k);
    l.out_h = int(m);
    l.out_c = int(n);
    l.gemm_m = m;
    l.gemm_n = n;
    l.gemm_k = k;
    l.n_gemms = 1;
    l.n_weights = k * n;
    l.macs = m * n * k;
    return l;
}

}  // namespace

core::Result<ParsedTopology> parse_scalesim_topology(const std::string& text, const std::string& src,
                                                     const std::string& name, TopologyForm form) {
    ParsedTopology out;
    out.workload.name = name;
    std::istringstream in(text);
    std::string raw;
    int line_no = 0;
    bool header_seen = false;
    while (std::getline(in, raw)) {
        ++line_no;
        if (!raw.empty() && raw.back() == '\r') raw.pop_back();
        const std::string line = trim(raw);
        if (line.empty()) continue;
        const std::string at = src + ":" + std::to_string(line_no) + ": ";
        std::vector<std::string> f = split(line);
        if (!header_seen) {
            header_seen = true;
            bool numeric = f.size() > 2;
            for (size_t i = 1; i < f.size(); ++i)
                if (!f[i].empty() && !is_int(f[i])) numeric = false;
            if (numeric)
                return core::fail(at + "expected a header line first (SCALE-Sim skips the first line), got a layer row '" + line + "'");
            if (form == TopologyForm::Auto) {
                std::string second = f.size() > 1 ? f[1] : "";
                for (char& ch : second) ch = char(std::tolower(static_cast<unsigned char>(ch)));
                out.form = second == "m" ? TopologyForm::Gemm : TopologyForm::Conv;
            } else {
                out.form = form;
            }
            continue;
        }
        // SCALE-Sim drops the last comma-separated field, expecting it to be empty.
        if (f.back().empty()) {
            f.pop_back();
        } else {
            out.warnings.push_back(at + "no trailing comma after the last field; SCALE-Sim would drop '" + f.back() +
                                   "' (read it anyway)");
        }
        const bool gemm = out.form == TopologyForm::Gemm;
        const size_t need = gemm ? 4 : 8, most = gemm ? 4 : 9;
        if (f.size() < need || f.size() > most) {
            std::string cols;
            for (size_t i = 0; i < need; ++i) cols += std::string(i ? ", " : "") + (gemm ? kGemmColumns[i] : kConvColumns[i]);
            return core::fail(at + "expected " + std::to_string(need) + " fields (" + cols + (gemm ? "" : "[, Stride Width]") +
                              "), found " + std::to_string(f.size()));
        }
        if (f[0].empty()) return core::fail(at + "the layer name is empty");
        std::vector<int64_t> v(f.size(), 0);
        for (size_t i = 1; i < f.size(); ++i) {
            const char* col = gemm ? kGemmColumns[i] : kConvColumns[i];
            int64_t x = 0;
            const std::string& s = f[i];
            auto r = std::from_chars(s.data(), s.data() + s.size(), x);
            if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || x < 1 || x > (int64_t(1) << 31))
                return core::fail(at + col + " must be a positive integer, got '" + s + "'");
            v[i] = x;
        }
        if (gemm) {
            out.workload.layers.push_back(gemm_layer(f[0], v[1], v[2], v[3]));
            continue;
        }
        const int64_t h = v[1], w = v[2], r = v[3], s = v[4], c = v[5], n = v[6], sh = v[7];
        const int64_t sw = f.size() == 9 ? v[8] : sh;
        if (r > h)
            return core::fail(at + "Filter Height " + std::to_string(r) + " is larger than IFMAP Height " + std::to_string(h));
        if (s > w)
            return core::fail(at + "Filter Width " + std::to_string(s) + " is larger than IFMAP Width " + std::to_string(w));
        const bool depthwise = f[0].find("DP") != std::string::npos;
        out.workload.layers.push_back(conv_layer(f[0], h, w, r, s, c, n, sh, sw, depthwise));
    }
    if (!header_seen) return core::fail(src + ": empty topology (no header, no layers)");
    if (out.workload.layers.empty()) return core::fail(src + ": no layers after the header");
    return out;
}

std::string write_scalesim_topology(const models::Workload& workload, int batch) {
    std::ostringstream o;
    o << "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
    const int64_t b = std::max(batch, 1);
    for (const auto& l : workload.layers) {
        if (!models::is_matrix_op(l.op) || l.gemm_m <= 0 || l.gemm_n <= 0 || l.gemm_k <= 0) continue;
        std::string name = l.name;
        for (char& ch : name)
            if (ch == ',' || ch == '\n') ch = ';';
        const bool depthwise = l.op == models::OpKind::DepthwiseConv2D;
        // A "DP" in an ordinary layer's name would make SCALE-Sim treat it as depthwise.
        for (size_t p = name.find("DP"); p != std::string::npos; p = name.find("DP")) name[p + 1] = 'p';
        if (depthwise) name += "_DP";
        const bool exact_conv = b == 1 && (l.op == models::OpKind::Conv2D || depthwise) &&
                                l.gemm_m == int64_t(l.out_h) * l.out_w;
        if (exact_conv) {
            // The padded input, so SCALE-Sim's unpadded output size comes out the same.
            const int64_t h = int64_t(l.out_h - 1) * l.stride + l.kernel_h;
            const int64_t w = int64_t(l.out_w - 1) * l.stride + l.kernel_w;
            const int64_t c = depthwise ? l.n_gemms : l.gemm_k / (int64_t(l.kernel_h) * l.kernel_w);
            o << name << ", " << h << ", " << w << ", " << l.kernel_h << ", " << l.kernel_w << ", " << c << ", "
              << l.gemm_n << ", " << l.stride << ",\n";
        } else {
            // SCALE-Sim's own GEMM conversion: an M x K ifmap, a 1 x K filter, one channel, N filters.
            const int64_t m = l.gemm_m * b, k = l.gemm_k;
            o << name << ", " << m << ", " << k << ", 1, " << k << ", " << (depthwise ? l.n_gemms : 1) << ", " << l.gemm_n
              << ", 1,\n";
        }
    }
    return o.str();
}

}  // namespace mlsys::sim::accel
