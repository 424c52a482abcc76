"""``make bench`` prints one table and writes it into README between the bench markers
(benchmarks/run.py), from rows made up here: nothing is timed."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.run import BEGIN, END, MODULES, render, rewrite, section
from benchmarks.table import Row

ROOT = Path(__file__).resolve().parent.parent
ROWS = [
    Row("1 engine step", "start -> 3 tasks -> end, SQLite", "4.1 ms / instance", 1.5, "bare",
        "<= 2x", True),
    Row("3 inbox", "p95 at 300k | 10k", "12 ms", 2.25, None, "<= 1.5x", False),
    Row("6 sandbox", "one evaluation", "3.2 µs"),
]  # fmt: skip


def test_the_table_has_one_line_a_row_with_ratio_baseline_target_and_whether_met():
    lines = render(ROWS).splitlines()
    assert lines[0] == "| goal | measure | figure | ratio vs baseline | target | met |"
    assert lines[2] == (
        "| 1 engine step | start -> 3 tasks -> end, SQLite | 4.1 ms / instance | 1.50× bare "
        "| <= 2x | yes |"
    )
    assert lines[3] == "| 3 inbox | p95 at 300k \\| 10k | 12 ms | 2.25× | <= 1.5x | **no** |"
    assert lines[4] == "| 6 sandbox | one evaluation | 3.2 µs |  |  |  |"
    assert len(lines) == 5


def test_a_module_that_gave_no_rows_is_named_under_the_table():
    table = render(ROWS[:1], ["benchmarks/loops.py has no rows(quick): it is not in the table yet"])
    assert table.splitlines()[-1] == (
        "Not measured: benchmarks/loops.py has no rows(quick): it is not in the table yet."
    )


def test_the_readme_section_between_the_markers_is_replaced_and_nothing_else():
    readme = f"# Title\n\n## Benchmarks\n\nWhat the figures mean.\n\n{BEGIN}\nold table\n{END}\n\n## Next\n"
    generated = section(render(ROWS), datetime(2026, 11, 30, 12, 5, tzinfo=UTC), quick=True)
    written = rewrite(readme, generated)
    assert written.startswith("# Title\n\n## Benchmarks\n\nWhat the figures mean.\n\n" + BEGIN)
    assert written.endswith(f"{END}\n\n## Next\n") and "old table" not in written
    assert "2026-11-30 12:05 UTC" in written and "cores (" in written and "QUICK=1" in written
    assert rewrite(written, generated) == written


def test_a_readme_without_the_markers_is_refused_with_what_to_add():
    with pytest.raises(ValueError, match="bench:begin"):
        rewrite("## Benchmarks\n\nno markers\n", "table")


def test_the_readme_benchmarks_section_holds_the_markers():
    readme = (ROOT / "README.md").read_text()
    benchmarks = readme.split("\n## Benchmarks\n", 1)[1].split("\n## ", 1)[0]
    assert benchmarks.index(BEGIN) < benchmarks.index(END)


@pytest.mark.parametrize("name", MODULES)
def test_every_benchmark_in_the_table_exposes_rows_quick_and_still_runs_alone(name):
    path = ROOT / "benchmarks" / f"{name}.py"
    assert path.exists(), f"make bench runs benchmarks/{name}.py, which is missing"
    tree = ast.parse(path.read_text())
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "rows" in functions, f"benchmarks/{name}.py needs rows(quick) for make bench"
    assert [argument.arg for argument in functions["rows"].args.args] == ["quick"]
    assert "main" in functions, f"benchmarks/{name}.py still runs alone"
