"""Notebook 03 the way a learner uses it: JupyterLab in a real browser (Chromium, driven by
Playwright). Opens a copy of the notebook, runs all cells, moves the depth slider with the
keyboard and picks another activation, and checks that the figure changes each time and that
no cell shows an error.

Needs Debian's Chromium (`apt-get install chromium`). Without it the test is skipped, except
with CI=true, where a missing browser fails the run. On failure, screenshots are saved under
browser-screenshots/ at the repository root.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "03_gradient_explorer.ipynb"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "browser-screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def browser_available():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False, "the Python package playwright is missing (pip install -e '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return False, "Chromium is missing: install it with `sudo apt-get install chromium` to run this test"
    return True, ""


available, why = browser_available()
if not available:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser test cannot run: {why}", pytrace=False)
    pytest.skip(why, allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_command(target, **variables):
    """The command line `make TARGET` starts its server with (read with `make -n`, which runs
    nothing), for this environment's venv, as a shell line."""
    venv = os.path.relpath(sys.prefix, ROOT)
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", target, f"VENV={venv}", *(f"{k}={v}" for k, v in variables.items())],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab`'s own command (its Jupyter settings included) on a free port with a token, with
    its own config, data and settings folders, serving a copy of the notebooks (the browser
    saves into the copy, never the repo)."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)
    port, token = free_port(), "browser-test-token"
    line = make_command("lab", PORT=port)
    assert " lab --notebook-dir=notebooks " in line and "tools/jupyter/learner" in line, line
    line = line.replace("--notebook-dir=notebooks", f"--notebook-dir={root} --no-browser --LabApp.user_settings_dir={home / 'settings'}")
    if "--allow-root" not in line:
        line += " --allow-root"
    with served(["bash", "-c", "exec env " + line], home, port, "JupyterLab", cwd=ROOT, token=token):
        yield {"url": f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={token}&reset", "home": home}


@contextlib.contextmanager
def served(command, home, port, name, cwd=None, token=None):
    """Run the server COMMAND with its own Jupyter folders under HOME until it answers on PORT;
    stop it afterwards. Its log is HOME/server.log, quoted if it does not start."""
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython")}
    if token:
        env["JUPYTER_TOKEN"] = token
    with open(home / "server.log", "w") as log:
        server = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        if server.poll() is not None or time.monotonic() >= deadline:
            server.kill()
            pytest.fail(f"{name} did not start; log: {(home / 'server.log').read_text()}")
        try:
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


@contextlib.contextmanager
def chromium_page(home, request, viewport):
    """A headless Chromium page with its own profile under HOME; a screenshot lands in
    browser-screenshots/ when the test using it fails."""
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(home / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=viewport,
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(60_000)
        yield page
        call = getattr(request.node, "rep_call", None)  # set by tests/conftest.py
        if call is None or call.failed:
            SCREENSHOTS.mkdir(exist_ok=True)
            shot = SCREENSHOTS / f"{request.node.name}.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot saved: {shot}")
        context.close()


@pytest.fixture
def page(lab, request):
    with chromium_page(lab["home"], request, {"width": 1400, "height": 1000}) as page:
        yield page


def image_source(page):
    return page.locator(".widget-image").first.get_attribute("src")


def wait_for_new_image(page, before, what):
    """Wait until the explorer's image differs from `before`; return the new src and seconds."""
    start = time.perf_counter()
    page.wait_for_function(
        "before => { const img = document.querySelector('.widget-image'); return img && img.src && img.src !== before; }",
        arg=before, timeout=30_000,
    )
    elapsed = time.perf_counter() - start
    print(f"{what}: new image after {elapsed * 1000:.0f} ms")
    return image_source(page), elapsed


def accept_kernel_dialog(page, wait_ms):
    """JupyterLab may ask which kernel to start; the notebook's own (Python 3) is preselected."""
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    try:
        accept.wait_for(state="visible", timeout=wait_ms)
    except Exception:
        return
    accept.click()


def test_the_explorer_answers_its_controls_in_jupyterlab(page, lab, capsys):
    page.goto(lab["url"])
    page.locator(".jp-NotebookPanel").first.wait_for()
    accept_kernel_dialog(page, 5_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=90_000)

    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator("[data-command='runmenu:run-all']").click()
    accept_kernel_dialog(page, 2_000)

    image = page.locator(".widget-image").first
    image.wait_for(state="attached", timeout=120_000)
    image.scroll_into_view_if_needed()
    image.wait_for(state="visible")
    # Wait for every cell to finish: the kernel goes idle after the last one.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-InputArea-prompt')].every(p => !p.textContent.includes('*'))",
        timeout=120_000,
    )
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=120_000)
    image.scroll_into_view_if_needed()

    depth_slider = page.locator(".widget-slider", has=page.locator("label", has_text="Layers")).first
    readout = depth_slider.locator(".widget-readout")
    depth_before = readout.inner_text()
    # The notebook's last cell sets the explorer back to the book's 5 layers, so there is room to move.
    assert int(depth_before) == 5
    source = image_source(page)
    assert source, "the explorer shows no image"

    with capsys.disabled():
        print()
        handle = depth_slider.locator(".noUi-handle")
        handle.click()
        for press in range(2):
            handle.press("ArrowRight")
            source, _ = wait_for_new_image(page, source, f"depth slider, ArrowRight #{press + 1}")
        assert int(readout.inner_text()) == int(depth_before) + 2

        dropdown = page.locator(".widget-dropdown", has=page.locator("label", has_text="Activation")).first
        dropdown.locator("select").select_option("sigmoid")
        source, _ = wait_for_new_image(page, source, "activation -> sigmoid")
        dropdown.locator("select").select_option("tanh")
        source, _ = wait_for_new_image(page, source, "activation -> tanh")

    readout_text = page.locator(".widget-label", has_text="The first layer gets").first.inner_text()
    assert "of the last layer's gradient" in readout_text
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    assert errors.count() == 0, errors.first.inner_text()


