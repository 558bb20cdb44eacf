"""MNIST handwritten digits, loaded as ``keras.datasets.mnist.load_data()`` does.

Mirrors ``keras/src/datasets/mnist.py`` (Keras 3): same signature
``load_data(path="mnist.npz")`` and same return value. Keras downloads one
``mnist.npz``; we also read the four original IDX files, so that a machine
without internet can be pointed at a local copy.

Where the data comes from, first match wins:

1. ``$MNIST_DATA_DIR``: a folder holding the four IDX files, gzipped
   (``train-images-idx3-ubyte.gz``...) or not (``train-images-idx3-ubyte``...).
   Files here are not checksummed, so a local rebuild of the data can be used.
2. The Keras cache, ``$KERAS_HOME/datasets/<path>`` (``~/.keras/datasets/mnist.npz``
   when ``KERAS_HOME`` is unset), with keys ``x_train, y_train, x_test, y_test``.
3. The canonical IDX files from ``ORIGIN``, downloaded once into
   ``$KERAS_HOME/datasets/scratch_nn_mnist/`` and checked against their sha256.

Without a network and without a local copy, ``load_data`` raises
:class:`~scratch_nn.datasets.idx.DatasetUnavailableError` naming the URL
that failed and these three ways to provide the files. The IDX reading and
the download live in :mod:`scratch_nn.datasets.idx`.
"""

import os
from urllib.request import urlopen

import numpy as np

from scratch_nn.datasets import idx
from scratch_nn.datasets.idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx

ORIGIN = "https://storage.googleapis.com/cvdf-datasets/mnist/"

# Array name -> (IDX file name, sha256 of the canonical gzipped file).
FILES = {
    "x_train": (
        "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    ),
    "y_train": (
        "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    ),
    "x_test": (
        "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    ),
    "y_test": (
        "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    ),
}
DOWNLOAD_SUBDIR = "scratch_nn_mnist"

#: A data file is not what MNIST should be: corrupt, truncated or wrong checksum.
MnistDataError = idx.IdxDataError

__all__ = ["IMAGES_MAGIC", "LABELS_MAGIC", "MnistDataError", "available", "load_data",
           "read_idx"]


def load_data(path="mnist.npz"):
    """Load the MNIST dataset, as ``keras.datasets.mnist.load_data``.

    Mirrors ``keras/src/datasets/mnist.py``. See the module docstring for the
    order in which ``$MNIST_DATA_DIR``, the Keras cache and a download are tried.

    Parameters
    ----------
    path : str
        Name of the ``.npz`` cache, relative to ``$KERAS_HOME/datasets``
        (``~/.keras/datasets``), as in Keras. An absolute path is used as is.

    Returns
    -------
    (x_train, y_train), (x_test, y_test) : tuple of tuples of np.ndarray
        ``x_*`` uint8 images ``(n, 28, 28)`` with pixels in 0..255; ``y_*``
        uint8 digit labels ``(n,)`` in 0..9. n is 60000 (train) and 10000 (test).

    Raises
    ------
    FileNotFoundError
        ``$MNIST_DATA_DIR`` is set but lacks one of the four files.
    MnistDataError
        A file is corrupt or truncated, or a download fails its sha256 check.
    DatasetUnavailableError
        No local copy, and the server cannot be reached; the message says
        how to provide the files.
    """
    data_dir = os.environ.get("MNIST_DATA_DIR")
    if data_dir:
        return idx.load_idx_files(idx.find_idx_files(data_dir, FILES, "MNIST_DATA_DIR"))
    npz_path = _npz_path(path)
    if os.path.isfile(npz_path):
        return _load_npz(npz_path)
    download_dir = os.path.join(idx.datasets_dir(), DOWNLOAD_SUBDIR)
    how_to_provide = (
        "To load MNIST without a network, either set MNIST_DATA_DIR to a folder holding "
        f"{', '.join(f for f, _ in FILES.values())} (gzipped or not), or put Keras's "
        f"mnist.npz at {npz_path}, or put the four .gz files in {download_dir}."
    )
    return idx.load_idx_files({
        name: idx.fetch(file_name, sha256, download_dir, ORIGIN, urlopen,
                        how_to_provide=how_to_provide)
        for name, (file_name, sha256) in FILES.items()
    })


def available(path="mnist.npz"):
    """Whether ``load_data(path)`` can run without downloading anything.

    Only looks for the files; it does not parse or checksum them.

    Parameters
    ----------
    path : str
        The ``.npz`` cache name, as in `load_data`.

    Returns
    -------
    bool
    """
    if os.environ.get("MNIST_DATA_DIR"):
        return idx.files_available(FILES, "MNIST_DATA_DIR", DOWNLOAD_SUBDIR)
    return os.path.isfile(_npz_path(path)) or idx.files_available(FILES, "MNIST_DATA_DIR",
                                                                  DOWNLOAD_SUBDIR)


def _load_npz(path):
    """Read a Keras ``mnist.npz`` (keys ``x_train, y_train, x_test, y_test``)."""
    with np.load(path, allow_pickle=False) as f:
        missing = [name for name in FILES if name not in f.files]
        if missing:
            raise MnistDataError(
                f"{path}: no array {', '.join(missing)}; it holds {', '.join(f.files)}"
            )
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _npz_path(path):
    # os.path.join keeps an absolute `path` as is, as Keras's get_file does.
    return os.path.join(idx.datasets_dir(), os.path.expanduser(path))
