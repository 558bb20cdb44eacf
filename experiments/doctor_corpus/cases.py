"""The corpus table: each real buggy program, its documented fault and fix, and how we rebuilt it.

Sources (read with the repositories' own files; the code under
``programs/`` is ours, written from their descriptions):

- **DeepLocalize** (Wardat, Le, Rajan, ICSE 2021), repository
  ``Wardat-ISU/DeepLocalize``, ``Benchmark/StackOverflow/<id>/``: buggy and
  correct code for 30 Stack Overflow questions; ``Benchmark/GitHub/{Buggy,Correct}
  Model/``: 11 GitHub programs before and after their fixing commit.
- **DeepFD** (Cao et al., ICSE 2022), repository ``ArabelaTso/DeepFD``,
  ``Benchmark/Benchmark-with-patches.xlsx``: the fault types (its
  ``Ground_Truth`` column, several per program) and patches of 58 programs,
  the 30 above among them.
- **DeepDiagnosis** (Wardat, Cruz, Le, Rajan, ICSE 2022), repository
  ``DeepDiagnosis/ICSE2022``, ``Table 6/Table 6.xlsx``: the same 30 questions,
  11 GitHub programs and 12 AUTOTRAINER models, with each tool's verdict; its
  ``AUTOTRAINER Model Code/Models_{Blob,Circle,MNIST,CIFAR_10}.py`` holds the code
  of AUTOTRAINER's generated models, and ``DeepDiagnosis Result/`` which of them
  AUTOTRAINER repaired.
- **AUTOTRAINER** (Zhang et al., ICSE 2021), repository
  ``shiningrain/AUTOTRAINER``, ``AutoTrainer/demo_case/``: three demo
  programs (model, training configuration, data generator) and its repair
  strategies (``AutoTrainer/utils/repair.py``, ``repair_strategy``).

A :class:`Case` is scored by :mod:`experiments.doctor_corpus.scoring`;
:data:`NOT_REBUILT` counts every other program of those benchmarks with the
reason, so nothing is silently skipped.
"""

from dataclasses import dataclass, field

#: DeepFD's fault types -> the doctor checks whose fix addresses that cause.
#: Check keys are `CheckResult.key` values of `experiments.doctor`.
FAULT_CHECKS = {
    "activation": ("output_loss", "health", "initialization"),
    "loss": ("output_loss",),
    "learning rate": ("learning_rate",),
    "optimizer": ("learning_rate",),
    "epoch": ("generalization",),
    "batch size": ("batch_size",),
    "missing preprocess": ("input_scale", "target_scale"),
    "wrong preprocess": ("input_scale", "target_scale"),
    "initialization": ("initialization",),
    "layer properties": ("initialization", "health", "architecture"),
    # A missing normalization layer (DeepFD's "Missing/Redundant/Wrong Layers") is an input-scale cause.
    "missing layers": ("input_scale", "initialization", "health"),
}

SO = "https://stackoverflow.com/questions/"
DEEPLOCALIZE = "Wardat-ISU/DeepLocalize Benchmark/StackOverflow/"
AUTOTRAINER = "shiningrain/AUTOTRAINER AutoTrainer/demo_case/"
#: AUTOTRAINER's generated models as DeepDiagnosis publishes their code (model name in the file).
AT_MODELS = "DeepDiagnosis/ICSE2022 AUTOTRAINER Model Code/"
#: The training configuration of AUTOTRAINER's generated Circle and Blob models (`config_simplednn_adam.pkl`
#: beside them in DeepDiagnosis's `difference threshold` runs): Adam at 1e-3, 300 epochs, batch 128
#: (circles, binary cross-entropy) or 256 (blobs, categorical cross-entropy).
AT_CONFIG = ("the training configuration of AUTOTRAINER's generated models (Adam 1e-3, 300 epochs; "
             "`config_simplednn_adam.pkl` in DeepDiagnosis's `difference threshold` runs)")
AT_EPOCHS = "the 700 training points three times per epoch, 100 epochs: the configuration's 300 epochs of updates"
DEEPLOCALIZE_GH = "Wardat-ISU/DeepLocalize Benchmark/GitHub/{Buggy,Correct} Model/"


