// 2-D toy classification sets in the style of TensorFlow Playground (circles, xor, Gaussian blobs,
// spirals), generated from a seed. Pure functions: no files, no global state.
#pragma once

#include "models/core/result.hpp"
#include "models/data/dataset.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mlsys::models {

enum class PlaygroundKind { Circles, Xor, Blobs, Spiral };

// Shapes, with coordinates roughly in [-1, 1] before noise (TensorFlow Playground's dataset.ts uses a
// radius of 5; everything here is that divided by 5):
//  - Circles: k concentric bands; class c has radius uniform in [c/k + gap, (c+1)/k], gap = 0.4/k for
//    c > 0 and 0 for the centre disc (k = 2 gives Playground's disc r < 0.5 and ring 0.7 < r < 1).
//  - Xor: 2 classes; x and y uniform in [-1, 1], pushed 0.06 away from the axes (Playground's padding
//    0.3 / 5); class 0 where x and y have the same sign, class 1 where they differ.
//  - Blobs: k Gaussian blobs of standard deviation 0.14 (Playground's variance 0.5 at radius 5) centred on
//    a circle of radius 0.6 at angles pi/4 + 2 pi c / k.
//  - Spiral: k arms; arm c is r = 0.1 + 0.9 u, theta = 3.5 pi u + 2 pi c / k for u uniform in [0, 1),
//    point (r sin theta, r cos theta) (Playground: 1.75 turns, arms offset by pi). Playground starts the
//    arms at r = 0, where they meet and any noise makes the labels a coin toss (a 2-32-32-2 MLP lost 14
//    of its 17 test errors at r < 0.2); starting at 0.1 keeps the arms apart.
// Then every coordinate gets independent Gaussian noise of standard deviation `noise`; labels are those
// of the clean point. Classes are balanced (n / k each, the first n % k classes get one more) and the
// samples are shuffled. The same arguments give the same set, bit for bit.
struct PlaygroundShape {
    static constexpr double kXorPadding = 0.06;
    static constexpr double kBlobStddev = 0.14;
    static constexpr double kBlobRadius = 0.6;
    static constexpr double kSpiralTurns = 1.75;
    static constexpr double kSpiralInner = 0.1;
};

// "circles", "xor", "blobs", "spiral".
const char* playground_name(PlaygroundKind kind);
std::optional<PlaygroundKind> parse_playground_kind(const std::string& name);

// Checks arguments for make_playground: n >= n_classes, noise >= 0 and finite, n_classes 2 for xor,
// 2..10 for the others. The error names the bad value.
core::Status check_playground_args(PlaygroundKind kind, int n, double noise, int n_classes);

// Generates n samples with sample_shape {2}. Arguments must pass check_playground_args (checked).
Dataset make_playground(PlaygroundKind kind, int n, double noise, uint64_t seed, int n_classes = 2);

}  // namespace mlsys::models
