// Batched inference over a dataset with a confusion matrix.
#include "models/train/evaluate.hpp"

#include "models/layers/loss.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>

namespace mlsys::models {

void fill_precision_recall(EvalResult& r) {
    const size_t k = r.confusion.size();
    r.precision.assign(k, 0.0);
    r.recall.assign(k, 0.0);
    for (size_t c = 0; c < k; ++c) {
        int64_t tp = r.confusion[c][c], predicted = 0, actual = 0;
        for (size_t o = 0; o < k; ++o) {
            predicted += r.confusion[o][c];
            actual += r.confusion[c][o];
        }
        r.precision[c] = predicted ? static_cast<double>(tp) / predicted : 0.0;
        r.recall[c] = actual ? static_cast<double>(tp) / actual : 0.0;
    }
}

EvalResult evaluate(Model& model, const Dataset& data, int batch_size, int limit, core::JobControl* control) {
    EvalResult r;
    const int k = model.spec().n_classes;
    r.confusion.assign(static_cast<size_t>(k), std::vector<int64_t>(static_cast<size_t>(k), 0));
    const int n = limit > 0 ? std::min(limit, data.size()) : data.size();
    std::vector<int> idx(static_cast<size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);
    Tensor x, dummy_grad;
    std::vector<int> y;
    double loss_sum = 0;
    int64_t correct = 0;
    for (int begin = 0; begin < n; begin += batch_size) {
        if (control && !control->checkpoint()) break;
        const int end = std::min(n, begin + batch_size);
        gather_batch(data, std::span<const int>(idx.data() + begin, static_cast<size_t>(end - begin)), x, y);
        model.forward(x, /*training=*/false);
        const Tensor& logits = model.logits();
        loss_sum += static_cast<double>(softmax_cross_entropy(logits, y, nullptr)) * (end - begin);
        const std::vector<int> pred = argmax_rows(logits);
        for (size_t i = 0; i < pred.size(); ++i) {
            const float* row = logits.ptr() + static_cast<int64_t>(i) * k;
            // Softmax probability of the winning class, computed stably.
            const float mx = row[pred[i]];
            double denom = 0;
            for (int c = 0; c < k; ++c) denom += std::exp(static_cast<double>(row[c] - mx));
            r.confidence.push_back(static_cast<float>(1.0 / denom));
            r.predictions.push_back(pred[i]);
            if (y[i] >= 0 && y[i] < k) r.confusion[static_cast<size_t>(y[i])][static_cast<size_t>(pred[i])]++;
            correct += pred[i] == y[i];
        }
        r.n_samples = end;
        if (control) control->set_progress(static_cast<double>(end) / n);
    }
    r.loss = r.n_samples ? loss_sum / r.n_samples : 0.0;
    r.accuracy = r.n_samples ? static_cast<double>(correct) / r.n_samples : 0.0;
    fill_precision_recall(r);
    return r;
}

nlohmann::json to_json(const EvalResult& r, bool with_predictions) {
    nlohmann::json j{{"n_samples", r.n_samples}, {"loss", r.loss},           {"accuracy", r.accuracy},
                     {"confusion", r.confusion}, {"precision", r.precision}, {"recall", r.recall}};
    if (with_predictions) j["predictions"] = r.predictions;
    return j;
}

}  // namespace mlsys::models
