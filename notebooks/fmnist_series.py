"""The Fashion-MNIST series' shared code: the one home of everything that more than one notebook uses.

Each notebook's setup cell imports this file as `series`: from the notebook's own folder inside the
repository, or, for a notebook opened alone (in Colab, say), downloaded from the series' release and
checked against the SHA-256 that the setup cell carries. Read any function here with `series.name??`.

The file has two parts:

1. Written by hand: plumbing that no notebook teaches (configuration and quick mode, the published
   files, Google Drive, the setup message, loading the models of earlier notebooks).
2. Generated from the notebooks: every definition that a notebook teaches and marks `# @save`, copied
   word for word by `make module` (tools/export_module.py). Edit those in their notebook, never here;
   the tests fail when this part and the notebooks differ.
"""

import decimal
import importlib
import importlib.metadata
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp
from scipy.stats import rankdata
from scipy.stats import t as t_distribution


def _import_keras_quietly():
    """Import Keras with the process' standard error sent to /dev/null, then restore it.

    TensorFlow's C++ library writes two lines when it is loaded ("All log messages before
    absl::InitializeLog() ..." and "oneDNN custom operations are on ..."), before its logging can be
    configured, so no environment variable silences them. Python's own warnings are not affected:
    they go through `sys.stderr`, which this does not touch, and everything after the import is shown.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's later C++ info and warning lines
    if "keras" in sys.modules:
        import keras

        return keras
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import keras
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(devnull)
    return keras


keras = _import_keras_quietly()
import tensorflow as tf  # noqa: E402  (after the quiet import)
from keras import layers  # noqa: E402

try:  # notebook 12's LiteRT runtime, which Colab does not preinstall (12 installs it; the benchmark uses it)
    from ai_edge_litert.interpreter import Interpreter
except ImportError:
    Interpreter = None

# ---------------------------------------------------------------------------------------------------
# Part 1, written by hand.
# ---------------------------------------------------------------------------------------------------

RELEASE = "v2.0.0"  # written by `make release`, with the SHA-256 of this file in every notebook
REPOSITORY = "fmnist-keras/fashion-mnist-cnn"

# Everything the series downloads, code and models alike, comes from the repository at this release.
# FMNIST_SERIES_URL replaces it: a mirror, or a checkout served on this computer.
SERIES_URL = os.environ.get("FMNIST_SERIES_URL", f"https://raw.githubusercontent.com/{REPOSITORY}/{RELEASE}/")

# Configuration. The tests set FMNIST_QUICK=1, which shrinks the amount of work and nothing else.
QUICK = os.environ.get("FMNIST_QUICK") == "1"
EPOCHS = 2 if QUICK else 40
TRAIN_IMAGES = 3_000 if QUICK else 60_000
BETTER_EPOCHS = 2 if QUICK else 24

# Inside the repository the notebooks run in notebooks/ and keep their models in ../models; a notebook
# opened alone (in Colab, say) keeps them in models/ beside itself. Quick runs keep theirs apart.
MODELS_DIR = (Path("../models") if Path("../models").is_dir() else Path("models")) / ("quick" if QUICK else "")
MODEL_PATH = MODELS_DIR / "lesson_cnn.keras"
HISTORY_PATH = MODELS_DIR / "lesson_history.json"
BETTER_MODEL_PATH = MODELS_DIR / "better_cnn.keras"
BETTER_HISTORY_PATH = MODELS_DIR / "better_history.json"

# The SHA-256 of each file in models/published/, written by `make publish`.
PUBLISHED_SHA256 = {
    "lesson_cnn.weights.h5": "6bffa7ee3691153ab4d90136d44e4378b2bcdc78ab31456fec274fd700d0d9b7",
    "lesson_history.json": "c88dca017c5b4782b037dd8e856530b79bad955ede06f72eb925f70cb80e3c85",
    "better_cnn.weights.h5": "f46a5cc9431dfbbcfed6317584e8d372ad333a9ef561480734a742d9e303bf5a",
    "tiny_cnn.weights.h5": "13f5ffd94319e3f826e9070bde1e08bfb1d67a916cc977958c6cf9f38fc7b4f9",
}
CPU_TRAINING_ADVICE = (
    "On a 2-core CPU that takes 10 to 30 minutes. In Colab, a GPU runtime is much faster: "
    "Runtime > Change runtime type > T4 GPU, then run the notebook again."
)

# Colours every reader can tell apart: the petroff10 cycle (Petroff 2021, chosen with readers who see colours
# differently; Matplotlib's "petroff10" style since 3.10), which `start` sets for every figure. A notebook names
# them "C0", "C1", ...; images keep gray or a perceptually uniform colour map (viridis, inferno).
PALETTE = ("#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6", "#a96b59", "#e76300", "#b9ac70", "#717581", "#92dadd")


def use_palette():
    """Make PALETTE the colour cycle of every Matplotlib figure drawn after this."""
    import matplotlib
    from cycler import cycler

    matplotlib.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)


def start(release, keep_models_in_drive=False):
    """What every notebook's setup cell calls: check the release, place models/, say what was loaded."""
    if release != RELEASE:
        warnings.warn(
            f"This notebook belongs to release {release} of the series, but {Path(__file__).name} is from "
            f"release {RELEASE}. Use the notebook and the file of one release.",
            stacklevel=2,
        )
    if keep_models_in_drive:
        _keep_models_in_drive()
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    use_palette()
    where = "this folder" if Path(__file__).parent.resolve() == Path.cwd().resolve() else "the series' release"
    print(f"Shared code: fmnist_series.py of release {RELEASE}, from {where}.")
    print(f"Keras {keras.__version__} with the {keras.backend.backend()} backend.")
    print(f"{'QUICK TEST RUN; ' if QUICK else ''}trained models: {MODELS_DIR}/")


def _keep_models_in_drive():
    """In Colab, make models/ a link to a folder in Google Drive, so that models outlive the runtime."""
    if "google.colab" not in sys.modules:
        print("Not running in Colab: models/ is on this computer's disk already; nothing to do for Drive.")
        return
    from google.colab import drive

    drive.mount("/content/drive")
    drive_models = Path("/content/drive/MyDrive/fashion-mnist-cnn/models")
    drive_models.mkdir(parents=True, exist_ok=True)
    models = Path("models")
    if models.is_dir() and not models.is_symlink() and not any(models.iterdir()):
        models.rmdir()  # an empty folder from an earlier run of the setup cell
    if models.is_symlink():
        print(f"models/ already points to {models.resolve()}")
    elif models.exists():
        print("models/ already holds files in this runtime, so it stays where it is. To keep everything in Drive, "
              "start a fresh runtime (Runtime > Disconnect and delete runtime) and run the setup cell first.")
    else:
        models.symlink_to(drive_models)
        print(f"models/ now points to {drive_models}: what the notebooks save there outlives this runtime.")


def download_published(name, path):
    """Download the series' published file `name` to `path`; True once its SHA-256 matched.

    When the download fails (offline, say) or the file is corrupted or cut short, it says why and
    returns False, leaving nothing behind: Keras downloads into a temporary folder beside `path`.
    """
    url = f"{SERIES_URL}models/published/"
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        try:
            downloaded = keras.utils.get_file(name, url + name, file_hash=PUBLISHED_SHA256[name],
                                              hash_algorithm="sha256", cache_dir=folder, cache_subdir="")
        except Exception as error:  # no connection, no such file, or a SHA-256 that does not match
            print(f"Could not download {name}: {error}")
            return False
        os.replace(downloaded, path)
    print(f"Downloaded {name} from {url}; its SHA-256 matches.")
    return True


def load_published_weights(name, model, path):
    """Download the published weights `name` into `model`, then save the whole model to `path`; True on success.

    The series publishes weights rather than `.keras` files: weights load in every Keras 3 version
    that the series supports, while a `.keras` file written by a newer Keras may not load in an older one.
    """
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        weights = Path(folder) / name
        if not download_published(name, weights):
            return False
        try:
            model.load_weights(weights)
        except ValueError as error:  # weights that do not fit this notebook's model
            print(f"Could not load {name} into {model.name}: {error}")
            return False
    save_atomically(path, model.save)
    return True


def load_lesson_model():
    """Notebook 03's model and history: the saved files, else the series' published ones, else trained here."""
    if MODEL_PATH.exists() and HISTORY_PATH.exists():
        print("Loaded the model and history that notebook 03 trained and saved.")
        return keras.models.load_model(MODEL_PATH), json.loads(HISTORY_PATH.read_text())

    if MODEL_PATH.exists() or HISTORY_PATH.exists():  # one of the two, from an interrupted run of notebook 03
        found = MODEL_PATH if MODEL_PATH.exists() else HISTORY_PATH
        print(f"{found} has lost its partner file: training both again here, exactly as notebook 03 does "
              f"(this replaces {found.name}): {EPOCHS} epochs. {CPU_TRAINING_ADVICE}")
    else:
        print(f"No trained model in {MODELS_DIR}/: downloading the one that notebook 03 trained for the series.")
        model = build_lesson_cnn()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.optimizer.build(model.trainable_variables)  # so that Adam's published state loads too
        if download_published("lesson_history.json", HISTORY_PATH) and load_published_weights(
            "lesson_cnn.weights.h5", model, MODEL_PATH
        ):
            return keras.models.load_model(MODEL_PATH), json.loads(HISTORY_PATH.read_text())
        print(f"Training it here instead, exactly as notebook 03 does: {EPOCHS} epochs. {CPU_TRAINING_ADVICE}")
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    keras.utils.set_random_seed(42)
    model = build_lesson_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train[:TRAIN_IMAGES, ..., np.newaxis],
        y_train[:TRAIN_IMAGES],
        batch_size=128,
        epochs=EPOCHS,
        validation_split=0.2,
        verbose=2,
    ).history
    save_atomically(MODEL_PATH, model.save)
    save_atomically(HISTORY_PATH, lambda path: path.write_text(json.dumps(history)))
    return model, history


def load_better_model():
    """Notebook 10's better CNN: the saved file, else the series' published one, else trained here."""
    if BETTER_MODEL_PATH.exists():
        print("Loaded the better model that notebook 10 trained and saved.")
        return keras.models.load_model(BETTER_MODEL_PATH)

    print(f"No better model in {MODELS_DIR}/: downloading the one that notebook 10 trained for the series.")
    if load_published_weights("better_cnn.weights.h5", build_better_cnn(), BETTER_MODEL_PATH):
        return keras.models.load_model(BETTER_MODEL_PATH)

    print(f"Training it here instead, exactly as notebook 10 does: {BETTER_EPOCHS} epochs. {CPU_TRAINING_ADVICE}")
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    x_train, y_train = x_train[:TRAIN_IMAGES, ..., np.newaxis], y_train[:TRAIN_IMAGES]
    keras.utils.set_random_seed(42)
    better = compiled_better_cnn(steps_per_epoch=math.ceil(len(x_train) * 0.8 / 128))
    history = better.fit(x_train, y_train, batch_size=128, epochs=BETTER_EPOCHS, validation_split=0.2,
                         verbose=2).history
    save_atomically(BETTER_MODEL_PATH, better.save)
    save_atomically(BETTER_HISTORY_PATH, lambda path: path.write_text(json.dumps(history)))
    return better


# Notebook 16's web page needs Gradio 6 (the API of its photo box, gr.File(type="filepath"), and its sketch pad);
# the oldest version it was tested with is the one requirements.txt pins.
GRADIO_REQUIREMENT = "gradio>=6.31.0,<7"
# What must not move while Gradio installs: this module has loaded them, and the notebook's models need them.
HELD_FOR_GRADIO = ("tensorflow", "tensorflow-cpu", "keras", "numpy")


def gradio_is_installed(find_spec=importlib.util.find_spec):
    """Whether Gradio can be imported: a folder that an uninstall left behind (a namespace package) does not count."""
    spec = find_spec("gradio")
    return spec is not None and spec.origin is not None


def install_gradio_if_missing(find_spec=importlib.util.find_spec, run=subprocess.run):
    """Install GRADIO_REQUIREMENT where Gradio is missing (Colab lacks it), holding HELD_FOR_GRADIO at their versions.

    Any other package may move to fit Gradio (Pillow, say). When no Gradio 6 fits, stop with one sentence.
    `find_spec` and `run` are importlib's and subprocess's, replaceable in the tests.
    """
    if gradio_is_installed(find_spec):
        return
    installed = {distribution.metadata["Name"].lower().replace("_", "-"): distribution.version  # tensorflow_cpu
                 for distribution in importlib.metadata.distributions()}
    held = [f"{name}=={installed[name]}" for name in HELD_FOR_GRADIO if name in installed]
    constraints = Path(tempfile.mkdtemp()) / "held.txt"
    constraints.write_text("\n".join(held) + "\n")
    print(f"Installing {GRADIO_REQUIREMENT}, holding {', '.join(held)}.")
    result = run([sys.executable, "-m", "pip", "install", "--quiet", GRADIO_REQUIREMENT, "--constraint", str(constraints)],
                 capture_output=True, text=True)
    importlib.invalidate_caches()
    if result.returncode != 0 or not gradio_is_installed(find_spec):
        reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise SystemExit(f"pip could not install {GRADIO_REQUIREMENT} beside {', '.join(held)} ({reason}). Install a "
                         f"Gradio 6 by hand (pip install \"{GRADIO_REQUIREMENT}\"), restart the kernel, and run this "
                         "notebook again.")


# ---------------------------------------------------------------------------------------------------
# The measurement method of notebooks 09-11 and the benchmark; 09's "How we measure" explains it.
# ---------------------------------------------------------------------------------------------------

def machine():
    """What `lscpu` tells of this computer, read from /proc/cpuinfo (Linux; Colab too): a dict.

    Physical cores count distinct (physical id, core id) pairs, so two logical cores (hyperthreads)
    of one physical core count once.
    """
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    processors = [dict(line.split(":", 1) for line in block.splitlines() if ":" in line)
                  for block in cpuinfo.strip().split("\n\n") if block.strip()]
    processors = [{key.strip(): value.strip() for key, value in processor.items()} for processor in processors]
    first = processors[0] if processors else {}
    physical = {(processor.get("physical id"), processor.get("core id")) for processor in processors}
    return {
        "model name": first.get("model name", "unknown processor"),
        "cpu family": int(first.get("cpu family", 0)),
        "vendor": first.get("vendor_id", ""),
        "logical cores": len(processors) or os.cpu_count(),
        "physical cores": len(physical) if processors else os.cpu_count(),
        "clock MHz": max((float(processor.get("cpu MHz", 0)) for processor in processors), default=0.0),
        "flags": set(first.get("flags", "").split()),
        "gpus": [device.name for device in tf.config.list_physical_devices("GPU")],
    }


TIMING_FLAGS = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16"]


def describe_machine():
    """Print the processor, its cores and the flags that decide training speed, the GPUs, and the date."""
    info = machine()
    threads = info["logical cores"] // max(info["physical cores"], 1)
    print(f"Processor: {info['model name']} (cpu family {info['cpu family']}), {info['physical cores']} physical "
          f"cores, {threads} thread{'s' if threads > 1 else ''} per core, {info['clock MHz']:,.0f} MHz")
    print("Flags: " + ", ".join(f"{flag} {'yes' if flag in info['flags'] else 'no'}" for flag in TIMING_FLAGS)
          + f"; GPU: {', '.join(info['gpus']) or 'none'}; measured on {time.strftime('%Y-%m-%d')}")


def float32_peak_gflops():
    """(GFLOP/s, how it was derived): the float32 peak of this machine's physical cores, or (None, why not).

    Peak = physical cores × FMA operations per cycle and core × float32 lanes per operation × 2 FLOPs
    (a multiply and an add) × the clock. Recent Intel server cores (Skylake-SP and later) and AMD Zen 5
    issue two 512-bit FMAs per cycle with AVX-512; AMD Zen 4 runs AVX-512 as two 256-bit halves, so it
    does no more than AVX2's two 256-bit FMAs.
    """
    info = machine()
    if info["gpus"]:
        return None, "training runs on a GPU here, so the CPU's peak does not apply"
    if not info["clock MHz"] or "avx2" not in info["flags"]:
        return None, "the processor's clock or flags could not be read"
    full_width_avx512 = "avx512f" in info["flags"] and not (info["vendor"] == "AuthenticAMD" and info["cpu family"] < 26)
    lanes = 16 if full_width_avx512 else 8
    peak = info["physical cores"] * 2 * lanes * 2 * info["clock MHz"] / 1000
    return peak, (f"{info['physical cores']} physical cores × 2 FMA units × {lanes} float32 lanes "
                  f"({'512-bit AVX-512' if lanes == 16 else '256-bit vectors'}) × 2 FLOPs × {info['clock MHz']:,.0f} MHz "
                  f"= {peak:,.0f} GFLOP/s")


CHECKS_PER_EPOCH = 4  # validation accuracy is checked every quarter epoch
STALL_WINDOW = 20  # training steps per stretch, when looking for stalls
STALL_FACTOR = 1.5  # a stretch this much slower than the run's median stretch is a stall