@pytest.fixture(scope="module")
def explorer_app(tmp_path_factory):
    """`make explorer`'s own command (Voila on apps/explorer.ipynb, with the learner's Jupyter
    settings) on a free port, with this environment's voila and its own Jupyter folders."""
    home = tmp_path_factory.mktemp("voila")
    port = free_port()
    line = make_command("explorer", EXPLORER_PORT=port)
    assert "/bin/voila apps/explorer.ipynb" in line and f"--port={port}" in line and "tools/jupyter/learner" in line, line
    with served(["bash", "-c", "exec env " + line], home, port, "Voila", cwd=ROOT):
        yield {"url": f"http://127.0.0.1:{port}/", "home": home}


@pytest.fixture
def app_page(explorer_app, request):
    with chromium_page(explorer_app["home"], request, {"width": 1280, "height": 900}) as page:
        yield page


def test_the_learners_jupyterlab_shows_no_nbgrader_and_no_pop_up(page, lab):
    """make lab in a venv that has nbgrader (make test installed it): no Nbgrader menu, Validate
    button or Create Assignment sidebar, no nbgrader server extension, and no news pop-up."""
    import nbgrader  # noqa: F401  (without it this test would prove nothing)

    page.goto(lab["url"])
    page.locator(".jp-NotebookPanel").first.wait_for()
    accept_kernel_dialog(page, 5_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=90_000)
    page.wait_for_timeout(3_000)  # the news question comes a moment after the page
    menus = [m.strip() for m in page.locator(".lm-MenuBar-item").all_inner_texts()]
    assert "Run" in menus and not [m for m in menus if "nbgrader" in m.lower()], menus
    assert page.locator("button", has_text="Validate").count() == 0
    assert page.locator("[title*='Create Assignment'], [data-id*='nbgrader']").count() == 0
    toasts = " ".join(page.locator(".Toastify__toast").all_inner_texts())
    assert "news" not in toasts.lower() and "update" not in toasts.lower(), toasts
    log = (lab["home"] / "server.log").read_text()
    assert "nbgrader" not in log.lower(), log[-2000:]


def test_the_explorer_app_starts_at_the_book_network_and_answers_the_keyboard(app_page, explorer_app, capsys):
    page = app_page
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(explorer_app["url"])
    image = page.locator(".widget-image").first
    image.wait_for(state="visible", timeout=120_000)
    page.wait_for_function("() => { const img = document.querySelector('.widget-image'); return img && img.src; }")
    assert "import helpers" not in page.content(), "the app shows code"
    # make explorer's settings keep nbgrader's extensions out of the app, and their errors with them
    assert not [line for line in console if "nbgrader" in line.lower()], console

    def control(label):
        return page.locator(".widget-inline-hbox", has=page.locator("label", has_text=label)).first

    depth = control("Layers")
    assert depth.locator(".widget-readout").inner_text() == "5"
    assert control("Units per layer").locator(".widget-readout").inner_text() == "3"
    assert control("Random seed").locator("input").input_value() == "123"

    source = image_source(page)
    with capsys.disabled():
        print()
        handle = depth.locator(".noUi-handle")
        handle.click()
        handle.press("ArrowRight")
        wait_for_new_image(page, source, "Voila app, depth slider ArrowRight")
    assert depth.locator(".widget-readout").inner_text() == "6"
    assert "of the last layer's gradient" in page.locator(".widget-label", has_text="The first layer gets").first.inner_text()
