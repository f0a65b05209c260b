// K-means with k-means++ seeding (see kmeans.hpp).
#include "models/features/kmeans.hpp"

#include "models/core/rng.hpp"

#include <cmath>
#include <limits>

namespace mlsys::models::features {

namespace {
double sq_dist(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
    return s;
}
}  // namespace

int nearest_centroid(const KMeansModel& m, const std::vector<double>& x, double* distance) {
    int best = -1;
    double best_d = std::numeric_limits<double>::infinity();
    for (int c = 0; c < m.k(); ++c) {
        const double d = sq_dist(x, m.centroids[static_cast<size_t>(c)]);
        if (d < best_d) best_d = d, best = c;
    }
    if (distance) *distance = std::sqrt(best_d);
    return best;
}

double anomaly_score(const KMeansModel& m, const std::vector<double>& x) {
    double best = std::numeric_limits<double>::infinity();
    for (int c = 0; c < m.k(); ++c)
        best = std::min(best, std::sqrt(sq_dist(x, m.centroids[static_cast<size_t>(c)])) - m.radius[static_cast<size_t>(c)]);
    return best;
}

core::Result<KMeansModel> fit_kmeans(const std::vector<std::vector<double>>& points, int k, uint64_t seed, int max_iterations) {
    const size_t n = points.size();
    if (n == 0) return core::fail("k-means: no points");
    if (k < 1 || static_cast<size_t>(k) > n)
        return core::fail("k-means: k must be 1.." + std::to_string(n) + " (the number of points), got " + std::to_string(k));
    const size_t dim = points[0].size();
    for (size_t i = 0; i < n; ++i)
        if (points[i].size() != dim)
            return core::fail("k-means: point " + std::to_string(i) + " has " + std::to_string(points[i].size()) +
                              " values, point 0 has " + std::to_string(dim));
    core::Rng rng(seed);
    KMeansModel m;
    // k-means++: the first centre uniformly, each next one with probability proportional to D(x)^2.
    m.centroids.push_back(points[rng.uniform_int(n)]);
    std::vector<double> d2(n);
    while (m.centroids.size() < static_cast<size_t>(k)) {
        double total = 0;
        for (size_t i = 0; i < n; ++i) {
            double best = std::numeric_limits<double>::infinity();
            for (const auto& c : m.centroids) best = std::min(best, sq_dist(points[i], c));
            d2[i] = best;
            total += best;
        }
        size_t pick = 0;
        if (total <= 0) {  // every point coincides with a centre: take the first point not yet taken
            pick = m.centroids.size() % n;
        } else {
            double r = rng.uniform() * total;
            for (pick = 0; pick + 1 < n; ++pick) {
                r -= d2[pick];
                if (r < 0) break;
            }
        }
        m.centroids.push_back(points[pick]);
    }
    std::vector<int> assign(n, -1);
    for (m.iterations = 0; m.iterations < max_iterations; ++m.iterations) {
        bool changed = false;
        for (size_t i = 0; i < n; ++i) {
            const int c = nearest_centroid(m, points[i]);
            if (c != assign[i]) assign[i] = c, changed = true;
        }
        if (!changed) break;
        std::vector<std::vector<double>> sum(static_cast<size_t>(k), std::vector<double>(dim, 0.0));
        std::vector<int> count(static_cast<size_t>(k), 0);
        for (size_t i = 0; i < n; ++i) {
            auto& s = sum[static_cast<size_t>(assign[i])];
            for (size_t j = 0; j < dim; ++j) s[j] += points[i][j];
            ++count[static_cast<size_t>(assign[i])];
        }
        for (size_t c = 0; c < static_cast<size_t>(k); ++c) {
            if (count[c] == 0) {  // an empty cluster takes the point farthest from its centre
                size_t far = 0;
                double far_d = -1;
                for (size_t i = 0; i < n; ++i) {
                    const double d = sq_dist(points[i], m.centroids[static_cast<size_t>(assign[i])]);
                    if (d > far_d) far_d = d, far = i;
                }
                m.centroids[c] = points[far];
                continue;
            }
            for (size_t j = 0; j < dim; ++j) m.centroids[c][j] = sum[c][j] / count[c];
        }
    }
    m.radius.assign(static_cast<size_t>(k), 0.0);
    m.sizes.assign(static_cast<size_t>(k), 0);
    m.inertia = 0;
    for (size_t i = 0; i < n; ++i) {
        double d = 0;
        const auto c = static_cast<size_t>(nearest_centroid(m, points[i], &d));
        m.radius[c] = std::max(m.radius[c], d);
        ++m.sizes[c];
        m.inertia += d * d;
    }
    return m;
}

}  // namespace mlsys::models::features