class TrainingClock(keras.callbacks.Callback):
    """Times every training step and notes the training time at which each target is first reached.

    In `timed_training`, each of fit's "epochs" is a quarter epoch that ends with a validation check.
    """

    def __init__(self, batch_size, targets=(), stop_at=None):
        super().__init__()
        self.batch_size, self.targets, self.stop_at = batch_size, targets, stop_at
        self.step_seconds, self.check_seconds, self.val_accuracy, self.seconds_to = [], [], [], {}

    def on_train_batch_begin(self, batch, logs=None):
        self.step_started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.step_seconds.append(time.perf_counter() - self.step_started)

    def on_epoch_end(self, epoch, logs=None):
        if "val_accuracy" not in logs:
            return
        self.check_seconds.append(sum(self.step_seconds))  # training time so far, first step included
        self.val_accuracy.append(logs["val_accuracy"])
        for target in self.targets:
            if logs["val_accuracy"] >= target:
                self.seconds_to.setdefault(target, self.check_seconds[-1])
        if self.stop_at is not None and logs["val_accuracy"] >= self.stop_at:
            self.model.stop_training = True

    def images_per_second(self):
        """Training speed, leaving out the first step (where TensorFlow traces its graph) and the checks."""
        return self.batch_size * (len(self.step_seconds) - 1) / sum(self.step_seconds[1:])

    def stalls(self):
        """(first step, slowdown) of each stretch of STALL_WINDOW steps slower than STALL_FACTOR × the median one."""
        steps = self.step_seconds[1:]
        starts = range(0, len(steps) - STALL_WINDOW + 1, STALL_WINDOW)
        stretches = [np.mean(steps[start : start + STALL_WINDOW]) for start in starts]
        return [(starts[index] + 2, slowdown) for index, slowdown in slow(stretches)]


def slow(durations):
    """(index, slowdown) of each duration longer than STALL_FACTOR × their median: stalls, not the model."""
    if len(durations) < 3:
        return []
    median = np.median(durations)
    return [(index, seconds / median) for index, seconds in enumerate(durations) if seconds > STALL_FACTOR * median]


class EpochClock(keras.callbacks.Callback):
    """Times each epoch of `fit`; `slow_epochs()` names those that took over STALL_FACTOR × the median epoch."""

    def on_train_begin(self, logs=None):
        self.epoch_seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self.epoch_started)

    def slow_epochs(self):
        """'epochs 3 (1.6×), 11 (1.5×)', or 'none'."""
        return ", ".join(f"{index + 1} ({slowdown:.1f}×)" for index, slowdown in slow(self.epoch_seconds)) or "none"


def training_batches(x, y, batch_size, seed):
    """(x, y) shuffled by `seed`, anew on every pass, in batches, without end: one data order per seed."""
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return dataset.repeat().batch(batch_size).prefetch(tf.data.AUTOTUNE)


def timed_training(build, x, y, *, seed, validation=None, epochs=None, steps=None, batch_size=128, targets=(),
                   stop_at=None):
    """Seed, build a compiled model with `build()`, train it on (x, y); return its TrainingClock.

    With `validation` = (x_val, y_val): train `epochs` epochs, checking validation accuracy
    CHECKS_PER_EPOCH times per epoch, and stop early once it reaches `stop_at`. Without: train
    `steps` steps, for the speed alone.
    """
    keras.utils.set_random_seed(seed)
    model = build()
    clock = TrainingClock(batch_size, targets, stop_at)
    if validation is None:
        length = dict(steps_per_epoch=steps, epochs=1)
    else:
        steps_per_check = math.ceil(len(x) / batch_size / CHECKS_PER_EPOCH)
        length = dict(steps_per_epoch=steps_per_check, epochs=epochs * CHECKS_PER_EPOCH,
                      validation_data=validation, validation_batch_size=1000)
    # shuffle=False: the pipeline shuffles itself (and Keras would warn that it ignores shuffle=True).
    model.fit(training_batches(x, y, batch_size, seed), shuffle=False, verbose=0, callbacks=[clock], **length)
    return clock


def interleaved(variants, repeats):
    """Run each variant (a function of the seed) once per repeat, interleaved, the order reversed every other
    repeat: A B C, C B A, A B C, ...

    The machine's drift then hits every variant alike, and no variant always runs first or last. Repeat r
    uses seed r for all of them, so the runs of two variants pair up by seed. Returns {name: [TrainingClock
    of each repeat]}; prints each run with the stalls within it, and, at the end, every run whose speed lies
    over STALL_FACTOR × away from its variant's median (a stall across runs).
    """
    runs = {name: [] for name in variants}
    for seed in range(repeats):
        order = list(variants) if seed % 2 == 0 else list(reversed(variants))
        for name in order:
            clock = variants[name](seed)
            runs[name].append(clock)
            stalls = ", ".join(f"steps {first}-{first + STALL_WINDOW - 1} at {slowdown:.1f}×"
                               for first, slowdown in clock.stalls())
            print(f"repeat {seed + 1}/{repeats}, {name}: {clock.images_per_second():,.0f} images/s"
                  + (f", validation accuracy {clock.val_accuracy[-1]:.4f}" if clock.val_accuracy else "")
                  + (f"; STALLS: {stalls}" if stalls else ""))
    slow_runs = [f"{name}, repeat {index + 1} ({slowdown:.1f}× slower than its median)"
                 for name, clocks in runs.items()
                 for index, slowdown in slow([1 / clock.images_per_second() for clock in clocks])]
    print(f"Runs slower than {STALL_FACTOR} × their variant's median: " + ("; ".join(slow_runs) or "none"))
    return runs


def paired_difference(first, second):
    """Mean of the per-seed differences first[r] - second[r], the half width of its 95 % t-interval, and
    whether the interval leaves out zero (the difference is beyond the noise between seeds).

    The runs of `interleaved` pair up by seed (same initial weights and data order), so each difference
    compares like with like; with n seeds, the interval uses Student's t with n - 1 degrees of freedom.
    """
    differences = np.asarray(first, dtype=float) - np.asarray(second, dtype=float)
    mean = float(np.mean(differences))
    if len(differences) < 2:
        return mean, float("inf"), False
    half_width = float(t_distribution.ppf(0.975, len(differences) - 1) * np.std(differences, ddof=1)
                       / math.sqrt(len(differences)))
    return mean, half_width, abs(mean) > half_width


def median_and_range(values, form="{:,.0f}"):
    """'median (min–max)' of the values, each written with `form`."""
    return f"{form.format(np.median(values))} ({form.format(min(values))}–{form.format(max(values))})"


# ---------------------------------------------------------------------------------------------------
# Exercises: each notebook's `q1, q2, q3 = series.exercises(NN)`, then `q1.check()`, `q1.hint()`,
# `q1.solution()`. A check reads the reader's answer from the notebook, never raises, trains nothing,
# and explains a wrong answer with the reader's own numbers.
# ---------------------------------------------------------------------------------------------------


class Blank:
    """The blank `____` that an exercise asks the reader to replace."""

    def __repr__(self):
        return "____"


____ = Blank()


class NotAttempted(Exception):
    """Raised inside a check when the answer is still the blank."""


class NotReady(Exception):
    """Raised inside a check when the notebook lacks what it reads: a cell skipped, or a kernel restarted."""


class Wrong(Exception):
    """Raised inside a check with the sentence that says what is wrong."""


class Verdict:
    """A coloured line in Jupyter and Colab, plain text in a terminal."""

    STYLES = {"Correct": "#1a7f37", "Incorrect": "#cf222e", "Not attempted": "#57606a", "Not ready": "#57606a",
              "Stopped": "#57606a", "Hint": "#9a6700", "Solution": "#0969da"}

    def __init__(self, label, text, code=None):
        self.label, self.text, self.code = label, text, code

    def __repr__(self):
        return f"{self.label}: {self.text}" + (f"\n{self.code}" if self.code else "")

    def _repr_html_(self):
        import html

        code = f"<pre>{html.escape(self.code)}</pre>" if self.code else ""
        return (f'<div><span style="color:{self.STYLES[self.label]};font-weight:bold">{self.label}:</span> '
                f"{html.escape(self.text)}{code}</div>")


def _show(verdict):
    """Display `verdict`: coloured in Jupyter and Colab, plain text elsewhere. It returns nothing, so that a
    notebook cell ending in `q1.check()` shows the verdict once, not a second time as the cell's value."""
    try:
        from IPython.display import display
    except ImportError:
        print(repr(verdict))
        return
    display(verdict)


def answer(namespace, name):
    """The reader's value of `name`: NotAttempted while it is the blank, NotReady while its cell has not run."""
    if name not in namespace:
        raise NotReady(f"`{name}` is not defined yet: run the exercise's cell, the one with `{name} = ...`, then "
                       "check again.")
    value = namespace[name]
    if value is ____:
        raise NotAttempted(f"replace the ____ in `{name} = ____` with your answer, run the cell, then check again.")
    return value


def needs(namespace, name, made_by):
    """The notebook's own `name`, which a check reads; NotReady, naming the cell `made_by`, while it is missing."""
    if namespace.get(name, ____) is ____:
        raise NotReady(f"this check reads the notebook's `{name}`, which is not defined: run {made_by} first (a "
                       "restarted kernel forgets every variable), then check again.")
    return namespace[name]


def called(function, *arguments):
    """The reader's function called on `arguments`; NotAttempted while it still returns the blank."""
    if not callable(function):
        raise Wrong(f"this exercise asks for a function, written with `def`; yours is {_described(function)}.")
    result = function(*arguments)
    if result is ____:
        raise NotAttempted("your function still returns ____: write its body, run the cell, then check again.")
    return result


def _described(value):
    """A short description of a value for a message: its type, and its shape or its start."""
    kind = type(value).__name__
    article = "an" if kind[0].lower() in "aeiou" else "a"
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, type):
        return f"{article} {kind} of shape {tuple(shape)}"
    text = repr(value)
    return f"{article} {kind}, {text[:60] + ('...' if len(text) > 60 else '')}"


def as_number(value, name):
    """`value` as a float, whatever scalar a reader gives: Python or NumPy, a 0-d or one-element array, a Keras or
    TensorFlow tensor. Wrong, saying what was given, for anything else."""
    if isinstance(value, (str, bytes)):
        raise Wrong(f"`{name}` should be a number; yours is the text {value!r}: write the number without quotes.")
    try:
        array = np.asarray(value)
    except Exception:  # a symbolic tensor, say: not a value
        array = np.asarray(None)
    if array.dtype.kind not in "iuf" or array.size != 1:
        raise Wrong(f"`{name}` should be one number; yours is {_described(value)}.")
    return float(array.reshape(()))


def as_values(value, name, by_class=False):
    """`value` as a float array: a list, tuple, array or tensor; with `by_class`, also a mapping keyed by class name
    or number (a dict, a collections.Counter, a pandas Series), put in class order, a missing class counting 0."""
    if by_class and hasattr(value, "keys") and hasattr(value, "items"):
        values = np.zeros(len(CLASS_NAMES))
        names = [class_name.lower() for class_name in CLASS_NAMES]
        for key, item in value.items():
            if isinstance(key, (int, np.integer)) and 0 <= key < len(CLASS_NAMES):
                index = int(key)
            elif str(key).strip().lower() in names:
                index = names.index(str(key).strip().lower())
            else:
                raise Wrong(f"`{name}` has the key {key!r}, which is neither a class number 0-9 nor a class name such "
                            f"as {CLASS_NAMES[6]!r}.")
            values[index] = as_number(item, f"{name}[{key!r}]")
        return values
    if hasattr(value, "keys") and hasattr(value, "items") and sorted(value.keys()) == list(range(len(value))):
        return np.array([as_number(value[key], f"{name}[{key}]") for key in range(len(value))])  # {0: ..., 1: ...}
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should hold numbers; yours is {_described(value)}.") from None


def _precision_written(number):
    """(decimals, significant digits) of `number` as Python writes it: 0.29 gives (2, 2), 1500 gives (0, 2)."""
    text = repr(float(number))
    if not math.isfinite(number) or "e" in text:
        return None
    digits = decimal.Decimal(text).normalize().as_tuple()
    return max(-digits.exponent, 0), len(digits.digits)


def agrees(number, expected, tolerance=0.0):
    """Whether the reader's `number` is `expected`: within `tolerance`, within float32's precision, or equal to it
    rounded to the decimals the reader wrote, when they wrote at least two significant digits (1.39 for 1.3863)."""
    if abs(number - expected) <= max(tolerance, 1e-6 * abs(expected), 1e-12):
        return True
    written = _precision_written(number)
    return bool(written and written[1] >= 2 and abs(number - expected) <= 0.5 * 10.0 ** -written[0] * (1 + 1e-9))


def agree_everywhere(values, expected, tolerance=0.0):
    """Whether two arrays have one shape and agree element by element, as `agrees` judges two numbers."""
    values, expected = np.asarray(values, dtype=float), np.asarray(expected, dtype=float)
    return values.shape == expected.shape and all(
        agrees(float(value), float(wanted), tolerance) for value, wanted in zip(values.ravel(), expected.ravel()))


def _readings(value):
    """The ways to read an answer's words, in a form that compares: the name of a class or function, else the text,
    without case, punctuation, spaces or filler words; read whole, and by its last and first dotted parts, so that a
    module path or a file's extension drops ('series.PhotoError' gives 'photoerror'; 'best.keras' gives 'best';
    'the .keras format' gives 'keras')."""
    text = getattr(value, "__name__", None) if isinstance(value, type) or callable(value) else None
    text = str(value if text is None else text).strip().rstrip(".!?").lower()
    filler = {"the", "a", "an", "its", "it", "file", "files", "format", "class", "only", "just"}

    def joined(part):
        return "".join(word for word in re.findall(r"[a-z0-9]+", part) if word not in filler)

    parts = [part for part in text.split(".") if joined(part)]
    return [joined(text)] + ([joined(parts[-1]), joined(parts[0])] if parts else [])


def says(value, accepted):
    """Whether the reader's words `value` say one of the `accepted` answers, in any case, spacing or module path."""
    wanted = {_readings(answer)[0] for answer in accepted}
    return any(reading in wanted for reading in _readings(value))


def explained(value, explanations):
    """The explanation, from `explanations` (keyed by words as `says` reads them), of the reader's wrong words."""
    keyed = {_readings(key)[0]: sentence for key, sentence in explanations.items()}
    return next((keyed[reading] for reading in _readings(value) if reading in keyed), None)


class Exercise:
    """One exercise: `check()` grades the answer in the notebook, `hint(level)` helps, `solution()` shows one."""

    def __init__(self, label, check, hints, solution):
        self.label, self._check, self.hints, self._solution = label, check, hints, solution

    def __repr__(self):
        return f"Exercise {self.label}: q.check(), q.hint(), q.solution()"

    def check(self):
        """Show the verdict on the answer in the notebook that calls this."""
        _show(self.verdict(sys._getframe(1).f_globals))

    def hint(self, level=1):
        _show(self.hint_verdict(level))

    def solution(self):
        _show(self.solution_verdict())

    def verdict(self, namespace):
        """The Verdict on the answer held in `namespace` (a notebook's globals); never raises."""
        try:
            message = self._check(namespace)
        except NotAttempted as blank:
            return Verdict("Not attempted", str(blank))
        except NotReady as missing:
            return Verdict("Not ready", str(missing))
        except Wrong as wrong:
            return Verdict("Incorrect", str(wrong))
        except KeyboardInterrupt:  # the Stop button, during a check that seemed to hang
            return Verdict("Stopped", "you stopped the check before it judged your answer. If it seemed to hang, look "
                                      "for a loop in your code that never ends, then check again.")
        except FileNotFoundError as error:
            return Verdict("Not ready", f"your answer reads {error.filename or 'a file'}, which is not there: run the "
                                        "cell that writes it first, then check again.")
        except Exception as error:  # the reader's code failed: say how, in one plain sentence, never a traceback
            return Verdict("Incorrect", f"running your answer raised {type(error).__name__}: {_plain(error)}")
        return Verdict("Correct", message)

    def hint_verdict(self, level=1):
        level = min(max(int(level), 1), len(self.hints))
        more = f" (hint {level} of {len(self.hints)}" + (f"; hint({level + 1}) gives the next)" if level < len(self.hints)
                                                          else ")")
        return Verdict("Hint", self.hints[level - 1] + more)

    def solution_verdict(self):
        return Verdict("Solution", "one way to do it:", self._solution.strip("\n"))


def _plain(error):
    """An error's message as one plain sentence: the first line of text, without the colour codes Keras adds."""
    lines = [line.strip() for line in re.sub(r"\x1b\[[0-9;]*m", "", str(error)).splitlines() if line.strip()]
    first = lines[0] if lines else "(no message)"
    return first if len(first) <= 200 else first[:197] + "..."


def exercises(notebook):
    """The exercises of notebook `notebook` (a number), in order."""
    return [Exercise(f"{notebook:02d}.{index}", *parts) for index, parts in enumerate(_EXERCISES[notebook](), start=1)]


def _fashion_mnist():
    """Fashion-MNIST as `load_data()` returns it, read once."""
    if not hasattr(_fashion_mnist, "data"):
        _fashion_mnist.data = keras.datasets.fashion_mnist.load_data()
    return _fashion_mnist.data


def _written(value):
    """A number as a reader would write it: whole numbers with thousands separators, others to 4 digits."""
    number = float(value)
    return f"{int(number):,}" if number.is_integer() and abs(number) < 1e15 else f"{number:.4g}"


def _compare(value, expected, name, tolerance=0, mistakes=(), from_this_run=False):
    """Right when `value` agrees with `expected` (see `agrees`); else the sentence of each mistake it matches (the
    number alone cannot tell two mistakes apart when both give it).

    With `from_this_run`, the expected value comes from the reader's own run (quick or full, on their machine),
    and the message says so.
    """
    number = as_number(value, name)
    if agrees(number, expected, tolerance):
        return number
    matched = list(dict.fromkeys(sentence for mistaken, sentence in mistakes if agrees(number, mistaken, tolerance)))
    if len(matched) == 1:
        raise Wrong(f"your {name} is {_written(number)}: {matched[0]}")
    if matched:  # the number alone cannot tell which mistake it was: name each
        raise Wrong(f"your {name} is {_written(number)}, which more than one mistake gives. Perhaps "
                    + " Or perhaps ".join(matched))
    written = _precision_written(number)
    if written and not float(expected).is_integer():
        decimals, digits = written
        if digits < 2 and number != 0 and agrees(round(expected, decimals), number):
            raise Wrong(f"your {name} is {_written(number)}: the answer rounded to one digit, too coarse to tell a right "
                        "answer from a wrong one. Give at least two significant digits.")
        if decimals >= 1 and abs(number - expected) <= 1.5 * 10.0 ** -decimals:
            raise Wrong(f"your {name} is {_written(number)}: close, but the answer does not round to it at the "
                        f"{decimals} decimals you wrote. Check the rounding, or give more decimals.")
    raise Wrong(f"your {name} is {_written(number)}, which is not it."
                + (" (The answer depends on your own run: it may differ from numbers seen elsewhere.)"
                   if from_this_run else "") + " The hints help.")


