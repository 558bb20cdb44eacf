"""Check 7, initialization: activation and gradient scale through the layers at step 0.

Before any update, on a probe batch, the copy's forward and backward pass give:

- **initial loss** against ``ln(classes)``, the loss of a uniform guess that a
  well-scaled initialization starts near (CS231n, "look for correct loss at
  chance performance"). Above ``3 ln(classes)`` the initial logits are far
  too large: WARN (a PROBLEM when the inputs are the cause, see check 1).
- **activation scale** ``std(y_l)`` of every layer's output: 0 means the layer
  outputs a constant, so nothing after it can learn from the input (PROBLEM,
  "dead"); a hidden pre-activation scale above 10 or below 0.01 is a WARN
  (exploding / vanishing signal).
- **symmetry**: a kernel whose columns are all equal (zeros included) makes
  every unit of the layer compute the same function and receive the same
  gradient, so they stay equal forever (PROBLEM).
- **gradient scale** ``||dL/dW_l|| / ||W_l||`` per kernel: a zero gradient is a
  PROBLEM; a spread over 100x between the largest and smallest layer is a
  WARN (vanishing or exploding gradients: one rate cannot suit all layers).

- **saturation** of sigmoid and tanh layers: the share of units whose
  output sits in the flat tails (sigmoid below 0.02 or above 0.98, ``|tanh|``
  above 0.96, where the derivative is under 2% of ``sigma'(0)`` ... ``4%``)
  for most samples; above ``SATURATED`` of a layer's units is a WARN: their
  gradient vanishes.
- **dead ReLUs at step 0**: the share of a ReLU layer's units that output 0
  for every probe sample before any update (a bias or kernel drawn so that
  the pre-activation is negative); above ``DEAD`` is a PROBLEM, since
  nothing revives them.

- **signal through the stack**: ``std(z_last) / std(z_first)``, the std of
  the last hidden kernel layer's output against the first's. Outside
  ``[1 / SIGNAL_RATIO, SIGNAL_RATIO]`` the forward signal collapses (or
  blows up) layer by layer: PROBLEM. The evidence gives each kernel's std
  against its activation's variance-preserving std (`matched_scale`).
- **overflow**: a hidden activation that grows faster than linearly (not in
  ``LINEAR_GROWTH``: ``exponential``) whose output is inf/NaN or beyond
  ``OVERFLOW`` at step 0 from a finite input within ``OVERFLOW`` (PROBLEM):
  nothing after it gets a usable signal and the loss is NaN.

An initializer is *variance-preserving* when it is ``VarianceScaling`` with
He's ``(scale 2, fan_in)``, LeCun's ``(1, fan_in)`` or Glorot's
``(1, fan_avg)`` (read from the object, so ``VarianceScaling(2.0,
"fan_in")`` is He's), and *matched* to the activation its kernel feeds when
it is the one that keeps that activation's forward variance (`MATCHED`: He
for ReLU-like units, LeCun for SELU, Glorot or LeCun otherwise).

The fix probed depends on the cause. An overflowing activation gets SELU
hidden layers with LeCun-normal kernels in its place (self-normalizing,
Klambauer et al. 2017; AUTOTRAINER repairs ``exponential`` with SELU). A
stack of two or more sigmoid/tanh hidden layers with vanishing gradients
or saturated units gets ReLU hidden layers with He-uniform kernels (Glorot
and Bengio 2010 measured the vanishing gradients of deep sigmoid stacks;
He et al. 2015 derived the initialization for ReLU). Otherwise, when some
kernel is not variance-preserving, or the signal collapses through the
stack with kernels not matched to their activation, re-drawing every kernel
with the hidden layers' matched initializer (``he_uniform`` for ReLU,
``lecun_normal`` for SELU, ``glorot_uniform`` otherwise) is probed
(`experiments.doctor.probe`) and recommended only if it reaches a held-out
accuracy level sooner on the median probe seed by at least
``probe.MATERIAL_GAIN`` (a smaller gain is a note). A probe in which no run
of either variant reached the level measured nothing and runs once more,
``LONGER`` times as long; if still neither does, a fix that ends above the
setting as given on every seed (`probe.Comparison.holds_higher`) is advice.
When every kernel is
variance-preserving the cause lies elsewhere (the input scale, usually):
the findings are reported with no fix of their own, and at most as a WARN,
since a standard initializer is a PROBLEM by nobody's measure (He-uniform
ReLU layers on features of RMS 5.6 output std 10.5 at step 0 and train to
100%).
"""

