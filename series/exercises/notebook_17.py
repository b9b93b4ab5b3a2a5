def exercises_17():
    def arithmetic(given, namespace):
        _compare(given, 36, "gflops", 1e-6, mistakes=[
            (12, "that counts the forward pass alone, 2 operations per multiply-add; training adds about 4 more backward."),
            (6, "that counts one operation per multiply-add; a multiply-add is 2, and training does 3 passes' worth."),
            (36e9, "that is in FLOP/s; a GFLOP/s is a billion of them.")])
        return "6 × 2,000,000 × 3,000 = 36 billion operations per second: 36 GFLOP/s."

    def ratio(given, namespace):
        _compare(given, 16, "times_notebook_10", 1e-6, mistakes=[
            (250 / 4_000, "that is the record over notebook 10; the column says how many times faster the record is."),
            (3_750, "that is the seconds saved; the column is a ratio, which compares across machines.")])
        return "4,000 / 250 = 16: the record trains 16 × faster than notebook 10's recipe on that machine."

    def record_rule(given, namespace):
        function = given
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
        Exercise(
            "gflops", arithmetic,
            hints=["Training counts 6 floating-point operations per multiply-add: 2 forward, about 4 backward.",
                   "Operations per image × images per second, divided by a billion."],
            solution="gflops = 6 * 2_000_000 * 3_000 / 1e9",
            wrong_answers=[("gflops = 2 * 2_000_000 * 3_000 / 1e9", "forward pass alone"), ("gflops = 6 * 2_000_000 * 3_000",
                           "billion")],
            right_answers=["gflops = 36.0", "gflops = 6 * 2e6 * 3e3 / 1e9"]),
        Exercise(
            "times_notebook_10", ratio,
            hints=["The last column divides notebook 10's projected time by the record's time.",
                   "Larger means the record is faster."],
            solution="times_notebook_10 = 4_000 / 250",
            wrong_answers=[("times_notebook_10 = 250 / 4_000", "how many times faster"), ("times_notebook_10 = 4_000 - 250",
                           "ratio")],
            right_answers=["times_notebook_10 = 16.0", "times_notebook_10 = 4000 // 250"]),
        Exercise(
            "is_record", record_rule,
            hints=["Two conditions: how many runs, and what their mean is.",
                   "len(test_accuracies) >= 5, and np.mean(test_accuracies) >= target."],
            solution="def is_record(test_accuracies, target):\n"
                     "    return len(test_accuracies) >= 5 and np.mean(test_accuracies) >= target",
            wrong_answers=[("def is_record(test_accuracies, target):\n    return min(test_accuracies) >= target",
                           "not every run"),
                           ("def is_record(test_accuracies, target):\n    return max(test_accuracies) >= target",
                           "one run reaches"),
                           ("def is_record(test_accuracies, target):\n    return np.mean(test_accuracies) >= target", "5 seeds"),
                           ("def is_record(test_accuracies, target):\n    return len(test_accuracies) > 5 and "
                            "np.mean(test_accuracies) >= target", "5 are enough"),
                           ("def is_record(test_accuracies, target):\n    return len(test_accuracies) >= 5 and "
                            "np.median(test_accuracies) >= target", "median"),
                           ("def is_record(test_accuracies, target):\n    return len(test_accuracies) >= 5 and "
                            "np.mean(test_accuracies) > target", ">="),
                           ("def is_record(test_accuracies, target):\n    return len(test_accuracies) >= 5 and "
                            "sum(test_accuracies) / 5 >= target", "number of runs"),
                           ("def is_record(test_accuracies, target):\n"
                            "    return 'yes' if np.mean(test_accuracies) >= target else 'no'", "True or False"),
                           ("def is_record(test_accuracies, target):\n    return len(test_accuracies) >= 5 and "
                            "np.mean(test_accuracies) >= 0.94", "given to the function")],
            right_answers=["def is_record(test_accuracies, target):\n    return len(test_accuracies) > 4 and "
                           "sum(test_accuracies) / len(test_accuracies) >= target",
                           "def is_record(test_accuracies, target):\n"
                           "    return bool(keras.ops.mean(test_accuracies) >= target) and len(test_accuracies) >= 5"]),
    ]


EXERCISE_SETS[17] = exercises_17
