"""Charts kept from one build to the next: a chart is shown again only when everything it is drawn from is the
same, and drawn afresh when anything changed or cannot be stated."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import types

import matplotlib as mpl
import pandas as pd
import pytest

from dprk_report import paths
from dprk_report.pipeline import chart_folders
from dprk_report.report import charts, display, kept_charts


@pytest.fixture(autouse=True)
def _package_loaded():
    """The package as a build's kernel holds it once it loaded what every page imports (``kernel_state.save``)."""
    kept_charts.remember_package()


def _frame(value: int = 3) -> pd.DataFrame:
    return pd.DataFrame({"month": pd.period_range("2025-01", periods=3, freq="M"), "count": [1, 2, value]})


def _notebook(source: str) -> dict:
    """The names a notebook cell ``source`` defines, run as a notebook runs it: at the top level of a namespace
    whose functions' module is ``__main__``."""
    namespace = {"__name__": "__main__", "charts": charts, "pd": pd}
    exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


DRAW = "articles = pd.Series([4, 5, 6])\ndraw = lambda frame: charts.monthly_counts(frame, 'A title', articles)\n"


def test_the_same_inputs_made_again_give_the_same_key():
    first, second = _notebook(DRAW), _notebook(DRAW)
    assert kept_charts.chart_key(_frame(), first["draw"], "c") == kept_charts.chart_key(_frame(), second["draw"], "c")


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param({"frame": _frame(4)}, id="a value of the frame"),
        pytest.param({"name": "other"}, id="the chart's name"),
        pytest.param({"source": DRAW.replace("[4, 5, 6]", "[4, 5, 7]")}, id="a notebook name the drawing reads"),
        pytest.param({"source": DRAW.replace("'A title'", "'Another title'")}, id="the drawing's code"),
        pytest.param({"source": DRAW.replace("[4, 5, 6]", "[4.0, 5.0, 6.0]")}, id="the type of a value"),
    ],
)
def test_any_input_changed_gives_another_key(changed):
    before = kept_charts.chart_key(_frame(), _notebook(DRAW)["draw"], "c")
    after = kept_charts.chart_key(
        changed.get("frame", _frame()), _notebook(changed.get("source", DRAW))["draw"], changed.get("name", "c")
    )
    assert before is not None and after is not None
    assert after != before


def test_a_notebook_name_the_drawing_does_not_read_leaves_the_key():
    other = _notebook(DRAW + "unrelated = [1, 2, 3]\n")
    assert kept_charts.chart_key(_frame(), other["draw"], "c") == kept_charts.chart_key(
        _frame(), _notebook(DRAW)["draw"], "c"
    )


def test_a_function_the_notebook_defines_is_followed_into_its_code_and_names():
    helper = (
        "def title(frame):\n    return word + ' title'\n\ndraw = lambda frame: charts.intervals(frame, title(frame))\n"
    )
    keys = {
        kept_charts.chart_key(_frame(), _notebook(source)["draw"], "c")
        for source in (
            "word = 'A'\n" + helper,
            "word = 'B'\n" + helper,  # a name the helper reads
            "word = 'A'\n" + helper.replace("' title'", "' heading'"),  # the helper's code
        )
    }
    assert None not in keys and len(keys) == 3


def test_values_it_closes_over_are_part_of_the_key():
    drawing = _notebook("def drawing(word):\n    return lambda frame: charts.intervals(frame, word)\n")["drawing"]
    assert kept_charts.chart_key(_frame(), drawing("A"), "c") != kept_charts.chart_key(_frame(), drawing("B"), "c")


def test_matplotlib_s_settings_are_part_of_the_key():
    draw = _notebook(DRAW)["draw"]
    before = kept_charts.chart_key(_frame(), draw, "c")
    with mpl.rc_context({"lines.linewidth": 7}):
        assert kept_charts.chart_key(_frame(), draw, "c") != before
    assert kept_charts.chart_key(_frame(), draw, "c") == before


def test_a_value_of_unknown_type_means_no_key():
    source = "class Box:\n    pass\n\nbox = Box()\ndraw = lambda frame: charts.intervals(frame, str(box))\n"
    assert kept_charts.chart_key(_frame(), _notebook(source)["draw"], "c") is None


