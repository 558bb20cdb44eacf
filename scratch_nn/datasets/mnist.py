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

The IDX format (http://yann.lecun.com/exdb/mnist/) is a big-endian header and
a raw payload::

    magic  : uint32 = 0x0000 | dtype (0x08 = uint8) | ndim   (2051 images, 2049 labels)
    dims   : ndim x uint32                                  ((n, 28, 28) or (n,))
    payload: prod(dims) bytes, row-major
"""

import gzip
import hashlib
import os
import zlib
from urllib.request import urlopen

import numpy as np

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
IMAGES_MAGIC = 2051  # 0x00000803: uint8, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: uint8, 1 dimension
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
DOWNLOAD_SUBDIR = "scratch_nn_mnist"


class MnistDataError(ValueError):
    """A data file is not what MNIST should be: corrupt, truncated or wrong checksum."""


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
    """
    data_dir = os.environ.get("MNIST_DATA_DIR")
    if data_dir:
        return _load_idx_files(_find_idx_files(data_dir))
    npz_path = _npz_path(path)
    if os.path.isfile(npz_path):
        return _load_npz(npz_path)
    download_dir = os.path.join(_datasets_dir(), DOWNLOAD_SUBDIR)
    return _load_idx_files(
        {
            name: _fetch(file_name, sha256, download_dir)
            for name, (file_name, sha256) in FILES.items()
        }
    )


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
    data_dir = os.environ.get("MNIST_DATA_DIR")
    if data_dir:
        try:
            _find_idx_files(data_dir)
        except FileNotFoundError:
            return False
        return True
    download_dir = os.path.join(_datasets_dir(), DOWNLOAD_SUBDIR)
    return os.path.isfile(_npz_path(path)) or all(
        os.path.isfile(os.path.join(download_dir, file_name))
        for file_name, _ in FILES.values()
    )


def read_idx(path, magic):
    """Read one IDX file (gzipped if its name ends in ``.gz``) into a uint8 array.

    Parameters
    ----------
    path : str
        The file.
    magic : int
        The magic number expected: `IMAGES_MAGIC` (2051) or `LABELS_MAGIC` (2049).
        Its low byte is the number of dimensions.

    Returns
    -------
    np.ndarray
        uint8, shape given by the header: ``(n, rows, cols)`` or ``(n,)``.

    Raises
    ------
    MnistDataError
        Bad gzip stream, wrong magic number, or a header or payload whose
        length does not match; the message names the file.
    """
    try:
        if str(path).endswith(".gz"):
            with gzip.open(path, "rb") as f:
                raw = bytearray(f.read())
        else:
            with open(path, "rb") as f:
                raw = bytearray(f.read())
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise MnistDataError(f"{path}: not a complete gzip file ({error})") from error
    # bytearray, not bytes, so that the arrays returned are writable, as np.load's are.

    if len(raw) < 4:
        raise MnistDataError(f"{path}: {len(raw)} bytes, too short for an IDX header")
    found_magic = int(np.frombuffer(raw, ">u4", count=1)[0])
    if found_magic != magic:
        raise MnistDataError(
            f"{path}: IDX magic number {found_magic}, expected {magic}"
        )
    ndim = magic & 0xFF
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise MnistDataError(
            f"{path}: {len(raw)} bytes, expected a header of {header_len} bytes"
        )
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected_len = header_len + int(np.prod(shape))
    if len(raw) != expected_len:
        raise MnistDataError(
            f"{path}: {len(raw)} bytes, expected {expected_len} "
            f"({header_len}-byte header + payload of shape {shape})"
        )
    return np.frombuffer(raw, np.uint8, offset=header_len).reshape(shape)


def _find_idx_files(folder):
    """Map each array name to its IDX file in `folder`, gzipped or not."""
    paths, missing = {}, []
    for name, (file_name, _) in FILES.items():
        candidates = [os.path.join(folder, file_name),
                      os.path.join(folder, file_name.removesuffix(".gz"))]
        found = [p for p in candidates if os.path.isfile(p)]
        if found:
            paths[name] = found[0]
        else:
            missing.append(file_name)
    if missing:
        raise FileNotFoundError(
            f"MNIST_DATA_DIR={folder} lacks {', '.join(missing)} "
            "(gzipped or not)"
        )
    return paths


def _load_idx_files(paths):
    """Read the four IDX files named in `paths` and check they fit together."""
    arrays = {
        name: read_idx(path, IMAGES_MAGIC if name.startswith("x") else LABELS_MAGIC)
        for name, path in paths.items()
    }
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        x_path, y_path = paths[f"x_{split}"], paths[f"y_{split}"]
        if x.shape[1:] != IMAGE_SHAPE:
            raise MnistDataError(
                f"{x_path}: images of shape {x.shape[1:]}, expected {IMAGE_SHAPE}"
            )
        if len(x) != len(y):
            raise MnistDataError(
                f"{x_path} holds {len(x)} images but {y_path} holds {len(y)} labels"
            )
        if y.size and y.max() >= NUM_CLASSES:
            raise MnistDataError(
                f"{y_path}: label {y.max()}, expected labels in 0..{NUM_CLASSES - 1}"
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _load_npz(path):
    """Read a Keras ``mnist.npz`` (keys ``x_train, y_train, x_test, y_test``)."""
    with np.load(path, allow_pickle=False) as f:
        missing = [name for name in FILES if name not in f.files]
        if missing:
            raise MnistDataError(
                f"{path}: no array {', '.join(missing)}; it holds {', '.join(f.files)}"
            )
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _keras_home():
    """``$KERAS_HOME``, else ``~/.keras`` (``/tmp/.keras`` if home is read-only).

    As ``keras/src/backend/config.py``, but read at each call, not at import.
    """
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _datasets_dir():
    return os.path.join(os.path.expanduser(_keras_home()), "datasets")


def _npz_path(path):
    # os.path.join keeps an absolute `path` as is, as Keras's get_file does.
    return os.path.join(_datasets_dir(), os.path.expanduser(path))


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch(file_name, sha256, folder):
    """Return the path of `file_name` in `folder`, downloading it if absent or wrong.

    The download goes to a temporary file in `folder`, is hashed while it is
    written, and is renamed into place only if its sha256 matches; otherwise
    the temporary file is deleted, so the cache never holds a bad file.
    """
    target = os.path.join(folder, file_name)
    if os.path.isfile(target) and _sha256(target) == sha256:
        return target
    url = ORIGIN + file_name
    print(f"Downloading data from {url}")
    os.makedirs(folder, exist_ok=True)
    # Same folder as the target, so os.replace is an atomic rename.
    temp_path = f"{target}.{os.getpid()}.part"
    try:
        digest = hashlib.sha256()
        with open(temp_path, "wb") as out, urlopen(url, timeout=60) as response:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise MnistDataError(
                f"{url}: sha256 {digest.hexdigest()}, expected {sha256}; "
                "the download was deleted"
            )
        os.replace(temp_path, target)
    finally:
        if os.path.exists(temp_path):
            os.remove(temp_path)
    return target