def _differing(got, expected):
    """The two numbers written with as many digits as it takes to show that they differ (at most 10)."""
    for digits in range(4, 11):
        mine, theirs = f"{got:.{digits}g}", f"{expected:.{digits}g}"
        if mine != theirs:
            return mine, theirs
    return mine, theirs


def _history_record(history):
    """The per-epoch record of a training: from the History that fit returns, or from the history saved as JSON or
    a pickle (a dict of lists), which a restarted notebook reloads instead of training again."""
    record = getattr(history, "history", history)
    if not isinstance(record, dict) or "val_loss" not in record:
        raise Wrong(f"`history` should be the History that fit returned, or its dictionary; this one is "
                    f"{_described(history)}.")
    return record


CAPSTONE_TARGET = 0.70 if QUICK else 0.90  # validation accuracy; quick mode trains on a twentieth of the images
# How much higher a model may score on the validation images than on training images before the check concludes
# that it learned them: 4 standard errors of the difference between the two accuracies measured.
CAPSTONE_LEAK_MARGIN = 0.02


def _trained_model_challenge(namespace, name, max_parameters):
    """Check the reader's trained model on the 12,000 validation images (the last 20 % of the training images).

    Only `predict` runs: nothing trains. A model that learned the validation images is refused: it scores higher on
    them than on training images it should have learned from. Returns the sentence of a pass; raises Wrong with the
    reader's numbers and advice that fits the model it sees.
    """
    model = answer(namespace, name)
    if not isinstance(model, keras.Model):
        raise Wrong(f"`{name}` should be a Keras model, trained; yours is a {type(model).__name__}.")
    if model.count_params() > max_parameters:
        raise Wrong(f"your model has {model.count_params():,} parameters; the challenge allows at most {max_parameters:,}.")
    (x_train, y_train), _ = _fashion_mnist()
    validation_accuracy = _accuracy_of(model, x_train[48_000:], y_train[48_000:])
    training_accuracy = _accuracy_of(model, x_train[:48_000:8], y_train[:48_000:8])  # 6,000 of the training images
    if validation_accuracy - training_accuracy > CAPSTONE_LEAK_MARGIN:
        raise Wrong(f"your model scores {validation_accuracy:.4f} on the 12,000 validation images but only "
                    f"{training_accuracy:.4f} on the training images (the first 48,000): it was trained on the validation "
                    "images, so its validation score no longer measures images it never saw. Train on "
                    "x_train[:48_000] only, or pass validation_split=0.2 to fit.")
    if validation_accuracy < CAPSTONE_TARGET:
        rescales = any(isinstance(layer, (layers.Rescaling, layers.Normalization)) for layer in model.layers)
        optimizer = getattr(model, "optimizer", None)
        trained = optimizer is not None and int(optimizer.iterations) > 0
        if not trained:
            advice = " It has not been trained yet: compile it, then fit it on the training images."
        elif validation_accuracy < 0.2 and not rescales:
            advice = (" It scores near chance: it sees pixels 0-255, as the check gives them, and has no "
                      "layers.Rescaling(1 / 255) to scale them. If you trained it on x_train / 255, put that layer first "
                      "in the model instead, and train again.")
        else:
            advice = " Train more epochs, or add a convolution."
        raise Wrong(f"{validation_accuracy:.4f} on the 12,000 validation images, below the target of "
                    f"{CAPSTONE_TARGET:.2f}." + advice)
    return (f"{validation_accuracy:.4f} on the 12,000 validation images with {model.count_params():,} parameters: the "
            f"target {CAPSTONE_TARGET:.2f} is met. (The test set stays untouched: it is for the one final model.)")


def _accuracy_of(model, images, labels):
    """The accuracy of the reader's model on uint8 images, as the notebooks give them; Wrong if its output is not 10
    class scores an image."""
    probabilities = np.asarray(model.predict(images[..., np.newaxis], batch_size=1000, verbose=0))
    if probabilities.shape != (len(labels), 10):
        raise Wrong(f"your model outputs shape {probabilities.shape[1:]} per image; it must give 10 class probabilities.")
    return float(np.mean(probabilities.argmax(axis=1) == labels))


def _exercises_01():
    def black_pixels(namespace):
        (x_train, _), _ = _fashion_mnist()
        image = x_train[0]
        expected = int((image == 0).sum())
        _compare(answer(namespace, "black_pixels"), expected, "black_pixels", mistakes=[
            (int((image > 0).sum()), "those are the pixels that are not black; black is the value 0."),
            (image.size, "that is every pixel of the image, 28 × 28."),
            (expected / image.size, "that is the share of black pixels; the exercise asks how many."),
            (int((x_train == 0).sum()), "that counts the black pixels of every training image; the exercise asks about "
                                        "x_train[0] alone.")])
        return f"{expected} of its 784 pixels are 0: the garment fills less than half of the square."

    def validation_counts(namespace):
        counts = as_values(answer(namespace, "validation_counts"), "validation_counts", by_class=True)
        (x_train, y_train), (_, y_test) = _fashion_mnist()
        expected = np.bincount(y_train[48_000:], minlength=10)
        if counts.shape != (10,):
            raise Wrong(f"`validation_counts` should hold 10 counts, one per class; yours has shape {counts.shape}.")
        if np.array_equal(counts, expected):
            return f"from {expected.min():,} to {expected.max():,} images a class: close to balanced, not exactly."
        for wrong, sentence in [(np.bincount(y_train[:12_000], minlength=10), "those are the first 12,000 images; "
                                 "validation_split=0.2 takes the last 20 % of the training arrays."),
                                (np.bincount(y_train, minlength=10), "those are all 60,000 training images."),
                                (np.bincount(y_test, minlength=10), "those are the test images, which wait for 06.")]:
            if np.array_equal(counts, wrong):
                raise Wrong(f"your counts sum to {_written(counts.sum())}: {sentence}")
        if np.array_equal(np.sort(counts), np.sort(expected)):
            raise Wrong("these are the right counts in another order: the count at index i must be class i's, "
                        f"{CLASS_NAMES[0]!r} first.")
        if counts.sum() == len(y_train) - 48_000:
            raise Wrong("the total is right, but these are not the counts of the validation split: the classes of its "
                        "12,000 images are close to 1,200 each, not exactly. Count them from the labels.")
        raise Wrong(f"your counts sum to {_written(counts.sum())}; the validation split has 12,000 images.")

    def mean_brightness(namespace):
        (x_train, _), _ = _fashion_mnist()
        expected = float(x_train.mean() / 255)
        value = as_number(answer(namespace, "mean_brightness"), "mean_brightness")
        if agrees(value, 100 * expected, 0.05):
            raise Wrong(f"your mean_brightness is {value:.4g}: that is a percentage; the exercise asks for a share from "
                        "0 to 1.")
        if 1 < value <= 255:
            raise Wrong(f"your mean_brightness is {value:.4g}: that is on the 0-255 scale; the exercise asks for 0-1, "
                        "so divide by 255.")
        _compare(value, expected, "mean_brightness", 5e-4, mistakes=[
            (float(_fashion_mnist()[1][0].mean() / 255), "that is the test set's mean; use x_train.")])
        return f"{expected:.4f}: most pixels are black background, so the mean is far below 0.5."

    return [
        (black_pixels, ["x_train[0] is a 28 × 28 array of whole numbers; black is 0.",
                        "(x_train[0] == 0) is True where a pixel is black; .sum() counts the Trues."],
         "black_pixels = int((x_train[0] == 0).sum())"),
        (validation_counts, ["Keras' validation_split=0.2 keeps the last 20 % of the arrays for validation.",
                             "The last 12,000 labels are y_train[48_000:].",
                             "np.bincount(labels, minlength=10) counts each class."],
         "validation_counts = np.bincount(y_train[48_000:], minlength=10)"),
        (mean_brightness, ["x_train.mean() averages every pixel of every image.", "Pixels run from 0 to 255."],
         "mean_brightness = x_train.mean() / 255"),
    ]


def _exercises_02():
    def conv_parameters(namespace):
        layer = layers.Conv2D(64, 3)
        layer.build((None, 28, 28, 32))
        expected = layer.count_params()
        _compare(answer(namespace, "conv_parameters"), expected, "conv_parameters", mistakes=[
            (3 * 3 * 32 * 64, "that counts the kernel weights; each of the 64 filters also has one bias."),
            (3 * 3 * 64 + 64, "that is a convolution on 1 input channel; each filter spans all 32 channels."),
            (3 * 3 * 32, "that is one filter without its bias; there are 64 filters.")])
        return f"Keras builds the layer and counts {expected:,}: 3 × 3 × 32 weights and 1 bias for each of 64 filters."

    def feature_model(namespace):
        model = answer(namespace, "feature_model")
        if not isinstance(model, keras.Model):
            raise Wrong(f"`feature_model` should be a Keras model; yours is a {type(model).__name__}.")
        output = model(np.zeros((2, 28, 28, 1), dtype="float32"))
        shape = tuple(output.shape[1:])
        if shape == (13, 13, 32):
            return "(28, 28, 1) in, (13, 13, 32) out."
        if len(shape) != 3:
            raise Wrong(f"your model's output has shape {shape}; a feature map has three axes: height, width, channels.")
        height, width, channels = shape
        if (height, width) == (26, 26):
            raise Wrong("your output is 26×26: a 3×3 convolution with padding='valid' loses one pixel on each side; "
                        "halve it with MaxPooling2D(2) to reach 13×13.")
        if (height, width) == (28, 28):
            raise Wrong("your output is 28×28: padding='same' keeps the size; use the default 'valid', then pool by 2.")
        if (height, width) != (13, 13):
            raise Wrong(f"your output is {height}×{width}; the exercise asks for 13×13.")
        raise Wrong(f"your output has {channels} channels: its last convolution has {channels} filters; "
                    "the exercise asks for 32.")

    def unpooled_parameters(namespace):
        config = build_lesson_cnn().get_config()
        config["layers"] = [{key: value for key, value in layer.items() if key != "build_config"}  # shapes change
                            for layer in config["layers"] if layer["class_name"] != "MaxPooling2D"]
        expected = keras.Sequential.from_config(config).count_params()
        _compare(answer(namespace, "unpooled_parameters"), expected, "unpooled_parameters", mistakes=[
            (507_530, "that is the lesson CNN with its pooling layer."),
            (24 * 24 * 64, "that is the size of the flattened feature map, not a count of parameters.")])
        return f"{expected:,}: without pooling, Flatten passes 24 × 24 × 64 = 36,864 values to the first Dense layer."

    return [
        (conv_parameters, ["A 3×3 filter on 32 channels has 3 × 3 × 32 weights.", "Each filter adds one bias.",
                           "64 filters: (3 × 3 × 32 + 1) × 64."], "conv_parameters = (3 * 3 * 32 + 1) * 64"),
        (feature_model, ["A 3×3 convolution without padding turns 28×28 into 26×26.",
                         "MaxPooling2D(2) halves 26×26 to 13×13.", "The last convolution sets the channels: 32 filters."],
         'feature_model = keras.Sequential([\n    keras.Input(shape=(28, 28, 1)),\n'
         '    layers.Conv2D(32, (3, 3), activation="relu"),\n'
         "    layers.MaxPooling2D(2),\n])"),
        (unpooled_parameters, ["Only the first Dense layer changes: its inputs are the flattened feature map.",
                               "Without pooling the map stays 24 × 24 × 64.",
                               "Dense(64) on 36,864 inputs has 36,864 × 64 + 64 parameters; add the other layers'."],
         "flattened = 24 * 24 * 64  # the second convolution's output, no longer pooled\n"
         "unpooled_parameters = (3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 64 + 64) + (flattened * 64 + 64) + (64 * 32 + 32) "
         "+ (32 * 10 + 10)"),
    ]


RECAP_CELL = "the recap cell near the top (`model, history = series.load_lesson_model()`)"


