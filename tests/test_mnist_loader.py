"""MNIST loader: IDX parsing, lookup order, Keras npz cache, checksummed download."""

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from scratch_nn.datasets import mnist

SHARED_MNIST = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"


def idx_bytes(array, magic=None):
    """Encode a uint8 array as IDX: big-endian magic, dims, then the payload."""
    magic = 0x0800 + array.ndim if magic is None else magic
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_idx(path, array, magic=None):
    data = idx_bytes(array, magic)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def synthetic_mnist(seed, n_train=5, n_test=3):
    """Random arrays with MNIST's dtypes and per-sample shapes."""
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def write_idx_folder(folder, arrays, gzipped=True):
    folder.mkdir(parents=True, exist_ok=True)
    for name, (file_name, _) in mnist.FILES.items():
        if not gzipped:
            file_name = file_name.removesuffix(".gz")
        write_idx(folder / file_name, arrays[name])
    return folder


def assert_loaded(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    for got, name in [(x_train, "x_train"), (y_train, "y_train"),
                      (x_test, "x_test"), (y_test, "y_test")]:
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[name])


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    """No MNIST_DATA_DIR, HOME and KERAS_HOME under tmp_path, and no network."""
    monkeypatch.delenv("MNIST_DATA_DIR", raising=False)
    # An existing, writable HOME: otherwise Keras's rule falls back to /tmp/.keras.
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))

    def no_network(url, *args, **kwargs):
        raise AssertionError(f"unexpected download of {url}")

    monkeypatch.setattr(mnist, "urlopen", no_network)
    return tmp_path


# --- IDX parsing -------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".gz", ""])
def test_read_idx_round_trips_images_and_labels(tmp_path, suffix):
    arrays = synthetic_mnist(0)
    images = write_idx(tmp_path / f"images{suffix}", arrays["x_train"])
    labels = write_idx(tmp_path / f"labels{suffix}", arrays["y_train"])
    got_images = mnist.read_idx(images, mnist.IMAGES_MAGIC)
    got_labels = mnist.read_idx(labels, mnist.LABELS_MAGIC)
    np.testing.assert_array_equal(got_images, arrays["x_train"])
    np.testing.assert_array_equal(got_labels, arrays["y_train"])
    assert got_images.dtype == np.uint8 and got_images.shape == (5, 28, 28)
    assert got_images.flags.writeable


def test_read_idx_decodes_header_big_endian(tmp_path):
    # Hand-written bytes, independent of idx_bytes: 2 images of 1x3 pixels.
    path = tmp_path / "tiny"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3,
                            1, 2, 3, 4, 5, 255]))
    got = mnist.read_idx(path, mnist.IMAGES_MAGIC)
    np.testing.assert_array_equal(got, [[[1, 2, 3]], [[4, 5, 255]]])


def test_bad_magic_names_file_found_and_expected(tmp_path):
    labels = np.arange(4, dtype=np.uint8)
    path = write_idx(tmp_path / "labels.gz", labels)
    with pytest.raises(mnist.MnistDataError) as error:
        mnist.read_idx(path, mnist.IMAGES_MAGIC)
    message = str(error.value)
    assert str(path) in message and "2049" in message and "2051" in message


def test_truncated_payload_names_file_and_lengths(tmp_path):
    data = idx_bytes(np.zeros((3, 28, 28), np.uint8))
    path = tmp_path / "images"
    path.write_bytes(data[:-10])
    with pytest.raises(ValueError) as error:
        mnist.read_idx(path, mnist.IMAGES_MAGIC)
    message = str(error.value)
    assert str(path) in message
    assert str(len(data) - 10) in message and str(len(data)) in message


