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
    'the .keras format' gives 'keras'); a plural is read as its singular too ('pullovers' gives 'pullover')."""
    text = getattr(value, "__name__", None) if isinstance(value, type) or callable(value) else None
    text = str(value if text is None else text).strip().rstrip(".!?").lower()
    filler = {"the", "a", "an", "its", "it", "file", "files", "format", "class", "only", "just"}

    def joined(part):
        return "".join(word for word in re.findall(r"[a-z0-9]+", part) if word not in filler)

    parts = [part for part in text.split(".") if joined(part)]
    readings = [joined(text)] + ([joined(parts[-1]), joined(parts[0])] if parts else [])
    return readings + [reading[:-1] for reading in readings if reading.endswith("s") and len(reading) > 3]


def says(value, accepted):
    """Whether the reader's words `value` say one of the `accepted` answers, in any case, spacing or module path."""
    wanted = {_readings(answer)[0] for answer in accepted}
    return any(reading in wanted for reading in _readings(value))


def explained(value, explanations):
    """The explanation, from `explanations` (keyed by words as `says` reads them), of the reader's wrong words."""
    keyed = {_readings(key)[0]: sentence for key, sentence in explanations.items()}
    return next((keyed[reading] for reading in _readings(value) if reading in keyed), None)


class Exercise:
    """One exercise, by its named parts. In a notebook: `q1.check()` grades the answer, `q1.hint(level)` helps,
    `q1.solution()` shows one way to do it.

    - `variable`: the name the reader assigns their answer to, in the exercise's cell;
    - `check(given, namespace)`: the sentence of a right answer, or Wrong with what is wrong; `given` is the
      reader's value of `variable`, `namespace` the notebook's variables;
    - `hints`, from gentle to nearly the answer, and `solution`, the code of one right answer;
    - `needs`: the notebook's variables the check reads, each with the cell that makes it;
    - `wrong_answers`: the mistakes readers make, as (code, words its verdict must contain), and `right_answers`:
      right answers written other ways than `solution`. The tests run both, so each exercise says what it must
      refuse and accept.
    """

    def __init__(self, variable, check, *, hints, solution, needs=None, wrong_answers=(), right_answers=()):
        self.variable, self._check, self.hints, self._solution = variable, check, hints, solution
        self.needs, self.wrong_answers, self.right_answers = needs or {}, wrong_answers, right_answers
        self.label = "?"  # "NN.i", given by `exercises`

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
            for name, made_by in self.needs.items():
                needs(namespace, name, made_by)
            message = self._check(answer(namespace, self.variable), namespace)
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


# Each notebook's exercises: notebook number -> the function that makes them, in the order of the questions.
# series/exercises/notebook_NN.py adds its own.
EXERCISE_SETS = {}


def exercises(notebook):
    """The exercises of notebook `notebook` (a number), in order, labelled "NN.1", "NN.2", ..."""
    made = EXERCISE_SETS[notebook]()
    for index, exercise in enumerate(made, start=1):
        exercise.label = f"{notebook:02d}.{index}"
    return made


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
        if decimals >= 1 and digits >= 2 and abs(number - expected) <= 1.5 * 10.0 ** -decimals:
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


# Validation accuracy. Quick mode trains on a fortieth of the images: there, notebook 06's 3-epoch solution scored
# 0.68, with oneDNN's kernels and with TensorFlow's own (those of AVX2-only processors), and a target of 0.70 once
# refused it. An untrained model scores about 0.1 (chance, for 10 classes) and stays refused.
CAPSTONE_TARGET = 0.60 if QUICK else 0.90
# How much higher a model may score on the validation images than on training images before the check concludes
# that it learned them: 4 standard errors of the difference between the two accuracies measured.
CAPSTONE_LEAK_MARGIN = 0.02


def _trained_model_challenge(model, name, max_parameters):
    """Check the reader's trained model on the 12,000 validation images (the last 20 % of the training images).

    Only `predict` runs: nothing trains. A model that learned the validation images is refused: it scores higher on
    them than on training images it should have learned from. Returns the sentence of a pass; raises Wrong with the
    reader's numbers and advice that fits the model it sees.
    """
    if not isinstance(model, keras.Model):
        raise Wrong(f"`{name}` should be a Keras model, trained; yours is a {type(model).__name__}.")
    if model.count_params() > max_parameters:
        raise Wrong(f"your model has {model.count_params():,} parameters; the challenge allows at most {max_parameters:,}.")
    (x_train, y_train), _ = _fashion_mnist()
    (x_fit, y_fit), (x_val, y_val) = split_for_validation(x_train, y_train)
    validation_accuracy = _accuracy_of(model, x_val, y_val)
    training_accuracy = _accuracy_of(model, x_fit[::8], y_fit[::8])  # 6,000 of the training images
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