def _exercises_04():
    def epochs_after_lowest_loss(namespace):
        history = _history_record(needs(namespace, "history", RECAP_CELL))
        epochs, lowest = len(history["val_loss"]), int(np.argmin(history["val_loss"])) + 1
        expected = epochs - lowest
        _compare(answer(namespace, "epochs_after_lowest_loss"), expected, "epochs_after_lowest_loss", from_this_run=True,
                 mistakes=[(lowest, "that is the epoch of the lowest validation loss itself; count the epochs after it."),
                           (epochs - lowest + 1, "that counts the epoch of the lowest loss too (or subtracts its "
                                                 "index, counted from 0); only the epochs after it count."),
                           (epochs - (int(np.argmax(history["val_accuracy"])) + 1),
                            "that counts from the highest validation accuracy; the question is about the loss."),
                           (epochs - (int(np.argmin(history["loss"])) + 1), "that counts from the lowest training loss; "
                                                                            "look at val_loss.")])
        return (f"{expected} of {epochs} epochs came after the lowest validation loss (epoch {lowest}): training time "
                "that, by this measure, only overfitted.")

    def best_epoch(namespace):
        function = answer(namespace, "best_epoch")
        cases = [{"loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [0.8, 0.6, 0.7, 0.9],
                  "accuracy": [0.70, 0.80, 0.85, 0.90], "val_accuracy": [0.72, 0.78, 0.80, 0.79]},
                 {"loss": [1.0, 0.8, 0.6], "val_loss": [0.5, 0.6, 0.7],
                  "accuracy": [0.60, 0.70, 0.80], "val_accuracy": [0.80, 0.79, 0.81]},
                 {"loss": [2.0, 1.0, 0.5, 0.4, 0.3], "val_loss": [1.5, 1.0, 0.8, 0.7, 0.75],
                  "accuracy": [0.5, 0.6, 0.7, 0.8, 0.9], "val_accuracy": [0.55, 0.65, 0.70, 0.74, 0.73]},
                 {"loss": [1.0, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2], "val_loss": [0.9, 0.6, 0.65, 0.5, 0.55, 0.6, 0.7],
                  "accuracy": [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
                  "val_accuracy": [0.62, 0.72, 0.71, 0.77, 0.78, 0.76, 0.75]}]
        answers = [as_number(called(function, case), "best_epoch(history)") for case in cases]
        if len(set(answers)) == 1:
            raise Wrong(f"your function returns {_written(answers[0])} for every history it is given: it must read the "
                        "epoch from history['val_loss'].")
        for case, got in zip(cases, answers):
            expected = int(np.argmin(case["val_loss"])) + 1
            if got == expected:
                continue
            if not float(got).is_integer():
                raise Wrong(f"for val_loss {case['val_loss']} you return {_written(got)}, not an epoch number: return the "
                            "epoch (counted from 1) at which the validation loss is lowest, not the loss itself.")
            if got == expected - 1:
                raise Wrong(f"for val_loss {case['val_loss']} you return {_written(got)}: one less than the epoch, as an "
                            "index from 0 gives (or a list that skips the first epoch); epochs count from 1.")
            if got == int(np.argmin(case["loss"])) + 1:
                raise Wrong(f"for loss {case['loss']} you return {_written(got)}: the lowest training loss; use val_loss.")
            if got == int(np.argmax(case["val_accuracy"])) + 1:
                raise Wrong(f"for val_accuracy {case['val_accuracy']} you return {_written(got)}: the best validation "
                            "accuracy; the exercise asks for the lowest validation loss.")
            if got < expected:
                raise Wrong(f"for val_loss {case['val_loss']} you return {_written(got)}, a dip that a later epoch goes "
                            f"below; the lowest is at epoch {expected}. Look at every epoch, not only the first rise.")
            raise Wrong(f"for val_loss {case['val_loss']} you return {_written(got)}; the lowest is at epoch {expected}.")
        return "it finds the lowest validation loss, counting epochs from 1."

    def widening_gap(namespace):
        history = _history_record(needs(namespace, "history", RECAP_CELL))
        gaps = np.asarray(history["accuracy"]) - np.asarray(history["val_accuracy"])
        expected = int((gaps > 0.05).sum())
        mistakes = [(wrong, sentence) for wrong, sentence in [
            (int((gaps > 5).sum()), "accuracies run from 0 to 1: 5 points is 0.05."),
            (int((-gaps > 0.05).sum()), "subtract validation accuracy from training accuracy, not the reverse."),
            (int(((np.asarray(history["loss"]) - np.asarray(history["val_loss"])) > 0.05).sum()),
             "that compares the losses; the gap in question is between the accuracies.")]
            if wrong != expected]  # in a short run a mistake can give the right count; it is then not one
        _compare(answer(namespace, "epochs_past_5_points"), expected, "epochs_past_5_points", from_this_run=True,
                 mistakes=mistakes)
        return (f"{expected} of {len(gaps)} epochs" + (": the gap opens early and keeps widening." if expected
                                                        else ": in this short run the gap never reached 5 points."))

    return [
        (epochs_after_lowest_loss, ["np.argmin(history['val_loss']) gives the index of the lowest loss, from 0; "
                                    "add 1 for its epoch.", "len(history['val_loss']) is the number of epochs run.",
                                    "Subtract: epochs run minus the epoch of the lowest loss."],
         'lowest_loss_epoch = int(np.argmin(history["val_loss"])) + 1\n'
         'epochs_after_lowest_loss = len(history["val_loss"]) - lowest_loss_epoch'),
        (best_epoch, ["Look at history['val_loss'], not at 'loss'.", "np.argmin finds the index of the lowest value.",
                      "Epochs count from 1; indexes from 0."],
         'def best_epoch(history):\n    return int(np.argmin(history["val_loss"])) + 1'),
        (widening_gap, ["Subtract the two lists as NumPy arrays: training minus validation accuracy.",
                        "5 points of accuracy is 0.05.", "(gaps > 0.05).sum() counts the epochs."],
         'gaps = np.array(history["accuracy"]) - np.array(history["val_accuracy"])\n'
         "epochs_past_5_points = int((gaps > 0.05).sum())"),
    ]


def _exercises_05():
    def reloaded_model(namespace):
        source = needs(namespace, "model_from_keras", "the cell that loads notebook 03's .keras file "
                                                      "(`model_from_keras = keras.models.load_model(...)`)")
        reloaded = answer(namespace, "reloaded")
        if not isinstance(reloaded, keras.Model):
            raise Wrong(f"`reloaded` should be a Keras model, as keras.models.load_model returns; yours is a "
                        f"{type(reloaded).__name__}.")
        for name in ("model", "model_from_keras", "model_from_h5"):
            if reloaded is namespace.get(name):
                raise Wrong(f"`reloaded` is `{name}` itself, not a copy read back from your file: save "
                            "model_from_keras, then load the file you saved.")
        images = _fashion_mnist()[0][0][48_000:48_016, ..., np.newaxis]  # validation images: the test set waits for 06
        different = int((source.predict(images, verbose=0) != reloaded.predict(images, verbose=0)).sum())
        if different:
            raise Wrong(f"{different} of {16 * 10} probabilities differ from model_from_keras's: did you save that "
                        "trained model, or build a new one?")
        optimizer = getattr(reloaded, "optimizer", None)
        if optimizer is None:
            raise Wrong("the model came back without an optimizer: a model built anew (load_weights restores the weights "
                        "alone) or loaded with compile=False has none. Save model_from_keras with .save() to a .keras file, "
                        "then read that file with keras.models.load_model(), and Adam comes back with its state.")
        if type(optimizer).__name__ != "Adam":
            raise Wrong(f"the model came back with {type(optimizer).__name__}, not the Adam optimizer it trained with: "
                        "save model_from_keras (never saved as .h5) to a .keras file.")
        kept, saved = len(optimizer.variables), len(source.optimizer.variables)
        if kept != saved or any(not np.array_equal(np.asarray(mine), np.asarray(theirs))
                                for mine, theirs in zip(optimizer.variables, source.optimizer.variables)):
            raise Wrong(f"the model came back with Adam, but not with Adam's state ({kept} of its {saved} variables "
                        "equal): that is what an .h5 file keeps. Save to a .keras file, which keeps them all.")
        return "its 160 probabilities on 16 validation images equal the model's, bit for bit, and Adam's state is whole."

    def conv_adam_variables(namespace):
        source = needs(namespace, "model_from_keras", "the cell that loads notebook 03's .keras file "
                                                      "(`model_from_keras = keras.models.load_model(...)`)")
        convolutions = [layer for layer in source.layers if isinstance(layer, layers.Conv2D)]
        tensors = sum(len(layer.trainable_weights) for layer in convolutions)
        expected = 2 * tensors
        _compare(answer(namespace, "conv_adam_variables"), expected, "conv_adam_variables", mistakes=[
            (tensors, "that is one variable per weight tensor; Adam keeps two for each, the running means of its "
                      "gradients and of their squares."),
            (len(convolutions), "that counts the layers; the moments belong to weight tensors, and each Conv2D layer has "
                                "two, its kernel and its bias."),
            (expected + 2, "the step counter and the learning rate belong to Adam as a whole, not to the convolutions."),
            (len(source.optimizer.variables), "that counts all of Adam's variables; the question asks about the two "
                                              "convolution layers.")])
        return (f"{expected}: two moments for each of the {tensors} weight tensors of the convolutions (a kernel and a "
                "bias each). The .keras file keeps every one of Adam's variables, so training goes on where it stopped; "
                "a model loaded from .h5 comes back without the moments.")

    def h5_megabytes(namespace):
        if not H5_PATH.exists():
            raise NotReady(f"{H5_PATH} is not there: run the cell that saves the .h5 file (`model.save(H5_PATH)`) "
                           "first, then check again.")
        size = H5_PATH.stat().st_size
        _compare(answer(namespace, "h5_megabytes"), size / 2**20, "h5_megabytes", 0.05, mistakes=[
            (size / 2**10, "that is in KiB; divide by 1,024 once more."), (size, "that is in bytes."),
            (size / 1e6, "that is in megabytes of 1,000,000 bytes (MB); a MiB is 2**20 = 1,048,576 bytes.")])
        return f"{size / 2**20:.1f} MiB: 507,530 float32 weights take 2.0 MB, and Adam's two moments as much again each."

    return [
        (reloaded_model, ["model.save(path) writes the file; keras.models.load_model(path) reads it back.",
                          'Use a .keras path in series.MODELS_DIR, such as series.MODELS_DIR / "my_copy.keras".',
                          "Save model_from_keras, not model: model was saved as .h5 first (see the trap above)."],
         'my_copy = series.MODELS_DIR / "my_copy.keras"\nmodel_from_keras.save(my_copy)\n'
         "reloaded = keras.models.load_model(my_copy)"),
        (conv_adam_variables, ["The lesson CNN has two Conv2D layers, each with a kernel and a bias: 4 weight tensors.",
                               "Adam keeps 2 moments for each weight tensor; its step counter and learning rate belong "
                               "to no layer."],
         "convolutions = [layer for layer in model_from_keras.layers if isinstance(layer, keras.layers.Conv2D)]\n"
         "conv_adam_variables = 2 * sum(len(layer.trainable_weights) for layer in convolutions)"),
        (h5_megabytes, ["The cell under 'What is on disk now' prints every file's size.",
                        "path.stat().st_size is in bytes; 1 MiB is 2**20 bytes."],
         "h5_megabytes = series.H5_PATH.stat().st_size / 2**20"),
    ]


# Names a reader may give a class instead of the dataset's own.
SHORT_CLASS_NAMES = {"T-shirt/top": ["T-shirt", "tshirt", "tee", "top"], "Ankle boot": ["boot"]}


def _exercises_06():
    def recall(namespace):
        function = answer(namespace, "recall_per_class")
        confusion = np.array([[50, 10, 0], [5, 35, 10], [0, 20, 70]])
        got = as_values(called(function, confusion), "recall_per_class(confusion)")
        expected = np.diag(confusion) / confusion.sum(axis=1)
        if got.shape != (3,):
            raise Wrong(f"for a 3-class matrix you return shape {got.shape}: recall is one number per class.")
        if np.allclose(got, expected):
            return "each class's right answers divided by that class's images: the row sums."
        if np.allclose(got, np.diag(confusion) / confusion.sum(axis=0)):
            raise Wrong(f"you return {np.round(got, 3).tolist()}: dividing by column sums gives precision; "
                        "recall divides by the row sums, the images of each true class.")
        raise Wrong(f"for {confusion.tolist()} you return {np.round(got, 3).tolist()}; the recalls are "
                    f"{np.round(expected, 3).tolist()}.")

    def interval(namespace):
        function = answer(namespace, "interval_half_width")
        for case, (p, n) in enumerate([(0.9, 10_000), (0.75, 400)]):  # case 1 is reached only when case 0 was right
            expected = 1.96 * np.sqrt(p * (1 - p) / n)
            got = as_number(called(function, p, n), f"interval_half_width({p}, {n:_})")
            if agrees(got, expected, 1e-4 * expected):  # 1.96 or scipy.stats.norm.ppf(0.975) = 1.95996...
                continue
            if agrees(got, 100 * expected, 1e-2 * expected):
                raise Wrong(f"you return {got:.4f}: that is in percentage points; the half-width of an accuracy is a "
                            "share, like the accuracy itself.")
            if agrees(got, expected / 1.96, 1e-4 * expected):
                raise Wrong(f"you return {got:.4f}: the standard error; a 95 % interval is 1.96 standard errors wide "
                            "each way.")
            if agrees(got, 1.96 * p * (1 - p) / n):
                raise Wrong(f"you return {got:.2e}: take the square root of p (1 - p) / n.")
            mine, theirs = _differing(got, expected)
            raise Wrong(f"for p = {p} and n = {n:,} you return {mine}; the half-width is {theirs}."
                        + (" It was right for p = 0.9 and n = 10,000: does it use both p and n?" if case else ""))
        return ("±0.0059 for an accuracy of 0.9 on 10,000 images, ±0.0424 for 0.75 on 400: the ± of the test accuracy "
                "above.")

    def shirts_mistaken_for(namespace):
        predicted = needs(namespace, "predicted", "the per-class cell (`predicted = probabilities.argmax(axis=1)`)")
        y_test = needs(namespace, "y_test", "the setup cell that loads the data")
        shirt = CLASS_NAMES.index("Shirt")
        row = np.bincount(predicted[y_test == shirt], minlength=10)  # what the Shirt images were predicted as
        column = np.bincount(y_test[predicted == shirt], minlength=10)  # what the images predicted Shirt were
        row[shirt], column[shirt] = -1, -1
        expected = CLASS_NAMES[int(np.argmax(row))]
        choice = answer(namespace, "shirts_mistaken_for")
        if isinstance(choice, (int, np.integer)) and 0 <= choice < len(CLASS_NAMES):
            choice = CLASS_NAMES[choice]  # a class number names its class
        if says(choice, [expected] + SHORT_CLASS_NAMES.get(expected, [])):
            return (f"{expected}: {row.max():,} of the {int((y_test == shirt).sum()):,} Shirt images were taken for one, "
                    "more than for any other class.")
        if says(choice, ["Shirt"]):
            raise Wrong("Shirt is the right answer for a Shirt; the question asks which wrong class the Shirts are "
                        "taken for most: the largest number in the Shirt row, off the diagonal.")
        if says(choice, [CLASS_NAMES[int(np.argmax(column))]]):
            raise Wrong(f"{choice}: those are the images most often taken FOR a Shirt (the Shirt column); the question "
                        "asks what the Shirt images are taken for (the Shirt row).")
        raise Wrong(f"{choice!r} is not the class that most Shirt images are wrongly predicted as. Read the Shirt row "
                    "of the confusion matrix, or count predicted[y_test == 6].")

    return [
        (recall, ["Rows are true classes, columns predicted ones.", "The diagonal holds the right answers.",
                  "Divide the diagonal by each row's sum."],
         "def recall_per_class(confusion):\n    return np.diag(confusion) / confusion.sum(axis=1)"),
        (interval, ["The standard error of an accuracy p on n images is sqrt(p (1 - p) / n).",
                    "A 95 % interval reaches 1.96 standard errors each way."],
         "def interval_half_width(p, n):\n    return 1.96 * np.sqrt(p * (1 - p) / n)"),
        (shirts_mistaken_for, ["Rows of the confusion matrix are true classes: the Shirt row shows what the Shirt "
                               "images were predicted as.",
                               "np.bincount(predicted[y_test == 6], minlength=10) counts them; leave out index 6, the "
                               "right answers."],
         "taken_for = np.bincount(predicted[y_test == 6], minlength=10)\n"
         "taken_for[6] = 0  # the Shirts predicted right\n"
         "shirts_mistaken_for = series.CLASS_NAMES[int(np.argmax(taken_for))]"),
        (lambda namespace: _trained_model_challenge(namespace, "my_cnn", 507_530),
         ["Start from series.build_lesson_cnn() or a smaller Sequential: Rescaling, Conv2D, MaxPooling2D, Flatten, Dense.",
          "Compile with Adam and sparse_categorical_crossentropy; fit on x_train[:48_000] only, a few epochs.",
          "The lesson CNN passes 0.90 on validation after about 3 epochs."],
         "training_images = int(len(x_train) * 0.8)  # the first 80 %: the validation images stay unseen\n"
         "my_cnn = series.build_lesson_cnn()\n"
         'my_cnn.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])\n'
         "my_cnn.fit(x_train[:training_images], y_train[:training_images], batch_size=128, epochs=3, verbose=2)"),
    ]


def _exercises_07():
    def same_convolution(namespace):
        function = answer(namespace, "conv2d_same")
        rng = np.random.default_rng(0)
        images, kernel, bias = rng.normal(size=(2, 9, 9, 3)), rng.normal(size=(3, 3, 3, 4)), rng.normal(size=4)
        convolution = layers.Conv2D(4, 3, padding="same")
        convolution.build((None, 9, 9, 3))
        convolution.set_weights([kernel, bias])
        expected = np.asarray(convolution(images.astype("float32")))
        got = as_values(called(function, images, kernel, bias), "conv2d_same(images, kernel, bias)")
        if got.shape == (2, 7, 7, 4):
            raise Wrong("your output is 7×7 for a 9×9 input: a 3×3 convolution with padding='valid' loses one pixel on "
                        "each side; 'same' pads one row and column of zeros on each side first.")
        if got.shape != expected.shape:
            raise Wrong(f"your output has shape {got.shape}; 'same' keeps (2, 9, 9, 4).")
        error = float(np.abs(got - expected).max())
        if error > 1e-4:
            raise Wrong(f"the shape is right, but values differ from Keras' by up to {error:.3g}: pad with zeros, "
                        "then convolve as conv2d does.")
        return "equal to Keras' Conv2D(padding='same') on random inputs."

    def pooled_size(namespace):
        _compare(answer(namespace, "pooled_size"), 9, "pooled_size", mistakes=[
            (10, "that is 20 / 2, a pooling of 2 with stride 2; here the window is 3."),
            (6, "that is 20 / 3 rounded down, as if the stride were 3."), (18, "that is 20 - 3 + 1 with stride 1.")])
        return "(20 - 3) // 2 + 1 = 9 windows fit across, as 24 became 11 in the lesson CNN."

    def multiplications(namespace):
        expected = 24 * 24 * 64 * 3 * 3 * 16
        _compare(answer(namespace, "multiplications"), expected, "multiplications", mistakes=[
            (26 * 26 * 64 * 3 * 3 * 16, "a 'valid' 3×3 convolution on 26×26 gives 24×24 outputs, not 26×26."),
            (24 * 24 * 64 * 3 * 3, "each output sums over all 16 input channels too."),
            (3 * 3 * 16 * 64, "that is the number of weights; each is used at every one of the 24 × 24 positions.")])
        return f"{expected:,}: 24 × 24 positions, 64 filters, 3 × 3 × 16 products each."

    return [
        (same_convolution, ["'same' adds one row and column of zeros on each side of a 3×3 convolution's input.",
                            "np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0))) pads height and width only.",
                            "Then call conv2d, from above, on the padded images."],
         "def conv2d_same(images, kernel, bias):\n    padded = np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)))\n"
         "    return conv2d(padded, kernel, bias)"),
        (pooled_size, ["A 3-wide window at stride 2 starts at 0, 2, 4, ...", "The last start must leave room for 3 pixels.",
                       "(size - window) // stride + 1."], "pooled_size = (20 - 3) // 2 + 1"),
        (multiplications, ["A 3×3 'valid' convolution on 26×26 gives 24×24 outputs per filter.",
                           "Each output is a sum of 3 × 3 × 16 products."], "multiplications = 24 * 24 * 64 * 3 * 3 * 16"),
    ]


def _exercises_08():
    def stable(namespace):
        function = answer(namespace, "stable_log_softmax")
        for logits in ([[1000.0, 1001.0]], [[-1000.0, 0.0]], [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]):
            logits = np.array(logits)
            with np.errstate(all="ignore"):
                got = as_values(called(function, logits.copy()), "stable_log_softmax(logits)")
            expected = logits - logsumexp(logits, axis=-1, keepdims=True)
            if got.shape != expected.shape:
                raise Wrong(f"for logits of shape {logits.shape} you return shape {got.shape}: one log-probability per "
                            "logit.")
            if not np.isfinite(got).all():
                raise Wrong(f"for {logits.tolist()} you return {got.tolist()}: "
                            + ("exp overflows past about 709; subtract each row's maximum first." if logits.max() > 709
                               else "the softmax of -1000 underflows to 0, and log 0 is -inf: never take the log of a "
                                    "probability; subtract the log of the sum of exponentials instead."))
            if np.allclose(got, np.exp(expected), atol=1e-7):
                raise Wrong("those are the probabilities; the exercise asks for their logarithms.")
            if not np.allclose(got, expected, atol=1e-7):
                raise Wrong(f"for {logits.tolist()} you return {np.round(got, 4).tolist()}; log-softmax gives "
                            f"{np.round(expected, 4).tolist()}. Does exp of each row sum to 1?")
        return ("[1000, 1001] gives [-1.3133, -0.3133], as [0, 1] does, and [-1000, 0] gives [-1000, 0]: finite where "
                "log(softmax) is -inf.")

    def bias_correction(namespace):
        function = answer(namespace, "bias_corrected")
        for case, (m, beta, step) in enumerate([(0.05, 0.9, 5), (0.2, 0.99, 3)]):  # case 1: case 0 was right
            got = as_number(called(function, m, beta, step), f"bias_corrected({m}, {beta}, {step})")
            expected = m / (1 - beta**step)
            if agrees(got, expected):
                continue
            if agrees(got, m / (1 - beta)):
                raise Wrong(f"you return {got:.4f}: 1 - beta corrects only step 1; the correction is 1 - beta ** step.")
            if agrees(got, m * (1 - beta**step)):
                raise Wrong(f"you return {got:.4f}: the correction divides by 1 - beta ** step, it does not multiply.")
            mine, theirs = _differing(got, expected)
            raise Wrong(f"for m = {m}, beta = {beta}, step {step} you return {mine}; the corrected value is {theirs}."
                        + (" It was right for m = 0.05, beta = 0.9, step 5: does it use m, beta and step?"
                           if case else ""))
        return "0.1221 for m = 0.05 after 5 steps: early averages are pulled towards their zero start, and this undoes it."

    def quarter(namespace):
        expected = -np.log(0.25)
        _compare(answer(namespace, "loss_at_a_quarter"), expected, "loss_at_a_quarter", 1e-3, mistakes=[
            (-np.log10(0.25), "that uses log base 10; crossentropy uses the natural log, np.log."),
            (-np.log2(0.25), "that uses log base 2; crossentropy uses the natural log, np.log."),
            (0.75, "1 - p is not the loss; the loss is -log(p)."), (np.log(0.25), "the loss is -log(p): mind the sign.")])
        return f"-ln 0.25 = {expected:.3f}; a sure right answer costs 0, a sure wrong one is unbounded."

    return [
        (stable, ["log softmax(x) = x - log(sum(exp(x))), and that sum overflows for x = 1000.",
                  "Shifting every logit of a row by the same c changes nothing: subtract the row's maximum m.",
                  "x - m - log(sum(exp(x - m))): the largest term of the sum is exp(0) = 1, so the log is finite."],
         "def stable_log_softmax(logits):\n    shifted = logits - logits.max(axis=-1, keepdims=True)\n"
         "    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))"),
        (bias_correction, ["The moving average starts at 0, so early values are too small.",
                           "After `step` steps, the weights of the average sum to 1 - beta ** step."],
         "def bias_corrected(m, beta, step):\n    return m / (1 - beta**step)"),
        (quarter, ["Crossentropy is -log of the probability given to the true class.", "np.log is the natural log."],
         "loss_at_a_quarter = -np.log(0.25)"),
    ]


def _exercises_13():
    def log_rows_after_restart(namespace):
        _compare(answer(namespace, "log_rows_after_restart"), 5, "log_rows_after_restart", mistakes=[
            (6, "epoch 4's row was never written: the kill came before it, and the restart goes on with epoch 5, so "
                "nothing writes it later."),
            (4, "the restart trains epochs 5 and 6 and logs both; only epoch 4's row is missing."),
            (2, "CSVLogger(append=True) keeps the rows written before the kill.")])
        return "5 rows: epochs 1-3, then 5 and 6; epoch 4 trained and was backed up, but its row was never written."

    def kept(namespace):
        _compare(answer(namespace, "epochs_kept"), 4, "epochs_kept", mistakes=[
            (5, "epoch 5 was not finished, and BackupAndRestore writes its backup at the end of an epoch."),
            (0, "the backup of epoch 4 survives the kill; training resumes from it.")])
        return "4: the kill loses only the unfinished part of epoch 5."

    def steps_lost(namespace):
        _compare(answer(namespace, "steps_lost"), 300, "steps_lost", mistakes=[
            (50, "the backup of step 1,000 holds the weights, but Keras restores the epoch, not the step within it: "
                 "training restarts at the first step of epoch 3, step 751."),
            (1_050, "the backup survives the kill: training restarts in epoch 3, not at the beginning."),
            (100, "that is the interval between backups; Keras restarts the interrupted epoch from its first step."),
            (250, "that counts from the epoch's start to the last backup; the steps after it, up to the kill, run again "
                  "too.")])
        return ("300: Keras restarts epoch 3 from its first step, step 751, with the weights of step 1,000's backup; "
                "steps 751 to 1,050 run again.")

    def which_file(namespace):
        choice = answer(namespace, "file_to_resume_from")
        if says(choice, ["backup", "backups", "BackupAndRestore", "backup folder", "backup directory", "backup_dir"]):
            return "the backup holds the weights, Adam's state and the epoch counter of the last finished epoch."
        explanations = {"modelcheckpoint": "ModelCheckpoint writes the best model, the weights of the best epoch, which "
                                           "may be earlier; resuming from it would repeat epochs and lose Adam's progress "
                                           "since.",
                        "csvlogger": "the CSV log holds numbers per epoch, no weights: it tells you what was done, not "
                                     "how to go on.",
                        "best": "the best model holds the weights of the best epoch, which may be earlier; resuming "
                                "from it would repeat epochs and lose Adam's progress since.",
                        "csv": "the CSV log holds numbers per epoch, no weights: it tells you what was done, not how to go on."}
        raise Wrong(explained(choice, explanations) or f"{choice!r} is none of the three: answer 'backup', 'best' or 'csv'.")

    return [
        (kept, ["BackupAndRestore writes at the end of each epoch (save_freq='epoch').",
                "Which epochs had finished when the kill came?"], "epochs_kept = 4"),
        (steps_lost, ["BackupAndRestore restores the weights of the last backup and the epoch it was in, not the step "
                      "within that epoch: training restarts at the epoch's first step.",
                      "With 375 steps an epoch, the kill at step 1,050 falls in epoch 3, which began after step 750."],
         "steps_lost = 1_050 - 2 * 375  # the interrupted epoch 3 runs again from its first step"),
        (which_file, ["Training resumes from the file that BackupAndRestore restores by itself.",
                      "It must hold the optimizer's state and the epoch reached."], 'file_to_resume_from = "backup"'),
        (log_rows_after_restart, ["Look at the table of where a kill lands: the row 'after the backup, before the log "
                                  "row'.", "The restart follows the backup: which epoch does it train first?",
                                  "Count the rows written before the kill, then those the restart writes."],
         "log_rows_after_restart = 3 + 2  # epochs 1-3 before the kill; 5 and 6 after it"),
    ]


def odd_photo_for_exercise(folder):
    """A dark bag on a white background with a transparent border, wider than tall: an odd photo."""
    path = Path(folder) / "odd_photo.png"
    if not path.exists():
        picture = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
        picture.paste(Image.new("RGBA", (260, 100), (255, 255, 255, 255)), (20, 10))
        picture.paste(Image.new("RGBA", (120, 70), (40, 30, 20, 255)), (90, 30))
        save_atomically(path, picture.save)
    return path


def _exercises_14():
    def rotation(namespace):
        value = as_number(answer(namespace, "clockwise_degrees"), "clockwise_degrees")
        turn = value % 360
        if turn == 270:
            return "270° clockwise (90° counter-clockwise), which ImageOps.exif_transpose does before anything else."
        same = "" if turn == value else f" (a turn of {_written(turn)}° clockwise)"
        if turn == 90:
            raise Wrong(f"your clockwise_degrees is {_written(value)}{same}: that is orientation 6's turn, the sample's; "
                        "orientation 8 is the other way round.")
        if turn == 180:
            raise Wrong(f"your clockwise_degrees is {_written(value)}{same}: that is orientation 3, an upside-down "
                        "picture.")
        raise Wrong(f"your clockwise_degrees is {_written(value)}{same}, which is not it. The hints help.")

    def empty_rows(namespace):
        path = answer(namespace, "odd_photo_path")
        image = photo_to_model_input(path)[..., 0]
        expected = int((image == 0).all(axis=1).sum())
        _compare(answer(namespace, "empty_rows"), expected, "empty_rows", mistakes=[
            (int((image == 0).all(axis=0).sum()), "those are the empty columns; the question asks about the rows."),
            (28 - expected, "those are the rows that hold some of the bag; the question asks for the empty ones."),
            (int((image == 0).sum()), "that counts background pixels; the question asks for whole rows of them."),
            (int((np.asarray(Image.open(path).convert("L")) == 255).all(axis=1).sum()),
             "that counts rows of the photo as stored; the question asks about the 28 × 28 model input.")])
        return (f"{expected} of 28 rows: the wide photo is scaled to fit the square without stretching, so the bag keeps "
                "its shape and background fills the rows above and below it, as in Fashion-MNIST's own images.")

    def error_class(namespace):
        choice = answer(namespace, "error_for_an_empty_file")
        name = choice if isinstance(choice, str) else getattr(choice, "__name__", repr(choice))
        if says(choice, ["PhotoError", "photo error"]):
            return "PhotoError, a ValueError whose message names the file and what to do."
        if says(choice, ["ValueError", "OSError", "UnidentifiedImageError"]):
            raise Wrong(f"Pillow would raise an error like {name} on its own; the notebook catches it and raises its own "
                        "class, with a clearer message. Which one?")
        raise Wrong(f"{name!r} is not it: look at the 'bad input' cell's output.")

    def background(namespace):
        image = photo_to_model_input(SAMPLE_PHOTOS_DIR / "ankle_boot_rotated.jpg")
        expected = float((image == 0).mean())
        _compare(answer(namespace, "background_share"), expected, "background_share", 0.005, mistakes=[
            (expected * 100, "that is a percentage; give a share from 0 to 1."),
            (1 - expected, "that is the share of garment pixels, those above 0.")])
        return f"{expected:.3f} of the 784 pixels are exactly 0, as the dataset's background is."

    return [
        (empty_rows, ["series.photo_to_model_input(odd_photo_path) gives the model's input, shape (28, 28, 1).",
                      "(image == 0).all(axis=1) is True for each row that is background from end to end."],
         "image = series.photo_to_model_input(odd_photo_path)[..., 0]\n"
         "empty_rows = int((image == 0).all(axis=1).sum())"),
        (error_class, ["The 'bad input' cell prints the class of each error.", "The notebook defines its own class."],
         'error_for_an_empty_file = "PhotoError"'),
        (background, ['series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / "ankle_boot_rotated.jpg") gives the image.',
                      "(image == 0).mean() is the share of pixels that are 0."],
         'image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / "ankle_boot_rotated.jpg")\n'
         "background_share = float((image == 0).mean())"),
        (rotation, ["The sample cell writes exif[EXIF_ORIENTATION] = 6, 'rotate 90 degrees clockwise to display'.",
                    "Orientation 8 is the mirror case of 6: 'rotate 90 degrees counter-clockwise to display'.",
                    "A turn of 90° counter-clockwise is a turn of 270° clockwise."], "clockwise_degrees = 270"),
    ]


def _exercises_15():
    def nll(namespace):
        expected = float(-(np.log(0.5) + np.log(0.25)) / 2)
        _compare(answer(namespace, "nll_by_hand"), expected, "nll_by_hand", 1e-3, mistakes=[
            (float(-(np.log10(0.5) + np.log10(0.25)) / 2), "that uses log base 10; the NLL uses the natural log."),
            (float(-(np.log2(0.5) + np.log2(0.25)) / 2), "that uses log base 2; the NLL uses the natural log."),
            (2 * expected, "that is the sum; the NLL is the mean over the images."),
            (-expected, "mind the sign: the NLL is the mean of -log p, positive.")])
        return f"{expected:.3f}: the mean of -ln 0.5 and -ln 0.25, the test loss of these two images."

    def ece(namespace):
        gaps, shares = [abs(2 / 3 - 0.9), abs(1.0 - 0.6)], [3 / 5, 2 / 5]  # the 0.9 bin, the 0.6 bin
        expected = float(np.dot(gaps, shares))
        _compare(answer(namespace, "ece_by_hand"), expected, "ece_by_hand", 1e-6, mistakes=[
            (max(gaps), "that is the largest gap; ECE weighs each bin's gap by its share of the images."),
            (float(np.mean(gaps)), "that weighs the two bins alike; ECE weighs each gap by its bin's share of the "
                                   "images, 3/5 and 2/5."),
            (abs(4 / 5 - (3 * 0.9 + 2 * 0.6) / 5), "that lets the two bins' gaps cancel (the same as comparing all "
                                                   "five images at once): ECE adds each bin's |accuracy - confidence|, "
                                                   "weighed by its share.")])
        return "3/5 × |2/3 - 0.9| + 2/5 × |1 - 0.6| = 0.14 + 0.16 = 0.30."

    def threshold(namespace):
        function = answer(namespace, "threshold_at_95")
        skewed = np.random.default_rng(0).exponential(size=200)  # scores that are neither evenly spaced nor 1..100
        answers = []
        for scores in (np.arange(1, 101, dtype=float), skewed):
            got = as_number(called(function, scores.copy()), "threshold_at_95(in_scores)")
            answers.append(got)
            wanted, accepted = math.ceil(0.95 * len(scores)), int((scores <= got).sum())
            if wanted <= accepted <= wanted + 1:  # every quantile method's 95th percentile accepts 95 %, or one score more
                continue
            if agrees(got, float(np.quantile(scores, 0.05))):
                raise Wrong(f"you return {got:.2f}, the 5th percentile: that accepts only 5 % of the garments.")
            raise Wrong(f"for {len(scores)} scores from {scores.min():.2f} to {scores.max():.2f} your threshold, "
                        f"{got:.3f}, accepts {accepted} of them, {accepted / len(scores):.1%}; it must accept 95 %."
                        + (" It returns the same for the scores 1 to 100: does your function use the scores it is "
                           "given?" if len(answers) > 1 and answers[0] == got else ""))
        return "it accepts 95 % of the in-distribution validation scores it is given, whatever they are."

    def temperature(namespace):
        given = as_values(answer(namespace, "probabilities_at_t2"), "probabilities_at_t2")
        got = given.reshape(-1)
        expected = softmax(np.array([2.0, 0.0]) / 2)
        if got.shape != (2,):
            raise Wrong("`probabilities_at_t2` should hold the two probabilities, one per logit; yours "
                        + ("is one number." if given.ndim == 0 else f"has shape {given.shape}."))
        if agree_everywhere(got / 100, expected, 1e-3):
            raise Wrong("those are percentages; give the probabilities from 0 to 1.")
        if agree_everywhere(got, expected, 1e-3):
            return f"{np.round(expected, 3).tolist()}: dividing by T > 1 softens the probabilities."
        if agree_everywhere(got, softmax(np.array([4.0, 0.0])), 1e-3):
            raise Wrong("you multiplied the logits by T; temperature scaling divides them.")
        if agree_everywhere(got, softmax(np.array([2.0, 0.0])), 1e-3):
            raise Wrong("that is the softmax at T = 1; divide the logits by 2 first.")
        raise Wrong(f"your probabilities are {np.round(got, 3).tolist()}; compute softmax([2, 0] / 2).")

    return [
        (ece, ["Two bins: the three images at 0.9 and the two at 0.6.",
               "Each bin's gap is |its accuracy - its confidence|: the 0.9 bin is right 2 times in 3.",
               "Weigh each gap by its share of the images, 3 of 5 and 2 of 5, and add."],
         "ece_by_hand = 3 / 5 * abs(2 / 3 - 0.9) + 2 / 5 * abs(2 / 2 - 0.6)"),
        (threshold, ["Only in-distribution validation scores are used: no out-of-distribution data chooses it.",
                     "np.quantile(scores, 0.95)."],
         "def threshold_at_95(in_scores):\n    return float(np.quantile(in_scores, 0.95))"),
        (temperature, ["Divide the logits by T, then apply softmax.", "series.softmax(np.array([2.0, 0.0]) / 2)."],
         "probabilities_at_t2 = series.softmax(np.array([2.0, 0.0]) / 2)"),
        (nll, ["The NLL is the mean over the images of -log(probability of the true class).", "Use the natural log, np.log."],
         "nll_by_hand = -(np.log(0.5) + np.log(0.25)) / 2"),
    ]


TRAINING_CELL_03 = ("the cell that trains the model (`history = model.fit(...)`), or, to skip the training, "
                    "`model, history = series.load_lesson_model()`")


def _exercises_03():
    def wrong_loss(namespace):
        choice = answer(namespace, "error_name")
        name = choice if isinstance(choice, str) else getattr(choice, "__name__", repr(choice))
        model = build_lesson_cnn()
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        (x_train, y_train), _ = _fashion_mnist()
        try:
            model.fit(x_train[:2, ..., np.newaxis], y_train[:2], verbose=0)
            raised = None
        except Exception as error:  # the point of the exercise: this fit fails
            raised = error
        if raised is not None and says(choice, [type(raised).__name__]):
            return f"Keras says: {_plain(raised)[:160]}"
        if "crossentropy" in name.lower():
            raise Wrong(f"{name!r} is a loss; the exercise asks for the class of the error that fit raises.")
        raise Wrong(f"fit raises {type(raised).__name__ if raised else 'nothing'}, not {name}: run the cell that "
                    "tries it, and read the last line of the error.")

    def total_steps(namespace):
        history = needs(namespace, "history", TRAINING_CELL_03)  # the training's own record, whatever `model` names now
        epochs = len(_history_record(history)["loss"])
        steps = history.params["steps"] if hasattr(history, "params") else math.ceil(TRAIN_IMAGES * 0.8 / 128)
        expected = steps * epochs
        images = TRAIN_IMAGES * 0.8
        _compare(answer(namespace, "total_steps"), expected, "total_steps", from_this_run=True, mistakes=[
            (math.ceil(TRAIN_IMAGES / 128) * EPOCHS, f"that counts all {TRAIN_IMAGES:,} images; validation_split "
                                                     f"keeps 20 % aside, so fit trains on {images:,.0f}."),
            (EPOCHS, "that is the number of epochs; each epoch takes one step per batch of 128."),
            (math.ceil(images / 128), "that is one epoch's steps; the training ran for all its epochs.")])
        return f"{expected:,} steps: {steps:,} batches of 128 in each of {epochs} epochs."

    def best_validation_epoch(namespace):
        history = _history_record(needs(namespace, "history", TRAINING_CELL_03))
        expected = int(np.argmax(history["val_accuracy"])) + 1
        _compare(answer(namespace, "best_validation_epoch"), expected, "best_validation_epoch", from_this_run=True, mistakes=[
            (expected - 1, "Python counts from 0, epochs from 1: add 1 to the index."),
            (int(np.argmax(history["accuracy"])) + 1, "that is the best training accuracy; look at val_accuracy."),
            (int(np.argmin(history["val_loss"])) + 1, "that is where validation loss is lowest, not where accuracy is highest.")])
        return f"epoch {expected}, as the summary above prints."

    return [
        (wrong_loss, ["Compile a fresh model with loss='categorical_crossentropy' and fit it on two images.",
                      "Wrap it in try/except Exception as error, and print type(error).__name__.",
                      "categorical_crossentropy wants one-hot labels; ours are integers."],
         'trial = series.build_lesson_cnn()\ntrial.compile(optimizer="adam", loss="categorical_crossentropy")\n'
         "try:\n    trial.fit(x_train[:2], y_train[:2], verbose=0)\nexcept Exception as error:\n"
         "    error_name = type(error).__name__\n    print(error_name, error)"),
        (total_steps, ["Each epoch takes one step per batch of 128 training images.",
                       "validation_split=0.2 leaves 80 % of the images for training.",
                       "history.params['steps'] holds one epoch's steps, and len(history.epoch) the epochs run."],
         'total_steps = history.params["steps"] * len(history.epoch)'),
        (best_validation_epoch, ["history.history['val_accuracy'] holds one value per epoch.",
                                 "np.argmax gives the index, from 0."],
         'best_validation_epoch = int(np.argmax(history.history["val_accuracy"])) + 1'),
    ]


def _exercises_09():
    def learning_rate(namespace):
        _compare(answer(namespace, "learning_rate_512"), 0.002, "learning_rate_512", 1e-9, mistakes=[
            (0.004, "that is what linear scaling from batch 128 gives (or the square root from batch 32); this notebook "
                    "scales from batch 128 with the square root."),
            (0.001, "that is Adam's default, unscaled: the run above shows what it costs at batch 512.")])
        return "0.001 × √(512 / 128) = 0.002."

    def steps_per_epoch(namespace):
        _compare(answer(namespace, "steps_at_batch_32"), 1_500, "steps_at_batch_32", mistakes=[
            (1_875, "that divides all 60,000 images; the validation split keeps 12,000 aside."),
            (375, "that is batch 128's steps on the 48,000 training images (or the 12,000 validation images in batches "
                  "of 32); batches of 32 on the training images need four times as many.")])
        return "48,000 / 32 = 1,500 steps an epoch, each a quarter of batch 128's work."

    def stopping(namespace):
        function = answer(namespace, "stopping_epoch")
        cases = [([0.5, 0.4, 0.45, 0.46, 0.47, 0.48], 3, 5), ([0.5, 0.4, 0.3, 0.2], 2, 4), ([0.3, 0.4, 0.5], 1, 2),
                 ([0.5, 0.4, 0.45, 0.46, 0.47, 0.3], 3, 5), ([0.5, 0.4, 0.4, 0.4, 0.4, 0.3], 3, 5),
                 ([0.5, 0.4, 0.45, 0.44, 0.43, 0.42], 3, 5), ([0.5, 0.4, 0.395, 0.39, 0.385, 0.38], 2, 6)]
        for losses, patience, expected in cases:
            got = as_number(called(function, losses, patience), "stopping_epoch(val_losses, patience)")
            if got == expected:
                continue
            if losses.count(0.4) > 1:
                raise Wrong(f"for {losses} with patience {patience} you return {_written(got)}: a loss equal to the best "
                            "is no improvement (EarlyStopping asks for a lower one), so epochs 3 to 5 use up the "
                            "patience and training stops after epoch 5.")
            if losses[2] == 0.45 and losses[-1] == 0.42:
                raise Wrong(f"for {losses} with patience {patience} you return {_written(got)}: 0.44, 0.43 and 0.42 are "
                            "lower than the epoch before them but not lower than the best, 0.4; EarlyStopping counts from "
                            "the best loss so far, and stops after epoch 5.")
            if losses[-1] == 0.38:
                raise Wrong(f"for {losses} with patience {patience} you return {_written(got)}: every epoch improves on "
                            "the best, if only by 0.005, so training runs to the end. The default EarlyStopping counts "
                            "any decrease (min_delta=0).")
            if got == min(int(np.argmin(losses)) + 1 + patience, len(losses)):
                raise Wrong(f"for {losses} with patience {patience} you return {_written(got)}: that counts from the "
                            "lowest loss of the whole list, but EarlyStopping decides epoch by epoch and has stopped "
                            f"after epoch {expected}, before it could see the later, lower loss.")
            if got == int(np.argmin(losses)) + 1:
                raise Wrong(f"for {losses} with patience {patience} you return {_written(got)}, the best epoch; "
                            f"EarlyStopping trains {patience} more epochs without improvement before it stops.")
            raise Wrong(f"for {losses} with patience {patience} you return {_written(got)}; training stops after epoch "
                        f"{expected}.")
        return "it stops `patience` epochs after the last improvement, or at the end."

    return [
        (learning_rate, ["The notebook's scaled_learning_rate shows the rule.", "√(512 / 128) = 2."],
         "learning_rate_512 = 0.001 * math.sqrt(512 / 128)"),
        (steps_per_epoch, ["fit trains on 80 % of 60,000 images.", "One step per batch."], "steps_at_batch_32 = 48_000 // 32"),
        (stopping, ["Track the best loss so far and the epochs since it improved.",
                    "Stop when that count reaches `patience`; else run to the end.",
                    "Epochs count from 1."],
         "def stopping_epoch(val_losses, patience):\n    best, waited = float(\"inf\"), 0\n"
         "    for epoch, loss in enumerate(val_losses, start=1):\n        if loss < best:\n            best, waited = loss, 0\n"
         "        else:\n            waited += 1\n            if waited == patience:\n                return epoch\n"
         "    return len(val_losses)"),
    ]


def _exercises_10():
    def mcnemar(namespace):
        function = answer(namespace, "beyond_noise")
        for fixed, broken, expected in [(92, 62, True), (10, 5, False), (148, 160, False), (300, 222, True),
                                        (150, 210, True)]:
            got = called(function, fixed, broken)
            if bool(got) == expected:
                continue
            if fixed < broken and expected:
                raise Wrong(f"for {fixed} fixed and {broken} broken you say {got}: a change that breaks far more than it "
                            "fixes is beyond noise too (a real loss); compare |fixed - broken| with 1.96 √(fixed + broken).")
            if (fixed > broken) == bool(got):
                raise Wrong(f"for {fixed} fixed and {broken} broken you say {got}: any difference is not a difference "
                            "beyond noise; compare |fixed - broken| with 1.96 √(fixed + broken).")
            raise Wrong(f"for {fixed} fixed and {broken} broken you say {got}; |{fixed} - {broken}| = "
                        f"{abs(fixed - broken)} against 1.96 √{fixed + broken} = {1.96 * math.sqrt(fixed + broken):.1f}.")
        return "only the images where the two models disagree count, and their split must be lopsided enough."

    def parameters(namespace):
        expected = build_better_cnn().count_params()
        _compare(answer(namespace, "better_parameters"), expected, "better_parameters", mistakes=[
            (507_530, "that is the lesson CNN's count.")])
        return f"{expected:,}: fewer than the lesson CNN, most of them in the 128-filter convolution and the dense layer."

    def decay(namespace):
        _compare(answer(namespace, "fraction_per_step"), 1e-4, "fraction_per_step", 1e-9, mistakes=[
            (0.05, "Keras' AdamW multiplies weight_decay by the learning rate at every step."),
            (0.002, "that is the learning rate alone; multiply by weight_decay.")])
        return "0.05 × 0.002 = 0.0001 of each weight per step at the peak, less as the rate decays."

    return [
        (mcnemar, ["Only the images one model gets right and the other wrong count: fixed and broken.",
                   "Without a real difference, fixed and broken are equally likely: their difference has a standard "
                   "deviation of √(fixed + broken).", "Beyond noise: |fixed - broken| > 1.96 √(fixed + broken)."],
         "def beyond_noise(fixed, broken):\n    return abs(fixed - broken) > 1.96 * math.sqrt(fixed + broken)"),
        (parameters, ["The 'parameters' cell above prints it.", "build_better_cnn() builds it; count_params() counts."],
         "better_parameters = build_better_cnn().count_params()"),
        (decay, ["Keras' AdamW removes learning_rate × weight_decay of each weight per step.",
                 "The peak learning rate of the cosine schedule is 0.002."], "fraction_per_step = 0.05 * 0.002"),
    ]


def _exercises_11():
    def epoch_time(namespace):
        _compare(answer(namespace, "epoch_seconds"), 16, "epoch_seconds", 1e-6, mistakes=[
            (20, "that divides all 60,000 images; an epoch of the lesson trains on 48,000."),
            (375 / 3_000, "that divides the steps; images per second counts images, 128 a step.")])
        return "48,000 images / 3,000 images per second = 16 s of training, checks not included."

    def conv_cost(namespace):
        expected = 3 * 3 * 16 * 64 * 10 * 10
        _compare(answer(namespace, "conv_multiply_adds"), expected, "conv_multiply_adds", mistakes=[
            (3 * 3 * 16 * 64 * 12 * 12, "a 3×3 'valid' convolution on 12×12 gives 10×10 outputs, not 12×12."),
            (3 * 3 * 64 * 10 * 10, "each output sums over all 16 input channels."),
            (3 * 3 * 16 * 64, "that is the kernel's weights; each is used at every output position.")])
        return f"{expected:,}: k·k·C_in·C_out·H·W with H = W = 10."

    def pooled_side(namespace):
        _compare(answer(namespace, "output_side"), 11, "output_side", mistakes=[
            (13, "that is the pooled map; the 3×3 convolution after it loses one pixel on each side."),
            (24, "that is the second convolution without pooling first.")])
        return "26 → 13 after pooling by 2, → 11 after the 3×3 convolution."

    def speedup(namespace):
        function = answer(namespace, "median_speedup")
        baseline, variant = [3_000, 3_300, 2_400], [8_000, 8_600, 5_000]
        got = as_number(called(function, baseline, variant), "median_speedup")
        expected = float(np.median(variant) / np.median(baseline))
        if agrees(got, expected):
            return f"{expected:.2f}×: the ratio of medians, which one slow run does not move."
        if agrees(got, float(np.mean(variant) / np.mean(baseline))):
            raise Wrong(f"you return {got:.3f}, the ratio of means; one stalled run pulls a mean. Use medians.")
        if agrees(got, 1 / expected):
            raise Wrong(f"you return {got:.3f}: baseline over variant; a speed-up is variant over baseline.")
        raise Wrong(f"for these runs you return {got:.3f}; the ratio of medians is {expected:.3f}.")

    return [
        (conv_cost, ["A 'valid' 3×3 convolution on 12×12 gives 10×10.", "Multiply-adds = k·k·C_in·C_out·H·W."],
         "conv_multiply_adds = 3 * 3 * 16 * 64 * 10 * 10"),
        (pooled_side, ["MaxPooling2D((2, 2)) halves 26 to 13.", "A 3×3 'valid' convolution then loses 2."],
         "output_side = 26 // 2 - 2"),
        (speedup, ["Images per second of each repeat, for the baseline and the variant.",
                   "np.median of each, then divide: variant over baseline."],
         "def median_speedup(baseline, variant):\n    return float(np.median(variant) / np.median(baseline))"),
        (epoch_time, ["An epoch trains on the 48,000 images of the 80/20 split.", "Seconds = images / (images per second)."],
         "epoch_seconds = 48_000 / 3_000"),
    ]


def _exercises_12():
    def dynamic_range(namespace):
        choice = answer(namespace, "quantized_in_dynamic_range")
        if says(choice, ["weights", "weight", "the weights only", "kernel weights"]):
            return "the weights are stored in int8; activations stay float and are computed in float."
        explanations = {"activations": "dynamic-range quantization leaves the activations in float; full int8 quantizes "
                                       "them too, with the representative images to set their scales.",
                        "both": "that is full int8, which needs representative images to calibrate the activations."}
        raise Wrong(explained(choice, explanations) or f"{choice!r} is none of 'weights', 'activations' or 'both'.")

    def int8_bytes(namespace):
        final_tiny = needs(namespace, "final_tiny", "the cell that trains the final tiny CNN (`final_tiny = ...`)")
        expected = final_tiny.count_params()
        _compare(answer(namespace, "int8_weight_bytes"), expected, "int8_weight_bytes", mistakes=[
            (4 * expected, "that is float32, 4 bytes a weight; int8 takes 1."),
            (expected / 8, "int8 is 8 bits, which is 1 byte: one byte per weight.")])
        return f"{expected:,} bytes of weights; the file adds its graph and scales, as the table shows."

    def head(namespace):
        _compare(answer(namespace, "head_parameters"), 650, "head_parameters", mistakes=[
            (640, "each of the 10 units also has a bias."),
            (7 * 7 * 64 * 10 + 10, "that is Dense(10) after Flatten on 7×7×64; global average pooling leaves 64 values.")])
        return "64 × 10 + 10 = 650: global average pooling keeps one value per channel."

    def quantize(namespace):
        _compare(answer(namespace, "stored_int8"), -4, "stored_int8", mistakes=[
            (6, "you left out the zero point: q = round(x / scale) + zero_point."),
            (-8.5, "int8 stores whole numbers: round x / scale first."), (-16, "divide by the scale, do not multiply.")])
        return "round(3.0 / 0.5) + (-10) = -4; reading it back gives (-4 - (-10)) × 0.5 = 3.0."

    return [
        (int8_bytes, ["An int8 weight takes one byte.", "final_tiny.count_params() counts the weights."],
         "int8_weight_bytes = final_tiny.count_params()"),
        (head, ["GlobalAveragePooling2D turns 7×7×64 into 64 values.", "Dense(10) has 64 × 10 weights and 10 biases."],
         "head_parameters = 64 * 10 + 10"),
        (quantize, ["q = round(x / scale) + zero_point.", "x = 3.0, scale = 0.5, zero point = -10."],
         "stored_int8 = round(3.0 / 0.5) + (-10)"),
        (dynamic_range, ["Which variant needed representative images, and why?",
                         "Dynamic-range int8 needs no data: it can only quantize what is known before any image arrives."],
         'quantized_in_dynamic_range = "weights"'),
        (lambda namespace: _trained_model_challenge(namespace, "small_cnn", 20_000),
         ["Pool after each convolution: three poolings leave a 3×3 map, and Dense(10) on 3×3×32 values has 2,890 weights.",
          "Two or three convolutions of 16 to 32 filters, with pooling between them, fit under 20,000 parameters.",
          "Train on x_train[:48_000] with Adam for about 10 epochs; print small_cnn.count_params() first."],
         "small_cnn = keras.Sequential([\n"
         "    keras.Input((28, 28, 1)), layers.Rescaling(1 / 255),\n"
         '    layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(),\n'
         '    layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),\n'
         '    layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),\n'
         '    layers.Flatten(), layers.Dense(10, activation="softmax"),\n'
         "])\n"
         "training_images = int(len(x_train) * 0.8)  # the first 80 %: the validation images stay unseen\n"
         'small_cnn.compile(optimizer=keras.optimizers.Adam(0.003), loss="sparse_categorical_crossentropy",\n'
         '                  metrics=["accuracy"])\n'
         "small_cnn.fit(x_train[:training_images], y_train[:training_images], batch_size=128,\n"
         "              epochs=12, verbose=2)"),
    ]


def _exercises_16():
    def energy_exercise(namespace):
        function = answer(namespace, "energy_at_temperature")
        cases = [(np.array([[2.0, 1.0, 0.0], [10.0, -5.0, 3.0]]), 1.0), (np.array([[2.0, 1.0, 0.0], [10.0, -5.0, 3.0]]), 2.0),
                 (np.array([[1000.0, 999.0, 0.0], [0.0, 0.0, 0.0]]), 0.5)]
        for logits, temperature in cases:
            with np.errstate(all="ignore"):
                got = as_values(called(function, logits.copy(), temperature), "energy_at_temperature(logits, T)")
            expected = -temperature * logsumexp(logits / temperature, axis=1)
            if got.shape != expected.shape:
                raise Wrong(f"for logits of shape (2, 3) your function returns shape {got.shape}: one score per row, "
                            "shape (2,).")
            if np.allclose(got, expected, atol=1e-6):
                continue
            if not np.isfinite(got).all():
                raise Wrong(f"for the logits {logits.tolist()} at T = {temperature} you return {got.tolist()}: exp "
                            "overflows. logsumexp subtracts each row's maximum first, as the page does.")
            if np.allclose(got, -logsumexp(logits / temperature, axis=1), atol=1e-6):
                raise Wrong(f"at T = {temperature} you return -logsumexp(logits / T): multiply by T as well, so that the "
                            "score keeps the logits' scale.")
            if np.allclose(got, -temperature * logsumexp(logits, axis=1), atol=1e-6):
                raise Wrong(f"at T = {temperature} you return -T · logsumexp(logits): divide the logits by T inside.")
            if np.allclose(got, -logsumexp(logits, axis=1), atol=1e-6):
                raise Wrong(f"at T = {temperature} you return the page's energy, at T = 1: your function must use T.")
            if np.allclose(got, temperature * logsumexp(logits / temperature, axis=1), atol=1e-6):
                raise Wrong("mind the sign: the energy is minus T · logsumexp, so that pictures unlike the garments "
                            "score higher.")
            decimals = next((decimals for decimals in range(3, 11)  # enough to show where the two differ
                             if not np.array_equal(np.round(got, decimals), np.round(expected, decimals))), 10)
            raise Wrong(f"for the logits {logits.tolist()} at T = {temperature} you return "
                        f"{np.round(got, decimals).tolist()}; their energy scores are {np.round(expected, decimals).tolist()}.")
        return "-T · logsumexp(logits / T) of each row: at T = 1 the page's energy, and finite for large logits."

    def request_ratio(namespace):
        value = answer(namespace, "keras_over_int8")
        request_ms = needs(namespace, "request_ms", "the cell that measures the requests")
        model_ms = needs(namespace, "model_ms", "the cell that measures the requests")
        expected = float(np.median(request_ms["Keras float32"]) / np.median(request_ms["LiteRT int8"]))
        # within 2 %: the table's rounded medians give the ratio that closely
        _compare(value, expected, "keras_over_int8", 0.02 * expected, from_this_run=True, mistakes=[
            (1 / expected, "that is the int8 file's time over Keras's: divide Keras's median by the int8 file's."),
            (float(np.median(model_ms["Keras float32"]) / np.median(model_ms["LiteRT int8"])),
             "that compares the model alone, the last column; the question asks about whole requests.")])
        return f"{expected:.2f} in your run: Keras's median request over the int8 file's."

    def dequantize(namespace):
        _compare(answer(namespace, "logit_from_int8"), 10.0, "logit_from_int8", 1e-6, mistakes=[
            (7.5, "that leaves out the zero point: subtract it before scaling, (30 - (-10)) × 0.25."),
            (5.0, "the zero point is subtracted: 30 - (-10) = 40, not 20."),
            (110.0, "that turns a logit of 30 into an integer; going back, subtract the zero point, then multiply by the "
                    "scale.")])
        return "(30 - (-10)) × 0.25 = 10.0, as LiteRTLogits computes each logit."

    def top_three_exercise(namespace):
        function = answer(namespace, "top_three")
        for case, probabilities in enumerate((np.array([0.02, 0.05, 0.30, 0.01, 0.12, 0.03, 0.40, 0.02, 0.04, 0.01]),
                                              np.array([0.42, 0.05, 0.02, 0.20, 0.01, 0.01, 0.05, 0.01, 0.22, 0.01]))):
            got = called(function, probabilities.copy())  # case 1 is reached only when case 0 was right
            top = np.argsort(probabilities)[::-1][:3]
            expected = {CLASS_NAMES[index]: float(probabilities[index]) for index in top}
            if not isinstance(got, dict):
                raise Wrong(f"`top_three` should return a dict of class name to probability; yours returns a "
                            f"{type(got).__name__}.")
            if {str(key) for key in got} == {str(index) for index in top}:
                raise Wrong("your keys are class numbers; the page shows names: series.CLASS_NAMES[number].")
            if len(got) != 3:
                raise Wrong(f"you give {len(got)} classes; the page shows the three most probable.")
            if {str(key).lower() for key in got} == {name.lower() for name in expected} and set(got) != set(expected):
                raise Wrong(f"you give {list(got)}: write the names as series.CLASS_NAMES writes them, {list(expected)}.")
            if set(got) != set(expected):
                raise Wrong(f"for {probabilities.tolist()} you give {list(got)}; the three most probable are "
                            f"{list(expected)}."
                            + (" It was right for other probabilities: does it use the ones it is given?"
                               if case else ""))
            if list(got) != list(expected):
                raise Wrong(f"the right three classes, in the order {list(got)}; put the most probable first: "
                            f"{list(expected)}.")
            if not all(agrees(as_number(got[name], f"top_three(...)[{name!r}]"), probability)
                       for name, probability in expected.items()):
                raise Wrong("the right classes in the right order, but not with their probabilities.")
        return "the three largest probabilities, most probable first, named as the page shows them."

    return [
        (energy_exercise, ["The page's energy is -logsumexp(logits) of each row: the case T = 1.",
                           "Divide the logits by T inside logsumexp, and multiply the result by -T.",
                           "scipy.special.logsumexp(logits / T, axis=1) stays finite for large logits."],
         "from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
         "    return -T * logsumexp(logits / T, axis=1)"),
        (request_ratio, ["In the column of whole requests, each runtime's median comes first, before its range.",
                         "Divide Keras float32's median by LiteRT int8's."],
         "keras_over_int8 = np.median(request_ms['Keras float32']) / np.median(request_ms['LiteRT int8'])"),
        (dequantize, ["An int8 value is stored as round(value / scale) + zero point.",
                      "Going back: (integer - zero point) × scale."],
         "logit_from_int8 = (30 - (-10)) * 0.25"),
        (top_three_exercise, ["np.argsort(probabilities) sorts the class numbers from least to most probable.",
                              "np.argsort(probabilities)[::-1][:3] gives the three most probable; series.CLASS_NAMES[i] "
                              "names each."],
         "def top_three(probabilities):\n    top = np.argsort(probabilities)[::-1][:3]\n"
         "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}"),
    ]


def _exercises_17():
    def arithmetic(namespace):
        _compare(answer(namespace, "gflops"), 36, "gflops", 1e-6, mistakes=[
            (12, "that counts the forward pass alone, 2 operations per multiply-add; training adds about 4 more backward."),
            (6, "that counts one operation per multiply-add; a multiply-add is 2, and training does 3 passes' worth."),
            (36e9, "that is in FLOP/s; a GFLOP/s is a billion of them.")])
        return "6 × 2,000,000 × 3,000 = 36 billion operations per second: 36 GFLOP/s."

    def ratio(namespace):
        _compare(answer(namespace, "times_notebook_10"), 16, "times_notebook_10", 1e-6, mistakes=[
            (250 / 4_000, "that is the record over notebook 10; the column says how many times faster the record is."),
            (3_750, "that is the seconds saved; the column is a ratio, which compares across machines.")])
        return "4,000 / 250 = 16: the record trains 16 × faster than notebook 10's recipe on that machine."

    def record_rule(namespace):
        function = answer(namespace, "is_record")
        cases = [([0.945, 0.946, 0.950, 0.948, 0.947], 0.94, True, "five seeds, every one above the target, make a "
                  "record: the rule asks for at least 5 seeds, so 5 are enough."),
                 ([0.945, 0.938, 0.941, 0.936, 0.950], 0.94, True, "their mean, 0.942, reaches 0.94 although two runs "
                  "are below it: the rule asks for the mean, not every run."),
                 ([0.900, 0.990, 0.930, 0.990, 0.930], 0.94, True, "their mean, 0.948, reaches 0.94 though their median, "
                  "0.93, does not: the rule asks for the mean."),
                 ([0.930, 0.945, 0.936, 0.932, 0.934], 0.94, False, "one run reaches 0.94, but their mean, 0.9354, "
                  "does not."),
                 ([0.952, 0.955, 0.951], 0.94, False, "three runs are fewer than the 5 seeds the rule asks for, "
                  "however good their mean."),
                 ([0.941, 0.943, 0.942, 0.944, 0.940, 0.945], 0.94, True, "six seeds with a mean of 0.9425 make a record."),
                 ([0.93, 0.93, 0.93, 0.93, 0.93, 0.93], 0.94, False, "six seeds with a mean of 0.93 miss 0.94: "
                  "the mean divides by the number of runs, here 6."),
                 ([0.935, 0.936, 0.934, 0.935, 0.935], 0.93, True, "the target is the one given to the function "
                  "(0.93 here), not always 0.94."),
                 ([0.9375] * 5, 0.9375, True, "a mean exactly at the target makes a record: 'at or above' is >=.")]
        for accuracies, target, expected, why in cases:
            got = called(function, list(accuracies), target)
            if not isinstance(got, (bool, np.bool_)) and not (hasattr(got, "dtype") and np.asarray(got).dtype == bool):
                raise Wrong(f"`is_record` should return True or False; it returns {_described(got)}.")
            if bool(got) != expected:
                raise Wrong(f"for {accuracies} and target {target} you return {bool(got)}, and it should be {expected}: "
                            f"{why}")
        return "a record needs at least 5 seeds and their mean test accuracy at or above the target."

    return [
        (arithmetic, ["Training counts 6 floating-point operations per multiply-add: 2 forward, about 4 backward.",
                      "Operations per image × images per second, divided by a billion."],
         "gflops = 6 * 2_000_000 * 3_000 / 1e9"),
        (ratio, ["The last column divides notebook 10's projected time by the record's time.",
                 "Larger means the record is faster."],
         "times_notebook_10 = 4_000 / 250"),
        (record_rule, ["Two conditions: how many runs, and what their mean is.",
                       "len(test_accuracies) >= 5, and np.mean(test_accuracies) >= target."],
         "def is_record(test_accuracies, target):\n    return len(test_accuracies) >= 5 and np.mean(test_accuracies) >= target"),
    ]


_EXERCISES = {int(name.removeprefix("_exercises_")): function for name, function in sorted(globals().items())
              if name.startswith("_exercises_")}


# ---------------------------------------------------------------------------------------------------
# Part 2, generated from the notebooks by `make module`: do not edit below this line.
# ---------------------------------------------------------------------------------------------------


# Defined in notebook 01.
CLASS_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]


