// The small trained model several app tests start from: the mlp preset trained for one epoch on 3,000
// Fashion-MNIST images (about a second), seed 1. A test-only header: REQUIRE stops the calling test case.
#pragma once

#include "models/data/dataset.hpp"
#include "models/model/model.hpp"
#include "models/model/model_spec.hpp"
#include "models/train/trainer.hpp"

#include <doctest/doctest.h>

#include <utility>

namespace mlsys::test {

inline models::Model trained_mlp() {
    models::DatasetOptions d;
    d.train_limit = 3000;
    d.test_limit = 10;
    d.val_fraction = 0;
    auto data = models::load_dataset("fashion-mnist", d);
    REQUIRE(data.ok());
    auto model = models::Model::build(*models::preset_spec("mlp"), 1);
    REQUIRE(model.ok());
    models::TrainConfig tc;
    tc.epochs = 1;
    auto t = models::Trainer::create(*model, data->train, tc);
    REQUIRE(t.ok());
    while (!(*t)->done()) (*t)->step();
    return std::move(*model);
}

}  // namespace mlsys::test
