def exercises_13():
    def kept(given, namespace):
        _compare(given, 4, "epochs_kept", mistakes=[
            (5, "epoch 5 was not finished, and BackupAndRestore writes its backup at the end of an epoch."),
            (0, "the backup of epoch 4 survives the kill; training resumes from it.")])
        return "4: the kill loses only the unfinished part of epoch 5."

    def steps_lost(given, namespace):
        _compare(given, 300, "steps_lost", mistakes=[
            (50, "the backup of step 1,000 holds the weights, but Keras restores the epoch, not the step within it: "
                 "training restarts at the first step of epoch 3, step 751."),
            (1_050, "the backup survives the kill: training restarts in epoch 3, not at the beginning."),
            (100, "that is the interval between backups; Keras restarts the interrupted epoch from its first step."),
            (250, "that counts from the epoch's start to the last backup; the steps after it, up to the kill, run again "
                  "too.")])
        return ("300: Keras restarts epoch 3 from its first step, step 751, with the weights of step 1,000's backup; "
                "steps 751 to 1,050 run again.")

    def which_file(given, namespace):
        choice = given
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

    def log_rows_after_restart(given, namespace):
        _compare(given, 5, "log_rows_after_restart", mistakes=[
            (6, "epoch 4's row was never written: the kill came before it, and the restart goes on with epoch 5, so "
                "nothing writes it later."),
            (4, "the restart trains epochs 5 and 6 and logs both; only epoch 4's row is missing."),
            (2, "CSVLogger(append=True) keeps the rows written before the kill.")])
        return "5 rows: epochs 1-3, then 5 and 6; epoch 4 trained and was backed up, but its row was never written."

    return [
        Exercise(
            "epochs_kept", kept,
            hints=["BackupAndRestore writes at the end of each epoch (save_freq='epoch').",
                   "Which epochs had finished when the kill came?"],
            solution="epochs_kept = 4",
            wrong_answers=[("epochs_kept = 5", "not finished"), ("epochs_kept = 0", "survives")],
            right_answers=["epochs_kept = 4.0", "epochs_kept = 5 - 1"]),
        Exercise(
            "steps_lost", steps_lost,
            hints=["BackupAndRestore restores the weights of the last backup and the epoch it was in, not the step "
                   "within that epoch: training restarts at the epoch's first step.",
                   "With 375 steps an epoch, the kill at step 1,050 falls in epoch 3, which began after step 750."],
            solution="steps_lost = 1_050 - 2 * 375  # the interrupted epoch 3 runs again from its first step",
            wrong_answers=[("steps_lost = 1_050", "restarts in epoch 3"), ("steps_lost = 50", "restores the epoch, not the step"),
                           ("steps_lost = 250", "run again too")],
            right_answers=["steps_lost = 1_050 - 750", "steps_lost = 1050 % 375"]),
        Exercise(
            "file_to_resume_from", which_file,
            hints=["Training resumes from the file that BackupAndRestore restores by itself.",
                   "It must hold the optimizer's state and the epoch reached."],
            solution='file_to_resume_from = "backup"',
            wrong_answers=[("file_to_resume_from = 'best'", "best epoch"), ("file_to_resume_from = 'csv'", "no weights"),
                           ("file_to_resume_from = 'best.keras'", "best epoch"),
                           ("file_to_resume_from = 'ModelCheckpoint'", "best epoch")],
            right_answers=["file_to_resume_from = 'BackupAndRestore'", "file_to_resume_from = 'the backup'",
                           "file_to_resume_from = 'backup/'"]),
        Exercise(
            "log_rows_after_restart", log_rows_after_restart,
            hints=["Look at the table of where a kill lands: the row 'after the backup, before the log "
                   "row'.", "The restart follows the backup: which epoch does it train first?",
                   "Count the rows written before the kill, then those the restart writes."],
            solution="log_rows_after_restart = 3 + 2  # epochs 1-3 before the kill; 5 and 6 after it",
            wrong_answers=[("log_rows_after_restart = 6", "never written"), ("log_rows_after_restart = 4", "logs both"),
                           ("log_rows_after_restart = 2", "keeps the rows")],
            right_answers=["log_rows_after_restart = 5.0", "log_rows_after_restart = 6 - 1"]),
    ]


EXERCISE_SETS[13] = exercises_13
