"""report: byte-identical figures and tables, the sha256sum manifest, atomic writes."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from citra_eval import outputs as report
from citra_eval.errors import InputError

ROOT = Path(__file__).resolve().parents[1]

FIGURE_SCRIPT = """
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from citra_eval import outputs as report
report.set_reproducible_style()
fig, ax = plt.subplots()
ax.bar(["Kerja sama", "Bamara", "Berita cepat"], [3, 5, 2], label="informan")
ax.set_title("Frekuensi kode — ü é")
ax.legend()
report.save_figure(fig, "bars", out_dir=sys.argv[1], formats=("png", "svg", "pdf"))
"""


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _figure():
    fig, ax = plt.subplots()
    ax.plot(np.arange(5), np.arange(5) ** 2, label="x²")
    ax.legend()
    return fig


def test_figure_bytes_identical_across_saves(tmp_path):
    report.set_reproducible_style()
    fig = _figure()
    a = report.save_figure(fig, "a", out_dir=tmp_path / "1", formats=("png", "svg", "pdf"))
    b = report.save_figure(fig, "a", out_dir=tmp_path / "2", formats=("png", "svg", "pdf"))
    plt.close(fig)
    assert [p.name for p in a] == ["a.png", "a.svg", "a.pdf"]
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name


@pytest.mark.slow
def test_figure_bytes_identical_across_processes(tmp_path):
    # different hash seeds and processes must not change a byte (svg ids, dicts, dates)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), MPLBACKEND="Agg")
    outs = []
    for i, seed in enumerate(["1", "random"]):
        out = tmp_path / str(i)
        subprocess.run([sys.executable, "-c", FIGURE_SCRIPT, str(out)], check=True,
                       env=dict(env, PYTHONHASHSEED=seed), timeout=120)
        outs.append(out)
    names = sorted(p.name for p in outs[0].iterdir())
    assert names == ["bars.pdf", "bars.png", "bars.svg"]
    for n in names:
        assert _sha(outs[0] / n) == _sha(outs[1] / n), n


def test_figure_has_no_dates_or_version(tmp_path):
    fig = _figure()
    png, svg, pdf = report.save_figure(fig, "m", out_dir=tmp_path, formats=("png", "svg", "pdf"))
    plt.close(fig)
    svg_text = svg.read_text()
    assert "<dc:date>" not in svg_text
    assert matplotlib.__version__ not in svg_text
    assert b"Software" not in png.read_bytes()
    assert matplotlib.__version__.encode() not in png.read_bytes()
    assert b"CreationDate" not in pdf.read_bytes()
    assert matplotlib.__version__.encode() not in pdf.read_bytes()


def test_save_figure_accepts_axes_and_shows_png(tmp_path):
    fig = _figure()
    saved = report.save_figure(fig.axes[0], "ax", out_dir=tmp_path, formats="png", close=True)
    assert saved[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert saved._repr_png_() == saved[0].read_bytes()
    assert not plt.fignum_exists(fig.number)


@pytest.mark.parametrize("name", ["", "a/b", "../x", "x.png.", ".hidden"])
def test_save_figure_rejects_bad_names(tmp_path, name):
    fig = _figure()
    with pytest.raises(ValueError, match="name"):
        report.save_figure(fig, name, out_dir=tmp_path)
    plt.close(fig)
    assert list(tmp_path.iterdir()) == []


def test_save_figure_rejects_bad_format(tmp_path):
    fig = _figure()
    with pytest.raises(ValueError, match="formats"):
        report.save_figure(fig, "x", out_dir=tmp_path, formats=("jpg",))
    with pytest.raises(TypeError, match="fig"):
        report.save_figure("not a figure", "x", out_dir=tmp_path)
    plt.close(fig)


def test_table_format_fixed(tmp_path):
    t = pd.DataFrame({
        "code": ["kerja_sama", "bamara, \"BAMARA\"", "x"],
        "n": [3, 5, 0],
        "alpha": [0.812345, -1e-12, np.nan],
        "ok": [True, False, True],
    })
    p = report.save_table(t, "t", out_dir=tmp_path, decimals=3)
    raw = p.read_bytes()
    assert b"\r" not in raw
    assert raw.decode("utf-8") == (
        "code,n,alpha,ok\n"
        "kerja_sama,3,0.812,true\n"
        '"bamara, ""BAMARA""",5,0.000,false\n'
        "x,0,,true\n")


