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
