"""IDX image datasets (MNIST, Fashion-MNIST): reading, local folders, the Keras cache, downloads.

The IDX format (http://yann.lecun.com/exdb/mnist/) is a big-endian header and
a raw payload::

    magic  : uint32 = 0x0000 | dtype (0x08 = uint8) | ndim   (2051 images, 2049 labels)
    dims   : ndim x uint32                                  ((n, 28, 28) or (n,))
    payload: prod(dims) bytes, row-major

A dataset is four files (train and test images and labels). :func:`fetch`
downloads one into a cache folder through a temporary file, checks its
checksum while writing, and renames it into place only if it matches. A
server that cannot be reached raises :class:`DatasetUnavailableError`, whose
message says what failed and how to provide the files without a network.
"""

import gzip
import hashlib
import os
import zlib

import numpy as np

IMAGES_MAGIC = 2051  # 0x00000803: uint8, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: uint8, 1 dimension
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10


class IdxDataError(ValueError):
    """A data file is not what the dataset should be: corrupt, truncated or wrong checksum."""


class DatasetUnavailableError(OSError):
    """The files are not on this machine and the server could not be reached."""


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
    IdxDataError
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
        raise IdxDataError(f"{path}: not a complete gzip file ({error})") from error
    # bytearray, not bytes, so that the arrays returned are writable, as np.load's are.

    if len(raw) < 4:
        raise IdxDataError(f"{path}: {len(raw)} bytes, too short for an IDX header")
    found_magic = int(np.frombuffer(raw, ">u4", count=1)[0])
    if found_magic != magic:
        raise IdxDataError(f"{path}: IDX magic number {found_magic}, expected {magic}")
    ndim = magic & 0xFF
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise IdxDataError(f"{path}: {len(raw)} bytes, expected a header of {header_len} bytes")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected_len = header_len + int(np.prod(shape))
    if len(raw) != expected_len:
        raise IdxDataError(
            f"{path}: {len(raw)} bytes, expected {expected_len} "
            f"({header_len}-byte header + payload of shape {shape})"
        )
    return np.frombuffer(raw, np.uint8, offset=header_len).reshape(shape)


def files_available(files, env_var, cache_subdir):
    """Whether a dataset's IDX ``files`` can be read without downloading (looks for them only).

    From the folder in environment variable ``env_var`` when it is set (all
    files there, gzipped or not), else from ``<datasets_dir>/<cache_subdir>``.
    """
    data_dir = os.environ.get(env_var)
    if data_dir:
        try:
            find_idx_files(data_dir, files, env_var)
        except FileNotFoundError:
            return False
        return True
    cache = os.path.join(datasets_dir(), cache_subdir)
    return all(os.path.isfile(os.path.join(cache, file_name)) for file_name, _ in files.values())


def find_idx_files(folder, files, env_var):
    """Map each array name to its IDX file in ``folder``, gzipped or not.

    ``files`` maps array names to ``(file name, checksum)``; ``env_var`` names
    the variable the folder came from, for the error message.
    """
    paths, missing = {}, []
    for name, (file_name, _) in files.items():
        candidates = [os.path.join(folder, file_name),
                      os.path.join(folder, file_name.removesuffix(".gz"))]
        found = [p for p in candidates if os.path.isfile(p)]
        if found:
            paths[name] = found[0]
        else:
            missing.append(file_name)
    if missing:
        raise FileNotFoundError(f"{env_var}={folder} lacks {', '.join(missing)} (gzipped or not)")
    return paths


def load_idx_files(paths):
    """Read the four IDX files named in ``paths`` and check they fit together."""
    arrays = {
        name: read_idx(path, IMAGES_MAGIC if name.startswith("x") else LABELS_MAGIC)
        for name, path in paths.items()
    }
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        x_path, y_path = paths[f"x_{split}"], paths[f"y_{split}"]
        if x.shape[1:] != IMAGE_SHAPE:
            raise IdxDataError(f"{x_path}: images of shape {x.shape[1:]}, expected {IMAGE_SHAPE}")
        if len(x) != len(y):
            raise IdxDataError(f"{x_path} holds {len(x)} images but {y_path} holds {len(y)} labels")
        if y.size and y.max() >= NUM_CLASSES:
            raise IdxDataError(
                f"{y_path}: label {y.max()}, expected labels in 0..{NUM_CLASSES - 1}"
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def keras_home():
    """``$KERAS_HOME``, else ``~/.keras`` (``/tmp/.keras`` if home is read-only).

    As ``keras/src/backend/config.py``, but read at each call, not at import.
    """
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def datasets_dir():
    """``$KERAS_HOME/datasets``, where Keras's ``get_file`` caches downloads."""
    return os.path.join(os.path.expanduser(keras_home()), "datasets")


def file_digest(path, hash_name):
    """The hex digest of a file (``hash_name``: ``'sha256'`` or ``'md5'``)."""
    digest = hashlib.new(hash_name)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(file_name, checksum, folder, origin, opener, hash_name="sha256", how_to_provide=""):
    """Return the path of ``file_name`` in ``folder``, downloading it if absent or wrong.

    The download goes to a temporary file in ``folder``, is hashed while it is
    written, and is renamed into place only if its digest matches; otherwise
    the temporary file is deleted, so the cache never holds a bad file.

    Args:
        file_name, checksum: the file and its expected hex digest.
        folder: the cache folder.
        origin: the URL prefix; the file's URL is ``origin + file_name``.
        opener: ``urlopen`` (a parameter, so a module can be pointed elsewhere).
        hash_name: the digest's algorithm.
        how_to_provide: appended to the error when the server cannot be reached.

    Raises:
        DatasetUnavailableError: the URL could not be opened (no network,
            refused, timed out); the message names the URL, the reason and
            ``how_to_provide``.
        IdxDataError: the download's digest does not match.
    """
    target = os.path.join(folder, file_name)
    if os.path.isfile(target) and file_digest(target, hash_name) == checksum:
        return target
    url = origin + file_name
    print(f"Downloading data from {url}")
    os.makedirs(folder, exist_ok=True)
    # Same folder as the target, so os.replace is an atomic rename.
    temp_path = f"{target}.{os.getpid()}.part"
    try:
        try:
            response = opener(url, timeout=60)
        except OSError as error:  # URLError, refused connections and timeouts are OSErrors
            raise DatasetUnavailableError(
                f"could not download {url} ({getattr(error, 'reason', error)}), and no local "
                f"copy was found. {how_to_provide}"
            ) from None
        digest = hashlib.new(hash_name)
        with open(temp_path, "wb") as out, response:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != checksum:
            raise IdxDataError(
                f"{url}: {hash_name} {digest.hexdigest()}, expected {checksum}; "
                "the download was deleted"
            )
        os.replace(temp_path, target)
    finally:
        if os.path.exists(temp_path):
            os.remove(temp_path)
    return target