import math

import numpy as np

from experiments.doctor import probe
from experiments.doctor.health import kernels
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult, worst
from experiments.doctor.setup import chance_loss, layer_outputs, nominal_step_seconds
from scratch_nn import initializers

PROBE_SAMPLES = 512
LOSS_FACTOR = 3.0
SATURATED, DEAD = 0.5, 0.5
#: Outputs in these tails count as saturated: sigmoid, and |tanh|.
SIGMOID_TAIL, TANH_TAIL = 0.02, 0.96
SCALE_HIGH, SCALE_LOW = 10.0, 0.01
GRADIENT_SPREAD = 100.0


def symmetric(kernel):
    """Whether every column of ``kernel`` is the same (every unit computes the same thing)."""
    return kernel.shape[1] > 1 and bool(np.all(kernel == kernel[:, :1]))


FIX = "glorot_uniform"
DEEP_FIX = "he_uniform"
SQUASHING = ("sigmoid", "tanh")
#: Activations whose variance-preserving kernel scale is He's ``Var(W) = 2 / fan_in``
#: (zero, or nearly zero, for negative inputs: half the variance is lost per layer).
RELU_LIKE = ("relu", "leaky_relu", "relu6", "elu", "gelu", "silu", "swish")
#: Activations that grow at most linearly: a finite, moderate input cannot
#: overflow them, so an overflow after them comes from the kernels or inputs.
LINEAR_GROWTH = (*RELU_LIKE, "linear", "selu", "softplus", "softsign", "mish",
                 "hard_sigmoid", *SQUASHING, "softmax")
#: The activation family's matched initializer (the one the advice names) and
#: the ``VarianceScaling`` ``(scale, mode)`` pairs that preserve its forward
#: variance: He's ``(2, fan_in)`` for ReLU, LeCun's ``(1, fan_in)`` for SELU,
#: Glorot's ``(1, fan_avg)`` or LeCun's for tanh, sigmoid and linear units.
MATCHED = {"relu": ("he_uniform", ((2.0, "fan_in"),)),
           "selu": ("lecun_normal", ((1.0, "fan_in"),)),
           "other": ("glorot_uniform", ((1.0, "fan_avg"), (1.0, "fan_in")))}
#: The signal's std may change by at most this factor from the first hidden
#: kernel layer to the last (the ``[SCALE_LOW, SCALE_HIGH]`` band's 100x each way).
SIGNAL_RATIO = 100.0
#: A hidden activation output beyond this (or inf/NaN) at step 0 overflows.
OVERFLOW = 1e6
#: How much longer the probe runs once when neither variant reached its level.
LONGER = 2
#: The fix for an activation that overflows: SELU, self-normalizing with
#: LeCun-normal kernels (Klambauer et al. 2017).
OVERFLOW_FIX = ("selu", "lecun_normal")


def saturated_fraction(name, out):
    """Share of units whose ``name`` (sigmoid/tanh) output is in its flat tails for most samples."""
    out = out.reshape(len(out), -1)
    tails = (out < SIGMOID_TAIL) | (out > 1 - SIGMOID_TAIL) if name == "sigmoid" else \
        np.abs(out) > TANH_TAIL
    return float(np.mean(np.mean(tails, axis=0) > 0.5))


def hidden_activations(model):
    """``(index, activation name)`` of every layer with an activation but the output layer's."""
    with_activation = [i for i, layer in enumerate(model.layers) if hasattr(layer, "activation")]
    return [(i, getattr(model.layers[i].activation, "name", "linear"))
            for i in with_activation[:-1]]


def family(activation):
    """The key of ``MATCHED`` for an activation name (``"relu"``, ``"selu"`` or ``"other"``)."""
    return "relu" if activation in RELU_LIKE else "selu" if activation == "selu" else "other"


def variance_scaling(initializer):
    """``(scale, mode)`` of a ``VarianceScaling`` initializer (He, LeCun, Glorot), else None.

    Read from the object, not its class name, so ``VarianceScaling(2.0, "fan_in")``
    counts as He's. Keras: ``keras/src/initializers/random_initializers.py``.
    """
    if isinstance(initializer, initializers.VarianceScaling):
        return float(initializer.scale), initializer.mode
    return None