def test_extra_bytes_are_an_error(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(idx_bytes(np.zeros(4, np.uint8)) + b"\0")
    with pytest.raises(mnist.MnistDataError, match="expected 12"):
        mnist.read_idx(path, mnist.LABELS_MAGIC)


def test_truncated_header_is_an_error(tmp_path):
    path = tmp_path / "images"
    path.write_bytes(idx_bytes(np.zeros((1, 28, 28), np.uint8))[:10])
    with pytest.raises(mnist.MnistDataError, match="header of 16 bytes"):
        mnist.read_idx(path, mnist.IMAGES_MAGIC)


def test_truncated_gzip_names_file(tmp_path):
    compressed = gzip.compress(idx_bytes(np.ones((3, 28, 28), np.uint8)))
    path = tmp_path / "images.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(mnist.MnistDataError, match="gzip") as error:
        mnist.read_idx(path, mnist.IMAGES_MAGIC)
    assert str(path) in str(error.value)


# --- MNIST_DATA_DIR ----------------------------------------------------------

@pytest.mark.parametrize("gzipped", [True, False])
def test_loads_from_mnist_data_dir(clean_env, monkeypatch, gzipped):
    arrays = synthetic_mnist(1)
    folder = write_idx_folder(clean_env / "idx", arrays, gzipped=gzipped)
    monkeypatch.setenv("MNIST_DATA_DIR", str(folder))
    assert mnist.available()
    assert_loaded(mnist.load_data(), arrays)


def test_mnist_data_dir_comes_before_npz_cache(clean_env, monkeypatch):
    from_dir, from_npz = synthetic_mnist(2), synthetic_mnist(3)
    folder = write_idx_folder(clean_env / "idx", from_dir)
    datasets = clean_env / "keras_home" / "datasets"
    datasets.mkdir(parents=True)
    np.savez(datasets / "mnist.npz", **from_npz)
    monkeypatch.setenv("MNIST_DATA_DIR", str(folder))
    assert_loaded(mnist.load_data(), from_dir)


def test_mnist_data_dir_missing_file_is_named(clean_env, monkeypatch):
    folder = write_idx_folder(clean_env / "idx", synthetic_mnist(4))
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("MNIST_DATA_DIR", str(folder))
    assert not mnist.available()
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte.gz"):
        mnist.load_data()


def test_image_and_label_counts_must_agree(clean_env, monkeypatch):
    arrays = synthetic_mnist(5)
    arrays["y_test"] = arrays["y_test"][:-1]
    folder = write_idx_folder(clean_env / "idx", arrays)
    monkeypatch.setenv("MNIST_DATA_DIR", str(folder))
    with pytest.raises(mnist.MnistDataError, match="3 images .* 2 labels") as error:
        mnist.load_data()
    assert str(folder / "t10k-labels-idx1-ubyte.gz") in str(error.value)


def test_images_must_be_28_by_28(clean_env, monkeypatch):
    arrays = synthetic_mnist(6)
    arrays["x_train"] = arrays["x_train"][:, :27, :]
    folder = write_idx_folder(clean_env / "idx", arrays)
    monkeypatch.setenv("MNIST_DATA_DIR", str(folder))
    with pytest.raises(mnist.MnistDataError, match=r"\(27, 28\)"):
        mnist.load_data()


def test_labels_must_be_digits(clean_env, monkeypatch):
    arrays = synthetic_mnist(7)
    arrays["y_train"][2] = 10
    folder = write_idx_folder(clean_env / "idx", arrays)
    monkeypatch.setenv("MNIST_DATA_DIR", str(folder))
    with pytest.raises(mnist.MnistDataError, match="label 10"):
        mnist.load_data()


# --- Keras npz cache ---------------------------------------------------------

def test_loads_keras_npz_from_keras_home(clean_env):
    arrays = synthetic_mnist(8)
    datasets = clean_env / "keras_home" / "datasets"
    datasets.mkdir(parents=True)
    assert not mnist.available()
    np.savez(datasets / "mnist.npz", **arrays)
    assert mnist.available()
    assert_loaded(mnist.load_data(), arrays)


def test_loads_keras_npz_from_home_without_keras_home(clean_env, monkeypatch):
    monkeypatch.delenv("KERAS_HOME")
    arrays = synthetic_mnist(9)
    datasets = clean_env / "home" / ".keras" / "datasets"
    datasets.mkdir(parents=True)
    np.savez(datasets / "other.npz", **arrays)
    assert not mnist.available()
    assert mnist.available(path="other.npz")
    assert_loaded(mnist.load_data(path="other.npz"), arrays)


def test_npz_missing_key_names_file(clean_env):
    arrays = synthetic_mnist(10)
    del arrays["y_test"]
    path = clean_env / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(mnist.MnistDataError, match="y_test") as error:
        mnist.load_data(path=str(path))
    assert str(path) in str(error.value)


# --- Download ----------------------------------------------------------------

@pytest.fixture
def mirror(clean_env, monkeypatch):
    """Synthetic IDX files served from a file:// ORIGIN; FILES holds their hashes.

    Returns (arrays, cache folder, list of URLs opened).
    """
    from urllib.request import urlopen

    arrays = synthetic_mnist(11)
    folder = write_idx_folder(clean_env / "mirror", arrays)
    files = {
        name: (file_name, hashlib.sha256((folder / file_name).read_bytes()).hexdigest())
        for name, (file_name, _) in mnist.FILES.items()
    }
    opened = []

    def recording_urlopen(url, *args, **kwargs):
        opened.append(url)
        return urlopen(url, *args, **kwargs)

    monkeypatch.setattr(mnist, "FILES", files)
    monkeypatch.setattr(mnist, "ORIGIN", folder.as_uri() + "/")
    monkeypatch.setattr(mnist, "urlopen", recording_urlopen)
    cache = clean_env / "keras_home" / "datasets" / mnist.DOWNLOAD_SUBDIR
    return arrays, cache, opened


def test_download_fills_cache_then_reuses_it(mirror):
    arrays, cache, opened = mirror
    assert not mnist.available()
    assert_loaded(mnist.load_data(), arrays)
    assert len(opened) == 4
    assert sorted(os.listdir(cache)) == sorted(f for f, _ in mnist.FILES.values())
    assert mnist.available()
    assert_loaded(mnist.load_data(), arrays)
    assert len(opened) == 4


def test_sha256_mismatch_raises_and_leaves_nothing(mirror, monkeypatch):
    _, cache, _ = mirror
    files = dict(mnist.FILES)
    file_name, _ = files["x_train"]  # fetched first
    files["x_train"] = (file_name, "0" * 64)
    monkeypatch.setattr(mnist, "FILES", files)
    with pytest.raises(mnist.MnistDataError, match="sha256") as error:
        mnist.load_data()
    assert file_name in str(error.value) and "0" * 64 in str(error.value)
    assert os.listdir(cache) == []


def test_corrupt_cached_file_is_downloaded_again(mirror):
    arrays, cache, opened = mirror
    mnist.load_data()
    (cache / "t10k-images-idx3-ubyte.gz").write_bytes(b"garbage")
    assert_loaded(mnist.load_data(), arrays)
    assert opened[-1].endswith("t10k-images-idx3-ubyte.gz") and len(opened) == 5


def test_interrupted_download_leaves_nothing(mirror, monkeypatch):
    _, cache, _ = mirror

    class BrokenResponse:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, size):
            raise ConnectionResetError("connection dropped")

    monkeypatch.setattr(mnist, "urlopen", lambda url, timeout: BrokenResponse())
    with pytest.raises(ConnectionResetError):
        mnist.load_data()
    assert os.listdir(cache) == []


