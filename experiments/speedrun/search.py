"""How the speedrun recipe was chosen: candidates scored on a validation split, never on the test set.

Every candidate trains on the first 50,000 training images and is scored on
the last 10,000 (`experiments.speedrun.train`, ``split="validation"``), on
scratch_nn, one thread, in this process. The candidates are variations of a
starting point, one or two levers at a time; the results (validation
accuracy, training seconds) are in ``docs/SPEEDRUN.md``.

    python -m experiments.speedrun.search [--seeds 2] [--only LABEL...]
"""

import argparse
import os
import sys

from experiments import store
from experiments.speedrun import train
from experiments.speedrun.recipe import Recipe

#: The starting point: standardized pixels, 784-256-10, Adam 3e-3 with one
#: warm-up epoch and cosine decay, 2 epochs at batch 128 then 4 at batch 512.
START = Recipe(label="start", preprocessing="standardize", hidden=(256,),
               optimizer=("Adam", {"learning_rate": 3e-3}), schedule={"warmup": 1, "final": 0.0},
               phases=((2, 128), (4, 512)))

#: Every candidate tried, in the order tried.
CANDIDATES = [
    START,
    START.replace(label="8 epochs: 2 x 128, 6 x 512", phases=((2, 128), (6, 512))),
    START.replace(label="width 512", hidden=(512,)),
    START.replace(label="dropout 0.1", dropout=0.1),
    START.replace(label="Adam 2e-3", optimizer=("Adam", {"learning_rate": 2e-3})),
    START.replace(label="Adam 5e-3", optimizer=("Adam", {"learning_rate": 5e-3})),
    START.replace(label="x / 255", preprocessing="scale"),
    START.replace(label="no ramp: 6 x 256", phases=((6, 256),)),
    START.replace(label="ramp 1 x 128, 5 x 512", phases=((1, 128), (5, 512))),
    START.replace(label="two layers 256-128", hidden=(256, 128)),
    START.replace(label="no warm-up", schedule={"warmup": 0, "final": 0.0}),
    # Second round: the levers that helped (Dropout, depth, epochs), together.
    START.replace(label="dropout 0.2", dropout=0.2),
    START.replace(label="dropout 0.1, two layers 256-128", dropout=0.1, hidden=(256, 128)),
    START.replace(label="dropout 0.1, 8 epochs", dropout=0.1, phases=((2, 128), (6, 512))),
    START.replace(label="dropout 0.1, 6 x 256", dropout=0.1, phases=((6, 256),)),
    # Third round: around the best of the second.
    START.replace(label="dropout 0.1, 8 x 256", dropout=0.1, phases=((8, 256),)),
    START.replace(label="dropout 0.1, 6 x 256, width 384", dropout=0.1, phases=((6, 256),), hidden=(384,)),
]

COLUMNS = ("row", "seed", "accuracy", "loss", "train_s", "train_cpu_s", "epochs_run", "load_avg")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m experiments.speedrun.search",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1, help="seeds 0 .. N-1")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--only", nargs="+", metavar="LABEL", help="run only these candidates")
    parser.add_argument("--out", default=os.path.join("results", "speedrun", "search.csv"))
    args = parser.parse_args(argv)
    candidates = [c for c in CANDIDATES if not args.only or c.label in args.only]
    rows = []
    for seed in range(args.first_seed, args.seeds):
        for candidate in candidates:
            record = train.run(candidate, "scratch", seed, split="validation")
            rows.append({name: record[name] for name in COLUMNS})
            print(f"{candidate.label:32} seed {seed}: validation accuracy {record['accuracy']:.4f}, "
                  f"training {record['train_s']:.1f} s, {record['train_cpu_s']:.1f} CPU s "
                  f"({record['train_cpu_s'] / record['epochs_run']:.2f} CPU s/epoch), "
                  f"load {record['load_avg']:.1f}", file=sys.stderr, flush=True)
            store.write_csv(args.out, COLUMNS, rows)
    return rows


if __name__ == "__main__":
    main()