def build_lesson_cnn():
    """The lesson's CNN: two convolutions, one max pooling, three dense layers.

    Defined in notebook 02.
    """
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Rescaling(1.0 / 255),
            layers.Conv2D(16, (3, 3), activation="relu"),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((3, 3), strides=2),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="lesson_cnn",
    )


def save_atomically(path, write):
    """Save through `write(temporary_path)`, then rename the result onto `path`.

    The rename is atomic: if the save is interrupted, `path` still holds its
    previous contents instead of a half-written file.

    Defined in notebook 03.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# Defined in notebook 05.
H5_PATH = MODELS_DIR / "lesson_cnn.h5"


def conv2d(images, kernel, bias):
    """Valid 2-D convolution, stride 1: (N, H, W, C) images, (kh, kw, C, F) kernel -> (N, H-kh+1, W-kw+1, F).

    Defined in notebook 07.
    """
    kernel_height, kernel_width = kernel.shape[:2]
    out_height = images.shape[1] - kernel_height + 1
    out_width = images.shape[2] - kernel_width + 1
    output = np.zeros((images.shape[0], out_height, out_width, kernel.shape[3]))
    for i in range(kernel_height):
        for j in range(kernel_width):
            output += images[:, i : i + out_height, j : j + out_width, :] @ kernel[i, j]
    return output + bias


def relu(values):
    """ReLU: every negative value becomes 0, every other value stays.

    Defined in notebook 08.
    """
    return np.maximum(values, 0)


def softmax(logits):
    """Softmax over the last axis, shifted by the maximum so that exp never overflows.

    Defined in notebook 08.
    """
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def conv_bn_relu(filters):
    """A 3x3 convolution that keeps the image size, batch normalization, then ReLU.

    Defined in notebook 10.
    """
    return [
        layers.Conv2D(filters, (3, 3), padding="same", use_bias=False),  # BatchNormalization adds the bias
        layers.BatchNormalization(),
        layers.ReLU(),
    ]


def augmentation():
    """Random mirror images and shifts of up to two pixels each way, applied only in training.

    Defined in notebook 10.
    """
    return [
        layers.RandomFlip("horizontal"),
        layers.RandomTranslation(2 / 28, 2 / 28, fill_mode="constant", interpolation="nearest"),
    ]


def build_better_cnn():
    """Notebook 10's CNN: one convolution at full size, three after pooling; augmentation and dropout.

    Defined in notebook 10.
    """
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Rescaling(1.0 / 255),
            *augmentation(),
            *conv_bn_relu(32),
            layers.MaxPooling2D(),
            *conv_bn_relu(64),
            *conv_bn_relu(64),
            layers.MaxPooling2D(),
            *conv_bn_relu(128),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(128, use_bias=False),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax"),
        ],
        name="better_cnn",
    )


def cosine_schedule(steps_per_epoch):
    """One epoch of warm-up to 0.002, then a cosine down to zero at the last step of BETTER_EPOCHS epochs.

    Defined in notebook 10.
    """
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=1e-4,
        warmup_target=0.002,  # reached after one epoch of warm-up
        warmup_steps=steps_per_epoch,
        decay_steps=(BETTER_EPOCHS - 1) * steps_per_epoch,  # then down to zero at the last step
    )


def compiled_better_cnn(steps_per_epoch, use_ema=True):
    """A fresh better CNN, compiled with AdamW and the cosine schedule for `steps_per_epoch` steps an epoch.

    With `use_ema`, `fit` ends by putting the moving average of the weights in the model.

    Defined in notebook 10.
    """
    model = build_better_cnn()
    optimizer = keras.optimizers.AdamW(learning_rate=cosine_schedule(steps_per_epoch), weight_decay=0.05, use_ema=use_ema)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def predict(model, images, mirror=False):
    """Class probabilities; with `mirror`, averaged with those of each image's mirror image (test-time augmentation).

    Defined in notebook 10.
    """
    probabilities = model.predict(images, verbose=0)
    if mirror:
        probabilities = (probabilities + model.predict(images[:, :, ::-1], verbose=0)) / 2
    return probabilities


def accuracy(probabilities, labels):
    """The share of images whose most probable class is the label.

    Defined in notebook 10.
    """
    return float(np.mean(np.argmax(probabilities, axis=1) == labels))


def fixed_and_broken(before, after, labels):
    """Images that `after` classifies right and `before` wrong, and the reverse; and whether their difference is beyond noise.

    Defined in notebook 10.
    """
    right_before, right_after = np.argmax(before, axis=1) == labels, np.argmax(after, axis=1) == labels
    fixed, broken = int(np.sum(right_after & ~right_before)), int(np.sum(right_before & ~right_after))
    return fixed, broken, abs(fixed - broken) > 1.96 * math.sqrt(fixed + broken)


def multiply_adds(layer):
    """Multiply-adds of `layer` for one image: k·k·C_in·C_out·H·W for a convolution, inputs × units for a dense layer.

    Defined in notebook 11.
    """
    if isinstance(layer, layers.Conv2D):
        kernel_height, kernel_width, channels_in, channels_out = layer.kernel.shape
        _, height, width, _ = layer.output.shape
        return kernel_height * kernel_width * channels_in * channels_out * height * width
    if isinstance(layer, layers.Dense):
        return layer.kernel.shape[0] * layer.kernel.shape[1]
    return 0


def build_pool_first_cnn(batch_norm=False):
    """The lesson CNN with its pooling moved before the second convolution; optionally batch-normalized.

    Defined in notebook 11.
    """

    def convolution(filters):
        if not batch_norm:
            return [layers.Conv2D(filters, (3, 3), activation="relu")]
        # Batch normalization brings its own shift, so the convolution needs no bias.
        return [layers.Conv2D(filters, (3, 3), use_bias=False), layers.BatchNormalization(), layers.Activation("relu")]

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Rescaling(1.0 / 255),
            *convolution(16),
            layers.MaxPooling2D((2, 2)),
            *convolution(64),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="pool_first_cnn_batch_norm" if batch_norm else "pool_first_cnn",
    )


def built_with_policy(policy, build):
    """A model whose layers compute with `policy`; the global policy is float32 again afterwards.

    Defined in notebook 11.
    """
    keras.mixed_precision.set_global_policy(policy)
    try:
        return build()
    finally:
        keras.mixed_precision.set_global_policy("float32")


# Defined in notebook 11.
def compiled(model, learning_rate=0.001, **compile_options):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], **compile_options)
    return model


def representative_images():
    """A few hundred training images, one at a time, for the converter to calibrate the int8 scales.

    Defined in notebook 12.
    """
    (x_train, _), _ = keras.datasets.fashion_mnist.load_data()
    for image in x_train[:300, ..., np.newaxis]:
        yield [image[np.newaxis].astype("float32")]


# Defined in notebook 12.
FULL_INTEGER = {
    "optimizations": [tf.lite.Optimize.DEFAULT],
    "representative_dataset": representative_images,
    "target_spec": {"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]},
    "inference_input_type": tf.int8,
    "inference_output_type": tf.int8,
}


# Defined in notebook 12.
KERAS_EXPORTS_LITERT = tuple(int(part) for part in keras.__version__.split(".")[:2]) >= (3, 13)


def convert_through_saved_model(model, path, **converter_options):
    """Write `model` to the LiteRT file `path` through a SavedModel and `tf.lite.TFLiteConverter`.

    Defined in notebook 12.
    """
    with tempfile.TemporaryDirectory() as saved_model:
        archive = keras.export.ExportArchive()
        archive.track(model)
        archive.add_endpoint("serve", lambda images: model(images, training=False),  # no random flips in the file
                             input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32)])
        archive.write_out(saved_model, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(saved_model)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
        converter.experimental_enable_resource_variables = True
        for name, value in converter_options.items():
            if name == "target_spec":
                for spec_name, spec_value in value.items():
                    setattr(converter.target_spec, spec_name, spec_value)
            else:
                setattr(converter, name, value)
        Path(path).write_bytes(converter.convert())


def export_litert(model, path, **converter_options):
    """Write `model` as a LiteRT file, atomically; `converter_options` go to the TensorFlow Lite converter.

    Defined in notebook 12.
    """
    if KERAS_EXPORTS_LITERT:
        save_atomically(path, lambda temporary: model.export(str(temporary), format="litert", verbose=False,
                                                                    **converter_options))
    else:
        save_atomically(path, lambda temporary: convert_through_saved_model(model, temporary, **converter_options))


# Defined in notebook 12.
LATENCY_REPEATS = 3  # timed passes of each LiteRT file over the test images, interleaved


def classify_one_at_a_time(interpreter, images):
    """The classes a LiteRT interpreter predicts for `images`, fed one at a time, and the mean milliseconds per image.

    Defined in notebook 12.
    """
    input_details, output_details = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    scale, zero_point = input_details["quantization"]
    if input_details["dtype"] == np.int8:
        images = np.clip(np.round(images / scale + zero_point), -128, 127)
    images = images.astype(input_details["dtype"])
    predicted = np.empty(len(images), dtype=int)
    started = time.perf_counter()
    for index, image in enumerate(images):
        interpreter.set_tensor(input_details["index"], image[np.newaxis])
        interpreter.invoke()
        predicted[index] = interpreter.get_tensor(output_details["index"]).argmax()
    return predicted, (time.perf_counter() - started) * 1000 / len(images)


def evaluate_litert(paths, images, labels):
    """{key: (accuracy, [mean milliseconds per image of each pass])} of the LiteRT files `paths` ({key: path}).

    Each file classifies all `images` LATENCY_REPEATS times, one image at a time on one thread; the
    passes are interleaved (A B C, A B C, ...) so that the machine's drift hits every file alike.

    Defined in notebook 12.
    """
    interpreters = {key: Interpreter(model_path=str(path), num_threads=1) for key, path in paths.items()}
    for interpreter in interpreters.values():
        interpreter.allocate_tensors()
    accuracies, milliseconds = {}, {key: [] for key in paths}
    for _ in range(LATENCY_REPEATS):
        for key, interpreter in interpreters.items():
            predicted, mean_milliseconds = classify_one_at_a_time(interpreter, images)
            accuracies[key] = (predicted == labels).mean()  # the same in every pass
            milliseconds[key].append(mean_milliseconds)
    return {key: (accuracies[key], milliseconds[key]) for key in paths}


# Defined in notebook 14.
MAX_IMAGE_PIXELS = 100_000_000  # 100 megapixels: more than most cameras give, far less than a bomb


class PhotoError(ValueError):
    """A photo that cannot be classified, with the reason and what to do.

    Defined in notebook 14.
    """


def open_photo(path):
    """Open and fully decode an image file, or raise PhotoError naming the file.

    Defined in notebook 14.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise PhotoError(f"{path}: no such file. Check IMAGE_PATH.")
    if path.stat().st_size == 0:
        raise PhotoError(f"{path}: the file is empty (0 bytes). Copy or export the photo again.")
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            image.load()
    except UnidentifiedImageError:
        raise PhotoError(f"{path}: not an image file that Pillow can read. Use a JPEG, PNG, WebP or TIFF.") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(
            f"{path}: the image is too large to process safely (more than {MAX_IMAGE_PIXELS:,} pixels). "
            "Scale it down first."
        ) from None
    except (OSError, SyntaxError) as error:
        raise PhotoError(f"{path}: the image data is truncated or damaged ({error}). Copy or export the photo again.") from None
    return image


