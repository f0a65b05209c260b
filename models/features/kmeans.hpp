// K-means clustering for anomaly detection, as Edge Impulse's K-means anomaly block in the textbook's motion
// lab: cluster the training features (of the known classes only), and score a new window by its distance to
// the nearest centroid minus that cluster's radius (the largest distance of its training members), so every
// training window scores <= 0 and a window unlike anything seen in training scores > 0. The student chooses
// the threshold above which a score is an anomaly. Seeded k-means++ initialisation, then Lloyd iterations.
#pragma once

#include "models/core/result.hpp"

#include <cstdint>
#include <vector>

namespace mlsys::models::features {

struct KMeansModel {
    std::vector<std::vector<double>> centroids;  // k x dim
    std::vector<double> radius;                  // per cluster: the largest member distance
    std::vector<int> sizes;                      // members per cluster
    int iterations = 0;                          // Lloyd iterations run
    double inertia = 0;                          // sum of squared member distances

    int k() const { return static_cast<int>(centroids.size()); }
    int dim() const { return centroids.empty() ? 0 : static_cast<int>(centroids[0].size()); }
};

// Errors: no points, k < 1 or k > the number of points, rows of different lengths (named).
[[nodiscard]] core::Result<KMeansModel> fit_kmeans(const std::vector<std::vector<double>>& points, int k, uint64_t seed,
                                                   int max_iterations = 100);

// The nearest centroid's index and the Euclidean distance to it.
int nearest_centroid(const KMeansModel& m, const std::vector<double>& x, double* distance = nullptr);

// min over clusters of (distance to the centroid - the cluster's radius).
double anomaly_score(const KMeansModel& m, const std::vector<double>& x);

}  // namespace mlsys::models::features
