"""``python -m bench.data --scale small|full [--database-url URL]``: build a bench platform."""

from __future__ import annotations

import argparse
import os

from bench.data import SCALES, build
from bench.paths import default_database_url


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the bench platform (bench/data).")
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="default: DATABASE_URL, else a SQLite file in bench/results/",
    )
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    url = args.database_url or default_database_url(args.scale)
    print(f"generating the {args.scale} platform in {url}")
    info = build(url, args.scale, args.seed)
    for name, value in info.items():
        print(f"  {name}: {value}")


if __name__ == "__main__":
    main()
