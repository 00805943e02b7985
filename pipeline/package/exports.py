"""Parquet and DuckDB copies of a published package, typed from its Table Schemas.

One Parquet file per table and one DuckDB database holding every table with its primary and
foreign keys and the schemas' descriptions as comments. Both are derived from the CSVs, which
stay the reviewed source of truth: they are generated (`make exports`, `make site`,
`make release`), never committed - binary files do not diff, and these are reproduced byte for
byte from the CSVs.

    python -m pipeline.package.exports [--package DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from pipeline import schemas
from pipeline.package import read_back
from pipeline.paths import REPO_ROOT

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
}
# The same tables must give the same bytes (the release zip is reproducible). Newer storage
# formats write a random identifier into the file header, and compressed blocks keep whatever
# memory was left in their unused bytes; so: storage v1.2.0 (no identifier; checked with 2.0.0),
# no compression (the tables are small; the zip compresses the file), small blocks (the
# default 256 KiB block per column makes a 10 MB file), and one thread (one order of rows).
STORAGE_VERSION = "v1.2.0"
BLOCK_SIZE = 16384
DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "threads": 1,
    "force_compression": "uncompressed",
}
PARQUET_DIR = "parquet"
DEFAULT_OUT = REPO_ROOT / "exports"


def identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def database_name(package: read_back.PublishedPackage) -> str:
    return f"{package.name}.duckdb"


def column_comment(field: schemas.Field) -> str:
    return f"{field.description} (unit: {field.unit})" if field.unit else field.description


def create_table_sql(table: read_back.PublishedTable) -> str:
    """CREATE TABLE with types, NOT NULL, UNIQUE, the primary key and the foreign keys."""
    single_key = table.primary_key if len(table.primary_key) == 1 else ()
    lines = []
    for field in table.fields:
        column = f"{identifier(field.name)} {DUCKDB_TYPES[field.type]}"
        if field.constraints.required:
            column += " NOT NULL"
        if field.constraints.unique and (field.name,) != single_key:
            column += " UNIQUE"
        lines.append(column)
    lines.append(f"PRIMARY KEY ({', '.join(map(identifier, table.primary_key))})")
    for fk in table.foreign_keys:
        lines.append(
            f"FOREIGN KEY ({', '.join(map(identifier, fk.fields))}) REFERENCES "
            f"{identifier(fk.reference.resource)} "
            f"({', '.join(map(identifier, fk.reference.fields))})"
        )
    return f"CREATE TABLE {identifier(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def comments_sql(table: read_back.PublishedTable) -> list[str]:
    name = identifier(table.name)
    statements = [f"COMMENT ON TABLE {name} IS {literal(f'{table.title}. {table.description}')}"]
    for field in table.fields:
        column = f"{name}.{identifier(field.name)}"
        statements.append(f"COMMENT ON COLUMN {column} IS {literal(column_comment(field))}")
    return statements


def insert_table(
    con: duckdb.DuckDBPyConnection,
    package: read_back.PublishedPackage,
    table: read_back.PublishedTable,
) -> None:
    """The CSV's rows, read as the build reads them (empty cell = missing), cast to the
    column types; dates are ISO 8601 text in the CSV."""
    con.register("csv_rows", package.frame(table))
    columns = ", ".join(
        f"CAST({identifier(f.name)} AS {DUCKDB_TYPES[f.type]})" for f in table.fields
    )
    con.execute(f"INSERT INTO {identifier(table.name)} SELECT {columns} FROM csv_rows")
    con.unregister("csv_rows")


def _remove(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def write_database(package: read_back.PublishedPackage, target: Path) -> None:
    """Every table in a new DuckDB file at `target`, with keys and comments."""
    _remove(target)
    con = duckdb.connect(config=DUCKDB_CONFIG)
    try:
        con.execute(
            f"ATTACH {literal(str(target))} AS package "
            f"(STORAGE_VERSION '{STORAGE_VERSION}', BLOCK_SIZE {BLOCK_SIZE})"
        )
        con.execute("USE package")
        for table in package.in_dependency_order():
            con.execute(create_table_sql(table))
            for statement in comments_sql(table):
                con.execute(statement)
            insert_table(con, package, table)
        con.execute("CHECKPOINT package")
        con.execute("USE memory")
        con.execute("DETACH package")
    finally:
        con.close()


def write_parquet(database: Path, package: read_back.PublishedPackage, folder: Path) -> list[Path]:
    """One Parquet file per table, copied from the database so both have the same types."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect(str(database), read_only=True, config=DUCKDB_CONFIG)
    try:
        for table in package.tables:
            target = folder / f"{table.name}.parquet"
            con.execute(f"COPY {identifier(table.name)} TO {literal(str(target))} (FORMAT parquet)")
            written.append(target)
    finally:
        con.close()
    return written


def write(package_dir: Path, out_dir: Path) -> list[Path]:
    """The DuckDB database and the Parquet files of the package in `package_dir`."""
    package = read_back.PublishedPackage.load(package_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    database = out_dir / database_name(package)
    write_database(package, database)
    parquet_dir = out_dir / PARQUET_DIR
    expected = {f"{table.name}.parquet" for table in package.tables}
    for stale in parquet_dir.glob("*.parquet"):
        if stale.name not in expected:  # a table no longer published
            stale.unlink()
    return [database, *write_parquet(database, package, parquet_dir)]


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline.package.exports")
    parser.add_argument("--package", type=Path, default=REPO_ROOT, help="package folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = arguments().parse_args(argv)
    for path in write(args.package, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
