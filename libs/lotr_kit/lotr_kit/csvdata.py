"""Reading One-API-format CSVs the way the original's import pipeline does (spec §11.1).

Cells equal to a pandas null token become None, `ObjectId(<hex>)` becomes the hex id,
nothing is trimmed. Every row is checked; problems come back as `file:line: reason`.
"""

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .objectid import parse_csv_object_id

# pandas >= 2 default NA values.
NULL_TOKENS = frozenset(
    {
        "", "NaN", "nan", "-NaN", "-nan", "NA", "N/A", "n/a", "NULL", "null", "None", "<NA>",
        "#N/A", "#N/A N/A", "#NA", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN",
    }
)  # fmt: skip

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class CellError(ValueError):
    pass


def text(cell: str | None) -> str | None:
    return cell


def number(cell: str | None) -> float | None:
    if cell is None:
        return None
    if not _NUMBER.fullmatch(cell):
        raise CellError(f"{cell!r} is not a number")
    return float(cell)


def object_id(cell: str | None) -> str | None:
    if cell is None:
        return None
    value = parse_csv_object_id(cell)
    if value is None:
        raise CellError(f"{cell!r} is not an id (ObjectId(<24 hex>) or 24 hex)")
    return value


@dataclass(frozen=True)
class Column:
    header: str  # the CSV column
    name: str  # the key in the parsed row (the model field)
    parse: Callable[[str | None], Any] = text
    required: bool = False


@dataclass
class Table:
    path: Path
    rows: list[dict[str, Any]]
    lines: list[int]  # the line each row starts on, for messages about a row


class DataFileError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_table(path: Path, columns: Sequence[Column], *, key: str = "id") -> Table:
    """Parse and check every row of one CSV; raise DataFileError listing every problem."""
    if not path.is_file():
        raise DataFileError([f"{path}: file not found"])
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    seen: dict[Any, int] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise DataFileError([f"{path.name}:1: empty file, expected a header row"]) from None
        expected = [c.header for c in columns]
        missing = [h for h in expected if h not in header]
        unknown = [h for h in header if h not in expected]
        if missing or unknown:
            reason = "; ".join(
                part
                for part in (
                    f"missing columns {', '.join(missing)}" if missing else "",
                    f"unknown columns {', '.join(unknown)}" if unknown else "",
                )
                if part
            )
            raise DataFileError([f"{path.name}:1: {reason} (expected {', '.join(expected)})"])
        index = {h: i for i, h in enumerate(header)}
        line = reader.line_num
        for record in reader:
            start, line = line + 1, reader.line_num
            if not record:
                continue
            if len(record) != len(header):
                problems.append(f"{path.name}:{start}: expected {len(header)} cells, found {len(record)}")
                continue
            row, row_problems = {}, []
            for column in columns:
                cell = record[index[column.header]]
                cell = None if cell in NULL_TOKENS else cell
                if cell is None and column.required:
                    row_problems.append(f"{column.header} is empty")
                    continue
                try:
                    row[column.name] = column.parse(cell)
                except CellError as error:
                    row_problems.append(f"{column.header}: {error}")
            if not row_problems and row.get(key) in seen:
                row_problems.append(f"duplicate {key} {row[key]} (first on line {seen[row[key]]})")
            if row_problems:
                problems.append(f"{path.name}:{start}: {'; '.join(row_problems)}")
                continue
            seen[row[key]] = start
            rows.append(row)
            lines.append(start)
    if problems:
        raise DataFileError(problems)
    return Table(path=path, rows=rows, lines=lines)


def check_references(table: Table, column: str, known: Table, *, header: str) -> None:
    """Every non-null `column` of `table` must be an id of `known` (same service, two files)."""
    ids = {row["id"] for row in known.rows}
    problems = [
        f"{table.path.name}:{line}: {header} {row[column]} is not in {known.path.name}"
        for row, line in zip(table.rows, table.lines, strict=True)
        if row[column] is not None and row[column] not in ids
    ]
    if problems:
        raise DataFileError(problems)
