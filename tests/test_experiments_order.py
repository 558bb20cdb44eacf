"""The study's runs see a new sample order every epoch, the same in both backends.

Run on the real runner (`experiments.runner.run_one`) with a few MNIST images:
a spy on each model's ``train_step`` records every batch it trains on, and
both backends start from the same initial weights, so that with the same
batches their losses agree to float rounding.
"""

import itertools

import numpy as np
import pytest

from experiments import builders, order, runner, settings

pytest.importorskip("keras")

EPOCHS = 3
BUILD = builders.build
#: 100 images, 80 after the validation split: batches of 32, 32 and 16.
BUDGET = settings.Budget(seeds=1, train_size=100, test_size=50, settle_s=0.0)
SETTING = settings.BASE.replace(label="order", optimizer=("SGD", {"learning_rate": 0.1}),
                                batch_size=32, epochs=EPOCHS, compile_options={"run_eagerly": True})


def initial_weights():
    """One set of 784-128-10 weights for both backends, independent of either."""
    rng = np.random.default_rng(7)
    return [rng.normal(0, 0.05, (784, 128)).astype("float32"), np.zeros(128, "float32"),
            rng.normal(0, 0.05, (128, 10)).astype("float32"), np.zeros(10, "float32")]


def batches_seen(monkeypatch, backend, seed=0):
    """(per-step batches as (labels, pixel sums), run record) of one run of `SETTING`."""
    seen = []
    build = BUILD

    def spied_build(K, setting, name):
        model = build(K, setting, name)
        model.set_weights(initial_weights())
        train_step = model.train_step

        def spy(*data):
            # scratch_nn: train_step(xb, yb, sample_weight); Keras: train_step((xb, yb))
            xb, yb = data[:2] if len(data) > 1 else data[0][:2]
            seen.append((np.array(yb).ravel().astype(int), np.array(xb).reshape(len(xb), -1).sum(axis=1)))
            return train_step(*data)

        model.train_step = spy
        return model

    monkeypatch.setattr(builders, "build", spied_build)
    record = runner.run_one("order", SETTING, backend, seed, BUDGET)
    return seen, record


def epochs_of(seen):
    """The batches of each epoch, concatenated: 3 steps per epoch."""
    return [(np.concatenate([y for y, _ in seen[e * 3:(e + 1) * 3]]),
             np.concatenate([s for _, s in seen[e * 3:(e + 1) * 3]])) for e in range(EPOCHS)]


@pytest.fixture(scope="module")
def runs():
    with pytest.MonkeyPatch.context() as monkeypatch:
        return {backend: batches_seen(monkeypatch, backend) for backend in ("scratch", "keras")}


@pytest.mark.parametrize("backend", ["scratch", "keras"])
def test_every_epoch_walks_a_new_permutation_of_the_training_part(runs, backend):
    seen, _ = runs[backend]
    assert [len(y) for y, _ in seen] == [32, 32, 16] * EPOCHS
    orders = epochs_of(seen)
    for first, second in itertools.pairwise(orders):
        assert not np.array_equal(first[1], second[1])
    for _, sums in orders[1:]:  # the same 80 samples each epoch, none from the validation part
        assert sorted(sums) == pytest.approx(sorted(orders[0][1]))


def test_both_backends_train_on_the_same_batches(runs):
    for (scratch_y, scratch_x), (keras_y, keras_x) in zip(epochs_of(runs["scratch"][0]),
                                                          epochs_of(runs["keras"][0])):
        np.testing.assert_array_equal(scratch_y, keras_y)
        np.testing.assert_allclose(scratch_x, keras_x, rtol=1e-6)


def test_same_initial_weights_and_batches_give_the_same_losses(runs):
    losses = {backend: [row["loss"] for row in record["history"]] for backend, (_, record) in runs.items()}
    val = {backend: [row["val_loss"] for row in record["history"]] for backend, (_, record) in runs.items()}
    np.testing.assert_allclose(losses["scratch"], losses["keras"], rtol=1e-4)
    np.testing.assert_allclose(val["scratch"], val["keras"], rtol=1e-4)


def test_the_order_is_scratch_nn_fits_own_draw():
    """`permutations` replays what scratch_nn's ``fit`` draws after `seed_scratch_fit`."""
    import scratch_nn

    order.seed_scratch_fit(scratch_nn, 3)
    rng = scratch_nn.random.make_generator()
    np.testing.assert_array_equal(order.permutations(3, 20, 2), [rng.permutation(20), rng.permutation(20)])
    assert not np.array_equal(order.permutations(3, 20, 1), order.permutations(4, 20, 1))


def test_one_epoch_fits_walk_one_epoch_permutations():
    """`one_epoch_permutations` is what successive scratch_nn ``fit(epochs=1)`` calls walk."""
    import scratch_nn

    seen = []
    model = scratch_nn.Sequential([scratch_nn.Input((1,)), scratch_nn.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    train_step = model.train_step
    model.train_step = lambda xb, yb, *weights: (seen.append(xb[:, 0].astype(int).tolist()),
                                                train_step(xb, yb, *weights))[1]
    x = np.arange(6, dtype="float32").reshape(6, 1)
    order.seed_scratch_fit(scratch_nn, 5)
    for _ in range(3):
        model.fit(x, x, batch_size=6, epochs=1, verbose=0)
    assert seen == order.one_epoch_permutations(5, 6, 3).tolist()