# --- The real files ----------------------------------------------------------

@pytest.fixture
def real_mnist_dir(monkeypatch):
    folder = Path(os.environ.get("MNIST_DATA_DIR") or SHARED_MNIST)
    if not folder.is_dir():
        if os.environ.get("MNIST_REQUIRED") == "1":
            pytest.fail(f"MNIST_REQUIRED=1 but no MNIST folder at {folder}")
        pytest.skip(f"no MNIST folder at {folder}")
    monkeypatch.setenv("MNIST_DATA_DIR", str(folder))
    return folder


@pytest.mark.mnist
def test_real_mnist(real_mnist_dir):
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert x_train.max() == 255 and x_test.max() == 255
    # Published statistics of MNIST: pixel mean 0.1307 and std 0.3081 on [0, 1];
    # the shared copy of the training images is off by at most one grey level.
    assert abs(x_train.mean() / 255 - 0.1307) < 2e-4
    assert abs(x_train.std() / 255 - 0.3081) < 5e-4
    # Class counts and first labels of the canonical label files.
    np.testing.assert_array_equal(
        np.bincount(y_train, minlength=10),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    )
    np.testing.assert_array_equal(
        np.bincount(y_test, minlength=10),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    )
    np.testing.assert_array_equal(y_train[:8], [5, 0, 4, 1, 9, 2, 1, 3])
    np.testing.assert_array_equal(y_test[:8], [7, 2, 1, 0, 4, 1, 4, 9])
