"""Fashion-MNIST loader and the datasets' error without a network (synthetic IDX files only).

- ``FASHION_MNIST_DATA_DIR`` (gzipped or not) and the Keras cache folder
  ``$KERAS_HOME/datasets/fashion-mnist`` give the arrays written there.
- A cached file failing its MD5 is downloaded again from ``ORIGIN``.
- With no local copy and an unreachable server, MNIST and Fashion-MNIST raise
  ``DatasetUnavailableError`` naming the URL, the environment variable and
  the cache path, with no ``URLError`` chained.
"""

import gzip
import hashlib
import os

import numpy as np
import pytest

from scratch_nn.datasets import fashion_mnist, idx, mnist

UNREACHABLE = "http://127.0.0.1:9/"


def write_idx(path, array):
    header = np.array([0x0800 + array.ndim, *array.shape], dtype=">u4").tobytes()
    data = header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


def synthetic(seed):
    rng = np.random.default_rng(seed)
    return {"x_train": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
            "y_train": rng.integers(0, 10, 4, dtype=np.uint8),
            "x_test": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
            "y_test": rng.integers(0, 10, 2, dtype=np.uint8)}


def write_folder(folder, arrays, gzipped=True):
    folder.mkdir(parents=True, exist_ok=True)
    for name, (file_name, _) in fashion_mnist.FILES.items():
        write_idx(folder / (file_name if gzipped else file_name.removesuffix(".gz")), arrays[name])
    return folder


def assert_loaded(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    for got, name in ((x_train, "x_train"), (y_train, "y_train"),
                      (x_test, "x_test"), (y_test, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[name])


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    """No data folders set; HOME and KERAS_HOME under tmp_path."""
    for var in ("MNIST_DATA_DIR", "FASHION_MNIST_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path


@pytest.mark.parametrize("gzipped", [True, False])
def test_loads_from_fashion_mnist_data_dir(clean_env, monkeypatch, gzipped):
    arrays = synthetic(0)
    folder = write_folder(clean_env / "fashion", arrays, gzipped)
    monkeypatch.setenv("FASHION_MNIST_DATA_DIR", str(folder))
    assert fashion_mnist.available()
    assert_loaded(fashion_mnist.load_data(), arrays)


def test_data_dir_missing_file_is_named(clean_env, monkeypatch):
    folder = write_folder(clean_env / "fashion", synthetic(1))
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("FASHION_MNIST_DATA_DIR", str(folder))
    assert not fashion_mnist.available()
    with pytest.raises(FileNotFoundError, match="FASHION_MNIST_DATA_DIR.*t10k-labels"):
        fashion_mnist.load_data()


@pytest.fixture
def keras_cache(clean_env, monkeypatch):
    """Synthetic files in Keras's fashion-mnist cache folder; FILES holds their MD5s."""
    arrays = synthetic(2)
    cache = write_folder(clean_env / "keras_home" / "datasets" / "fashion-mnist", arrays)
    files = {name: (f, hashlib.md5((cache / f).read_bytes()).hexdigest())
             for name, (f, _) in fashion_mnist.FILES.items()}
    monkeypatch.setattr(fashion_mnist, "FILES", files)
    monkeypatch.setattr(fashion_mnist, "ORIGIN", UNREACHABLE)
    return arrays, cache


def test_loads_from_keras_cache_without_network(keras_cache):
    arrays, _ = keras_cache
    assert fashion_mnist.available()
    assert_loaded(fashion_mnist.load_data(), arrays)


def test_cached_file_failing_md5_is_downloaded_again(keras_cache, monkeypatch, tmp_path):
    arrays, cache = keras_cache
    mirror = write_folder(tmp_path / "mirror", arrays)
    monkeypatch.setattr(fashion_mnist, "ORIGIN", mirror.as_uri() + "/")
    (cache / "train-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    assert_loaded(fashion_mnist.load_data(), arrays)
    assert sorted(os.listdir(cache)) == sorted(f for f, _ in fashion_mnist.FILES.values())


def test_wrong_md5_download_is_refused(keras_cache, monkeypatch, tmp_path):
    arrays, _ = keras_cache
    mirror = write_folder(tmp_path / "mirror", arrays)
    monkeypatch.setattr(fashion_mnist, "ORIGIN", mirror.as_uri() + "/")
    files = dict(fashion_mnist.FILES)
    files["x_test"] = (files["x_test"][0], "0" * 32)
    monkeypatch.setattr(fashion_mnist, "FILES", files)
    with pytest.raises(idx.IdxDataError, match="md5"):
        fashion_mnist.load_data()


def check_unavailable(error, url, variable, cache_path):
    message = str(error.value)
    assert url in message and variable in message and cache_path in message
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_mnist_without_network_or_copy_says_how_to_provide_it(clean_env, monkeypatch):
    monkeypatch.setattr(mnist, "ORIGIN", UNREACHABLE)
    assert not mnist.available()
    with pytest.raises(idx.DatasetUnavailableError) as error:
        mnist.load_data()
    check_unavailable(error, UNREACHABLE + "train-images-idx3-ubyte.gz", "MNIST_DATA_DIR",
                      str(clean_env / "keras_home" / "datasets" / "mnist.npz"))
    assert not os.listdir(clean_env / "keras_home" / "datasets" / mnist.DOWNLOAD_SUBDIR)


def test_fashion_mnist_without_network_or_copy_says_how_to_provide_it(clean_env, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "ORIGIN", UNREACHABLE)
    assert not fashion_mnist.available()
    with pytest.raises(idx.DatasetUnavailableError) as error:
        fashion_mnist.load_data()
    check_unavailable(error, UNREACHABLE, "FASHION_MNIST_DATA_DIR",
                      str(clean_env / "keras_home" / "datasets" / "fashion-mnist"))
