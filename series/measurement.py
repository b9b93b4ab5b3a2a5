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
        "model": int(first.get("model", 0)),
        "vendor": first.get("vendor_id", ""),
        "logical cores": len(processors) or os.cpu_count(),
        "physical cores": len(physical) if processors else os.cpu_count(),
        "clock MHz": max((float(processor.get("cpu MHz", 0)) for processor in processors), default=0.0),
        "flags": set(first.get("flags", "").split()),
        "gpus": [device.name for device in tf.config.list_physical_devices("GPU")],
    }


TIMING_FLAGS = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16"]
# TensorFlow's oneDNN kernels (DefaultOneDnnPolicy and IsMKLEnabled, tensorflow/core/util/util.cc): on by default only
# on a processor with one of these flags; TF_ENABLE_ONEDNN_OPTS, read as one of these words, overrides the default.
ONEDNN_DEFAULT_FLAGS = {"avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16"}
ONEDNN_SETTINGS = {"1": True, "true": True, "0": False, "false": False}


def onednn_setting(setting):
    """TF_ENABLE_ONEDNN_OPTS's value `setting` as TensorFlow reads it: True, False, or None where unset or unreadable."""
    return ONEDNN_SETTINGS.get((setting or "").strip().lower())


def onednn_kernels_on(flags, setting):
    """Whether TensorFlow runs its oneDNN kernels on a processor with these `flags`, with TF_ENABLE_ONEDNN_OPTS set to
    `setting` (None where unset). Without them TensorFlow runs its own kernels: slower, and bfloat16 emulated."""
    chosen = onednn_setting(setting)
    return bool(flags & ONEDNN_DEFAULT_FLAGS) if chosen is None else chosen


def native_bfloat16(info):
    """The flags with which TensorFlow multiplies bfloat16 natively on the processor of `info` (a `machine()`): AMX or
    AVX512-BF16, which it reaches through its oneDNN kernels. An empty list where TensorFlow emulates bfloat16."""
    if not onednn_kernels_on(info["flags"], os.environ.get("TF_ENABLE_ONEDNN_OPTS")):
        return []
    return [flag for flag in ["amx_bf16", "avx512_bf16"] if flag in info["flags"]]


def processor_summary():
    """The processor in one line, for a record of a run: its name and family, cores, threads per core, timing flags."""
    info = machine()
    threads = info["logical cores"] // max(info["physical cores"], 1)
    flags = ", ".join(flag for flag in TIMING_FLAGS if flag in info["flags"]) or "none of note"
    return (f"{info['model name']} (cpu family {info['cpu family']}), {info['physical cores']} physical cores, "
            f"{threads} thread(s) per core; flags: {flags}")


def describe_machine():
    """Print the processor, its cores and the flags that decide training speed, the GPUs, and the date."""
    info = machine()
    threads = info["logical cores"] // max(info["physical cores"], 1)
    print(f"Processor: {info['model name']} (cpu family {info['cpu family']}), {info['physical cores']} physical "
          f"cores, {threads} thread{'s' if threads > 1 else ''} per core, {info['clock MHz']:,.0f} MHz")
    print("Flags: " + ", ".join(f"{flag} {'yes' if flag in info['flags'] else 'no'}" for flag in TIMING_FLAGS)
          + f"; GPU: {', '.join(info['gpus']) or 'none'}; measured on {time.strftime('%Y-%m-%d')}")


# Each core's fused multiply-add (FMA) units and their width, by microarchitecture: (name, vendor, cpu family,
# models as (first, last) ranges, a word the model name must hold or "", FMA units per core, bits per FMA). The first
# row that matches wins. Sources: AMD's and Intel's optimisation manuals; for the models, the Linux kernel's tables.
FMA_UNITS = [
    ("Zen or Zen+", "AuthenticAMD", 23, [(0x00, 0x2F)], "", 2, 128),  # 256-bit AVX2 runs as two 128-bit halves
    ("Zen 2", "AuthenticAMD", 23, [(0x30, 0xFF)], "", 2, 256),
    ("Zen 3", "AuthenticAMD", 25, [(0x00, 0x0F), (0x20, 0x5F)], "", 2, 256),
    ("Zen 4", "AuthenticAMD", 25, [(0x10, 0x1F), (0x60, 0xAF)], "", 2, 256),  # AVX-512 as two 256-bit halves
    ("Zen 5, mobile", "AuthenticAMD", 26, [(0x20, 0x2F), (0x60, 0x6F)], "", 2, 256),  # Strix Point, Krackan Point
    ("Zen 5", "AuthenticAMD", 26, [(0x00, 0x1F), (0x40, 0x4F), (0x70, 0x7F)], "", 2, 512),
    # Skylake-SP, Cascade Lake and Cooper Lake share model 0x55: Bronze, Silver and most Gold 5 parts have one
    # 512-bit FMA unit (Gold 5122 and 5222 have two, like Gold 6, Platinum, W and Core X parts).
    ("Skylake-SP to Cooper Lake", "GenuineIntel", 6, [(0x55, 0x55)], "Gold 5122", 2, 512),
    ("Skylake-SP to Cooper Lake", "GenuineIntel", 6, [(0x55, 0x55)], "Gold 5222", 2, 512),
    ("Skylake-SP to Cooper Lake, one FMA unit", "GenuineIntel", 6, [(0x55, 0x55)], "Bronze", 1, 512),
    ("Skylake-SP to Cooper Lake, one FMA unit", "GenuineIntel", 6, [(0x55, 0x55)], "Silver", 1, 512),
    ("Skylake-SP to Cooper Lake, one FMA unit", "GenuineIntel", 6, [(0x55, 0x55)], "Gold 5", 1, 512),
    ("Skylake-SP to Cooper Lake", "GenuineIntel", 6, [(0x55, 0x55)], "", 2, 512),
    ("Ice Lake-SP", "GenuineIntel", 6, [(0x6A, 0x6A), (0x6C, 0x6C)], "", 2, 512),
    ("Sapphire Rapids to Granite Rapids", "GenuineIntel", 6, [(0x8F, 0x8F), (0xAD, 0xAE), (0xCF, 0xCF)], "", 2, 512),
    ("Ice Lake, Tiger Lake or Rocket Lake (client)", "GenuineIntel", 6, [(0x7D, 0x7E), (0x8C, 0x8D), (0xA7, 0xA7)],
     "", 1, 512),
    ("Haswell to Raptor Lake (AVX2)", "GenuineIntel", 6,
     [(0x3C, 0x3D), (0x3F, 0x3F), (0x45, 0x47), (0x4E, 0x4F), (0x56, 0x56), (0x5E, 0x5E), (0x8E, 0x8E), (0x97, 0x97),
      (0x9A, 0x9A), (0x9E, 0x9E), (0xA5, 0xA6), (0xB7, 0xB7), (0xBA, 0xBA), (0xBF, 0xBF)], "", 2, 256),
]


