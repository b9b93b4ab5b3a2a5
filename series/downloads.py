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


def download_published(name, path, series_url=SERIES_URL, expected_sha256=None):
    """Download the series' published file `name` from `series_url` to `path`; True once its SHA-256 matched
    `expected_sha256`, by default the published one (PUBLISHED_SHA256[name]).

    When the download fails (offline, say) or the file is corrupted or cut short, it says why and
    returns False, leaving nothing behind: Keras downloads into a temporary folder beside `path`.
    """
    url = f"{series_url}models/published/"
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        try:
            downloaded = keras.utils.get_file(name, url + name, file_hash=expected_sha256 or PUBLISHED_SHA256[name],
                                              hash_algorithm="sha256", cache_dir=folder, cache_subdir="")
        except Exception as error:  # no connection, no such file, or a SHA-256 that does not match
            print(f"Could not download {name}: {error}")
            return False
        os.replace(downloaded, path)
    print(f"Downloaded {name} from {url}; its SHA-256 matches.")
    return True


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