def test_a_module_from_outside_the_package_and_the_environment_means_no_key(tmp_path):
    local = types.ModuleType("local_helpers")
    local.__file__ = str(tmp_path / "local_helpers.py")  # a module of the user's, next to the notebooks
    namespace = _notebook("draw = lambda frame: charts.intervals(frame, local_helpers.title())\n")
    namespace["local_helpers"] = local
    assert kept_charts.chart_key(_frame(), namespace["draw"], "c") is None
    assert kept_charts._installed(sys.modules["pandas"]) == "pandas"  # the environment's: named


#: A notebook's drawing of a small chart (the package's charts need the dataset's frames).
PLOT = """
from dprk_report.report import charts

title = "A title"

def draw(frame):
    fig, (ax,) = charts._new_figure(6, 3)
    ax.plot(frame["count"])
    ax.set_title(title)
    return fig
"""


def _show_chart(frame, draw, folder):
    display.chart(frame, draw, "02-probe", folder, "Nothing to draw.")


def test_a_chart_kept_by_one_build_is_shown_by_the_next_with_the_same_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(paths.KEPT_CHARTS_ENV, str(tmp_path / "kept"))
    marker = tmp_path / "drawn"
    draw = _notebook(
        f"drawn = {str(marker)!r}\n" + PLOT.replace("    return fig", "    open(drawn, 'a').write('x')\n    return fig")
    )["draw"]
    _show_chart(_frame(), draw, tmp_path / "first")
    shown = capsys.readouterr().out
    assert len(list((tmp_path / "kept").glob("*.json"))) == 1
    _show_chart(_frame(), draw, tmp_path / "second")
    assert marker.read_text() == "x"  # drawn once
    assert capsys.readouterr().out == shown
    for suffix in ("svg", "png"):
        first, second = (tmp_path / run / f"02-probe.{suffix}" for run in ("first", "second"))
        assert second.read_bytes() == first.read_bytes()


def test_a_changed_frame_is_drawn_again_and_kept_beside_the_first(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.KEPT_CHARTS_ENV, str(tmp_path / "kept"))
    draw = _notebook(PLOT)["draw"]
    _show_chart(_frame(3), draw, tmp_path / "first")
    _show_chart(_frame(9), draw, tmp_path / "second")
    assert len(list((tmp_path / "kept").glob("*.json"))) == 2
    first, second = ((tmp_path / run / "02-probe.svg").read_bytes() for run in ("first", "second"))
    assert first != second


def test_outside_a_build_every_chart_is_drawn_and_none_is_kept(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.KEPT_CHARTS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    drawn = []
    draw = _notebook(PLOT)["draw"]
    for _ in range(2):
        _show_chart(_frame(), lambda frame: drawn.append(1) or draw(frame), tmp_path / "figures")
    assert len(drawn) == 2
    assert not any(path.suffix == ".json" for path in tmp_path.rglob("*"))


def test_a_kept_chart_that_cannot_be_read_is_drawn_again(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.KEPT_CHARTS_ENV, str(tmp_path / "kept"))
    draw = _notebook(PLOT)["draw"]
    _show_chart(_frame(), draw, tmp_path / "first")
    (kept,) = (tmp_path / "kept").glob("*.json")
    kept.write_text('{"title": "half writ')
    _show_chart(_frame(), draw, tmp_path / "second")
    assert (tmp_path / "second" / "02-probe.png").read_bytes() == (tmp_path / "first" / "02-probe.png").read_bytes()


def _fingerprints(**changed):
    inputs = {"package": "p1", "lock": "l1", "data": "d1"} | changed
    return types.SimpleNamespace(**inputs)


@pytest.mark.parametrize("changed", [{"package": "p2"}, {"lock": "l2"}, {"data": "d2"}])
def test_other_code_environment_or_data_keep_their_charts_in_another_folder(changed):
    assert chart_folders.chart_folder(_fingerprints(**changed)) != chart_folders.chart_folder(_fingerprints())
    assert chart_folders.chart_folder(_fingerprints()) == chart_folders.chart_folder(_fingerprints())


def test_tidying_removes_other_folders_and_the_least_recently_used_charts(tmp_path, monkeypatch):
    monkeypatch.setattr(chart_folders, "MAX_KEPT", 2)
    current, other = tmp_path / "current", tmp_path / "other"
    other.mkdir()
    (other / "a.json").write_text("{}")
    current.mkdir()
    for age, name in enumerate(["newest", "newer", "oldest"]):
        path = current / f"{name}.json"
        path.write_text("{}")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))
    (current / ".newest.json.abc123").write_text("{")  # a killed kernel's, half written
    chart_folders.tidy(current, since=2_000_000)
    assert not other.exists()
    assert sorted(p.name for p in current.iterdir()) == ["newer.json", "newest.json"]


