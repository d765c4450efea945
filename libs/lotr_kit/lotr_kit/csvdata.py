"""Checking One-API records, from CSVs the way the original's import pipeline reads them
or from the JSON a /v2 server answers, into the rows an importer writes.

CSV: cells equal to a pandas null token become None, `ObjectId(<hex>)` becomes the hex id,
nothing is trimmed. JSON: null stays None, a value of the wrong type is a problem. Both
readers check every record the same way (types, required values, duplicate ids, references
between collections); problems come back as `<where>: reason`, where is `file:line` for a
CSV and `<collection> <id>` for a record from a server.
"""

import csv
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .objectid import normalize_object_id, parse_csv_object_id
from .query.resources import NUMBER, OBJECT_ID, STRING, Resource

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


class Kind:
    """How one type of value is read from a CSV cell or a JSON value, and written to a cell."""

    def from_cell(self, cell: str | None) -> Any:
        return cell

    def from_json(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        raise CellError(f"{value!r} is not a string")

    def to_cell(self, value: Any) -> str:
        return "" if value is None else value


class _Number(Kind):
    def from_cell(self, cell):
        if cell is None:
            return None
        if not _NUMBER.fullmatch(cell):
            raise CellError(f"{cell!r} is not a number")
        return float(cell)

    def from_json(self, value):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise CellError(f"{value!r} is not a number")
        return float(value)

    def to_cell(self, value):
        if value is None:
            return ""
        return str(int(value)) if float(value).is_integer() else repr(float(value))


class _ObjectId(Kind):
    def from_cell(self, cell):
        if cell is None:
            return None
        value = parse_csv_object_id(cell)
        if value is None:
            raise CellError(f"{cell!r} is not an id (ObjectId(<24 hex>) or 24 hex)")
        return value

    def from_json(self, value):
        if value is None:
            return None
        found = normalize_object_id(value) if isinstance(value, str) else None
        if found is None:
            raise CellError(f"{value!r} is not an id (24 hex)")
        return found

    def to_cell(self, value):
        return "" if value is None else f"ObjectId({value})"


text = Kind()
number = _Number()
object_id = _ObjectId()


@dataclass(frozen=True)
class Column:
    header: str  # the CSV column, which is also the key in the server's JSON
    name: str  # the key in the parsed row (the model field)
    kind: Kind = text
    required: bool = False


def resource_columns(resource: Resource) -> tuple[Column, ...]:
    """The columns of a resource's declaration: each field's key is the header (the CSV's and the
    JSON's), its model field the row's key and its type how a value is read; a field that may
    not be null is required."""
    kinds = {STRING: text, NUMBER: number, OBJECT_ID: object_id}
    return tuple(Column(f.key, f.model_field, kinds[f.type], required=not f.nullable) for f in resource.fields)


@dataclass(frozen=True)
class Collection:
    """One collection of records: its /v2 path, its CSV file, its columns, and which of its
    columns hold ids of another collection of the same service (column name -> path)."""

    path: str
    file: str
    columns: tuple[Column, ...]
    references: dict[str, str] = field(default_factory=dict)
    key: str = "id"


@dataclass
class Table:
    source: str  # the file or collection the rows came from, for messages
    rows: list[dict[str, Any]]
    where: list[str]  # where each row came from (file:line, or collection and id)


class DataFileError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _check_row(values, columns: Sequence[Column], read) -> tuple[dict, list[str]]:
    row, problems = {}, []
    for column in columns:
        value = values(column)
        try:
            parsed = read(column.kind, value)
        except CellError as error:
            problems.append(f"{column.header}: {error}")
            continue
        if parsed is None and column.required:
            problems.append(f"{column.header} is empty")
            continue
        row[column.name] = parsed
    return row, problems


class _Checked:
    """The rows checked so far, where each came from, and every problem found."""

    def __init__(self, key: str):
        self.key = key
        self.rows: list[dict[str, Any]] = []
        self.where: list[str] = []
        self.problems: list[str] = []
        self.first: dict[Any, str] = {}  # id -> where it was first seen, for a duplicate

    def add(self, row: dict, row_problems: list[str], label: str, mark: str) -> None:
        if not row_problems and row.get(self.key) in self.first:
            row_problems.append(f"duplicate {self.key} {row[self.key]} (first {self.first[row[self.key]]})")
        if row_problems:
            self.problems.append(f"{label}: {'; '.join(row_problems)}")
            return
        self.first[row[self.key]] = mark
        self.rows.append(row)
        self.where.append(label)

    def table(self, source: str) -> "Table":
        if self.problems:
            raise DataFileError(self.problems)
        return Table(source=source, rows=self.rows, where=self.where)


def read_table(path: Path, columns: Sequence[Column], *, key: str = "id") -> Table:
    """Parse and check every row of one CSV; raise DataFileError listing every problem."""
    if not path.is_file():
        raise DataFileError([f"{path}: file not found"])
    checked = _Checked(key)
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
            label = f"{path.name}:{start}"
            if len(record) != len(header):
                checked.problems.append(f"{label}: expected {len(header)} cells, found {len(record)}")
                continue

            def cell(column, record=record):
                value = record[index[column.header]]
                return None if value in NULL_TOKENS else value

            row, row_problems = _check_row(cell, columns, lambda kind, value: kind.from_cell(value))
            checked.add(row, row_problems, label, f"on line {start}")
    return checked.table(path.name)


def records_table(records: list, columns: Sequence[Column], *, source: str, key: str = "id") -> Table:
    """Check every record a server sent for one collection (a missing key counts as null);
    raise DataFileError naming each bad record by its id, else by its place in the list."""
    checked = _Checked(key)
    key_header = next(c.header for c in columns if c.name == key)
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            checked.problems.append(f"{source} record {position}: not a JSON object")
            continue
        raw_id = record.get(key_header)
        label = f"{source} {raw_id[:40]}" if isinstance(raw_id, str) and raw_id else f"{source} record {position}"
        row, row_problems = _check_row(
            lambda column, r=record: r.get(column.header), columns, lambda kind, value: kind.from_json(value)
        )
        checked.add(row, row_problems, label, f"as record {position}")
    return checked.table(source)


def check_references(table: Table, column: str, known: Table, *, header: str) -> None:
    """Every non-null `column` of `table` must be an id of `known` (same service, two collections)."""
    ids = {row["id"] for row in known.rows}
    problems = [
        f"{where}: {header} {row[column]} is not in {known.source}"
        for row, where in zip(table.rows, table.where, strict=True)
        if row[column] is not None and row[column] not in ids
    ]
    if problems:
        raise DataFileError(problems)


def check_collections(tables: dict[str, Table], collections: Sequence[Collection]) -> dict[str, Table]:
    """The references between the collections of one service, once every one is read."""
    for collection in collections:
        headers = {c.name: c.header for c in collection.columns}
        for column, target in collection.references.items():
            check_references(tables[collection.path], column, tables[target], header=headers[column])
    return tables


def read_tables(data_dir: Path, collections: Sequence[Collection]) -> dict[str, Table]:
    """Every collection's CSV in `data_dir`, checked, keyed by collection path."""
    tables = {c.path: read_table(data_dir / c.file, c.columns, key=c.key) for c in collections}
    return check_collections(tables, collections)


def csv_columns(collection: Collection) -> list[Column]:
    """The columns in the original's CSV order: the id last."""
    return [c for c in collection.columns if c.name != collection.key] + [
        c for c in collection.columns if c.name == collection.key
    ]


def write_tables(data_dir: Path, collections: Sequence[Collection], tables: dict[str, Table]) -> None:
    """Write each table as the CSV `read_table` reads back into the very same rows; a value
    that would not come back the same (a text equal to a null token, say) is a DataFileError
    naming its record, raised before any file is written."""
    problems = [
        f"{where}: {column.header} {row[column.name]!r} would read back as null from a CSV"
        for collection in collections
        for row, where in zip(tables[collection.path].rows, tables[collection.path].where, strict=True)
        for column in collection.columns
        if column.kind is text and row[column.name] in NULL_TOKENS
    ]
    if problems:
        raise DataFileError(problems)
    for collection in collections:
        columns = csv_columns(collection)
        with (data_dir / collection.file).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([c.header for c in columns])
            for row in tables[collection.path].rows:
                writer.writerow([c.kind.to_cell(row[c.name]) for c in columns])
