"""Tests for CSV upload: parsing, problem inference and the error messages."""

from __future__ import annotations

import numpy as np
import pytest

from pyplayground.datasets import CSVData, CSVFormatError, load_csv

GOOD = "x1,x2,label\n0.5,1.5,1\n-2,3,-1\n4,-1,1\n"


def test_text_bytes_and_path_give_the_same_result(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(GOOD)
    results = [load_csv(GOOD), load_csv(GOOD.encode()), load_csv(path), load_csv(str(path))]
    for X, y, problem in results:
        np.testing.assert_array_equal(X, [[0.5, 1.5], [-2, 3], [4, -1]])
        np.testing.assert_array_equal(y, [1.0, -1.0, 1.0])
        assert problem == "classification" and X.dtype == y.dtype == np.float64
    assert isinstance(results[0], CSVData)


def test_header_order_whitespace_case_bom_blank_lines_and_extra_columns():
    text = "\ufeff  Label , note, X2 ,x1\n\n 1 , a, 2.0 , 3\n\n0,b,4,5\n   \n"
    X, y, problem = load_csv(text)
    np.testing.assert_array_equal(X, [[3, 2], [5, 4]])
    np.testing.assert_array_equal(y, [1.0, -1.0])  # 0 maps to -1
    assert problem == "classification"


def test_crlf_line_endings():
    X, _, _ = load_csv(GOOD.replace("\n", "\r\n").encode())
    assert X.shape == (3, 2)


@pytest.mark.parametrize(
    ("labels", "problem", "dtype"),
    [
        ([1, -1, 1, -1], "classification", np.float64),
        ([0, 1, 1, 0], "classification", np.float64),
        ([0, 2, 1, 2], "multiclass", np.int64),
        ([3, 0, 1, 2], "multiclass", np.int64),
        ([0.5, -0.25, 1, 0], "regression", np.float64),
        ([1, 2, 3, 1], "regression", np.float64),  # integers, but not 0..K-1
        ([-1, 0, 1, 0], "regression", np.float64),
    ],
)
def test_problem_inference(labels, problem, dtype):
    text = "x1,x2,label\n" + "".join(f"{i},{-i},{lab}\n" for i, lab in enumerate(labels))
    _, y, got = load_csv(text)
    assert got == problem and y.dtype == dtype
    if problem == "classification":
        assert set(y.tolist()) == {-1.0, 1.0}
    else:
        np.testing.assert_array_equal(y, labels)


def test_explicit_problem_overrides_inference():
    text = "x1,x2,label\n0,0,0\n1,1,1\n2,2,1\n"
    _, y, problem = load_csv(text, problem="regression")
    assert problem == "regression"
    np.testing.assert_array_equal(y, [0, 1, 1])


def test_unknown_problem():
    with pytest.raises(ValueError, match="Unknown problem 'clasification'"):
        load_csv(GOOD, problem="clasification")


def _error(text: str, **kwargs) -> str:
    with pytest.raises(CSVFormatError) as info:
        load_csv(text, source_name="points.csv", **kwargs)
    assert isinstance(info.value, ValueError)
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "where", "column", "what"),
    [
        ("x1,x2,label\n1,2,1\n1,abc,1\n", "points.csv:3:", "column 'x2'", "'abc' is not a number"),
        ("x1,x2,label\n1,2,1\n,2,-1\n", "points.csv:3:", "column 'x1'", "missing value"),
        ("x1,x2,label\n1,2,1\n3,4\n", "points.csv:3:", "column 'label'", "missing value"),
        ("x1,x2,label\n1,2,1\n\n3,nan,1\n", "points.csv:4:", "column 'x2'", "not a finite"),
        ("x1,x2,label\n1,inf,1\n3,4,1\n", "points.csv:2:", "column 'x2'", "not a finite"),
        ("x1,x2,label\n1,2,1\n3,4,-inf\n", "points.csv:3:", "column 'label'", "not a finite"),
    ],
)
def test_cell_errors_name_file_line_and_column(text, where, column, what):
    message = _error(text)
    assert message.startswith(where)
    assert column in message and what in message


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("x1,x2,y", "['label']"),
        ("a,b,label", "['x1', 'x2']"),
        ("x1;x2;label", "['x1', 'x2', 'label']"),
    ],
)
def test_missing_header_columns_are_listed(header, missing):
    message = _error(header + "\n1,2,1\n3,4,-1\n")
    assert message.startswith("points.csv:1:")
    assert f"missing header column(s) {missing}" in message
    assert "expected columns ['x1', 'x2', 'label']" in message


def test_header_after_blank_lines_reports_its_line():
    message = _error("\n\nx1,x2\n1,2\n")
    assert message.startswith("points.csv:3:") and "'label'" in message


def test_duplicate_header_column():
    message = _error("x1,x2,label,x2\n1,2,1,3\n")
    assert message.startswith("points.csv:1:") and "column 'x2'" in message


def test_empty_file_and_too_few_rows():
    assert _error("").startswith("points.csv:1: empty file")
    assert "need at least 2 data rows, found 0" in _error("x1,x2,label\n")
    message = _error("x1,x2,label\n1,2,1\n")
    assert message.startswith("points.csv:2:") and "found 1" in message


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("x1,x2,label\n1,2,1\n1,2,2\n", "points.csv:3:", "2 is not a classification label"),
        ("x1,x2,label\n1,2,-1\n1,2,1\n1,2,0\n", "points.csv:4:", "mixes"),
        ("x1,x2,label\n1,2,1\n1,2,1\n", "points.csv:1:", "found a single class (1)"),
        ("x1,x2,label\n1,2,0\n1,2,0\n", "points.csv:1:", "found a single class (0)"),
    ],
)
def test_classification_label_errors(text, where, what):
    message = _error(text, problem="classification")
    assert message.startswith(where) and "column 'label'" in message and what in message


def test_single_class_is_an_error_even_when_inferred():
    message = _error("x1,x2,label\n1,2,1\n3,4,1\n5,6,1\n")
    assert "single class" in message and "column 'label'" in message


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("x1,x2,label\n1,2,0\n1,2,1.5\n1,2,2\n", "points.csv:3:", "1.5 is not a class index"),
        ("x1,x2,label\n1,2,0\n1,2,-1\n1,2,2\n", "points.csv:3:", "-1 is not a class index"),
        ("x1,x2,label\n1,2,0\n1,2,1\n1,2,0\n", "points.csv:1:", "found only 2 classes"),
        ("x1,x2,label\n1,2,0\n1,2,1\n1,2,3\n", "points.csv:1:", "classes [2] never occur"),
    ],
)
def test_multiclass_label_errors(text, where, what):
    message = _error(text, problem="multiclass")
    assert message.startswith(where) and "column 'label'" in message and what in message


def test_default_source_names(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("x1,x2,label\n1,oops,1\n2,2,-1\n")
    with pytest.raises(CSVFormatError, match=r"^mine\.csv:2: column 'x2': 'oops'"):
        load_csv(path)
    with pytest.raises(CSVFormatError, match=r"^<csv>:2: column 'x2'"):
        load_csv(b"x1,x2,label\n1,oops,1\n2,2,-1\n")


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_csv(str(tmp_path / "nope.csv"))


def test_quoted_fields():
    X, y, _ = load_csv('"x1","x2","label"\n"1.5", "2",1\n3,"4","-1"\n')
    np.testing.assert_array_equal(X, [[1.5, 2], [3, 4]])
    np.testing.assert_array_equal(y, [1, -1])
