"""Fashion-MNIST (Zalando), loaded as ``keras.datasets.fashion_mnist.load_data()`` does.

Mirrors ``keras/src/datasets/fashion_mnist.py`` (Keras 3): ``load_data()``
returns ``(x_train, y_train), (x_test, y_test)``, uint8 images
``(60000, 28, 28)`` / ``(10000, 28, 28)`` and labels 0..9 (T-shirt/top,
Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot).
The files are MNIST's IDX format, read by :mod:`scratch_nn.datasets.idx`.

Where the data comes from, first match wins:

1. ``$FASHION_MNIST_DATA_DIR``: a folder holding the four IDX files,
   gzipped or not; not checksummed.
2. The Keras cache ``$KERAS_HOME/datasets/fashion-mnist/`` (where Keras's
   own ``load_data`` keeps the four ``.gz`` files; ``~/.keras`` when
   ``KERAS_HOME`` is unset), each file checked against the MD5 Zalando
   publishes and downloaded again from ``ORIGIN`` (Keras's) if absent or
   wrong.

Without a network and without a local copy, ``load_data`` raises
:class:`~scratch_nn.datasets.idx.DatasetUnavailableError` saying so and how
to provide the files.
"""

import os
from urllib.request import urlopen

from scratch_nn.datasets import idx

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CACHE_SUBDIR = "fashion-mnist"

# Array name -> (IDX file name, MD5 published with the dataset by Zalando Research).
FILES = {
    "x_train": ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
    "y_train": ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
    "x_test": ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
    "y_test": ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
}

__all__ = ["available", "load_data"]


def load_data():
    """Load Fashion-MNIST, as ``keras.datasets.fashion_mnist.load_data``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(n, 28, 28)``
        with pixels in 0..255 and uint8 labels ``(n,)`` in 0..9.

    Raises:
        FileNotFoundError: ``$FASHION_MNIST_DATA_DIR`` lacks one of the files.
        IdxDataError: a file is corrupt or a download fails its MD5 check.
        DatasetUnavailableError: no local copy, and the server cannot be reached.
    """
    data_dir = os.environ.get("FASHION_MNIST_DATA_DIR")
    if data_dir:
        return idx.load_idx_files(idx.find_idx_files(data_dir, FILES, "FASHION_MNIST_DATA_DIR"))
    cache = os.path.join(idx.datasets_dir(), CACHE_SUBDIR)
    how_to_provide = (
        "To load Fashion-MNIST without a network, either set FASHION_MNIST_DATA_DIR to a "
        f"folder holding {', '.join(f for f, _ in FILES.values())} (gzipped or not), or put "
        f"the four .gz files in {cache} (Keras's cache)."
    )
    return idx.load_idx_files({
        name: idx.fetch(file_name, md5, cache, ORIGIN, urlopen, hash_name="md5",
                        how_to_provide=how_to_provide)
        for name, (file_name, md5) in FILES.items()
    })


def available():
    """Whether ``load_data()`` can run without downloading (looks for the files only)."""
    return idx.files_available(FILES, "FASHION_MNIST_DATA_DIR", CACHE_SUBDIR)