@dataclass(frozen=True)
class Case:
    """One buggy program and its fix, as rebuilt in ``programs/<name>_buggy.py`` / ``_fixed.py``.

    Args:
        name: the scripts' file stem.
        source: benchmark(s) holding the program and where (repository, path).
        url: the original question or repository.
        faults: the fault types as documented (DeepFD's ground truth, or the
            benchmark's label), in their order.
        cause: the documented faults that the fix below changes: what the
            doctor's top fix is scored against (keys of :data:`FAULT_CHECKS`).
        fix: the documented fix, in words.
        data: the data used, and for a stand-in what property it keeps.
        adaptations: every change from the original beyond the Keras 3 syntax.
        metric: what each script prints last (``corpus-metric <value>``).
        level: the bug reproduces when the buggy program ends below ``level``
            and the fixed one at or above it.
        remaining: a real issue the fixed program keeps ('' for none), and
        remaining_checks: the doctor checks that may rightly flag it on the
            fixed version (not counted as false alarms).
    """

    name: str
    source: str
    url: str
    faults: tuple
    cause: tuple
    fix: str
    data: str
    adaptations: tuple
    metric: str
    level: float
    remaining: str = ""
    remaining_checks: tuple = field(default=())

    def checks(self):
        """The doctor checks whose fix addresses this case's documented cause."""
        return sorted({key for fault in self.cause for key in FAULT_CHECKS[fault]})


KERAS3 = "Keras 3 syntax (`epochs`, `kernel_initializer`, `learning_rate`; Keras 2's `decay` dropped)"

