"""`python -m pipeline todo [DOCUMENT_ID]`: every number of a document (of every document without
one) that nothing publishes or skips, listed at once with its line and sentence, the dates
skipped as dates listed apart, and drafts of the declarations that would publish them written to
drafts/<document_id>/. The numbers come from an evaluation of the asset graph up to number
coverage, in a process of its own (`evaluate`); when a broken declaration of another document
stops it, that document's locators are left out and the graph is evaluated again
(extract/views.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import SourceError
from pipeline.paths import REPO_ROOT, Paths

if TYPE_CHECKING:  # the stack is imported only by the evaluation
    from pipeline.reconcile.coverage import Unpublished
    from pipeline.reconcile.coverage.drafts import Drafts
    from pipeline.sources.snapshot import RawSnapshot

DRAFTS = "drafts"  # beside the package: drafts/<document_id>/<kind>.yaml, for the maintainer
# Every evaluation runs in a process of its own: the declarations are read as the asset graph
# is defined, once a process, from the folder CLM_DECLARATIONS_DIR names.
EVALUATION = "import sys; from pipeline.todo import evaluate; evaluate(sys.argv[1])"


class TodoFailed(Exception):
    """The numbers could not be listed: an error no document's declarations explain."""


def evaluate(found: str) -> None:
    """Write to the file `found`, as JSON, every number nothing publishes or skips (document,
    line, column and pending rule), or the error that stopped the asset graph and its file."""
    from pipeline.assets.checks import CheckFailed
    from pipeline.reconcile import RuleError

    result: dict[str, object]
    try:
        from pipeline import graph  # defining the graph reads the declarations: may fail

        unpublished, dated = graph.unpublished(Paths.from_env())
        result = {
            name: [[u.token.document_id, u.token.line, u.token.column, u.rule] for u in found]
            for name, found in (("unpublished", unpublished), ("dated", dated))
        }
    except SourceError as error:
        result = {"error": str(error), "path": error.path}
    except (RuleError, CheckFailed) as error:
        result = {"error": str(error), "path": None}
    Path(found).write_text(json.dumps(result), encoding="utf-8")


def _evaluated(paths: Paths, declarations: Path, folder: Path) -> dict:
    """The result of `evaluate` in a new process reading the declarations of `declarations`."""
    found = folder / "found.json"
    roots = {
        "CLM_RAW_DIR": paths.raw_dir,
        "CLM_OUT_DIR": paths.out_dir,
        "CLM_DECLARATIONS_DIR": declarations,
        "CLM_SCHEMAS_DIR": paths.schemas_dir,
    }
    env = os.environ | {name: str(root.resolve()) for name, root in roots.items()}
    done = subprocess.run(
        [sys.executable, "-c", EVALUATION, str(found)],
        cwd=REPO_ROOT,  # where `-c` imports this pipeline from
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not found.exists():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise TodoFailed(f"the asset graph could not be evaluated: {last}")
    return json.loads(found.read_text(encoding="utf-8"))


def _unpublished_apart(
    paths: Paths, raw: RawSnapshot, document_id: str | None
) -> tuple[list[Unpublished], list[Unpublished], dict[str, str]]:
    """Every number nothing publishes or skips, those skipped as dates (an event may publish
    them), and the documents whose locators were left out, with the error that left each out:
    when the error of an evaluation names another document (its raw file or a file of its
    declarations), the graph is evaluated again without that document's locators
    (extract/views.py)."""
    from pipeline.extract import views

    left_out: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="todo-") as temporary:
        while True:
            folder = Path(temporary) / str(len(left_out))
            folder.mkdir()
            declarations = paths.declarations_dir
            if left_out:
                declarations = views.without(declarations, left_out, folder / "declarations")
            found = _evaluated(paths, declarations, folder)
            if "unpublished" in found:
                break
            culprit = views.document_of(found["path"] or "", raw.paths)
            if culprit is None or culprit == document_id or culprit in left_out:
                raise TodoFailed(found["error"])
            left_out[culprit] = found["error"]
    return _tokens(raw, found["unpublished"]), _tokens(raw, found["dated"]), left_out


def _tokens(raw: RawSnapshot, found: list[list]) -> list[Unpublished]:
    """The numbers `evaluate` found (document, line, column, rule), as tokens of raw/."""
    from pipeline.reconcile.coverage import held_at

    return held_at(raw.documents, {(d, line, column): rule for d, line, column, rule in found})


def _write_drafts(paths: Paths, drafts: Drafts) -> list[Path]:
    """drafts/<document_id>/<kind>.yaml, the folder rewritten: the drafts of this run only."""
    folder = paths.out_dir / DRAFTS / drafts.document_id
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    written = []
    for name, text in drafts.files().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def run(paths: Paths, document_id: str | None) -> int:
    """List at once every number of a document (of every document without one) that nothing
    publishes or skips, each with its line and sentence, and write drafts of the declarations
    that would publish them; 0 when nothing is pending."""
    from pipeline.extract import hedges
    from pipeline.reconcile.coverage import drafts
    from pipeline.sources import snapshot

    try:
        raw = snapshot.take(paths.raw_dir)
        if document_id is not None and document_id not in raw.documents:
            manifest = f"raw/{snapshot.MANIFEST_NAME}"
            raise SourceError(manifest, None, "a document of the manifest", document_id)
        unpublished, dated, left_out = _unpublished_apart(paths, raw, document_id)
        declared_hedges = hedges.load(paths.declarations_dir / hedges.HEDGES.name)
    except (SourceError, TodoFailed) as error:
        print(f"todo failed: {error}", file=sys.stderr)
        return 1
    for other, reason in left_out.items():
        print(f"{other}: locators left out, broken: {reason}", file=sys.stderr)
    wanted = [document_id] if document_id else [d for d in raw.documents if d not in left_out]
    listed = 0
    for wanted_id in wanted:
        items = [u for u in unpublished if u.token.document_id == wanted_id]
        dates = [u for u in dated if u.token.document_id == wanted_id]
        document = raw.documents[wanted_id]
        # A date skipped as a date is drafted too (an event, or a fact's period), not listed as
        # pending: nothing requires it published.
        made = drafts.draft(document, [u.token for u in items + dates], declared_hedges)
        if items:
            print(f"{wanted_id}: {len(items)} number(s) neither published nor skipped")
            print("\n".join(made.listed(document, items)))
        if dates:
            print(f"{wanted_id}: {len(dates)} date(s) skipped as dates, which an event may publish")
            print("\n".join(made.listed(document, dates, "skipped as a date by rule")))
        if written := _write_drafts(paths, made):
            names = ", ".join(path.name for path in written)
            print(
                f"drafts: {written[0].parent}/ ({names}): edit every TODO, move the entries into "
                f"the declarations of {wanted_id}, then run `python -m pipeline todo {wanted_id}`"
            )
        listed += len(items)
    if not listed:
        print(f"nothing pending: every number of {document_id or 'raw/'} is published or skipped")
    # Without an id, a document left out is one whose numbers are not known.
    return 1 if listed or (left_out and document_id is None) else 0