def test_tidying_never_removes_a_chart_the_build_used(tmp_path, monkeypatch):
    monkeypatch.setattr(chart_folders, "MAX_KEPT", 1)
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.json").write_text("{}")
    chart_folders.tidy(tmp_path, since=0)  # every one used since the build started
    assert len(list(tmp_path.glob("*.json"))) == 3


def test_a_package_changed_since_the_kernel_loaded_it_means_no_key(monkeypatch):
    from dprk_report.report import style

    draw = _notebook(DRAW)["draw"]
    assert kept_charts.chart_key(_frame(), draw, "c") is not None
    monkeypatch.setitem(style.SIDE_COLOURS, "Russia", "#000000")  # a constant changed in place
    assert kept_charts.chart_key(_frame(), draw, "c") is None
    monkeypatch.undo()
    monkeypatch.setattr(charts, "monthly_counts", lambda *a: None)  # a function replaced
    assert kept_charts.chart_key(_frame(), draw, "c") is None


def test_a_dataset_loaded_after_the_package_is_remembered_leaves_the_key(fake, monkeypatch):
    """A page that loads the data (here another version of it: a table and an article changed) fills the package's
    caches of loaded datasets and of article hashes: a load, not a change to the package, so its charts are still
    kept."""
    from dprk_report.data import version
    from dprk_report.data.dataset import load_dataset

    monkeypatch.setattr(version, "_SETTLED_NS", 0)  # the articles just written are hashed once, and remembered
    load_dataset(fake.data, fake.archive)  # what a load imports, imported before the package is remembered
    kept_charts.remember_package()
    hashes = len(version._article_hashes)
    fake.set("statements", "ST001", "summary", "Seoul condemns the deployment again.")
    source = next(row for row in fake.rows["sources"] if row["archive_file"] in fake.articles)
    fake.articles[source["archive_file"]] += "\nA line added.\n"
    source["sha256"] = hashlib.sha256(fake.articles[source["archive_file"]].encode("utf-8")).hexdigest()
    load_dataset(fake.write().data, fake.archive)
    assert len(version._article_hashes) > hashes
    changed = {
        name for name, state in kept_charts.package_state().items() if kept_charts._package_at_start.get(name) != state
    }
    assert not changed
    assert kept_charts.chart_key(_frame(), _notebook(DRAW)["draw"], "c") is not None


def test_no_key_before_the_package_is_remembered(monkeypatch):
    monkeypatch.setattr(kept_charts, "_package_at_start", {})
    assert kept_charts.chart_key(_frame(), _notebook(DRAW)["draw"], "c") is None


def test_a_wrapper_bearing_a_package_function_s_name_is_keyed_by_its_own_code():
    wrapper = """
import functools

@functools.wraps(charts.intervals)
def intervals(frame, title):
    fig = charts.intervals(frame, title)
    fig.axes[0].set_ylim(0, LIMIT)
    return fig

draw = lambda frame: intervals(frame, "A title")
"""
    keys = {kept_charts.chart_key(_frame(), _notebook(f"LIMIT = {n}\n" + wrapper)["draw"], "c") for n in (50, 100)}
    assert None not in keys and len(keys) == 2


