"""``python -m experiments.speedrun``: see `experiments.speedrun.cli`."""

from experiments.speedrun.cli import main

main()