def test_table_rounding_hides_float_noise(tmp_path):
    a = pd.DataFrame({"v": [0.1 + 0.2, 1 / 3]})
    b = pd.DataFrame({"v": [0.3, 0.33333333333333337]})
    pa = report.save_table(a, "a", out_dir=tmp_path)
    pb = report.save_table(b, "b", out_dir=tmp_path)
    assert pa.read_bytes() == pb.read_bytes() == b"v\n0.3000\n0.3333\n"


def test_table_object_column_of_floats_is_rounded(tmp_path):
    t = pd.DataFrame({"v": pd.Series([0.1 + 0.2, None, 2.0], dtype=object),
                      "s": pd.Series(["a", 1.5, None], dtype=object)})
    p = report.save_table(t, "o", out_dir=tmp_path, decimals=2)
    assert p.read_text() == "v,s\n0.30,a\n,1.5\n2.00,\n"


def test_table_boolean_column_with_missing_values(tmp_path):
    """Booleans with missing values (an object column, e.g. a Boolean case variable of a
    .qdpx set on some documents only) are written like a Boolean column; a column mixing
    Booleans and text is still neutralised."""
    t = pd.DataFrame({"a": [True, None, False, np.nan],
                      "b": pd.array([True, None, False, None], dtype="boolean"),
                      "c": pd.Series([None, None, None, None], dtype=object),
                      "d": [True, "=x", None, 1]})
    p = report.save_table(t, "o", out_dir=tmp_path)
    assert p.read_text() == "a,b,c,d\ntrue,true,,True\n,,,'=x\nfalse,false,,\n,,,1\n"


def test_table_of_a_qdpx_with_a_boolean_case_variable_on_some_sources(tmp_path):
    """The documents of a project whose Boolean case variable covers one source of two."""
    from test_qdpx import case_variable_project

    import citra_eval as ce

    path = case_variable_project(tmp_path / "p.qdpx", [("consent", "Boolean", "true")])
    docs = ce.read_qdpx(path).corpus.documents
    p = report.save_table(docs[["doc_id", "consent"]], "docs", out_dir=tmp_path)
    assert p.read_text() == "doc_id,consent\na,true\nb,\n"


def test_table_decimals_per_column_and_index(tmp_path):
    t = pd.DataFrame({"p_value": [0.0001234], "est": [1.23456]},
                     index=pd.Index(["KS"], name="term"))
    p = report.save_table(t, "m", out_dir=tmp_path, decimals={"p_value": 6, "default": 2})
    assert p.read_text() == "term,p_value,est\nKS,0.000123,1.23\n"
    with pytest.raises(ValueError, match="not in the table"):
        report.save_table(t, "m", out_dir=tmp_path, decimals={"nope": 2})
    with pytest.raises(TypeError, match="DataFrame"):
        report.save_table([1, 2], "m", out_dir=tmp_path)


@pytest.mark.parametrize("bad, error, says", [
    (-1, ValueError, r"^decimals must be at least 0, got -1$"),
    (2.5, TypeError, r"^decimals must be an integer, got float$"),
    (None, TypeError, r"^decimals must be an integer, got NoneType$"),
    ("2", TypeError, r"^decimals must be an integer, got str$"),
    ({"share": "two"}, TypeError, r"^decimals\['share'\] must be an integer, got str$"),
    ({"default": -2}, ValueError, r"^decimals\['default'\] must be at least 0, got -2$"),
])
def test_table_decimals_of_the_wrong_type_or_value_name_decimals(tmp_path, bad, error, says):
    """decimals=-1 / None / {'share': 'two'} failed inside the float formatting without
    naming decimals (2.5 was silently read as 2); nothing is written."""
    t = pd.DataFrame({"code": ["a"], "share": [0.123456]})
    with pytest.raises(error, match=says):
        report.save_table(t, "t", out_dir=tmp_path, decimals=bad)
    assert not (tmp_path / "t.csv").exists()


