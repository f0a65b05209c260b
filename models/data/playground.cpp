// Playground 2-D set generators. Each class's clean points come from one seeded Rng in a fixed order,
// then noise, then a seeded shuffle, so a seed pins the whole set.
#include "models/data/playground.hpp"

#include "models/core/check.hpp"
#include "models/core/rng.hpp"

#include <cmath>
#include <numbers>

namespace mlsys::models {
namespace {

struct Point {
    double x;
    double y;
};

Point circles_point(core::Rng& rng, int c, int k) {
    const double gap = c > 0 ? 0.4 / k : 0.0;
    const double r = rng.uniform(static_cast<double>(c) / k + gap, static_cast<double>(c + 1) / k);
    const double a = rng.uniform(0.0, 2.0 * std::numbers::pi);
    return {r * std::sin(a), r * std::cos(a)};
}

Point xor_point(core::Rng& rng, int c) {
    // Class 0: quadrants I and III (same sign); class 1: II and IV.
    const bool x_positive = rng.bernoulli(0.5);
    const bool y_positive = (c == 0) ? x_positive : !x_positive;
    const double pad = PlaygroundShape::kXorPadding;
    const double ax = pad + (1.0 - pad) * rng.uniform();
    const double ay = pad + (1.0 - pad) * rng.uniform();
    return {x_positive ? ax : -ax, y_positive ? ay : -ay};
}

Point blobs_point(core::Rng& rng, int c, int k) {
    const double a = std::numbers::pi / 4.0 + 2.0 * std::numbers::pi * c / k;
    const double s = PlaygroundShape::kBlobStddev;
    return {PlaygroundShape::kBlobRadius * std::cos(a) + rng.normal(0.0, s),
            PlaygroundShape::kBlobRadius * std::sin(a) + rng.normal(0.0, s)};
}

Point spiral_point(core::Rng& rng, int c, int k) {
    const double u = rng.uniform();
    const double r = PlaygroundShape::kSpiralInner + (1.0 - PlaygroundShape::kSpiralInner) * u;
    const double theta = 2.0 * std::numbers::pi * (PlaygroundShape::kSpiralTurns * u + static_cast<double>(c) / k);
    return {r * std::sin(theta), r * std::cos(theta)};
}

}  // namespace

const char* playground_name(PlaygroundKind kind) {
    switch (kind) {
    case PlaygroundKind::Circles: return "circles";
    case PlaygroundKind::Xor: return "xor";
    case PlaygroundKind::Blobs: return "blobs";
    case PlaygroundKind::Spiral: return "spiral";
    }
    return "?";
}

std::optional<PlaygroundKind> parse_playground_kind(const std::string& name) {
    for (PlaygroundKind k : {PlaygroundKind::Circles, PlaygroundKind::Xor, PlaygroundKind::Blobs, PlaygroundKind::Spiral})
        if (name == playground_name(k)) return k;
    return std::nullopt;
}

core::Status check_playground_args(PlaygroundKind kind, int n, double noise, int n_classes) {
    const std::string set = playground_name(kind);
    if (kind == PlaygroundKind::Xor && n_classes != 2)
        return core::fail("xor has exactly 2 classes (n_classes " + std::to_string(n_classes) + ")");
    if (n_classes < 2 || n_classes > 10)
        return core::fail(set + ": n_classes must be 2..10 (got " + std::to_string(n_classes) + ")");
    if (n < n_classes)
        return core::fail(set + ": n must be at least n_classes (" + std::to_string(n_classes) + "), got " +
                          std::to_string(n));
    if (!(noise >= 0.0) || !std::isfinite(noise))
        return core::fail(set + ": noise must be a finite standard deviation >= 0 (got " + std::to_string(noise) + ")");
    return core::Status::success();
}

Dataset make_playground(PlaygroundKind kind, int n, double noise, uint64_t seed, int n_classes) {
    const core::Status args = check_playground_args(kind, n, noise, n_classes);
    MLSYS_CHECK_MSG(args.ok(), args.error().c_str());
    Dataset d;
    d.name = playground_name(kind);
    d.sample_shape = {2};
    d.n_classes = n_classes;
    for (int c = 0; c < n_classes; ++c) {
        switch (kind) {
        case PlaygroundKind::Circles: d.class_names.push_back(c == 0 ? "inner" : "ring " + std::to_string(c)); break;
        case PlaygroundKind::Xor: d.class_names.push_back(c == 0 ? "same sign" : "opposite sign"); break;
        case PlaygroundKind::Blobs: d.class_names.push_back("blob " + std::to_string(c)); break;
        case PlaygroundKind::Spiral: d.class_names.push_back("arm " + std::to_string(c)); break;
        }
    }

    // Independent streams for the shapes, the noise and the order, so changing the noise level moves
    // points without changing which clean points are drawn.
    const core::Rng root(seed);
    core::Rng shape_rng = root.derive(1);
    core::Rng noise_rng = root.derive(2);
    core::Rng order_rng = root.derive(3);

    std::vector<Point> points;
    std::vector<int> labels;
    points.reserve(static_cast<size_t>(n));
    labels.reserve(static_cast<size_t>(n));
    for (int c = 0; c < n_classes; ++c) {
        const int count = n / n_classes + (c < n % n_classes ? 1 : 0);
        for (int i = 0; i < count; ++i) {
            Point p{};
            switch (kind) {
            case PlaygroundKind::Circles: p = circles_point(shape_rng, c, n_classes); break;
            case PlaygroundKind::Xor: p = xor_point(shape_rng, c); break;
            case PlaygroundKind::Blobs: p = blobs_point(shape_rng, c, n_classes); break;
            case PlaygroundKind::Spiral: p = spiral_point(shape_rng, c, n_classes); break;
            }
            if (noise > 0.0) {
                p.x += noise_rng.normal(0.0, noise);
                p.y += noise_rng.normal(0.0, noise);
            }
            points.push_back(p);
            labels.push_back(c);
        }
    }

    std::vector<int> order(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
    order_rng.shuffle(order);
    d.x.resize(batched(n, d.sample_shape));
    d.y.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const auto src = static_cast<size_t>(order[static_cast<size_t>(i)]);
        d.x[2 * i] = static_cast<float>(points[src].x);
        d.x[2 * i + 1] = static_cast<float>(points[src].y);
        d.y[static_cast<size_t>(i)] = labels[src];
    }
    return d;
}

}  // namespace mlsys::models