def test_an_instance_of_a_class_the_notebook_defines_means_no_key():
    source = """
import dataclasses

@dataclasses.dataclass
class Label:
    text: str

    def shown(self):
        return self.text.upper()

label = Label("a")
draw = lambda frame: charts.intervals(frame, label.shown())
"""
    assert kept_charts.chart_key(_frame(), _notebook(source)["draw"], "c") is None


def test_which_of_two_functions_met_before_is_part_of_the_key():
    source = """
def one(frame):
    return "one"

def two(frame):
    return "two"

kinds = [one, two]
pick = {picked}
draw = lambda frame: charts.intervals(frame, pick(frame) + str(len(kinds)))
"""
    keys = {kept_charts.chart_key(_frame(), _notebook(source.format(picked=p))["draw"], "c") for p in ("one", "two")}
    assert None not in keys and len(keys) == 2


def test_a_function_s_signature_is_part_of_the_key():
    first = "def title(frame, a='x', b='y'):\n    return a + b\n"
    second = "def title(frame, b='x', a='y'):\n    return b + a\n"  # same code, same constants: title(f, a='!') differs
    draw = "draw = lambda frame: charts.intervals(frame, title(frame, a='!'))\n"
    keys = {kept_charts.chart_key(_frame(), _notebook(helper + draw)["draw"], "c") for helper in (first, second)}
    assert None not in keys and len(keys) == 2


def test_a_value_referring_to_itself_is_keyed_without_end_and_a_value_that_cannot_be_fed_means_no_key():
    source = "loop = []\nloop.append(loop)\ndraw = lambda frame: charts.intervals(frame, str(len(loop)))\n"
    assert kept_charts.chart_key(_frame(), _notebook(source)["draw"], "c") is not None
    unpicklable = pd.DataFrame({"f": [lambda: 1]})
    assert kept_charts.chart_key(unpicklable, _notebook(DRAW)["draw"], "c") is None


def test_keys_do_not_depend_on_the_interpreter_s_hash_seed(tmp_path):
    script = """
import pandas as pd
from dprk_report.report import charts, kept_charts
kept_charts.remember_package()
namespace = {"__name__": "__main__", "charts": charts}
exec("draw = lambda frame: charts.intervals(frame, 'a' if 'x' in {'x', 'y', 'z'} else 'b')", namespace)
print(kept_charts.chart_key(pd.DataFrame({"n": [1, 2]}), namespace["draw"], "c"))
"""
    keys = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        keys.add(result.stdout.strip())
    assert len(keys) == 1 and "None" not in keys


@pytest.mark.parametrize(
    "record",
    ['{"title": "t"}', "[]", '{"title": 1, "svg": "s", "png": ""}', '{"title": "t", "svg": "s", "png": "not base64!"}'],
)
def test_a_kept_chart_of_the_wrong_shape_is_drawn_again(tmp_path, monkeypatch, record):
    monkeypatch.setenv(paths.KEPT_CHARTS_ENV, str(tmp_path / "kept"))
    draw = _notebook(PLOT)["draw"]
    _show_chart(_frame(), draw, tmp_path / "first")
    (kept,) = (tmp_path / "kept").glob("*.json")
    kept.write_text(record)
    _show_chart(_frame(), draw, tmp_path / "second")
    assert (tmp_path / "second" / "02-probe.svg").read_bytes() == (tmp_path / "first" / "02-probe.svg").read_bytes()


def test_a_drawing_that_changes_matplotlib_s_settings_is_not_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.KEPT_CHARTS_ENV, str(tmp_path / "kept"))
    source = PLOT.replace("    return fig", "    mpl.rcParams['lines.linewidth'] = 9\n    return fig")
    namespace = _notebook("import matplotlib as mpl\n" + source)
    with mpl.rc_context():
        _show_chart(_frame(), namespace["draw"], tmp_path / "first")
    assert not list((tmp_path / "kept").glob("*.json"))


def test_package_modules_a_build_s_kernel_job_loads_are_remembered_as_loaded():
    draw = _notebook(DRAW)["draw"]
    name = "dprk_report.report.a_module_a_job_loads"
    try:
        sys.modules[name] = types.ModuleType(name)  # loaded outside: a change
        assert kept_charts.chart_key(_frame(), draw, "c") is None
        del sys.modules[name]
        with kept_charts.loading_remembered():  # as pipeline.execute.CALL runs a kernel job
            sys.modules[name] = types.ModuleType(name)
        assert kept_charts.chart_key(_frame(), draw, "c") is not None
    finally:
        sys.modules.pop(name, None)


