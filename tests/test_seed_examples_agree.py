"""The seed article's code (`keras_ref.examples`) and the study's settings of it (`AS_WRITTEN`) agree.

The article's three examples are written twice on purpose: verbatim, to show
that Keras code runs under scratch_nn, and as `experiments.seed_examples.AS_WRITTEN`
settings, which the study and the doctor train. Here the arguments of each
verbatim example are read from its syntax tree (nothing is run, no TensorFlow)
and compared with its setting: preprocessing, model, optimizer and rate,
batch size, epochs, validation split, dropout and early stopping. A number
changed in either place fails here.
"""

import ast

import pytest

from experiments.seed_examples import AS_WRITTEN
from keras_ref.examples import EXAMPLES


def _calls(tree, name):
    """Every call in ``tree`` of a function or method whose name ends in ``name``."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)]


def _one_call(tree, name):
    calls = _calls(tree, name)
    assert len(calls) == 1, f"expected one call of {name}, found {len(calls)}"
    return calls[0]


def _keywords(call):
    return {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords
            if keyword.arg is not None and not isinstance(keyword.value, (ast.Name, ast.List))}


def _preprocessing(tree):
    """The name in `experiments.data.PREPROCESSING` of what the code does to the pixels."""
    rewritten = {target.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 for target in node.targets if getattr(target, "id", None) in ("x_train", "x_test")}
    if not rewritten:
        return "raw"
    train = rewritten.get("x_train")
    if (isinstance(train, ast.Call) and getattr(train.func, "id", None) == "normalize"
            and _keywords(train) == {"axis": 1} and "x_test" not in rewritten):
        return "normalize_train_only"
    raise AssertionError(f"unrecognized preprocessing: {ast.unparse(train)}")


def _optimizer(compile_call):
    """The ``optimizer`` argument as a `Setting` spec: a name, or ``(class name, kwargs)``."""
    value = next(k.value for k in compile_call.keywords if k.arg == "optimizer")
    if isinstance(value, ast.Constant):
        return value.value
    return value.func.attr, _keywords(value)


def _early_stopping(tree, fit_call):
    """The ``EarlyStopping`` kwargs when ``fit`` is given one, else None."""
    callbacks = next((k.value for k in fit_call.keywords if k.arg == "callbacks"), None)
    if callbacks is None:
        return None
    names = {element.id for element in callbacks.elts}
    assigned = [node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                and getattr(node.targets[0], "id", None) in names]
    (stopper,) = assigned
    assert stopper.func.id == "EarlyStopping", ast.unparse(stopper)
    return _keywords(stopper)


def as_settings(source):
    """The fields of a `Setting` that the example's code determines, read from the code."""
    tree = ast.parse(source)
    fit = _one_call(tree, "fit")
    dense = _calls(tree, "Dense")
    dropouts = [call.args[0].value for call in _calls(tree, "Dropout")]
    fit_arguments = _keywords(fit)
    return {
        "preprocessing": _preprocessing(tree),
        "hidden": tuple(call.args[0].value for call in dense[:-1]),
        "activation": _keywords(dense[0])["activation"],
        "dropout": dropouts[0] if dropouts else 0.0,
        "optimizer": _optimizer(_one_call(tree, "compile")),
        "batch_size": fit_arguments["batch_size"],
        "epochs": fit_arguments["epochs"],
        "validation_split": fit_arguments.get("validation_split", 0.0),
        "early_stopping": _early_stopping(tree, fit),
    }


@pytest.mark.parametrize("number", sorted(EXAMPLES))
def test_verbatim_example_agrees_with_its_setting(number):
    read = as_settings(EXAMPLES[number])
    setting = AS_WRITTEN[number]
    assert read == {field: getattr(setting, field) for field in read}


def test_the_same_examples_in_both():
    assert sorted(EXAMPLES) == sorted(AS_WRITTEN)


def test_a_changed_number_is_seen():
    """Reading the code is what the agreement rests on: one edited number changes what is read."""
    edited = EXAMPLES[3].replace("patience=3", "patience=4").replace("0.001", "0.002")
    read = as_settings(edited)
    assert read["early_stopping"] == {"monitor": "val_loss", "patience": 4}
    assert read["optimizer"] == ("Adam", {"learning_rate": 0.002})
    assert as_settings(EXAMPLES[1].replace("batch_size=32", "batch_size=64"))["batch_size"] == 64