def test_table_identical_across_saves(tmp_path):
    rng = np.random.default_rng(0)
    t = pd.DataFrame({"x": rng.normal(size=50), "g": list("ab") * 25})
    a = report.save_table(t, "t", out_dir=tmp_path / "1")
    b = report.save_table(t.copy(), "t", out_dir=tmp_path / "2")
    assert a.read_bytes() == b.read_bytes()


def test_failed_write_leaves_previous_file(tmp_path, monkeypatch):
    p = report.save_table(pd.DataFrame({"x": [1]}), "t", out_dir=tmp_path)
    before = p.read_bytes()

    def boom(*a, **k):  # the final rename fails after the data was written
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        report.save_table(pd.DataFrame({"x": [2]}), "t", out_dir=tmp_path)
    monkeypatch.undo()
    assert p.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["t.csv"]  # no temp file left


def test_failed_figure_save_leaves_no_partial_file(tmp_path, monkeypatch):
    fig = _figure()
    report.save_figure(fig, "f", out_dir=tmp_path, formats=("png",))
    before = (tmp_path / "f.png").read_bytes()
    fig.axes[0].set_title("changed")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(report, "write_bytes", boom)
    with pytest.raises(OSError):
        report.save_figure(fig, "f", out_dir=tmp_path, formats=("png",))
    plt.close(fig)
    assert (tmp_path / "f.png").read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["f.png"]


def _tree(tmp_path: Path) -> Path:
    r = tmp_path / "reports"
    report.save_table(pd.DataFrame({"x": [1, 2]}), "b", out_dir=r / "tables")
    report.save_table(pd.DataFrame({"y": [3]}), "a", out_dir=r / "tables")
    (r / "figures").mkdir()
    (r / "figures" / "f.png").write_bytes(b"png bytes")
    (r / "provenance.json").write_text("{}\n")
    (r / "notebooks").mkdir()
    (r / "notebooks" / "01-x.ipynb").write_text("{} timestamps")
    return r


