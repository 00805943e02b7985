"""The Parquet files and the DuckDB database equal the published CSVs value for value, carry
the schemas' types, keys and descriptions, enforce foreign keys, and are byte-reproducible."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.package import exports, read_back
from pipeline.paths import REPO_ROOT

PACKAGE = read_back.PublishedPackage.load(REPO_ROOT)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    exports.write(REPO_ROOT, out)
    return out


def database(folder: Path) -> Path:
    return folder / exports.database_name(PACKAGE)


def cell(value: object) -> object:
    """One value in a form both sides share: missing as None, dates as ISO text."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def csv_rows(table: read_back.PublishedTable) -> list[tuple]:
    frame = PACKAGE.frame(table)
    return [tuple(cell(v) for v in row) for row in frame.itertuples(index=False)]


def query_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return [tuple(cell(v) for v in row) for row in con.execute(sql).fetchall()]


@pytest.mark.parametrize("table", PACKAGE.tables, ids=lambda t: t.name)
def test_parquet_equals_the_csv_value_for_value(exported, table):
    path = exported / exports.PARQUET_DIR / f"{table.name}.parquet"
    with duckdb.connect() as con:
        columns = [n for n, *_ in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
        assert columns == table.field_names
        assert query_rows(con, f"SELECT * FROM '{path}'") == csv_rows(table)


@pytest.mark.parametrize("table", PACKAGE.tables, ids=lambda t: t.name)
def test_database_table_equals_the_csv_value_for_value(exported, table):
    with duckdb.connect(str(database(exported)), read_only=True) as con:
        assert query_rows(con, f'SELECT * FROM "{table.name}"') == csv_rows(table)


def test_types_follow_the_schemas(exported):
    expected = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE"}
    expected |= {"boolean": "BOOLEAN", "date": "DATE"}
    with duckdb.connect(str(database(exported)), read_only=True) as con:
        for table in PACKAGE.tables:
            found = dict(
                con.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?",
                    [table.name],
                ).fetchall()
            )
            assert found == {f.name: expected[f.type] for f in table.fields}, table.name
            path = exported / exports.PARQUET_DIR / f"{table.name}.parquet"
            parquet = dict(
                con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()[i][:2]
                for i in range(len(table.fields))
            )
            assert parquet == found, table.name


def test_keys_and_comments_come_from_the_schemas(exported):
    with duckdb.connect(str(database(exported)), read_only=True) as con:
        for table in PACKAGE.tables:
            constraints = con.execute(
                "SELECT constraint_type, constraint_column_names, referenced_table "
                "FROM duckdb_constraints() WHERE table_name = ?",
                [table.name],
            ).fetchall()
            primary = [list(c[1]) for c in constraints if c[0] == "PRIMARY KEY"]
            assert primary == [list(table.primary_key)], table.name
            foreign = sorted((tuple(c[1]), c[2]) for c in constraints if c[0] == "FOREIGN KEY")
            declared = sorted((fk.fields, fk.reference.resource) for fk in table.foreign_keys)
            assert foreign == declared, table.name
            comments = dict(
                con.execute(
                    "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?",
                    [table.name],
                ).fetchall()
            )
            assert comments == {f.name: exports.column_comment(f) for f in table.fields}
    assert exports.column_comment(PACKAGE.table("roxham_road_totals").field("total_claims")) == (
        "Total asylum claims at Roxham Road in the period, as printed. (unit: asylum claims)"
    )


def test_the_database_enforces_foreign_keys(exported, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(database(exported), copy)
    with duckdb.connect(str(copy)) as con:
        row = con.execute("SELECT * FROM roxham_road_claims LIMIT 1").fetchone()
        columns = [c[0] for c in con.execute("DESCRIBE roxham_road_claims").fetchall()]
        orphan = dict(zip(columns, row, strict=True)) | {"year": 1901, "rank": 1}
        placeholders = ", ".join("?" for _ in columns)
        with pytest.raises(duckdb.ConstraintException, match="foreign key"):
            con.execute(
                f"INSERT INTO roxham_road_claims VALUES ({placeholders})", list(orphan.values())
            )
        unknown_document = dict(zip(columns, row, strict=True)) | {
            "rank": 99,
            "document_id": "nope",
        }
        with pytest.raises(duckdb.ConstraintException, match="foreign key"):
            con.execute(
                f"INSERT INTO roxham_road_claims VALUES ({placeholders})",
                list(unknown_document.values()),
            )


def test_exports_are_byte_reproducible(exported, tmp_path):
    exports.write(REPO_ROOT, tmp_path)
    first = {
        p.relative_to(exported): p.read_bytes() for p in sorted(exported.rglob("*")) if p.is_file()
    }
    second = {
        p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()
    }
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_parquet_is_written_while_another_process_reads_the_database(exported, tmp_path):
    """The database is opened read-only: a reader holding it open (a notebook) does not stop
    the Parquet files from being written."""
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); print(1)"
    reader = subprocess.Popen(
        [sys.executable, "-c", hold + "; sys.stdin.read()", str(database(exported))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "1\n"
        written = exports.write_parquet(database(exported), PACKAGE, tmp_path)
    finally:
        reader.communicate("")
    assert [path.name for path in written] == [f"{t.name}.parquet" for t in PACKAGE.tables]


def test_tables_are_created_after_the_tables_they_reference():
    order = [table.name for table in PACKAGE.in_dependency_order()]
    for table in PACKAGE.tables:
        for referenced in table.referenced_tables():
            assert order.index(referenced) < order.index(table.name)


def readme_examples() -> list[str]:
    """The python blocks of the README's "Looking at the data" section (list items)."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Looking at the data", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```", section, re.S | re.M)
    return [textwrap.dedent(code) for _, code in blocks]


def test_the_readme_one_liners_run(tmp_path, monkeypatch):
    examples = readme_examples()
    assert len(examples) == 2 and all("exports/" in code for code in examples)
    exports.write(REPO_ROOT, tmp_path / "exports")
    monkeypatch.chdir(tmp_path)
    try:
        for code in examples:
            namespace: dict = {}
            exec(compile(code, "README.md", "exec"), namespace)
            frames = [v for v in namespace.values() if isinstance(v, pd.DataFrame)]
            assert frames and all(len(frame) > 0 for frame in frames), code
    finally:
        # `duckdb.sql` opens DuckDB's default connection, whose threads would outlive the test:
        # a process forked later (mutmut's workers) deadlocks on its first query.
        duckdb.close()


def test_a_text_cell_printing_na_or_null_is_read_back_as_text_and_only_an_empty_one_is_missing(
    tmp_path: Path,
) -> None:
    """pandas reads "NA", "None", "null", "N/A" and "nan" as missing by default; a published
    text is read back as printed (a country code, a name), and only an empty cell is missing."""
    fields = [
        {"name": "code", "type": "string", "description": "a code"},
        {"name": "count", "type": "integer", "description": "a count"},
    ]
    resource = {"name": "t", "path": "t.csv", "schema": {"fields": fields}}
    (tmp_path / read_back.DESCRIPTOR).write_text(json.dumps({"name": "p", "resources": [resource]}))
    printed = ["NA", "None", "null", "N/A", "nan", ""]
    rows = "".join(f"{code},{n}\n" for n, code in enumerate(printed))
    (tmp_path / "t.csv").write_text(f"code,count\n{rows}", encoding="utf-8")
    package = read_back.PublishedPackage.load(tmp_path)
    frame = package.frame(package.tables[0])
    assert frame["code"].tolist()[:-1] == printed[:-1]
    assert pd.isna(frame["code"].iloc[-1])