CASES = (
    Case(
        name="so31556268",
        source="DeepLocalize SO 31556268; DeepFD #3; DeepDiagnosis Table 6 #3",
        url=SO + "31556268",
        faults=("loss", "epoch", "learning rate", "optimizer"),
        cause=("loss", "optimizer"),
        fix="mean squared error instead of mean absolute error, Adam instead of SGD (DeepLocalize's correct code)",
        data="XOR, the four points, generated in code as in the original",
        adaptations=(KERAS3, ("the 4 points repeated 250 times per epoch, 8 epochs: 2000 updates "
                     "(the question 1000 epochs of one update, the fix 10000)"),
                     "Adam at 0.01 instead of its default 0.001, to converge in 2000 updates"),
        metric="training accuracy on the 4 points",
        level=1.0,
    ),
    Case(
        name="so31880720",
        source="DeepLocalize SO 31880720; DeepFD #10; DeepDiagnosis Table 6 #10 (its motivating example)",
        url=SO + "31880720",
        faults=("activation", "epoch"),
        cause=("activation",),
        fix="sigmoid instead of softmax on the single output unit",
        data="rows of 128 ones labelled True and rows of zeros labelled False, generated in code as in the original",
        adaptations=(KERAS3, "2000 training rows instead of 20000, 1 epoch instead of 3 (batch size 1 kept)"),
        metric="held-out accuracy (200 rows)",
        level=0.9,
        remaining="batch size 1: nearly all of each step is per-step overhead",
        remaining_checks=("batch_size",),
    ),
    Case(
        name="so33969059",
        source="DeepLocalize SO 33969059; DeepFD #7; DeepDiagnosis Table 6 #7",
        url=SO + "33969059",
        faults=("activation",),
        cause=("activation",),
        fix="linear instead of softmax on the single output unit (DeepFD notes: no fix can help)",
        data="y = x . (2, 1, 0.5) + 2.2 with x uniform in [0, 10000), generated in code as in the original",
        adaptations=(KERAS3, "20000 training rows instead of 100000, 3 epochs instead of 20",
                     "Keras 2 `init='uniform'` written as `random_uniform`"),
        metric="held-out R^2",
        level=0.5,
        remaining="inputs and targets in the tens of thousands, unscaled, through tanh units",
        remaining_checks=("input_scale", "target_scale", "health", "initialization", "learning_rate"),
    ),
    Case(
        name="so34311586",
        source="DeepLocalize SO 34311586; DeepFD #9; DeepDiagnosis Table 6 #9",
        url=SO + "34311586",
        faults=("learning rate", "activation", "initialization", "epoch", "batch size"),
        cause=("activation", "learning rate"),
        fix="sigmoid instead of softmax on the single output unit, SGD learning rate 0.1 instead of 0.001 "
            "(DeepLocalize's correct code)",
        data="XOR, six samples (two repeated), generated in code as in the original",
        adaptations=(KERAS3, ("the six samples repeated 200 times per epoch, 40 epochs, batch 4: 12000 updates "
                     "(the question 20 epochs, the correct code 10000)")),
        metric="training accuracy on the six samples",
        level=1.0,
    ),
    Case(
        name="so38648195",
        source="DeepLocalize SO 38648195; DeepFD #6; DeepDiagnosis Table 6 #6",
        url=SO + "38648195",
        faults=("activation", "loss", "epoch"),
        cause=("activation", "loss"),
        fix="sigmoid outputs and binary cross-entropy instead of softmax and mean squared error",
        data="stand-in for scikit-learn's make_multilabel_classification (20 count features, 3 labels): "
             "`data.multilabel`, bag-of-words counts, labels present independently",
        adaptations=(KERAS3, "6000 samples instead of 60000, 5 epochs instead of 20"),
        metric="held-out accuracy per label",
        level=0.8,
        remaining="unscaled count features (0 to about 20)",
        remaining_checks=("input_scale",),
    ),
    Case(
        name="so39217567",
        source="DeepLocalize SO 39217567; DeepFD #12; DeepDiagnosis Table 6 #12",
        url=SO + "39217567",
        faults=("activation", "batch size"),
        cause=("activation",),
        fix="ReLU instead of sigmoid in the two hidden layers",
        data="the 256 8-bit vectors, generated in code, target = input (the correct code's task)",
        adaptations=(KERAS3, ("the buggy code shuffles the targets (a random mapping); both versions learn "
                     "the identity, as the correct code does, so only the documented activation fix differs"),
                     ("the 256 patterns 20 times per epoch, 60 epochs: about 6100 updates (the question 1000 "
                     "epochs of 6 updates)")),
        metric="bit accuracy on the 256 patterns",
        level=0.9,
        remaining="plain SGD at its default rate on a 3-layer 8-unit network learns slowly",
        remaining_checks=("learning_rate", "initialization", "health"),
    ),
    Case(
        name="so39525358",
        source="DeepLocalize SO 39525358; DeepFD #11; DeepDiagnosis Table 6 #11",
        url=SO + "39525358",
        faults=("activation", "learning rate", "missing preprocess"),
        cause=("missing preprocess",),
        fix="standardize the three inputs (StandardScaler); batch 10 and validation data (DeepLocalize's "
            "correct code)",
        data="stand-in for `sorted output.csv`: `data.offset_integers`, three integer codes in 65-70 and a "
             "0/1 label that depends on their differences",
        adaptations=(KERAS3, ("300 rows (200 train), 10 epochs instead of 150: the buggy version 2000 "
                     "updates of batch 1, the fixed one its 200 rows 15 times per epoch (3000 updates of "
                     "batch 10, the answer's 150 epochs)")),
        metric="held-out accuracy",
        level=0.8,
    ),
    Case(
        name="so44066044",
        source="DeepLocalize SO 44066044; DeepFD #23; DeepDiagnosis Table 6 #23",
        url=SO + "44066044",
        faults=("missing preprocess",),
        cause=("missing preprocess", "activation"),
        fix="standardize the inputs (preprocessing.scale) and a sigmoid instead of a ReLU output",
        data="stand-in for `NetworkPackets.csv` (20 rows in the repository): `data.packets`, 11 raw packet "
             "fields (IPv4 addresses as integers near 3.2e9, window sizes near 5e5, ports, counters)",
        adaptations=(KERAS3, "400 rows instead of 20, 10 epochs instead of 100"),
        metric="held-out accuracy",
        level=0.8,
    ),
    Case(
        name="so44164749",
        source="DeepLocalize SO 44164749; DeepFD #2; DeepDiagnosis Table 6 #2",
        url=SO + "44164749",
        faults=("epoch", "learning rate", "activation", "loss"),
        cause=("learning rate",),
        fix="SGD learning rate 0.05 instead of 0.01 (DeepFD: this alone gives 0.9487 after 5 epochs; "
            "the activation and loss changes help little)",
        data="MNIST (offline IDX files), the first 12000 training and 2000 test images",
        adaptations=(KERAS3, ("12000 training images instead of 60000 (30 updates of batch 2000 in 5 "
                     "epochs instead of 150)")),
        metric="test accuracy",
        level=0.85,
        remaining="a 784-5000-600-10 network at batch 2000: slow per sample on a CPU",
        remaining_checks=("batch_size", "architecture", "learning_rate", "generalization"),
    ),
    Case(
        name="so45337371",
        source="DeepLocalize SO 45337371; DeepFD #22; DeepDiagnosis Table 6 #22",
        url=SO + "45337371",
        faults=("activation",),
        cause=("activation",),
        fix="sigmoid instead of softmax on the single output unit",
        data="stand-in: the question builds the model on random inputs and never trains it; 1000 rows of 5 "
             "uniform features with a linear-rule binary label",
        adaptations=(KERAS3, "a training run added (the question only computes gradients)"),
        metric="held-out accuracy",
        level=0.85,
    ),
    Case(
        name="so45442843",
        source="DeepLocalize SO 45442843; DeepFD #26; DeepDiagnosis Table 6 #26",
        url=SO + "45442843",
        faults=("loss", "optimizer", "activation", "epoch"),
        cause=("loss", "activation", "missing preprocess"),
        fix="scale the input, sigmoid instead of softmax on the output unit, binary cross-entropy instead "
            "of mean absolute error (DeepLocalize's correct code)",
        data="stand-in for `dataset.csv` (999 rows): `data.large_feature_binary`, one raw feature in "
             "10000-30000 and a bool label set by a threshold, 10% flipped",
        adaptations=(KERAS3,),
        metric="held-out accuracy",
        level=0.8,
    ),
    Case(
        name="so47724077",
        source="DeepLocalize SO 47724077; DeepFD #14; DeepDiagnosis Table 6 #14",
        url=SO + "47724077",
        faults=("optimizer", "learning rate", "missing preprocess", "epoch"),
        cause=("missing preprocess", "learning rate"),
        fix="standardize the columns (StandardScaler), Adam at 0.01 (DeepFD's patch)",
        data="stand-in for UCI Adult (`adult.data`): `data.census`, 14 label-encoded columns on the "
             "original's scales (a sampling weight near 2e5, capital gain up to 1e5), binary income",
        adaptations=(KERAS3, "3000 rows instead of 32561, 10 epochs instead of 50",
                     "the question's broken one-hot assignment of categories left out (label codes kept)"),
        metric="held-out accuracy",
        level=0.8,
    ),
    Case(
        name="so48221692",
        source="DeepLocalize SO 48221692; DeepFD #20; DeepDiagnosis Table 6 #20",
        url=SO + "48221692",
        faults=("activation",),
        cause=("activation",),
        fix="linear instead of sigmoid on the output unit",
        data="`Linear_Data.csv` is y = x^2 + 3 on x in [-10, 10) step 0.1: generated in code",
        adaptations=(KERAS3, ("1000 full-batch updates as 10 epochs over 100 copies of the training set "
                     "(the question: 1000 epochs)")),
        metric="held-out R^2",
        level=0.5,
        remaining="regression targets up to 103, unscaled",
        remaining_checks=("target_scale", "input_scale", "learning_rate"),
    ),
    Case(
        name="so48251943",
        source="DeepLocalize SO 48251943; DeepFD #5; DeepDiagnosis Table 6 #5",
        url=SO + "48251943",
        faults=("activation",),
        cause=("activation",),
        fix="tanh instead of ReLU on the output unit; 500 epochs instead of 50 (DeepLocalize's correct code)",
        data="stand-in for `Book1.csv` (17 rows): `data.small_regression`, 2 features, a target negative "
             "for a third of the rows",
        adaptations=(KERAS3, ("the 17 rows 10 times per epoch: 5 epochs here are the question's 50, 50 the "
                     "correct code's 500")),
        metric="training R^2 (17 rows, no held-out set in the original)",
        level=0.5,
        remaining="17 samples: too few for held-out advice",
        remaining_checks=("generalization",),
    ),
    Case(
        name="so48385830",
        source="DeepLocalize SO 48385830; DeepFD #1; DeepDiagnosis Table 6 #1",
        url=SO + "48385830",
        faults=("activation", "loss", "learning rate"),
        cause=("activation", "loss"),
        fix="sigmoid hidden layer, softmax output, categorical cross-entropy instead of mean squared error",
        data="MNIST (offline IDX files), the first 10000 training and 2000 test images",
        adaptations=(KERAS3, "10000 training images, 2 epochs instead of 30 (batch size 10 kept)"),
        metric="test accuracy",
        level=0.8,
        remaining="SGD at 3.0 and unit-variance initial weights, as the question (Nielsen's book) has them",
        remaining_checks=("learning_rate", "initialization", "health"),
    ),
    Case(
        name="so48934338",
        source="DeepLocalize SO 48934338; DeepFD #13; DeepDiagnosis Table 6 #13",
        url=SO + "48934338",
        faults=("learning rate",),
        cause=("learning rate",),
        fix="SGD learning rate 0.001 instead of 0.1 (DeepLocalize's correct code; DeepFD's patch 0.0001)",
        data="y = 5 x^2 + e^3, e standard normal, x in [0, 5) step 0.1: generated in code as in the original",
        adaptations=(KERAS3, ("the 50 points 50 times per epoch, 20 epochs: 1580 updates (the question: "
                     "1000 epochs of 2)")),
        metric="training R^2 (50 points)",
        level=0.5,
        remaining="targets up to 125, unscaled; 50 samples",
        remaining_checks=("target_scale", "input_scale", "generalization"),
    ),
    Case(
        name="so50306988",
        source="DeepLocalize SO 50306988; DeepFD #4; DeepDiagnosis Table 6 #4",
        url=SO + "50306988",
        faults=("learning rate", "epoch"),
        cause=("learning rate", "epoch"),
        fix="Adam at 0.01 instead of 0.001, 10 epochs instead of 5 (DeepFD's patch)",
        data="two classes uniform in [0.2, 0.4]^2 and [0.5, 0.7]^2, alternating, generated in code as in "
             "the original",
        adaptations=(KERAS3,),
        metric="training accuracy (200 points)",
        level=0.9,
    ),
    Case(
        name="so52800582",
        source="DeepLocalize SO 52800582; DeepFD #17; DeepDiagnosis Table 6 #17",
        url=SO + "52800582",
        faults=("missing preprocess",),
        cause=("missing preprocess",),
        fix="standardize x and y (StandardScaler); ReLU instead of sigmoid in the first layer",
        data="y = x^4 on x in [-100, 100) step 0.5: generated in code as in the original",
        adaptations=(KERAS3, ("1000 full-batch updates as 10 epochs over 100 copies (the question: 1000 "
                     "epochs; its fix loops 100 times over them)")),
        metric="R^2 on the 400 points (scale-free, so raw and standardized targets compare)",
        level=0.5,
    ),
    Case(
        name="so55328966",
        source="DeepLocalize SO 55328966; DeepFD #8; DeepDiagnosis Table 6 #8",
        url=SO + "55328966",
        faults=("activation", "optimizer", "missing preprocess"),
        cause=("missing preprocess", "activation", "optimizer"),
        fix="pixels / 255, softmax instead of sigmoid output, Adam instead of SGD (learning rate 1e-4 kept)",
        data="MNIST (offline IDX files instead of the question's CSV), the first 5000 training and 2000 "
             "test images, as the question keeps",
        adaptations=(KERAS3, "TensorFlow 1's GradientDescentOptimizer written as keras SGD"),
        metric="test accuracy",
        level=0.8,
    ),
    Case(
        name="so59278771",
        source="DeepLocalize SO 59278771; DeepFD #16; DeepDiagnosis Table 6 #16",
        url=SO + "59278771",
        faults=("activation", "optimizer", "missing preprocess"),
        cause=("missing preprocess", "activation", "optimizer"),
        fix="standardize, SELU hidden layer, softmax instead of sigmoid output, SGD (DeepFD's patch)",
        data="stand-in for `iris.data`: `data.iris_like`, Gaussian samples with the published per-species "
             "means and spreads (150 train, 150 test)",
        adaptations=(KERAS3, ("the 150 rows ten times per epoch, 20 epochs: the question's 200 epochs "
                     "of updates (6000 of batch 5)")),
        metric="held-out accuracy",
        level=0.85,
        remaining="150 samples, 4 features",
        remaining_checks=("generalization",),
    ),
    Case(
        name="so31627380",
        source="DeepLocalize SO 31627380; DeepFD #28; DeepDiagnosis Table 6 #28",
        url=SO + "31627380",
        faults=("optimizer", "activation", "loss"),
        cause=("activation", "loss"),
        fix=("sigmoid outputs and binary cross-entropy instead of softmax and categorical cross-entropy on "
             "the one-hot 2-class labels (DeepLocalize's correct code)"),
        data=("stand-in for Kaggle's Titanic `train.csv`: `data.passengers`, 891 rows of 10 label-encoded "
              "columns (name, ticket and cabin codes in the hundreds), survival from sex, class and age"),
        adaptations=(KERAS3,),
        metric="accuracy on the validation split (the last 20%)",
        level=0.75,
        remaining="unscaled label-encoded identifier columns; batch size 4",
        remaining_checks=("input_scale", "batch_size"),
    ),
    Case(
        name="so34673164",
        source="DeepLocalize SO 34673164; DeepFD #19; DeepDiagnosis Table 6 #19",
        url=SO + "34673164",
        faults=("missing layers", "layer properties", "activation", "loss"),
        cause=("missing layers", "activation", "loss"),
        fix=("a BatchNormalization layer on the inputs, sigmoid outputs and binary cross-entropy instead of "
             "softmax and mean squared error"),
        data=("stand-in for `dataset.csv` (9 rows in the repository: county statistics and the winning "
              "candidate): `data.counties`, 600 rows of 16 raw columns from 0.1 to 1e6"),
        adaptations=(KERAS3, "600 rows (480 train) instead of 9"),
        metric="held-out accuracy",
        level=0.8,
    ),
    Case(
        name="at_gradient_vanish",
        source="AUTOTRAINER " + AUTOTRAINER + "Gradient_Vanish_Case (model.h5, config.pkl); "
               "DeepDiagnosis Table 6 uses AUTOTRAINER's models",
        url="https://github.com/shiningrain/AUTOTRAINER",
        faults=("activation",),
        cause=("activation",),
        fix="ReLU instead of sigmoid in the hidden layers (AUTOTRAINER's first strategy for a vanishing "
            "gradient, `relu_1`)",
        data="circles (scikit-learn's make_circles, noise 0.1, 1000 points, 700 train): `data.circles`",
        adaptations=(KERAS3, AT_EPOCHS, ("the circles drawn by our generator, not "
                     "scikit-learn's (same distribution)")),
        metric="held-out accuracy",
        level=0.8,
    ),
    Case(
        name="at_oscillating_loss",
        source="AUTOTRAINER " + AUTOTRAINER + "Oscillating_Loss_Case (model.h5, config.pkl)",
        url="https://github.com/shiningrain/AUTOTRAINER",
        faults=("optimizer", "learning rate", "batch size"),
        cause=("optimizer", "learning rate"),
        fix="Adam instead of SGD at 0.01 with momentum 0.9 (AUTOTRAINER's first strategy for an unstable "
            "loss, `adam_1`)",
        data="blobs (make_blobs, 3 centres, std 2, 1000 points, 700 train): `data.blobs`",
        adaptations=(KERAS3, "5 epochs instead of 200 (3500 updates of batch 1)"),
        metric="held-out accuracy",
        level=0.85,
        remaining="batch size 1: many slow steps per epoch",
        remaining_checks=("batch_size",),
    ),
    Case(
        name="at_improper_activation",
        source="AUTOTRAINER " + AUTOTRAINER + "Improper_Activation_case (demo_activation.py)",
        url="https://github.com/shiningrain/AUTOTRAINER",
        faults=("activation",),
        cause=("activation",),
        fix="softmax instead of ReLU on the 3-unit output under categorical cross-entropy",
        data="blobs (make_blobs, 3 centres, std 2, 1000 points, 700 train): `data.blobs`",
        adaptations=(KERAS3, "100 epochs instead of 300"),
        metric="held-out accuracy",
        level=0.85,
        remaining="Adam at 1e-4: slow",
        remaining_checks=("learning_rate",),
    ),
    Case(
        name="at_blob_exponential",
        source=("AUTOTRAINER generated Blob model `model_0448d813` (code: " + AT_MODELS + "Models_Blob.py); "
                "listed as repaired by AUTOTRAINER in DeepDiagnosis's Blob results"),
        url="https://github.com/DeepDiagnosis/ICSE2022",
        faults=("activation",),
        cause=("activation",),
        fix=("SELU with lecun_uniform initializers instead of the exponential activation in the eight hidden "
             "layers (AUTOTRAINER's first strategy for an exploding gradient, `selu_1`)"),
        data="blobs (make_blobs, 3 centres, std 2, 1000 points, 700 train): `data.blobs`",
        adaptations=(KERAS3, AT_CONFIG, AT_EPOCHS),
        metric="held-out accuracy",
        level=0.85,
        remaining="sigmoid outputs under categorical cross-entropy, as the generated model has them",
        remaining_checks=("output_loss",),
    ),
    Case(
        name="at_blob_sigmoid",
        source=("AUTOTRAINER generated Blob model `model_2569b90f` (code: " + AT_MODELS + "Models_Blob.py); "
                "listed as repaired by AUTOTRAINER, vanishing gradient in DeepDiagnosis's Blob results"),
        url="https://github.com/DeepDiagnosis/ICSE2022",
        faults=("activation",),
        cause=("activation",),
        fix=("ReLU with he_uniform kernels instead of sigmoid in the eleven 5-unit hidden layers (AUTOTRAINER's "
             "strategy `relu_1` for a vanishing gradient)"),
        data="blobs (make_blobs, 3 centres, std 2, 1000 points, 700 train): `data.blobs`",
        adaptations=(KERAS3, AT_CONFIG, AT_EPOCHS),
        metric="held-out accuracy",
        level=0.85,
        remaining="sigmoid outputs under categorical cross-entropy, as the generated model has them",
        remaining_checks=("output_loss",),
    ),
    Case(
        name="at_circle_uniform_relu",
        source=("AUTOTRAINER generated Circle model `model_8de47bdc` (code: " + AT_MODELS + "Models_Circle.py); "
                "listed as repaired by AUTOTRAINER in DeepDiagnosis's Circle results"),
        url="https://github.com/DeepDiagnosis/ICSE2022",
        faults=("initialization",),
        cause=("initialization",),
        fix=("he_uniform kernels instead of RandomUniform(-0.05, 0.05) in the eight ReLU layers (AUTOTRAINER's "
             "`relu_1` strategy, which sets ReLU and he_uniform)"),
        data="circles (make_circles, noise 0.1, 1000 points, 700 train): `data.circles`",
        adaptations=(KERAS3, AT_CONFIG, AT_EPOCHS),
        metric="held-out accuracy",
        level=0.8,
    ),
    Case(
        name="at_circle_deep_relu",
        source=("AUTOTRAINER generated Circle model `model_8e28bdef` (code: " + AT_MODELS + "Models_Circle.py); "
                "listed as repaired by AUTOTRAINER in DeepDiagnosis's Circle results"),
        url="https://github.com/DeepDiagnosis/ICSE2022",
        faults=("activation", "layer properties"),
        cause=("activation",),
        fix=("SELU with lecun_uniform initializers instead of ReLU in the sixteen 5-unit hidden layers "
             "(AUTOTRAINER's first strategy for dying ReLUs, `selu_1`)"),
        data="circles (make_circles, noise 0.1, 1000 points, 700 train): `data.circles`",
        adaptations=(KERAS3, AT_CONFIG, AT_EPOCHS),
        metric="held-out accuracy",
        level=0.8,
    ),
    Case(
        name="at_circle_exponential",
        source=("AUTOTRAINER generated Circle model `model_0ae2cd88` (code: " + AT_MODELS + "Models_Circle.py); "
                "listed as repaired by AUTOTRAINER in DeepDiagnosis's Circle results"),
        url="https://github.com/DeepDiagnosis/ICSE2022",
        faults=("activation",),
        cause=("activation",),
        fix=("SELU with lecun_uniform initializers instead of the exponential activation in the eight hidden "
             "layers (AUTOTRAINER's first strategy for an exploding gradient, `selu_1`)"),
        data="circles (make_circles, noise 0.1, 1000 points, 700 train): `data.circles`",
        adaptations=(KERAS3, AT_CONFIG, AT_EPOCHS),
        metric="held-out accuracy",
        level=0.8,
    ),
    Case(
        name="at_blob_deep_relu",
        source=("AUTOTRAINER generated Blob model `model_84c77206` (code: " + AT_MODELS + "Models_Blob.py); "
                "listed as repaired by AUTOTRAINER in DeepDiagnosis's Blob results"),
        url="https://github.com/DeepDiagnosis/ICSE2022",
        faults=("activation", "layer properties"),
        cause=("activation",),
        fix=("SELU with lecun_uniform initializers instead of ReLU in the fifteen 5-unit hidden layers "
             "(AUTOTRAINER's first strategy for dying ReLUs, `selu_1`)"),
        data="blobs (make_blobs, 3 centres, std 2, 1000 points, 700 train): `data.blobs`",
        adaptations=(KERAS3, AT_CONFIG, AT_EPOCHS),
        metric="held-out accuracy",
        level=0.85,
        remaining="sigmoid outputs under categorical cross-entropy, as the generated model has them",
        remaining_checks=("output_loss",),
    ),
    Case(
        name="at_blob_uniform_relu",
        source=("AUTOTRAINER generated Blob model `model_384108d9` (code: " + AT_MODELS + "Models_Blob.py); "
                "listed as repaired by AUTOTRAINER, vanishing gradient in DeepDiagnosis's Blob results"),
        url="https://github.com/DeepDiagnosis/ICSE2022",
        faults=("initialization",),
        cause=("initialization",),
        fix=("he_uniform kernels instead of RandomUniform(-0.05, 0.05) in the eight ReLU layers (AUTOTRAINER's "
             "`relu_1` strategy, which sets ReLU and he_uniform)"),
        data="blobs (make_blobs, 3 centres, std 2, 1000 points, 700 train): `data.blobs`",
        adaptations=(KERAS3, AT_CONFIG, AT_EPOCHS),
        metric="held-out accuracy",
        level=0.85,
        remaining="sigmoid outputs under categorical cross-entropy, as the generated model has them",
        remaining_checks=("output_loss",),
    ),
    Case(
        name="gh_facial_keypoints",
        source=("DeepLocalize GitHub benchmark ShyamPoovaiah/FacialKeypointsDetection ("
                + DEEPLOCALIZE_GH + "FacialKeypointsDetection/src/1_single_hidden_layer.py); DeepFD #49 "
                "(faults optimizer, epoch)"),
        url="https://github.com/ShyamPoovaiah/FacialKeypointsDetection/commit/654392560f25688822862126005f576b682e38ad",
        faults=("optimizer", "epoch"),
        cause=("optimizer",),
        fix="SGD at 0.01 with Nesterov momentum 0.9 and clipnorm 1 instead of Adam at 0.1 (the repository's fix)",
        data=("stand-in for Kaggle's facial keypoints `training.csv` (2140 complete rows): `data.keypoints`, "
              "96x96 images in [0, 1] of one Gaussian face, 15 keypoints at fixed offsets from its centre "
              "scaled to [-1, 1]"),
        adaptations=(KERAS3, "Keras 2's `decay=1e-6` dropped from the fix's SGD",
                     "the keypoints learnable by a linear network, as the original's activation-free layers need"),
        metric="R^2 on the validation split (the last 20%)",
        level=0.5,
    ),
)