def kernel_activations(model):
    """``(index, activation name)`` of every layer with a kernel: the activation its output feeds.

    A Dense layer's own activation, or, when it is linear, that of an
    ``Activation`` layer right after it (how a Keras model written with
    separate activations, and its scratch_nn twin, spell it).
    """
    pairs = []
    for i, layer in enumerate(model.layers):
        if "kernel" not in getattr(layer, "params", {}):
            continue
        name = getattr(getattr(layer, "activation", None), "name", "linear")
        after = model.layers[i + 1] if i + 1 < len(model.layers) else None
        if name == "linear" and after is not None and "kernel" not in getattr(after, "params", {}) \
                and hasattr(after, "activation"):
            name = getattr(after.activation, "name", "linear")
        pairs.append((i, name))
    return pairs


def matched_scale(activation, fan_in):
    """The kernel std that preserves the forward signal's variance through ``activation``.

    For ``z' = a(z) W`` with i.i.d. kernel entries of variance ``sigma^2``,
    ``Var(z') = fan_in sigma^2 E[a(z)^2]``; a ReLU passes half of a
    symmetric ``z``'s second moment, so the variance is kept when
    ``sigma^2 = 2 / fan_in`` (He et al. 2015), and for SELU, tanh, sigmoid
    and linear units (slope about 1 at 0) when ``sigma^2 = 1 / fan_in``
    (LeCun; Glorot's ``2 / (fan_in + fan_out)`` is the same for square layers).
    """
    return math.sqrt((2.0 if family(activation) == "relu" else 1.0) / fan_in)


def overflowing(model, x, outputs, activated):
    """``(layer name, activation name)`` of the first hidden activation that overflows, or None.

    An activation overflows when its output at step 0 is inf/NaN or beyond
    ``OVERFLOW`` while its input is finite and within ``OVERFLOW``, and it
    grows faster than linearly (not in ``LINEAR_GROWTH``): ``exponential``
    turns a pre-activation of 15 into 3e6 and the next layer's into inf.
    """
    for i, name in activated:
        before = outputs[i - 1] if i > 0 else x
        out = outputs[i]
        blown = not np.all(np.isfinite(out)) or float(np.max(np.abs(out))) > OVERFLOW
        calm = np.all(np.isfinite(before)) and float(np.max(np.abs(before))) <= OVERFLOW
        if blown and calm and name not in LINEAR_GROWTH:
            return model.layers[i].name, name
    return None