def to_grayscale(image):
    """Any Pillow image mode as a float array of 0-255 gray levels, transparency on white.

    Defined in notebook 14.
    """
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return np.asarray(image, dtype=np.float64) / 257  # 0-65535 to 0-255
    if image.mode in ("I", "F"):
        values = np.asarray(image, dtype=np.float64)
        return 255 * (values - values.min()) / max(values.max() - values.min(), 1e-12)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        on_white = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(on_white, image.convert("RGBA"))
    return np.asarray(image.convert("RGB").convert("L"), dtype=np.float64)


def photo_to_model_input(path):
    """A photo file as a (28, 28, 1) uint8 array, prepared like Fashion-MNIST's images.

    Defined in notebook 14.
    """
    image = ImageOps.exif_transpose(open_photo(path))
    gray = to_grayscale(image)

    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if np.median(border) > 127:  # light background: make the garment light on black
        gray = 255 - gray
    gray = np.clip(gray - np.median(border if np.median(border) <= 127 else 255 - border), 0, None)
    if gray.max() > 0:  # background at 0, brightest garment pixel at 255, as in the dataset
        gray *= 255 / gray.max()

    rows, columns = np.nonzero(gray > 0.1 * 255)
    if len(rows):  # crop to the garment
        gray = gray[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    side = max(gray.shape)
    square = np.zeros((side, side))
    top, left = (side - gray.shape[0]) // 2, (side - gray.shape[1]) // 2
    square[top : top + gray.shape[0], left : left + gray.shape[1]] = gray

    small = Image.fromarray(square.astype(np.uint8)).resize((28, 28), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.uint8)[..., np.newaxis]


# Defined in notebook 14.
SAMPLE_PHOTOS_DIR = (Path("../data") if Path("../data").is_dir() else Path("data")) / "sample_photos"


# Defined in notebook 14.
EXIF_ORIENTATION = 0x0112


def render_as_photo(image, garment_rgb=(70, 45, 30), canvas=(420, 360)):
    """A 28x28 Fashion-MNIST image drawn ten times larger, off-centre: a coloured garment on transparency.

    Defined in notebook 14.
    """
    coverage = Image.fromarray(image).resize((280, 280), Image.Resampling.BICUBIC)
    picture = Image.new("RGBA", canvas, (*garment_rgb, 0))
    picture.paste(Image.new("RGBA", coverage.size, (*garment_rgb, 255)), (90, 50), mask=coverage)
    return picture


def on_background(picture, background_rgb=(236, 230, 218)):
    """An RGBA picture flattened onto an opaque background colour (light and warm by default).

    Defined in notebook 14.
    """
    return Image.alpha_composite(Image.new("RGBA", picture.size, (*background_rgb, 255)), picture).convert("RGB")


def confidence_bins(probabilities, labels, bins=15):
    """Per confidence bin (k/bins, (k+1)/bins]: the number of images, of right answers, and the summed confidence.

    Defined in notebook 15.
    """
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    index = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    return (np.bincount(index, minlength=bins), np.bincount(index, weights=correct, minlength=bins),
            np.bincount(index, weights=confidence, minlength=bins))


def expected_calibration_error(probabilities, labels, bins=15):
    """Sum over bins of (share of images) x |accuracy - mean confidence|.

    Defined in notebook 15.
    """
    counts, right, confidence = confidence_bins(probabilities, labels, bins)
    return np.abs(right - confidence).sum() / counts.sum()


def negative_log_likelihood(logits, labels, temperature=1.0):
    """Mean of -log softmax(logits / temperature)[label], computed from the logits without overflow.

    Defined in notebook 15.
    """
    scaled = logits / temperature
    log_probabilities = scaled - logsumexp(scaled, axis=1, keepdims=True)
    return -log_probabilities[np.arange(len(labels)), labels].mean()


def fit_temperature(logits, labels):
    """The temperature T > 0 that minimises the negative log-likelihood of softmax(logits / T).

    Defined in notebook 15.
    """
    result = minimize_scalar(lambda log_t: negative_log_likelihood(logits, labels, np.exp(log_t)),
                             bounds=(np.log(0.05), np.log(20)), method="bounded")
    return float(np.exp(result.x))


def auroc(in_scores, out_scores):
    """P(an out-of-distribution score > an in-distribution score), ties counted half (Mann-Whitney U).

    Defined in notebook 15.
    """
    ranks = rankdata(np.concatenate([in_scores, out_scores]))
    out_ranks = ranks[len(in_scores) :]
    return (out_ranks.sum() - len(out_ranks) * (len(out_ranks) + 1) / 2) / (len(in_scores) * len(out_ranks))


def acceptance_threshold(in_scores, true_positive_rate=0.95):
    """The lowest score that still lets `true_positive_rate` of the in-distribution inputs pass (score <= threshold).

    Defined in notebook 15.
    """
    return np.quantile(in_scores, true_positive_rate, method="inverted_cdf")


def fpr_at_95_tpr(in_scores, out_scores):
    """The share of out-of-distribution inputs that pass the threshold that 95 % of the in-distribution inputs pass.

    Defined in notebook 15.
    """
    return float(np.mean(np.asarray(out_scores) <= acceptance_threshold(in_scores)))


# Defined in notebook 16.
DEMO_LITERT_PATH = MODELS_DIR / "demo_lesson_cnn_logits_int8.tflite"


def logits_model(model):
    """A copy of `model`, whose last layer is Dense(10, softmax), that outputs the ten logits instead.

    Defined in notebook 16.
    """
    logits = layers.Dense(10, name="logits")(model.layers[-2].output)
    network = keras.Model(model.inputs[0], logits, name=f"{model.name}_logits")
    network.get_layer("logits").set_weights(model.layers[-1].get_weights())
    return network


class KerasLogits:
    """A Keras network called on uint8 images (n, 28, 28, 1), 1,000 at a time; returns float logits (n, 10).

    Defined in notebook 16.
    """

    def __init__(self, network):
        self.network = network

    def __call__(self, images):
        return np.concatenate([keras.ops.convert_to_numpy(self.network(images[start : start + 1000].astype("float32")))
                               for start in range(0, len(images), 1000)])


class LiteRTLogits:
    """A LiteRT file (int8 or float32 input and output), called like KerasLogits: uint8 images in, float logits out.

    Defined in notebook 16.
    """

    def __init__(self, path):
        self.interpreter = Interpreter(model_path=str(path), num_threads=1)
        self.interpreter.allocate_tensors()
        self.input, self.output = self.interpreter.get_input_details()[0], self.interpreter.get_output_details()[0]

    def __call__(self, images):
        input_scale, input_zero_point = self.input["quantization"]
        output_scale, output_zero_point = self.output["quantization"]
        logits = np.empty((len(images), 10), dtype=np.float32)
        for index, image in enumerate(images):  # one image at a time, as requests come
            if self.input["dtype"] == np.int8:
                image = np.clip(np.round(image / input_scale + input_zero_point), -128, 127)
            self.interpreter.set_tensor(self.input["index"], image[np.newaxis].astype(self.input["dtype"]))
            self.interpreter.invoke()
            output = self.interpreter.get_tensor(self.output["index"])[0].astype(np.float32)
            logits[index] = (output - output_zero_point) * output_scale if self.output["dtype"] == np.int8 else output
        return logits


def energy(logits):
    """15's energy score of each row of logits, -logsumexp: the higher, the less like the training images.

    Defined in notebook 16.
    """
    return -logsumexp(logits, axis=-1)


class Runtime:
    """One way to run the model in the page: its logits, with a temperature and an energy threshold fitted on validation.

    Defined in notebook 16.
    """

    def __init__(self, logits_of, validation_images, validation_labels):
        self.logits_of = logits_of
        self.validation_logits = logits_of(validation_images)
        self.temperature = fit_temperature(self.validation_logits, validation_labels)
        self.threshold = float(acceptance_threshold(energy(self.validation_logits)))


def demo_runtimes(model):
    """{"LiteRT int8": Runtime, "Keras float32": Runtime} of a trained `model` whose last layer is Dense(10, softmax).

    Writes the int8 LiteRT file of its logits to DEMO_LITERT_PATH, then fits each runtime on the validation images.

    Defined in notebook 16.
    """
    network = logits_model(model)
    export_litert(network, DEMO_LITERT_PATH, **FULL_INTEGER)
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    start = int(TRAIN_IMAGES * 0.8)  # the last 20 %, as validation_split=0.2 keeps apart
    images, labels = x_train[start : TRAIN_IMAGES, ..., np.newaxis], y_train[start : TRAIN_IMAGES]
    return {"LiteRT int8": Runtime(LiteRTLogits(DEMO_LITERT_PATH), images, labels),
            "Keras float32": Runtime(KerasLogits(network), images, labels)}


def classify_photo(path, runtime):
    """What the page shows for the picture file `path`, as (image, top_three, verdict).

    image: the 28 x 28 uint8 image the model sees, or None; top_three: {class name: probability} of the three most
    likely classes, or None when the page answers otherwise; verdict: one sentence of Markdown.

    Defined in notebook 16.
    """
    try:
        image = photo_to_model_input(path)
    except PhotoError as error:
        return None, None, f"**This file cannot be classified.** {str(error).replace(str(path), Path(path).name)}"
    logits = runtime.logits_of(image[np.newaxis])[0]
    score = float(energy(logits))
    if score > runtime.threshold:
        return image, None, (f"**Not clothing, as far as this model can tell.** It knows ten kinds of garment, and this "
                             f"picture is unlike them: its energy score, {score:.1f}, is above {runtime.threshold:.1f}, "
                             "which 95 % of the validation garments stay below.")
    probabilities = softmax(logits / runtime.temperature)
    top = np.argsort(probabilities)[::-1][:3]
    return image, {CLASS_NAMES[i]: float(probabilities[i]) for i in top}, \
        f"**{CLASS_NAMES[top[0]]}**, with probability {probabilities[top[0]]:.0%}."


def build_demo(runtimes):
    """The web page, a Gradio Blocks: a photo or a drawing in; what the model sees, its verdict and its top three out.

    Defined in notebook 16.
    """
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # the page sends nothing anywhere
    import gradio as gr

    def shown(image, top_three, verdict):
        enlarged = None if image is None else np.kron(image[..., 0], np.ones((8, 8), dtype=np.uint8))  # sharp pixels
        return enlarged, verdict, top_three

    def on_photo(path, runtime_name):
        if path is None:
            return shown(None, None, "Choose a photo first.")
        return shown(*classify_photo(path, runtimes[runtime_name]))

    def on_drawing(drawing, runtime_name):
        composite = None if drawing is None else drawing.get("composite")
        if composite is None or to_grayscale(composite).min() > 250:
            return shown(None, None, "Draw a garment first: dark lines on the white pad.")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "drawing.png"
            composite.save(path)
            return shown(*classify_photo(path, runtimes[runtime_name]))

    with gr.Blocks(title="What garment is this?", analytics_enabled=False) as demo:
        gr.Markdown("## What garment is this?\nUpload a photo of one garment on a plain background, or draw one. The "
                    "lesson CNN of the Fashion-MNIST series answers with its three most likely classes, or says that "
                    "the picture is not clothing.")
        with gr.Row():
            with gr.Column():
                with gr.Tab("Photo"):
                    photo = gr.File(label="a photo: JPEG, PNG, WebP or TIFF", type="filepath")
                    photo_button = gr.Button("Classify the photo", variant="primary")
                with gr.Tab("Drawing"):
                    drawing = gr.Sketchpad(type="pil", label="draw one garment")
                    drawing_button = gr.Button("Classify the drawing", variant="primary")
                runtime_name = gr.Radio(list(runtimes), value=next(iter(runtimes)), label="runtime")
            with gr.Column():
                seen = gr.Image(label="what the model sees: 28 × 28 pixels", interactive=False, height=240)
                verdict = gr.Markdown(elem_id="verdict")
                top_three = gr.Label(num_top_classes=3, label="top three classes")
        photo_button.click(on_photo, [photo, runtime_name], [seen, verdict, top_three])
        drawing_button.click(on_drawing, [drawing, runtime_name], [seen, verdict, top_three])
    return demo


def serve_demo():
    """What `make demo` runs: the page for the lesson CNN on 127.0.0.1, at a free port it prints, until Ctrl+C.

    Defined in notebook 16.
    """
    demo = build_demo(demo_runtimes(load_lesson_model()[0]))
    demo.launch(server_name="127.0.0.1", share=False, inbrowser=False)


class LinearOneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """A one-cycle learning rate of straight lines: 0 to `peak`, then down to 0.

    It rises over the first `warmup` share of `steps` and reaches 0 at the last step.

    Defined in notebook 17.
    """

    def __init__(self, peak, steps, warmup=0.2):
        self.peak, self.steps, self.warmup = peak, steps, warmup

    def __call__(self, step):
        step = keras.ops.cast(step, "float32") + 1
        rise = self.warmup * self.steps
        return self.peak * keras.ops.minimum(step / rise, keras.ops.maximum(0.0, (self.steps - step) / (self.steps - rise)))

    def get_config(self):
        return {"peak": self.peak, "steps": self.steps, "warmup": self.warmup}


def build_speedrun_cnn(widths=(16, 32, 64), batch_norm_momentum=0.99):
    """Three batch-normalized 3×3 convolutions, each followed by 2×2 pooling, then ten logits (no softmax).

    `widths` gives each convolution's filters.

    Defined in notebook 17.
    """

    def convolution(filters):
        # Batch normalization brings its own shift, so the convolution needs no bias.
        return [layers.Conv2D(filters, (3, 3), padding="same", use_bias=False),
                layers.BatchNormalization(momentum=batch_norm_momentum), layers.ReLU(), layers.MaxPooling2D()]

    first, second, third = widths
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Rescaling(1.0 / 255),
            *convolution(first),  # 28 × 28 → 14 × 14
            *convolution(second),  # → 7 × 7
            *convolution(third),  # → 3 × 3
            layers.Flatten(),
            layers.Dense(10, dtype="float32"),  # the logits stay float32 under mixed precision
        ],
        name="speedrun_cnn",
    )