#: Programs of the four benchmarks not in :data:`CASES`, each with the reason.
#: ``refused`` names a layer or input the doctor does not diagnose (not an MLP).
NOT_REBUILT = (
    ("DeepLocalize SO 47352366", "refused: Conv2D layers (MNIST CNN)"),
    ("DeepLocalize SO 48594888", "refused: Conv2D layers (CIFAR-10 CNN)"),
    ("DeepLocalize SO 50079585", "refused: Conv2D layers (image folders)"),
    ("DeepLocalize SO 59325381", "refused: Conv2D layers (MNIST CNN)"),
    ("DeepLocalize SO 41372874", "no documented fix (DeepLocalize has the buggy model only; DeepFD: 'origin')"),
    ("DeepLocalize SO 50481178", "no fault: DeepFD labels it 'origin', its repair makes it worse"),
    ("DeepLocalize SO 51930566", "no fault: DeepFD labels it 'origin', its repair makes it worse"),
    ("DeepLocalize SO 58609115", ("the buggy and correct programs are two different programs (a 1-unit "
                                 "regression and a digit classifier), so no fix to confirm")),
    (("DeepFD: 16 further Stack Overflow ids (56380303, 58237726, 37624102, 39810655, 41327601, 41600519, "
      "41947039, 41977498, 42514960, 42800203, 44998910, 46642627, 46995209, 51181393, 47932589, 37213388)"),
     ("program text not in the public repositories (only the patch lines in DeepFD's spreadsheet; the full "
      "subjects behind a Google Drive link), so the model and data cannot be rebuilt")),
    ("DeepFD SO 59282996", ("refused: Bidirectional LSTM over masked sequences (its program is in DeepFD's "
                           "`Benchmark/Subjects/59282996`)")),
    (("DeepLocalize / DeepFD GitHub programs Traffic-Sign-Classifier, keras-super-resolution, keras_catsdogs, "
     "hotdog-sandwich, gol_nn"), "refused: Conv2D layers"),
    ("DeepLocalize / DeepFD GitHub program FacialKeypointsDetection, its two convolutional scripts",
     "refused: Conv2D layers (its single-hidden-layer script is the case gh_facial_keypoints)"),
    ("DeepLocalize / DeepFD GitHub program Averaging_Neural_Networks",
     ("no failure to reproduce: the buggy network (linear 2-2-1) represents its target, the mean of its two "
      "inputs, exactly; the fix adds a ReLU layer")),
    ("DeepLocalize / DeepFD GitHub program MovieReviews_Keras",
     "not rebuilt: IMDB reviews (keras.datasets download) not offline; the fix is Dropout and 7 epochs instead of 4"),
    ("DeepLocalize / DeepFD GitHub programs DDOS-ML-Detection, kaggle-melbourne_properties, kerasma",
     ("not rebuilt yet: MLPs on CSV files kept in the benchmark, whose fixes change the number or widths of "
      "the hidden layers (DeepFD's 'Missing/Redundant/Wrong Layers')")),
    ("DeepDiagnosis Table 6 G#1-G#11", "the GitHub programs above"),
    ("DeepDiagnosis Table 6 A1-A3, B1-B3 (two groups)", ("AUTOTRAINER's generated models; the table does not "
     "say which of `AUTOTRAINER Model Code/Models_{Blob,Circle,MNIST,CIFAR_10}.py` they are")),
    ("AUTOTRAINER generated MNIST and CIFAR-10 models (`Models_MNIST.py`, `Models_CIFAR_10.py`)",
     "refused: Conv2D layers (LeNet-style)"),
    (("AUTOTRAINER generated Blob/Circle models beyond the seven rebuilt: further exponential stacks (Blob "
      "0b6f114d, 9b8bdaab, 661b4e86, e73037c2; Circle 0eb8d545, 01bb8f27, 9e7361d4, 169a3fa1, 205c07d5, "
      "636bde2e, d064a5da), deep sigmoid stacks (Blob bd4e58b7, e706e7cd; Circle 5ab0aeda, c632dcbd, "
      "dd8c879b, ebc164bf, f476c610), RandomUniform ReLU stacks (Blob f7e7b91b; Circle 10702695, 14989730, "
      "c54b3d2e), deep ReLU stacks (Circle 46edb7df, e8a6e959)"),
     ("not rebuilt: depth variants of the rebuilt families (at_*_exponential, at_blob_sigmoid and the demo's "
      "at_gradient_vanish, at_*_uniform_relu, at_*_deep_relu)")),
    (("AUTOTRAINER generated tanh models with mutated initializers or added layers (`model_mi_*`, `model_al_*`, "
      "`model_ma_*`, `simplednn*` in Models_Blob.py and Models_Circle.py)"),
     ("no documented fault: their training configurations and AUTOTRAINER's verdicts are behind a Google "
      "Drive link; DeepDiagnosis runs several of them as normal models")),
    ("AUTOTRAINER Motivation/DyingReLU and Motivation/OscillatingLoss (MNIST MLPs, 34 and 20 ReLU layers of 128)",
     ("no documented fix: they show that the problem occurs at random (in about half the runs), so no "
      "seeded buggy/fixed pair")),
)


def by_name(names=None):
    """The cases named in ``names`` (all when None), in table order.

    Raises:
        ValueError: a name that is not in the table, with the known names.
    """
    if names is None:
        return list(CASES)
    known = {case.name: case for case in CASES}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"--cases: unknown case(s) {unknown}; known: {sorted(known)}")
    return [known[name] for name in names]
