"""Library-neutral specs: a class name and the literal arguments a test chose, built in either library.

scratch_nn mirrors Keras's names, so ``Spec("layers.Dense", {"units": 3})``
is ``scratch_nn.layers.Dense(units=3)`` or ``keras.layers.Dense(units=3)``
depending on the library it is built in. Arguments a test leaves out are
left out on both sides, so each library applies its *own* default: a wrong
default in scratch_nn then shows as a disagreement, where a twin built from
the scratch_nn object's attributes would copy it into the reference.

Specs nest: an argument that is a `Spec` (a regularizer, a learning-rate
schedule), or a list or tuple of them (the layers of a ``Sequential``), is
built in the same library first.

This module imports neither library (they are passed in), so NumPy-only
tests can use it without loading TensorFlow.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Spec:
    """A class reached from a library's top level, and its constructor arguments.

    Attributes:
        path: dotted path from the library module, e.g. ``"layers.Dense"``,
            ``"optimizers.schedules.ExponentialDecay"``, ``"Sequential"``.
        kwargs: the keyword arguments, exactly as the test chose them.
        args: positional arguments (a ``Sequential``'s list of layer specs).
    """

    path: str
    kwargs: dict = field(default_factory=dict)
    args: tuple = ()

    @property
    def name(self):
        """The class name, the last part of `path`."""
        return self.path.rsplit(".", 1)[-1]

    def replace(self, **kwargs):
        """A copy with `kwargs` merged over this spec's keyword arguments."""
        return Spec(self.path, {**self.kwargs, **kwargs}, self.args)


def resolve(value, library):
    """`value` with every `Spec` in it (at any depth of lists and tuples) built in `library`."""
    if isinstance(value, Spec):
        return build(value, library)
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(v, library) for v in value)
    return value


def build(spec, library, **extra):
    """Construct `spec` in `library` (the `scratch_nn` or `keras` module).

    Args:
        extra: keyword arguments added for this library only (e.g. a Keras
            loss's computation dtype); they must not repeat the spec's.

    Raises:
        ValueError: the library has no class at `spec.path`, named in the message.
    """
    target = library
    for part in spec.path.split("."):
        if not hasattr(target, part):
            raise ValueError(f"{library.__name__} has no {spec.path!r} (missing {part!r})")
        target = getattr(target, part)
    clash = sorted(set(extra) & set(spec.kwargs))
    if clash:
        raise ValueError(f"build({spec.path}): {clash} given both in the spec and as extra arguments")
    kwargs = {key: resolve(value, library) for key, value in spec.kwargs.items()}
    return target(*resolve(tuple(spec.args), library), **kwargs, **extra)


def sequential(input_shape, layer_specs, dtype=None):
    """The spec of ``Sequential([Input(input_shape, dtype=dtype), *layers])``.

    Args:
        dtype: the input's dtype, omitted when None (each library's default).
    """
    input_kwargs = {"shape": tuple(input_shape)}
    if dtype is not None:
        input_kwargs["dtype"] = dtype
    return Spec("Sequential", args=([Spec("layers.Input", input_kwargs), *layer_specs],))
