"""Cases of keras/src/initializers/constant_initializers_test.py (Keras 3.15.1), extracted by tests/keras_cases/tools/extract.py.

Inputs and expected values are Keras's, carried over with each case's test
name; tests/keras_cases/replay.py runs them on scratch_nn.
"""

from tests.keras_cases.replay import INF, NAN, A, H, N  # noqa: F401

KERAS_FILE = 'keras/src/initializers/constant_initializers_test.py'

CASES = [
    {'id': 'ConstantInitializersTest::test_zeros_initializer',
     'steps': [{'kind': 'new', 'owner': None, 'name': 'initializers.Zeros', 'args': [], 'kwargs': {}}, {'kind': 'call', 'owner': 0, 'name': None, 'args': [], 'kwargs': {'shape': (3, 3)}}, {'kind': 'attr', 'owner': 1, 'name': 'shape', 'args': [], 'kwargs': {}}],
     'checks': [{'kind': 'equal', 'handle': 2, 'expected': (3, 3)}, {'kind': 'close', 'handle': 1, 'expected': A([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], 'float64'), 'rtol': 1e-06, 'atol': 1e-06}, {'kind': 'config', 'handle': 0, 'expected': None}]},
    {'id': 'ConstantInitializersTest::test_ones_initializer',
     'steps': [{'kind': 'new', 'owner': None, 'name': 'initializers.Ones', 'args': [], 'kwargs': {}}, {'kind': 'call', 'owner': 0, 'name': None, 'args': [], 'kwargs': {'shape': (3, 3)}}, {'kind': 'attr', 'owner': 1, 'name': 'shape', 'args': [], 'kwargs': {}}],
     'checks': [{'kind': 'equal', 'handle': 2, 'expected': (3, 3)}, {'kind': 'close', 'handle': 1, 'expected': A([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], 'float64'), 'rtol': 1e-06, 'atol': 1e-06}, {'kind': 'config', 'handle': 0, 'expected': None}]},
    {'id': 'ConstantInitializersTest::test_constant_initializer',
     'steps': [{'kind': 'new', 'owner': None, 'name': 'initializers.Constant', 'args': [], 'kwargs': {'value': 6.0}}, {'kind': 'call', 'owner': 0, 'name': None, 'args': [], 'kwargs': {'shape': (3, 3)}}, {'kind': 'attr', 'owner': 1, 'name': 'shape', 'args': [], 'kwargs': {}}],
     'checks': [{'kind': 'equal', 'handle': 2, 'expected': (3, 3)}, {'kind': 'close', 'handle': 1, 'expected': A([[6.0, 6.0, 6.0], [6.0, 6.0, 6.0], [6.0, 6.0, 6.0]], 'float64'), 'rtol': 1e-06, 'atol': 1e-06}, {'kind': 'config', 'handle': 0, 'expected': None}]},
    {'id': 'ConstantInitializersTest::test_constant_initializer_array_value',
     'steps': [{'kind': 'new', 'owner': None, 'name': 'initializers.Constant', 'args': [], 'kwargs': {'value': A([[0.2620246750155817, 0.1586839721544656, 0.27812651949435974], [0.45931688721456665, 0.32100054052016713, 0.5183928205975371], [0.26194292556514465, 0.9760852848774336, 0.7328145526904823]], 'float64')}}, {'kind': 'call', 'owner': 0, 'name': None, 'args': [], 'kwargs': {'shape': (3, 3)}}, {'kind': 'attr', 'owner': 1, 'name': 'shape', 'args': [], 'kwargs': {}}],
     'checks': [{'kind': 'equal', 'handle': 2, 'expected': (3, 3)}, {'kind': 'close', 'handle': 1, 'expected': A([[0.2620246750155817, 0.1586839721544656, 0.27812651949435974], [0.45931688721456665, 0.32100054052016713, 0.5183928205975371], [0.26194292556514465, 0.9760852848774336, 0.7328145526904823]], 'float64'), 'rtol': 1e-06, 'atol': 1e-06}, {'kind': 'config', 'handle': 0, 'expected': None}]},
    {'id': 'ConstantInitializersTest::test_identity_initializer',
     'steps': [{'kind': 'new', 'owner': None, 'name': 'initializers.Identity', 'args': [], 'kwargs': {'gain': 2}}, {'kind': 'call', 'owner': 0, 'name': None, 'args': [], 'kwargs': {'shape': (3, 3)}}, {'kind': 'attr', 'owner': 1, 'name': 'shape', 'args': [], 'kwargs': {}}, {'kind': 'new', 'owner': None, 'name': 'initializers.get', 'args': ['IdentityInitializer'], 'kwargs': {}}],
     'checks': [{'kind': 'equal', 'handle': 2, 'expected': (3, 3)}, {'kind': 'close', 'handle': 1, 'expected': A([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]], 'float64'), 'rtol': 1e-06, 'atol': 1e-06}, {'kind': 'config', 'handle': 0, 'expected': None}, {'kind': 'isinstance', 'handle': 3, 'expected': N('initializers.Identity')}]},
]

#: Keras tests this table does not hold, and why (ported by hand or skipped)
NOT_EXTRACTED = [
    ('ConstantInitializersTest::test_stft_initializer', 'an array of 131328 elements'),
]
