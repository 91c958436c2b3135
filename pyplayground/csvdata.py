"""CSV upload: parse ``x1, x2, label`` files with errors that name the line and column.

NumPy and the standard library only (it runs in Pyodide, where uploads arrive as text).
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable, Iterable
from typing import Final, NamedTuple

import numpy as np

from ._validation import MAX_SAMPLES, PROBLEMS, Problem, unknown_name_error

__all__ = ["CSV_COLUMNS", "CSVData", "CSVFormatError", "load_csv"]


class CSVFormatError(ValueError):
    """Raised for a malformed CSV upload; the message starts with ``source:line:``."""


class CSVData(NamedTuple):
    """A parsed CSV upload; unpacks as ``X, y, problem``."""

    X: np.ndarray
    y: np.ndarray
    problem: Problem


CSV_COLUMNS: Final = ("x1", "x2", "label")


def _read_source(
    source: str | bytes | os.PathLike[str], source_name: str | None
) -> tuple[str, str]:
    """Return ``(text, name)``; a str is content if empty, multi-line, or a comma non-file."""
    if isinstance(source, bytes | bytearray):
        return bytes(source).decode("utf-8-sig"), source_name or "<csv>"
    if isinstance(source, str) and (
        not source or "\n" in source or ("," in source and not os.path.isfile(source))
    ):
        return source.removeprefix("\ufeff"), source_name or "<csv>"
    with open(source, encoding="utf-8-sig", newline="") as fh:
        return fh.read(), source_name or os.path.basename(os.fspath(source))


def _parse_header(reader: Iterable[list[str]], name: str, line: Callable[[], int]) -> list[int]:
    for row in reader:
        cols = [c.strip().lower() for c in row]
        if not any(cols):
            continue
        missing = [c for c in CSV_COLUMNS if c not in cols]
        if missing:
            raise CSVFormatError(
                f"{name}:{line()}: missing header column(s) {missing}; expected columns "
                f"{list(CSV_COLUMNS)} in any order, got {[c.strip() for c in row]}."
            )
        dup = sorted({c for c in cols if cols.count(c) > 1 and c in CSV_COLUMNS})
        if dup:
            raise CSVFormatError(f"{name}:{line()}: column {dup[0]!r}: duplicated in the header.")
        return [cols.index(c) for c in CSV_COLUMNS]
    raise CSVFormatError(f"{name}:1: empty file; expected a header row {list(CSV_COLUMNS)}.")


def _parse_cell(row: list[str], idx: int, col: str, where: str) -> float:
    text = row[idx].strip() if idx < len(row) else ""
    if not text:
        raise CSVFormatError(f"{where}: column {col!r}: missing value.")
    try:
        value = float(text)
    except ValueError:
        raise CSVFormatError(f"{where}: column {col!r}: {text!r} is not a number.") from None
    if not math.isfinite(value):
        raise CSVFormatError(f"{where}: column {col!r}: {text!r} is not a finite number.")
    return value


def _parse_rows(text: str, name: str) -> tuple[np.ndarray, np.ndarray, list[int], int]:
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    idx = _parse_header(reader, name, lambda: reader.line_num)
    header_line = reader.line_num
    values: list[tuple[float, float, float]] = []
    lines: list[int] = []
    for row in reader:
        if not any(c.strip() for c in row):
            continue
        where = f"{name}:{reader.line_num}"
        cells = tuple(_parse_cell(row, i, c, where) for i, c in zip(idx, CSV_COLUMNS, strict=True))
        values.append(cells)  # type: ignore[arg-type]
        lines.append(reader.line_num)
        if len(values) > MAX_SAMPLES:
            raise CSVFormatError(f"{where}: more than {MAX_SAMPLES} data rows.")
    if len(values) < 2:
        raise CSVFormatError(
            f"{name}:{reader.line_num}: need at least 2 data rows, found {len(values)}."
        )
    data = np.array(values, dtype=np.float64)
    return data[:, :2], data[:, 2], lines, header_line


def _infer_problem(labels: np.ndarray) -> Problem:
    distinct = set(np.unique(labels).tolist())
    if distinct <= {-1.0, 1.0} or distinct <= {0.0, 1.0}:
        return "classification"
    ints = all(v.is_integer() for v in distinct)
    if ints and len(distinct) >= 3 and distinct == set(map(float, range(len(distinct)))):
        return "multiclass"
    return "regression"


def _binary_labels(labels: np.ndarray, lines: list[int], name: str, header: int) -> np.ndarray:
    where_bad = np.flatnonzero(~np.isin(labels, [-1.0, 0.0, 1.0]))
    if where_bad.size:
        i = where_bad[0]
        raise CSVFormatError(
            f"{name}:{lines[i]}: column 'label': {labels[i]:g} is not a classification label; "
            "expected two distinct values, {-1, 1} or {0, 1}."
        )
    has_neg, has_zero = labels == -1.0, labels == 0.0
    if has_neg.any() and has_zero.any():
        i = max(np.argmax(has_neg), np.argmax(has_zero))
        raise CSVFormatError(
            f"{name}:{lines[i]}: column 'label': {labels[i]:g} mixes the {{-1, 1}} and {{0, 1}} "
            "label conventions; use one of them."
        )
    distinct = np.unique(labels)
    if distinct.size < 2:
        raise CSVFormatError(
            f"{name}:{header}: column 'label': found a single class ({distinct[0]:g}); "
            "classification needs 2 distinct labels."
        )
    return np.where(labels == 1.0, 1.0, -1.0)


def _multiclass_labels(labels: np.ndarray, lines: list[int], name: str, header: int) -> np.ndarray:
    bad = np.flatnonzero((labels < 0) | (labels != np.round(labels)))
    if bad.size:
        i = bad[0]
        raise CSVFormatError(
            f"{name}:{lines[i]}: column 'label': {labels[i]:g} is not a class index; "
            "multiclass labels must be integers 0..K-1."
        )
    k = int(labels.max()) + 1
    absent = sorted(set(range(k)) - set(labels.astype(np.int64).tolist()))
    if k < 3 or absent:
        why = f"classes {absent} never occur" if absent else f"found only {k} classes"
        raise CSVFormatError(
            f"{name}:{header}: column 'label': multiclass labels must be 0..K-1 with K >= 3 "
            f"and every class present; {why}."
        )
    return labels.astype(np.int64)


def load_csv(
    path_or_text: str | bytes | os.PathLike[str],
    *,
    problem: str | None = None,
    source_name: str | None = None,
) -> CSVData:
    """Load a user's points from CSV with a header naming ``x1``, ``x2`` and ``label``.

    Parameters
    ----------
    path_or_text : str, bytes or path-like
        A path, or the file's content (bytes, or a str containing a newline, as a browser
        upload gives). Columns may come in any order; extra columns are ignored; whitespace
        around fields and blank lines are tolerated.
    problem : {"classification", "regression", "multiclass"} or None, default=None
        None infers it: labels within {-1, 1} or {0, 1} are classification, integer labels
        0..K-1 with K >= 3 are multiclass, anything else is regression.
    source_name : str or None, default=None
        The name used in error messages; defaults to the file's base name or ``"<csv>"``.

    Returns
    -------
    data : CSVData
        ``(X, y, problem)``: X float64 of shape (n, 2); y float64 ±1 (0 is mapped to -1) for
        classification, int64 for multiclass, float64 for regression.

    Raises
    ------
    CSVFormatError
        A ``ValueError`` whose message reads ``name:line: column 'x2': 'abc' is not a number``.
    """
    if problem is not None and problem not in PROBLEMS:
        raise unknown_name_error("problem", problem, PROBLEMS)
    text, name = _read_source(path_or_text, source_name)
    X, labels, lines, header = _parse_rows(text, name)
    kind: Problem = problem or _infer_problem(labels)  # type: ignore[assignment]
    if kind == "classification":
        return CSVData(X, _binary_labels(labels, lines, name, header), kind)
    if kind == "multiclass":
        return CSVData(X, _multiclass_labels(labels, lines, name, header), kind)
    return CSVData(X, labels, kind)
