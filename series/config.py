RELEASE = "v2.0.0"  # written by `make release`, with the SHA-256 of this file in every notebook
REPOSITORY = "fmnist-keras/fashion-mnist-cnn"

# Everything the series downloads, code and models alike, comes from the repository at this release.
# FMNIST_SERIES_URL replaces it: a mirror, or a checkout served on this computer.
SERIES_URL = os.environ.get("FMNIST_SERIES_URL", f"https://raw.githubusercontent.com/{REPOSITORY}/{RELEASE}/")

# Configuration. The tests set FMNIST_QUICK=1, which shrinks the amount of work and nothing else.
QUICK = os.environ.get("FMNIST_QUICK") == "1"
EPOCHS = 2 if QUICK else 40
TRAIN_IMAGES = 1_500 if QUICK else 60_000
TEST_IMAGES = 500 if QUICK else 10_000  # the whole test set, but in quick mode
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
    "better_cnn.weights.h5": "7d8b205dcb0d2132ab344c72aee8c5e13ab2636468af06fb21b4e059ab9725e5",
    "tiny_cnn.weights.h5": "85e8a3b6d74a8ed0f34a4fe4e789f57dc06d779234363d08c88f782ebca54b6d",
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
