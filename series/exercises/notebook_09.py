def exercises_09():
    def learning_rate(given, namespace):
        _compare(given, 0.004, "learning_rate_512", 1e-9, mistakes=[
            (0.002, "that is the square-root rule this notebook uses; the linear rule scales by 512 / 128 itself."),
            (0.001, "that is Adam's default, unscaled; the rule scales it with the batch."),
            (0.00025, "that divides by 4; a larger batch gets a larger rate."),
            (0.016, "that scales by the square of 512 / 128, or from batch 32; the linear rule scales the lesson's rate at "
                    "batch 128 by 512 / 128 itself.")])
        return ("0.001 × 512 / 128 = 0.004, twice the square-root rule's 0.002: the linear rule keeps the step per image, "
                "and needs a warm-up at large batches (Goyal et al. 2017).")

    def steps_per_epoch(given, namespace):
        _compare(given, 1_500, "steps_at_batch_32", mistakes=[
            (1_875, "that divides all 60,000 images; the validation split keeps 12,000 aside."),
            (375, "that is batch 128's steps on the 48,000 training images (or the 12,000 validation images in batches "
                  "of 32); batches of 32 on the training images need four times as many.")])
        return "48,000 / 32 = 1,500 steps an epoch, each a quarter of batch 128's work."

    def stopping(given, namespace):
        function = given
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
        Exercise(
            "learning_rate_512", learning_rate,
            hints=["Linear: the rate grows by the same factor as the batch.", "512 / 128 = 4."],
            solution="learning_rate_512 = 0.001 * 512 / 128",
            wrong_answers=[("learning_rate_512 = 0.002", "square-root rule"), ("learning_rate_512 = 0.001", "unscaled"),
                           ("learning_rate_512 = 0.001 / 4", "larger rate"),
                           ("learning_rate_512 = 0.001 * math.sqrt(512 / 128)", "square-root rule")],
            right_answers=["learning_rate_512 = 4e-3", "learning_rate_512 = 0.001 * (512 // 128)",
                           "learning_rate_512 = np.float32(0.004)"]),
        Exercise(
            "steps_at_batch_32", steps_per_epoch,
            hints=["fit trains on 80 % of 60,000 images.", "One step per batch."],
            solution="steps_at_batch_32 = 48_000 // 32",
            wrong_answers=[("steps_at_batch_32 = 60_000 // 32", "12,000 aside"), ("steps_at_batch_32 = 375", "four times"),
                           ("steps_at_batch_32 = 1_501", "which is not it")],
            right_answers=["steps_at_batch_32 = int(60_000 * 0.8 / 32)", "steps_at_batch_32 = math.ceil(48_000 / 32)"]),
        Exercise(
            "stopping_epoch", stopping,
            hints=["Track the best loss so far and the epochs since it improved.",
                   "Stop when that count reaches `patience`; else run to the end.",
                   "Epochs count from 1."],
            solution="def stopping_epoch(val_losses, patience):\n    best, waited = float(\"inf\"), 0\n"
                     "    for epoch, loss in enumerate(val_losses, start=1):\n        if loss < best:\n"
                     "            best, waited = loss, 0\n"
                     "        else:\n            waited += 1\n            if waited == patience:\n                return epoch\n"
                     "    return len(val_losses)",
            wrong_answers=[("def stopping_epoch(val_losses, patience):\n    return int(np.argmin(val_losses)) + 1",
                           "the best epoch"),
                           ("def stopping_epoch(val_losses, patience):\n    return len(val_losses)", "stops after epoch"),
                           ("def stopping_epoch(val_losses, patience):\n    best, waited = float('inf'), 0\n"
                            "    for epoch, loss in enumerate(val_losses, start=1):\n        if loss <= best:\n"
                            "            best, waited = loss, 0\n        else:\n            waited += 1\n"
                            "            if waited == patience:\n                return epoch\n    return len(val_losses)",
                            "equal to the best"),
                           ("def stopping_epoch(val_losses, patience):\n"
                            "    return min(int(np.argmin(val_losses)) + 1 + patience, len(val_losses))", "whole list"),
                           ("def stopping_epoch(val_losses, patience):\n    waited = 0\n    for epoch in range(1, "
                            "len(val_losses)):\n"
                            "        waited = 0 if val_losses[epoch] < val_losses[epoch - 1] else waited + 1\n"
                            "        if waited == patience:\n            return epoch + 1\n    return len(val_losses)",
                            "best loss so far"),
                           ("def stopping_epoch(val_losses, patience):\n    best, waited = float('inf'), 0\n"
                            "    for epoch, loss in enumerate(val_losses, start=1):\n        if loss < best - 0.01:\n"
                            "            best, waited = loss, 0\n        else:\n            waited += 1\n"
                            "            if waited == patience:\n                return epoch\n    return len(val_losses)",
                            "min_delta=0")],
            right_answers=["def stopping_epoch(val_losses, patience):\n    best = 0\n"
                           "    for epoch in range(1, len(val_losses) + 1):\n        if val_losses[epoch - 1] < "
                           "val_losses[best]:\n"
                           "            best = epoch - 1\n        if epoch - 1 - best == patience:\n            return epoch\n"
                           "    return len(val_losses)"]),
    ]


EXERCISE_SETS[9] = exercises_09