def test_manifest_format_sorted_and_relative(tmp_path):
    r = _tree(tmp_path)
    m = report.write_manifest(r)
    assert m == r / "MANIFEST.sha256"
    lines = m.read_text().splitlines()
    paths = [ln.split("  ", 1)[1] for ln in lines]
    assert paths == ["reports/figures/f.png", "reports/provenance.json",
                     "reports/tables/a.csv", "reports/tables/b.csv"]
    assert lines[0] == hashlib.sha256(b"png bytes").hexdigest() + "  reports/figures/f.png"
    assert not m.read_bytes().endswith(b"\n\n") and m.read_bytes().endswith(b"\n")


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils sha256sum not found")
def test_manifest_checks_with_coreutils(tmp_path):
    r = _tree(tmp_path)
    report.write_manifest(r)
    ok = subprocess.run(["sha256sum", "-c", "reports/MANIFEST.sha256"], cwd=tmp_path,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (r / "tables" / "a.csv").write_text("y\n4\n")
    bad = subprocess.run(["sha256sum", "-c", "reports/MANIFEST.sha256"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert bad.returncode == 1
    assert "reports/tables/a.csv: FAILED" in bad.stdout


def test_check_manifest_lists_changed_missing_unlisted(tmp_path):
    r = _tree(tmp_path)
    report.write_manifest(r)
    assert report.check_manifest(r) == []
    (r / "tables" / "a.csv").write_text("y\n4\n")
    (r / "figures" / "f.png").unlink()
    (r / "figures" / "new.svg").write_text("<svg/>")
    (r / "notebooks" / "01-x.ipynb").write_text("other timestamps")  # not covered
    diffs = report.check_manifest(r)
    assert [(d.path, d.status) for d in diffs] == [
        ("reports/figures/f.png", "missing"),
        ("reports/figures/new.svg", "unlisted"),
        ("reports/tables/a.csv", "changed"),
    ]
    # the manifest's line is named: the file differs from it, or it was edited
    assert str(diffs[2]) == "reports/tables/a.csv: differs from the manifest, line 3"


def test_checksum_changes_is_the_one_comparison_of_two_checksum_lists():
    """What check_manifest, reproduce's raw-input checks and the provenance comparisons
    share: every path in either list whose checksum is not the same in both, by path."""
    recorded = {"b.csv": "1", "a.csv": "2", "same.csv": "3"}
    current = {"same.csv": "3", "c.csv": "4", "a.csv": "5"}
    assert report.checksum_changes(recorded, current) == [
        ("a.csv", "changed"), ("b.csv", "missing"), ("c.csv", "unlisted")]
    assert report.checksum_changes(current, current) == []


def test_check_rebuilt_copy_against_committed_manifest(tmp_path):
    committed = _tree(tmp_path / "repo")
    report.write_manifest(committed)
    rebuilt = _tree(tmp_path / "build")
    assert report.check_manifest(rebuilt, manifest=committed / "MANIFEST.sha256") == []
    (rebuilt / "provenance.json").write_text('{"x": 1}\n')
    diffs = report.check_manifest(rebuilt, manifest=committed / "MANIFEST.sha256")
    assert [d.path for d in diffs] == ["reports/provenance.json"]


def test_manifest_escapes_odd_names(tmp_path):
    hashes = {"reports/tables/a\\b.csv": "0" * 64, "reports/x.csv": "1" * 64}
    text = report.manifest_text(hashes)
    assert text.splitlines()[0] == "\\" + "0" * 64 + "  reports/tables/a\\\\b.csv"
    m = tmp_path / "M"
    m.write_text(text)
    assert report.read_manifest(m) == hashes


def test_read_manifest_reports_bad_line(tmp_path):
    m = tmp_path / "MANIFEST.sha256"
    m.write_text("0" * 64 + "  ok.csv\nnot a checksum line\n")
    with pytest.raises(InputError) as e:
        report.read_manifest(m)
    assert e.value.line == 2
    with pytest.raises(InputError, match="not found"):
        report.read_manifest(tmp_path / "nope")


def test_counts_and_p_values_are_printed_as_what_they_are(tmp_path):
    t = pd.DataFrame({"theme": ["a", "b"], "n_informants": [9.0, np.nan],
                      "p_value": [3.14159e-8, 0.04567891], "share": [0.5, np.nan]})
    text = report.save_table(t, "t", out_dir=tmp_path).read_text(encoding="utf-8")
    assert text.splitlines() == ["theme,n_informants,p_value,share",
                                 "a,9,3.142e-08,0.5000", "b,,0.04568,"]
    # a count column that is not whole stays a float; explicit decimals win for p values
    t2 = pd.DataFrame({"n_mean": [2.5], "p_value": [0.123456]})
    text2 = report.save_table(t2, "t2", out_dir=tmp_path, decimals={"default": 2}).read_text()
    assert text2.splitlines()[1] == "2.50,0.12"


@pytest.mark.parametrize(("parts", "name"), [
    (("05-group-comparison", "unit_layanan"), "05-group-comparison-unit_layanan"),
    (("03-kwic", "rumah sakit"), "03-kwic-rumah-sakit"),
    (("03-kwic", "Gerak Cépat!"), "03-kwic-gerak-cepat"),
    (("03-kwic", "../etc/passwd"), "03-kwic-etc-passwd"),
    (("03-kwic", "laporan.pdf"), "03-kwic-laporan-pdf"),  # no extension save_* would refuse
    (("03-kwic", "versi 1.5"), "03-kwic-versi-1.5"),
])
def test_output_name_makes_safe_file_names(parts, name):
    assert report.output_name(*parts) == name


def test_output_name_refuses_nothing_usable():
    with pytest.raises(ValueError, match="no usable characters"):
        report.output_name("---", "")


def test_study_banner_follows_illustrative_and_lang():
    from types import SimpleNamespace

    def study(**kw):
        return SimpleNamespace(settings=SimpleNamespace(**{"title": "Studi RSUD",
                                                           "illustrative": False,
                                                           "lang": "id", **kw}))

    plain = report.study_banner(study())
    assert plain.text == "**Studi RSUD**" and plain._repr_markdown_() == plain.text
    shown = report.study_banner(study(illustrative=True, lang="en")).text
    assert shown.startswith("**Studi RSUD**\n\n> **Illustrative study.**")
    assert "Studi ilustratif" in report.study_banner(study(illustrative=True)).text
    with pytest.raises(TypeError, match="study must be a Study"):
        report.study_banner("study.yaml")



def test_notes_from_warnings_says_each_message_once(capsys):
    import warnings

    with pytest.warns(UserWarning, match="passes through"):
        with report.notes_from_warnings(RuntimeWarning):
            warnings.warn(RuntimeWarning("coverage inferred"), stacklevel=1)
            warnings.warn("passes through", UserWarning, stacklevel=1)
            warnings.warn(RuntimeWarning("coverage inferred"), stacklevel=1)
    assert capsys.readouterr().err == "note: coverage inferred\n"
    with pytest.raises(ValueError), report.notes_from_warnings(RuntimeWarning):
        warnings.warn(RuntimeWarning("said even when the block fails"), stacklevel=1)
        raise ValueError
    assert capsys.readouterr().err == "note: said even when the block fails\n"
    with pytest.raises(TypeError, match="Warning classes"):
        with report.notes_from_warnings("CoverageWarning"):
            pass


@pytest.mark.parametrize("save", ["figure", "table"])
def test_a_name_with_a_folder_says_to_pass_out_dir(tmp_path, save):
    # an argument the caller chose, not data: ValueError (not InputError) naming the argument,
    # what was expected, what was received and the fix
    fig, _ = plt.subplots()
    call = ((lambda n: report.save_figure(fig, n, out_dir=tmp_path)) if save == "figure" else
            (lambda n: report.save_table(pd.DataFrame({"a": [1]}), n, out_dir=tmp_path)))
    with pytest.raises(ValueError, match=r"name must be a plain file name .* got "
                       r"'figures/keyness'; to write into the folder 'figures', pass "
                       r"out_dir='figures' and name='keyness'") as info:
        call("figures/keyness")
    assert not isinstance(info.value, InputError)
    with pytest.raises(TypeError, match="name must be a file name"):
        call(3)
    plt.close(fig)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("save", "name", "base"), [
    ("table", "out/freq.csv", "freq"), ("figure", "figures/fig.png", "fig"),
    ("figure", "figures\\03-keyness.SVG", "03-keyness")])
def test_the_out_dir_hint_of_a_path_with_an_extension_names_no_extension(tmp_path, save, name,
                                                                         base):
    """Student, repro 1: save_table(t, 'out/freq.csv') advised name='freq.csv', which the next
    call refused for its extension; the hint now gives the name to pass, and it works."""
    fig, _ = plt.subplots()
    call = ((lambda n: report.save_figure(fig, n, out_dir=tmp_path)) if save == "figure" else
            (lambda n: report.save_table(pd.DataFrame({"a": [1]}), n, out_dir=tmp_path)))
    with pytest.raises(ValueError, match=rf"pass out_dir='[a-z]+' and name={base!r}$"):
        call(name)
    assert call(base)
    plt.close(fig)


def test_files_in_hidden_folders_are_not_outputs(tmp_path):
    """Tester t4, finding 8: verify skipped a hidden file but not the files of a hidden
    folder: Jupyter's reports/tables/.ipynb_checkpoints/*.csv were 'not listed in the
    manifest' (exit 1)."""
    rep = tmp_path / "reports"
    report.save_table(pd.DataFrame({"x": [1]}), "t", out_dir=rep / "tables")
    report.write_manifest(rep)
    (rep / "tables" / ".ipynb_checkpoints").mkdir()
    (rep / "tables" / ".ipynb_checkpoints" / "t-checkpoint.csv").write_text("x\n2\n")
    (rep / "tables" / ".hidden.csv").write_text("x\n3\n")
    (rep / "tables" / "mine.csv").write_text("x\n4\n")
    assert [str(d) for d in report.check_manifest(rep)] == [
        "reports/tables/mine.csv: not listed in the manifest"]


@pytest.mark.parametrize(("save", "name", "base"), [
    ("table", "freq.csv", "freq"), ("table", "freq.XLSX", "freq"),
    ("figure", "saturation.png", "saturation"), ("figure", "03-keyness.svg", "03-keyness")])
def test_a_name_with_an_extension_is_refused_not_doubled(tmp_path, save, name, base):
    """The name is 'without extension' (the docstrings and the error say so): 'freq.csv'
    was written as freq.csv.csv; now it is refused, naming the fix, and nothing is written."""
    fig, _ = plt.subplots()
    call = ((lambda n: report.save_figure(fig, n, out_dir=tmp_path)) if save == "figure" else
            (lambda n: report.save_table(pd.DataFrame({"a": [1]}), n, out_dir=tmp_path)))
    with pytest.raises(ValueError, match=rf"name must be a plain file name without folder or "
                       rf"extension.*got {name!r}; write name={base!r}"):
        call(name)
    assert not list(tmp_path.iterdir())
    call(f"{base}.v2")  # a dot inside a name is no extension
    assert list(tmp_path.iterdir())
    plt.close(fig)


@pytest.mark.slow
def test_a_users_matplotlibrc_does_not_change_the_figures(tmp_path):
    """Reviewer s15, finding 3: a reviewer's own matplotlibrc (MATPLOTLIBRC, the config
    folder's, or one in the working folder) changed the bytes of the report figures:
    set_reproducible_style now starts from matplotlib's defaults."""
    hostile = tmp_path / "rc"
    hostile.mkdir()
    (hostile / "matplotlibrc").write_text(
        "savefig.facecolor: yellow\naxes.formatter.use_mathtext: True\n"
        "path.simplify_threshold: 0.9\nfigure.figsize: 9, 7\nsvg.id: myfig\n"
        "lines.linewidth: 7\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), MPLBACKEND="Agg")
    env.pop("MATPLOTLIBRC", None)
    outs = []
    for i, extra in enumerate([{}, {"MATPLOTLIBRC": str(hostile)}]):
        out = tmp_path / str(i)
        subprocess.run([sys.executable, "-c", FIGURE_SCRIPT, str(out)], check=True,
                       env=dict(env, **extra), timeout=120, cwd=tmp_path)
        outs.append(out)
    for n in ["bars.pdf", "bars.png", "bars.svg"]:
        assert _sha(outs[0] / n) == _sha(outs[1] / n), n


def test_save_table_refuses_to_replace_a_raw_data_file_of_a_study(tmp_path):
    # the CLI refused it, the library replaced the coders' file silently
    import citra_eval as ce
    from citra_eval.errors import InputError

    raw = tmp_path / "study" / "data" / "raw"
    raw.mkdir(parents=True)
    (tmp_path / "study" / "study.yaml").write_text("name: s\n")
    (raw / "codings_A.csv").write_text("kept\n")
    with pytest.raises(InputError, match=r"raw-data file of the study.*replace_raw=True"):
        ce.save_table(pd.DataFrame({"x": [1]}), "codings_A", out_dir=raw)
    assert (raw / "codings_A.csv").read_text() == "kept\n"
    ce.save_table(pd.DataFrame({"x": [1]}), "new_table", out_dir=raw)  # a new file is fine
    ce.save_table(pd.DataFrame({"x": [1]}), "codings_A", out_dir=raw, replace_raw=True)
    assert (raw / "codings_A.csv").read_text() == "x\n1\n"
