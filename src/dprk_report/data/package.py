"""The dataset described for machines: a Frictionless Data Package (``datapackage.json``).

Every field's type, pattern, unit, required/unique flags and enumerated vocabulary come from the codebook's rules
(``data.columns``), and its description from the codebook's tables (``data/README.md``), so nothing is typed
twice. The tables it describes are the downloads beside it; ``frictionless`` validates the whole package in
the tests and before a release.
"""

from __future__ import annotations

import re

from dprk_report.data.columns import TABLE_COLUMNS, Column, Form, OneOf, RealDate
from dprk_report.data.tables import ID_COLUMNS, TABLES

NAME = "dprk-troops-statements-estimates"
DATA_LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
#: Columns that name a source, and the column of the table they point into.
SOURCE_REFERENCES = {
    "citations": ("source_id",),
    "statements": ("date_resolved_against",),
    "estimates": ("date_resolved_against",),
}
_CODEBOOK_ROW = re.compile(r"^\|\s*(`[^|]+`)\s*\|\s*(.+?)\s*\|\s*$")
_CODEBOOK_TABLE = re.compile(r"^## `(\w+)\.csv`")


def codebook_descriptions(codebook: str) -> dict[str, dict[str, str]]:
    """Each table's column descriptions as the codebook writes them (a row may describe several columns)."""
    described: dict[str, dict[str, str]] = {}
    table = None
    for line in codebook.splitlines():
        if heading := _CODEBOOK_TABLE.match(line):
            table = heading.group(1)
            described.setdefault(table, {})
        elif line.startswith("## "):
            table = None
        elif table and (row := _CODEBOOK_ROW.match(line)):
            for column in re.findall(r"`([^`]+)`", row.group(1)):
                described[table][column] = row.group(2)
    return described


def field_descriptor(name: str, column: Column, description: str | None) -> dict:
    """One Table Schema field from a column's rules (``data.columns``)."""
    field: dict = {"name": name, "type": "string"}
    constraints: dict = {}
    for rule in column.rules:
        if isinstance(rule, OneOf):
            constraints["enum"] = list(rule.values)
        elif isinstance(rule, Form | RealDate):
            field["type"] = rule.type
            if rule.type == "string":
                constraints["pattern"] = rule.pattern
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if field["type"] == "integer":
        constraints["minimum"] = 0
    if description:
        field["description"] = description
    if column.unit:
        field["unit"] = column.unit
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: str, columns: list[str], descriptions: dict[str, str]) -> dict:
    """The Table Schema of one table, for the columns its file has, in the file's order."""
    defined = TABLE_COLUMNS[table]
    schema: dict = {
        "fields": [field_descriptor(name, defined[name], descriptions.get(name)) for name in columns],
        "missingValues": [""],
        "primaryKey": [ID_COLUMNS[table]],
    }
    references = [name for name in SOURCE_REFERENCES.get(table, ()) if name in columns]
    if references:
        schema["foreignKeys"] = [
            {"fields": [name], "reference": {"resource": "sources", "fields": ["source_id"]}} for name in references
        ]
    return schema


def descriptor(
    headers: dict[str, list[str]],
    codebook: str,
    title: str,
    version: str | None = None,
    release_date: str | None = None,
) -> dict:
    """The data package of the four tables (``headers``: each table's columns as its file has them).

    ``version`` names the release the tables are (none for data not yet released)."""
    descriptions = codebook_descriptions(codebook)
    package: dict = {
        "name": NAME,
        "title": title,
        "description": (
            "Official statements about North Korea's troop deployment to Russia's war against Ukraine, and "
            "estimates of the troops deployed, killed and wounded, each traced to an archived news article "
            "through a short verbatim quote. The codebook (codebook.md) explains every field. Quotes are "
            "the cited publishers' words, reproduced briefly for verification."
        ),
        "licenses": [DATA_LICENCE],
        "resources": [
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(table, headers[table], descriptions.get(table, {})),
            }
            for table in TABLES
        ],
    }
    if version:
        package["version"] = version
    if release_date:
        package["created"] = f"{release_date}T00:00:00Z"
    return package
