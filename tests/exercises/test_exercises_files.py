"""Bad input files give one-line errors that name the file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopcoach.errors import LoopcoachError
from loopcoach.exercises import backlog, files

FIX = Path(__file__).parents[1] / "fixtures" / "exercises"


def load_backlog(path: Path) -> list[backlog.BacklogItem]:
    records = files.load_records(
        path, what="backlog", list_keys=backlog.LIST_KEYS, aliases=backlog.ALIASES
    )
    return backlog.items_from_records(records)


@pytest.mark.parametrize(
    "name,code,words",
    [
        ("backlog-missing-column.csv", "missing-column", "missing column 'job_size'"),
        (
            "backlog-not-a-number.csv",
            "not-a-number",
            "row 2 (line 3), column 'time_criticality': 'high' is not a number",
        ),
        ("backlog-bad-item.yaml", "not-a-number", "item 2 (line 3), field 'job_size': 'big'"),
        ("backlog.txt", "file-type", "must be a .csv or .yaml or .yml file, not '.txt'"),
        ("no-such-file.csv", "file-not-found", "no such file"),
    ],
)
def test_files_bad_backlog_files(name: str, code: str, words: str) -> None:
    with pytest.raises(LoopcoachError) as err:
        load_backlog(FIX / name)
    assert err.value.code == code
    assert words in str(err.value)
    assert "\n" not in str(err.value)


def test_files_too_big(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("id,title\n" + "x,y\n" * 300_000, encoding="utf-8")
    with pytest.raises(LoopcoachError) as err:
        load_backlog(big)
    assert err.value.code == "file-too-big" and "1 MB" in str(err.value)


@pytest.mark.parametrize(
    "content,code",
    [
        ("", "file-empty"),
        ("id,title,business_value\n", "file-empty"),
        ("items: [unclosed\n", "bad-yaml"),
        ("just: a mapping\n", "bad-shape"),
    ],
)
def test_files_empty_and_malformed(tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / ("b.yaml" if "items" in content or "just" in content else "b.csv")
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LoopcoachError) as err:
        load_backlog(path)
    assert err.value.code == code


def test_files_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_bytes(b"id,title\n\xff\xfe,x\n")
    with pytest.raises(LoopcoachError, match="not UTF-8"):
        load_backlog(path)


def test_files_csv_header_is_normalised_and_aliased(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(
        "ID,Title,Business Value,Time-Criticality,RR OE,Size,Dependencies\n"
        "a,A,1,2,3,2,\nb,B,1,1,1,1,a\n",
        encoding="utf-8",
    )
    items = load_backlog(path)
    assert items[0].wsjf == 3 and items[1].depends_on == ("a",)


def test_files_negative_and_zero_values(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(
        "id,title,business_value,time_criticality,risk_reduction,job_size\na,A,1,2,3,0\n",
        encoding="utf-8",
    )
    with pytest.raises(LoopcoachError, match="'job_size': 0 must be more than 0"):
        load_backlog(path)
