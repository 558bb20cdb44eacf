"""Temporary patches for a script's run: attributes set and restored, and a hook on ``import keras``.

`experiments.doctor.capture` patches ``fit`` and its siblings on the model
classes while a script runs; :class:`Patches` puts every attribute back (or
removes it, where the class only inherited it) in reverse order, and
:class:`KerasImportHook` applies the Keras patches at the moment Keras is
loaded, so that a script that never imports Keras never pays for it.
"""

import importlib.abc
import sys


class Patches:
    """Attributes set on classes and modules, each restored (or removed) in reverse order."""

    def __init__(self):
        self._undo = []

    def set(self, owner, name, value):
        had = name in vars(owner)
        old = vars(owner).get(name)
        setattr(owner, name, value)
        self._undo.append((owner, name, had, old))

    def restore(self):
        while self._undo:
            owner, name, had, old = self._undo.pop()
            if had:
                setattr(owner, name, old)
            else:
                delattr(owner, name)


class KerasImportHook(importlib.abc.MetaPathFinder):
    """Calls ``then(keras_module)`` right after the script's first ``import keras``."""

    def __init__(self, then):
        self.then = then

    def find_spec(self, name, path, target=None):
        if name != "keras":
            return None
        # Asked, not only at an import: TensorFlow probes with importlib.util.find_spec
        # first, so the hook stays until the capture ends.
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                spec.loader = ThenLoader(spec.loader, self.then)
                return spec
        return None


class ThenLoader(importlib.abc.Loader):
    """A loader that runs the real one, then a callback on the loaded module."""

    def __init__(self, loader, then):
        self.loader, self.then = loader, then

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        self.then(module)

    def __getattr__(self, name):
        return getattr(self.loader, name)
