"""Harmonise printed country names to ISO3 and build the `countries` table."""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

import pandas as pd

from pipeline import declared, schemas
from pipeline.errors import SourceError

DECLARATIONS = Path(__file__).resolve().parent / "declarations" / "country_names.yaml"
# country_converter's `continent` names -> UN M49 region names.
M49_REGION = {"America": "Americas"}
LATIN_AMERICA_CARIBBEAN_SUBREGIONS = {"Caribbean", "Central America", "South America"}


@cache
def _converter():
    import country_converter as coco  # slow import (about 1.4 s): only when harmonising

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


class CountryNames(declared.Declared):
    """Printed names in a country column that denote no country, each with the reason."""

    not_a_country: dict[str, str]


@cache
def not_a_country() -> frozenset[str]:
    return frozenset(declared.load(CountryNames, DECLARATIONS).not_a_country)


def iso3_of(names: list[str]) -> dict[str, str | None]:
    """ISO3 code of each distinct name; None for names declared as not a country."""
    distinct = sorted(set(names) - not_a_country())
    codes = _converter().convert(distinct, to="ISO3", not_found=None) if distinct else []
    if isinstance(codes, str):
        codes = [codes]
    mapping: dict[str, str | None] = dict.fromkeys(set(names) & not_a_country())
    for name, code in zip(distinct, codes, strict=True):
        mapping[name] = code if isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code) else ""
    return mapping


def add_iso3(
    frame: pd.DataFrame, paths: dict[str, str], name_column: str = "country_as_printed"
) -> pd.DataFrame:
    """Add `country_iso3` next to the printed name; an unknown name stops the build."""
    mapping = iso3_of(frame[name_column].tolist())
    unknown = frame[frame[name_column].map(mapping) == ""]
    if not unknown.empty:
        row = unknown.iloc[0]
        raise SourceError(
            paths.get(row["document_id"], row["document_id"]),
            int(row[schemas.line_columns(frame)[0]]),
            "a country name country_converter recognises, or one declared in "
            "pipeline/declarations/country_names.yaml",
            row[name_column],
        )
    out = frame.copy()
    out["country_iso3"] = out[name_column].map(mapping)
    return out


def countries_table(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per ISO3 code found in `frames`, with where it is first named (by document_id
    and line); printed names come from `country_as_printed` where a frame has it (prose facts
    carry only the code)."""
    mentions = pd.concat(
        [
            pd.DataFrame(
                {
                    "country_iso3": f["country_iso3"],
                    "document_id": f["document_id"],
                    "line": f[schemas.line_columns(f)[0]],
                    "line_last": f[schemas.line_columns(f)[1]],
                }
            )
            for f in frames
        ],
        ignore_index=True,
    ).dropna(subset=["country_iso3"])
    first = (
        mentions.sort_values(["country_iso3", "document_id", "line"])
        .groupby("country_iso3")
        .first()
    )
    codes = first.index.tolist()
    named = [f[["country_iso3", "country_as_printed"]] for f in frames if "country_as_printed" in f]
    printed = (
        pd.concat(named, ignore_index=True)
        .dropna()
        .drop_duplicates()
        .sort_values(["country_iso3", "country_as_printed"])
        .groupby("country_iso3")["country_as_printed"]
        .agg(" | ".join)
        .reindex(codes)
    )
    # country_converter's own table, looked up by code: `convert` matches every name pattern
    # of every country for each code, which is most of this step's time.
    by_code = _converter().data.drop_duplicates("ISO3").set_index("ISO3")

    def lookup(to: str) -> list[str]:
        return by_code.loc[codes, to].tolist()

    subregions = lookup("UNregion")
    return pd.DataFrame(
        {
            "country_iso3": codes,
            "name": lookup("name_short"),
            "un_region": [M49_REGION.get(c, c) for c in lookup("continent")],
            "un_subregion": subregions,
            "latin_america_caribbean": [
                s in LATIN_AMERICA_CARIBBEAN_SUBREGIONS for s in subregions
            ],
            "names_as_printed": printed.tolist(),
            "document_id": first["document_id"].tolist(),
            "line_start": first["line"].astype(int).tolist(),
            "line_end": first["line_last"].astype(int).tolist(),
        }
    )
