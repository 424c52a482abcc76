"""One dashboard table as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from .figures import Table


def as_csv(table: Table) -> str:
    """The table's headings, then its rows (text cells that look like formulas quoted)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headings)
    for row in table.rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value) -> str:
    if not isinstance(value, str):
        return "" if value is None else str(value)
    # stage names and outcomes come from diagrams: never let a spreadsheet run one
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