def fma_units(info):
    """(microarchitecture, FMA units per core, bits per FMA) of the processor `info` (a dict of `machine()`), or None."""
    for name, vendor, family, models, word, units, bits in FMA_UNITS:
        if (info["vendor"] == vendor and info["cpu family"] == family and word in info["model name"]
                and any(first <= info["model"] <= last for first, last in models)):
            return name, units, bits
    return None


def float32_peak_gflops(info=None):
    """(GFLOP/s, how it was derived): the float32 peak of the physical cores of `info` (default: this machine), or
    (None, why not).

    Peak = physical cores × FMA units per core × float32 lanes per FMA × 2 FLOPs (a multiply and an add) × the clock,
    with the FMA units and their width looked up in FMA_UNITS.
    """
    info = info or machine()
    if info["gpus"]:
        return None, "training runs on a GPU here, so the CPU's peak does not apply"
    core = fma_units(info)
    if not info["clock MHz"] or core is None:
        return None, (f"{info['model name']} (cpu family {info['cpu family']}, model {info['model']}) is not in "
                      "FMA_UNITS, or its clock could not be read")
    _, units, bits = core
    lanes = bits // 32
    peak = info["physical cores"] * units * lanes * 2 * info["clock MHz"] / 1000
    return peak, (f"{info['physical cores']} physical cores × {units} FMA unit{'s' if units > 1 else ''} × {lanes} "
                  f"float32 lanes ({bits}-bit vectors) × 2 FLOPs × {info['clock MHz']:,.0f} MHz = {peak:,.0f} GFLOP/s")


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
        self.images_per_call = batch_size  # fit calls the callbacks once per steps_per_execution steps
        self.step_seconds, self.check_seconds, self.val_accuracy, self.seconds_to = [], [], [], {}

    def on_train_begin(self, logs=None):
        self.images_per_call = self.batch_size * self.model.steps_per_execution

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
        return self.images_per_call * (len(self.step_seconds) - 1) / sum(self.step_seconds[1:])

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
                   stop_at=None, batches=training_batches):
    """Seed, build a compiled model with `build()`, train it on (x, y); return its TrainingClock.

    With `validation` = (x_val, y_val): train `epochs` epochs, checking validation accuracy
    CHECKS_PER_EPOCH times per epoch, and stop early once it reaches `stop_at`. Without: train
    `steps` steps, for the speed alone. `batches(x, y, batch_size, seed)` makes the endless stream of batches.
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
    model.fit(batches(x, y, batch_size, seed), shuffle=False, verbose=0, callbacks=[clock], **length)
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


def speeds(clocks):
    """The training speed of each of `clocks` (TrainingClocks), in images per second, first step left out."""
    return [clock.images_per_second() for clock in clocks]


def mean_interval(values):
    """The mean of `values` and the half width of its 95 % t-interval (Student's t, n - 1 degrees of freedom; inf for
    fewer than 2 values)."""
    values = np.asarray(values, dtype=float)
    mean = float(np.mean(values))
    if len(values) < 2:
        return mean, float("inf")
    return mean, float(t_distribution.ppf(0.975, len(values) - 1) * np.std(values, ddof=1) / math.sqrt(len(values)))


def paired_difference(first, second):
    """Mean of the per-seed differences first[r] - second[r], the half width of its 95 % t-interval, and
    whether the interval leaves out zero (the difference is beyond the noise between seeds).

    The runs of `interleaved` pair up by seed (same initial weights and data order), so each difference
    compares like with like.
    """
    mean, half_width = mean_interval(np.asarray(first, dtype=float) - np.asarray(second, dtype=float))
    return mean, half_width, abs(mean) > half_width


def median_and_range(values, form="{:,.0f}"):
    """'median (min–max)' of the values, each written with `form`."""
    return f"{form.format(np.median(values))} ({form.format(min(values))}–{form.format(max(values))})"
