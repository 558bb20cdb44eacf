"""The speedrun: the fastest honest way to 98% MNIST test accuracy with an MLP on one CPU core.

The rules:

- Model: only layers scratch_nn has (Dense, Activation, Dropout,
  BatchNormalization, Flatten); no convolutions.
- The recipe is fixed before it is scored: it was chosen on a validation split
  carved from the training set (the last 10,000 of its 60,000 images,
  `experiments.speedrun.search`), as the cheapest candidate by counted cost
  (`experiments.speedrun.cost`: FLOPs, steps and a fitted overhead, no wall
  clock) that clears the target by a margin stated in advance; the test set
  only scores the final model, after the recipe's fixed number of epochs. No
  early stopping on test accuracy.
- Score: mean and minimum test accuracy over 10 seeds. Target: mean >= 98.0%,
  every seed >= 97.8%.
- Time: training seconds (the wall time of the ``fit`` calls) and cold-process
  wall time (a fresh ``python -m`` process: interpreter start, imports, MNIST
  load, preprocessing, build, train, evaluate), with one thread
  (threadpoolctl and the thread variables for NumPy's BLAS, TensorFlow's
  intra- and inter-op pools) and with the default threads, the machine's
  float32 GEMM rate printed beside, each time also as a multiple of the row's
  matrix-multiply floor (FLOPs / GEMM rate).
- Preprocessing is done the same way for both backends (`experiments.data`)
  and is counted in the cold-process time.

The recipe, its ablation and the comparisons (Keras tuned:
`experiments.speedrun.keras_configs`) are `experiments.speedrun.recipe`;
``python -m experiments.speedrun --help`` runs them (`experiments.speedrun.cli`).
"""
