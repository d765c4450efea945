"""An independent reading of the source CSVs, shared by the suites: expected documents and
counts are derived from the data rather than typed. Processes are lotr_devstack's."""

import csv
from pathlib import Path

# The null tokens of the original's pandas pipeline, kept apart from the
# importer on purpose: the tests' expectations must not share its code.
_NULLS = {
    "", "NaN", "nan", "-NaN", "-nan", "NA", "N/A", "n/a", "NULL", "null", "None", "<NA>",
    "#N/A", "#N/A N/A", "#NA", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN",
}  # fmt: skip


def csv_documents(path: Path) -> list[dict]:
    """Rows of a One-API CSV as the API should serve them: `_id` first, nulls, bare ids."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    docs = []
    for row in rows:
        doc = {"_id": None}
        for key, value in row.items():
            if value in _NULLS:
                value = None
            elif value.startswith("ObjectId(") and value.endswith(")"):
                value = value[len("ObjectId(") : -1].lower()
            doc[key] = value
        docs.append(doc)
    return docs
