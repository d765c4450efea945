"""Test helpers shared by the suites: an independent reading of the source CSVs (to derive
expected counts from the data rather than type them). Processes: lotr_devstack."""

import csv
import re
from pathlib import Path

# The null tokens of the original's pandas pipeline (spec §11.1), kept apart from the
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


def clean_dialog(text: str) -> str:
    return re.sub(r"\s{2,}", " ", text).strip()


def __getattr__(name: str):
    """The process helpers moved to lotr_devstack (development only, never in an image);
    the old names keep working for the suites that import them from here."""
    if name in ("BIN", "Process", "ServiceProcess", "free_port"):
        import lotr_devstack

        return getattr(lotr_devstack, name)
    raise AttributeError(name)