def check(setup, seconds):
    """Step-0 forward/backward on a probe batch of a copy; a probe tries the initializer fix."""
    model = setup.clone()
    x, y = setup.sample(PROBE_SAMPLES, seed_offset=6)
    with np.errstate(all="ignore"):
        outputs = layer_outputs(model, x)
        loss, grads = model.compute_loss_and_gradients(x, y, training=False)
    chance = chance_loss(model)
    scales = {layer.name: float(np.std(out)) for layer, out in zip(model.layers, outputs)}
    grad_of = {id(w): g for w, g in zip(model.trainable_weights, grads)}
    named = kernels(model)
    grad_scale = {}
    for name, w in named:
        g = grad_of[id(w)]
        w_norm = float(np.linalg.norm(w))
        grad_scale[name] = float(np.linalg.norm(g)) / w_norm if w_norm else float(np.linalg.norm(g))
    evidence = {"initial_loss": float(loss), "chance_loss": chance, "output_std": scales,
                "grad_to_weight": grad_scale}
    findings, details, fixes = [], [], []
    for name, w in named:
        if symmetric(w):
            findings.append(PROBLEM)
            what = "all zeros" if not np.any(w) else "identical columns"
            details.append(f"{name}: the kernel has {what}; every unit computes the same thing "
                           "and gets the same gradient, so they never differ.")
            fixes.append("use a random kernel initializer: `kernel_initializer='glorot_uniform'` "
                         "(the Keras default) or `'he_normal'` for ReLU")
    hidden = model.layers[:-1]
    for layer in hidden:
        scale = scales[layer.name]
        if "kernel" not in getattr(layer, "params", {}):
            continue
        if scale == 0:
            findings.append(PROBLEM)
            details.append(f"{layer.name}: dead: its output is 0 for all {len(y)} probe samples, "
                           "so no signal or gradient passes it.")
        elif not math.isfinite(scale):
            findings.append(WARN)
            details.append(f"{layer.name}: output not finite at step 0 (inf or NaN).")
        elif not SCALE_LOW <= scale <= SCALE_HIGH:
            findings.append(WARN)
            details.append(f"{layer.name}: output std {scale:.3g} at step 0, outside "
                           f"[{SCALE_LOW}, {SCALE_HIGH}] ({'exploding' if scale > 1 else 'vanishing'}).")
            fixes.append("scale the inputs to unit scale and keep the default initializer")
    activated = hidden_activations(model)
    squashing = [i for i, name in activated if name in SQUASHING]
    saturated = {model.layers[i].name: saturated_fraction(name, outputs[i])
                 for i, name in activated if name in SQUASHING}
    dead = {model.layers[i].name: float(np.mean(np.all(outputs[i] <= 0, axis=0)))
            for i, name in activated if name == "relu"}
    evidence.update({"saturated_fraction": saturated, "dead_relu_fraction_at_step_0": dead})
    for name, share in saturated.items():
        if share > SATURATED:
            findings.append(WARN)
            details.append(f"{name}: {share:.0%} of its units are saturated at step 0 (outputs "
                           "in the flat tails of the activation), so their gradient vanishes.")
    for name, share in dead.items():
        if share > DEAD and scales.get(name, 0) != 0:
            findings.append(PROBLEM)
            details.append(f"{name}: {share:.0%} of its ReLU units are dead at step 0 (zero for "
                           f"all {len(y)} probe samples); nothing revives them.")
    paired = kernel_activations(model)
    kernel_ratio = {model.layers[i].name: float(np.std(model.layers[i].params["kernel"]))
                    / matched_scale(name, model.layers[i].params["kernel"].shape[0])
                    for i, name in paired}
    evidence["kernel_std_to_matched"] = kernel_ratio
    signal = [scales[model.layers[i].name] for i, _ in paired[:-1]]
    collapse = None
    if len(signal) >= 2 and signal[0] > 0 and all(math.isfinite(v) for v in signal):
        ratio = signal[-1] / signal[0]
        evidence["signal_ratio_through_stack"] = ratio
        if not 1 / SIGNAL_RATIO <= ratio <= SIGNAL_RATIO:
            collapse = "shrinks" if ratio < 1 else "grows"
            findings.append(PROBLEM)
            first, last = model.layers[paired[0][0]].name, model.layers[paired[-2][0]].name
            # The cause leads the report: the layer-by-layer scales above are its symptoms.
            details.insert(0, f"The forward signal {collapse} {max(ratio, 1 / ratio):.3g}x from "
                           f"{first} to {last} at step 0 (std {signal[0]:.3g} to {signal[-1]:.3g}): "
                           "kernel std / the activation's variance-preserving std "
                           + ", ".join(f"{n} {v:.2g}" for n, v in kernel_ratio.items()) + ".")
    overflow = overflowing(model, x, outputs, activated)
    if overflow is not None:
        findings.append(PROBLEM)
        details.insert(0, f"{overflow[0]}: the `{overflow[1]}` activation overflows at step 0 "
                       f"(outputs inf/NaN or beyond {OVERFLOW:g} from finite inputs); every layer "
                       "after it gets no usable signal and the loss is NaN.")
    vanishing = False
    live = [v for v in grad_scale.values() if v > 0]
    if any(v == 0 for v in grad_scale.values()):
        findings.append(PROBLEM)
        zero = [n for n, v in grad_scale.items() if v == 0]
        details.append(f"No gradient reaches {', '.join(zero)} at step 0.")
    elif len(live) > 1 and max(live) / min(live) > GRADIENT_SPREAD:
        findings.append(WARN)
        details.append(f"Gradient-to-weight ratios span {max(live) / min(live):.3g}x across "
                       "layers; one learning rate cannot suit them all.")
        vanishing = True
        fixes.append("scale the inputs; consider He initialization or BatchNormalization")
    if not math.isfinite(loss) or loss > LOSS_FACTOR * chance:
        findings.append(WARN)
        details.append(f"Initial loss {loss:.3g}, more than {LOSS_FACTOR:g}x the "
                       f"{chance:.3g} of a uniform guess: the initial logits are too large.")
        fixes.append("scale the inputs to unit scale so the initial logits are small")
    status = worst(findings)
    fix, gain, gain_text, change = None, None, "", None
    drawn = {i: getattr(model.layers[i], "kernel_initializer", None) for i, _ in paired}
    used = {i: variance_scaling(init) for i, init in drawn.items()}
    initializers_used = {type(init).__name__ for init in drawn.values()}
    # Standard: every kernel drawn by a variance-preserving initializer (He, LeCun,
    # Glorot); matched: every hidden kernel by the one of the activation it feeds.
    standard = all(u is not None and any(u in pairs for _, pairs in MATCHED.values())
                   for u in used.values())
    hidden_families = [family(name) for _, name in paired[:-1]]
    mismatched = any(used[i] not in MATCHED[family(name)][1] for i, name in paired[:-1])
    dominant = max(set(hidden_families), key=hidden_families.count) if hidden_families else "other"
    matched_fix = MATCHED[dominant][0]
    deep = len(squashing) >= 2 and (vanishing or any(v > SATURATED for v in saturated.values()))
    probed = deep or overflow is not None or not standard or (collapse is not None and mismatched)
    if overflow is not None:
        activation, initializer = OVERFLOW_FIX
        variant = probe.Variant(f"{activation.upper()} hidden layers, {initializer} kernels",
                                initializer=initializer, hidden_activation=activation,
                                replaced=(overflow[1],))
        advice = (f"use `activation='{activation}'` with `kernel_initializer='{initializer}'` "
                  f"instead of `'{overflow[1]}'` in the hidden layers: it overflows at step 0.")
        fix_change = {"activation": activation, "initializer": initializer}
    elif deep:
        variant = probe.Variant(f"ReLU hidden layers, {DEEP_FIX} kernels",
                                initializer=DEEP_FIX, hidden_activation="relu")
        advice = (f"use `activation='relu'` with `kernel_initializer='{DEEP_FIX}'` in the hidden "
                  "layers: a deep sigmoid/tanh stack saturates and its gradients vanish.")
        fix_change = {"activation": "relu", "initializer": DEEP_FIX}
    else:
        variant = probe.Variant(f"{matched_fix} kernels", initializer=matched_fix)
        advice = (f"use `kernel_initializer='{matched_fix}'` on every Dense layer (the "
                  f"variance-preserving initializer of the hidden layers' activation).")
        fix_change = {"initializer": matched_fix}
    if status == PROBLEM and not probed and not any(symmetric(w) for _, w in named):
        # A variance-preserving initializer is a PROBLEM by nobody's measure; what its
        # step-0 reading shows comes from the inputs or the architecture.
        status = WARN
    if status != OK and probed:
        step = nominal_step_seconds(setup.model, setup.batch_size)
        steps = probe.plan_steps(0.9 * seconds, 2 * probe.PROBE_SEEDS, step, hi=300)
        comparison = probe.compare(setup, probe.Variant("your initialization"), variant, steps)
        if status == PROBLEM and not any(map(math.isfinite, comparison.current_cost
                                             + comparison.fix_cost)):
            # No run of either variant reached the level: the probe ended before
            # anything settled, which measures nothing. Once, twice as long (a
            # collapsed signal starts the fix from far away).
            details.append(comparison.describe() + " Neither reached it: probed again, "
                           f"{LONGER}x as long.")
            comparison = probe.compare(setup, probe.Variant("your initialization"), variant,
                                       LONGER * steps)
        evidence.update(comparison.evidence())
        details.append(comparison.describe())
        if comparison.recommended:
            fix, gain, gain_text = advice, comparison.gain, comparison.gain_text()
            change = fix_change
        elif status == PROBLEM and comparison.holds_higher:
            # Not timed to the level, but the fix ends above the setting as given on
            # every probe seed (the output check's rule, `Comparison.holds_higher`).
            current, fixed = comparison.finals
            form = setup.task.format
            gain_text = (f"{variant.name} end at {form(min(fixed))} to {form(max(fixed))} "
                         f"held-out on every probe seed, your initialization at "
                         f"{form(min(current))} to {form(max(current))}")
            details.append(f"Not sooner to the level, but {gain_text}.")
            fix, change = advice, fix_change
        else:
            status = OK
            details.append(comparison.verdict())
    elif status != OK:
        details.append("Every kernel is drawn by a standard variance-preserving initializer "
                       "(" + ", ".join(sorted(initializers_used)) + "), so the cause lies "
                       "elsewhere: the input-scale check measures the fix"
                       + (" (" + "; ".join(dict.fromkeys(fixes)) + ")." if fixes else "."))
    if status == OK and not details:
        summary = (f"Initial loss {loss:.3g} (chance {chance:.3g}); layer output std "
                   + ", ".join(f"{n} {s:.2g}" for n, s in scales.items()) + ".")
    else:
        summary = details[0]
    return CheckResult("initialization", "Initialization", status, summary, evidence, details,
                       fix, gain, gain_text, change)