def test_a_module_remembered_already_is_not_taken_again_as_loaded(monkeypatch):
    from dprk_report.report import style

    draw = _notebook(DRAW)["draw"]
    name = "dprk_report.report.a_module_a_job_loads"
    try:
        with kept_charts.loading_remembered():
            sys.modules[name] = types.ModuleType(name)
            monkeypatch.setitem(style.SIDE_COLOURS, "Russia", "#000000")  # not the load's doing
        assert kept_charts.chart_key(_frame(), draw, "c") is None
    finally:
        sys.modules.pop(name, None)


def test_a_page_whose_charts_are_all_kept_never_loads_the_drawing_stack(tmp_path):
    """In a fresh process, as in a build's kernel: the page's modules loaded and the package remembered, a chart
    kept by an earlier build is shown without matplotlib's pyplot, figures or the package's drawing modules."""
    script = f"""
import pathlib
import sys
import pandas as pd
from dprk_report.report import charts, display, findings, kept_charts
kept_charts.remember_package()
namespace = {{"__name__": "__main__", "charts": charts}}
exec({PLOT!r}, namespace)
frame = pd.DataFrame({{"count": [1, 2, 3]}})
display.chart(frame, namespace["draw"], "02-probe", pathlib.Path({str(tmp_path / "figures")!r}), "none")
stack = ("matplotlib.pyplot", "matplotlib.figure", "dprk_report.report.drawing", "dprk_report.report.saving")
print(",".join(name for name in stack if name in sys.modules) or "none")
# Loading the drawing stack is the package's own doing: the next chart is keyed all the same.
print(kept_charts.chart_key(frame, namespace["draw"], "02-other") is not None)
"""
    env = {**os.environ, paths.KEPT_CHARTS_ENV: str(tmp_path / "kept")}

    def run() -> list[str]:
        result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()[-2:]  # after what the chart shows

    loaded, keyed = run()
    assert "matplotlib.pyplot" in loaded and keyed == "True"  # drawn, and kept
    assert run() == ["none", "True"]  # shown from its kept files


@pytest.mark.parametrize(("kept", "loaded"), [(False, "True"), (True, "False")])
def test_a_kernel_loads_the_drawing_stack_at_its_start_unless_the_build_kept_charts(tmp_path, kept, loaded):
    folder = tmp_path / "kept"
    folder.mkdir()
    if kept:
        (folder / "a-kept-chart.json").write_text("{}")
    script = (
        "import sys\nfrom dprk_report.pipeline import kernel_state\nkernel_state.load_drawing_unless_kept()\n"
        "print('dprk_report.report.drawing' in sys.modules and 'matplotlib.pyplot' in sys.modules)\n"
    )
    env = {**os.environ, paths.KEPT_CHARTS_ENV: str(folder)}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == loaded


def test_the_charts_module_offers_the_drawing_s_names_to_completion_and_star_imports():
    assert {"intervals", "monthly_counts", "statement_timeline"} <= set(dir(charts))
    namespace = {}
    exec("from dprk_report.report.charts import *", namespace)
    assert callable(namespace["estimates_over_time"]) and "np" not in namespace


def test_a_module_imported_after_a_page_changed_the_package_is_not_remembered_as_loaded(monkeypatch):
    from dprk_report.report import style

    name = "dprk_report.report.a_module_imported_late"

    def imported(_):  # what importing it does: the module appears among the loaded ones
        sys.modules[name] = types.ModuleType(name)
        return sys.modules[name]

    monkeypatch.setitem(style.SIDE_COLOURS, "Russia", "#000000")  # the page's change, still in place
    monkeypatch.setattr(kept_charts.importlib, "import_module", imported)
    try:
        kept_charts.import_module(name)
        assert name not in kept_charts._package_at_start
    finally:
        sys.modules.pop(name, None)