# Defined in notebook 17.
START_RECIPE = {
    "widths": (16, 32, 64), "batch_norm_momentum": 0.99, "batch_size": 128, "learning_rate": 0.001,
    "one_cycle": False, "label_smoothing": 0.0, "policy": "float32",
}


def compiled_speedrun_cnn(recipe, steps):
    """A fresh speedrun CNN, built and compiled to train `steps` steps as `recipe` says.

    `recipe` is a dict with the keys of START_RECIPE.

    Defined in notebook 17.
    """
    model = built_with_policy(
        recipe["policy"], lambda: build_speedrun_cnn(recipe["widths"], recipe["batch_norm_momentum"]))
    rate = LinearOneCycle(recipe["learning_rate"], steps) if recipe["one_cycle"] else recipe["learning_rate"]

    def smoothed_crossentropy(labels, logits):
        one_hot = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(labels, (-1,)), "int32"), 10)
        return keras.losses.categorical_crossentropy(one_hot, logits, from_logits=True,
                                                     label_smoothing=recipe["label_smoothing"])

    model.compile(optimizer=keras.optimizers.Adam(rate), loss=smoothed_crossentropy,
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def training_flops(model):
    """Floating-point operations to train on one image: 6 per multiply-add, 2 forward and about 4 backward.

    Defined in notebook 17.
    """
    return 6 * sum(multiply_adds(layer) for layer in model.layers)
