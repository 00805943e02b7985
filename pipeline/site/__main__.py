"""`python -m pipeline.site [--package DIR] [--sources-root DIR] [--out DIR]` (`make site`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.paths import REPO_ROOT
from pipeline.site import generate


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline.site", description=__doc__)
    parser.add_argument(
        "--package", type=Path, default=REPO_ROOT, help="package folder (datapackage.json)"
    )
    parser.add_argument(
        "--sources-root",
        type=Path,
        default=None,
        help="folder with raw/manifest.yaml and the raw files (default: --package)",
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "site", help="site folder")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = arguments().parse_args(argv)
    written = generate(args.package, args.out, args.sources_root)
    print(f"site: {len(written)} pages in {args.out} (open {args.out / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
