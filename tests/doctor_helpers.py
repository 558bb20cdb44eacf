"""Stand-ins for the doctor's training runs, for tests of the rules that read their curves."""

from experiments.doctor.setup import Setup


def fake_short_runs(monkeypatch, history):
    """Make every copy of a `Setup` return ``history`` (a ``fit`` history dict) from ``fit``, untrained."""
    real_clone = Setup.clone

    def clone(self, *args, **kwargs):
        model = real_clone(self, *args, **kwargs)
        model.fit = lambda *a, **k: type("History", (), {"history": history})()
        return model

    monkeypatch.setattr(Setup, "clone", clone)
