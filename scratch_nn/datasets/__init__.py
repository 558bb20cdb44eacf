"""Datasets, as ``keras.datasets``: ``mnist.load_data()``, ``fashion_mnist.load_data()``."""

from . import fashion_mnist, mnist

__all__ = ["fashion_mnist", "mnist"]
