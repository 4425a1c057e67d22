"""docs/data-model.md keeps up with the schema: every table of the models has its section, and
every column its row there."""

from __future__ import annotations

import re
from pathlib import Path

from lmsdesk_server.db import models  # noqa: F401 - registers every table
from lmsdesk_server.db.base import Base

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"


def _documented() -> dict[str, set[str]]:
    """table -> the column names the rows of its section's tables name (first cell)."""
    columns: dict[str, set[str]] = {}
    for section in re.split(r"^### ", DOC.read_text(), flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        tables = re.findall(r"`([a-z_]+)`", heading)
        named: set[str] = set()
        for line in body.splitlines():
            if line.startswith("| `"):
                first_cell = line.split("|")[1]
                named |= set(re.findall(r"`([a-z_0-9]+)`", first_cell))
        for table in tables:
            columns.setdefault(table, set()).update(named)
    return columns


def test_every_table_and_column_of_the_models_is_in_the_data_model_document() -> None:
    documented = _documented()
    missing_tables = sorted(set(Base.metadata.tables) - set(documented))
    assert missing_tables == [], f"tables without a section in {DOC.name}: {missing_tables}"
    missing_columns = sorted(
        f"{name}.{column.name}"
        for name, table in Base.metadata.tables.items()
        for column in table.columns
        if column.name not in documented[name]
    )
    assert missing_columns == [], f"columns missing from {DOC.name}: {missing_columns}"


def test_the_document_names_no_table_the_models_do_not_have() -> None:
    assert sorted(set(_documented()) - set(Base.metadata.tables)) == []
