"""How the curation assistant does on the curated articles: recall and precision (``make bench-curation``).

Each registered article is proposed as if it were new (its own records removed from the dataset) and
its candidates are matched with what was curated from it (see ``dprk_report.curation.evaluation``).
Prints a table and writes ``bench/curation-results.json``.
"""

from __future__ import annotations

import json
import sys

from dprk_report import paths
from dprk_report.curation.evaluation import score_all

#: The articles the assistant had never seen when they were curated (the archive's second batch).
NEW_BATCH = {f"S{number:03d}" for number in range(22, 70)}


def _summary(scores) -> dict:
    curated, covered = sum(s.curated for s in scores), sum(s.covered for s in scores)
    proposed, matching = sum(s.proposed for s in scores), sum(s.matching for s in scores)
    return {
        "articles": len(scores),
        "curated": curated,
        "covered": covered,
        "proposed": proposed,
        "matching": matching,
        "recall": round(covered / curated, 3) if curated else None,
        "precision": round(matching / proposed, 3) if proposed else None,
    }


def main() -> int:
    scores = score_all(paths.data_dir(), paths.archive_dir())
    results = {
        "all articles": _summary(scores),
        "articles 022-069": _summary([s for s in scores if s.source_id in NEW_BATCH]),
    }
    for name, summary in results.items():
        print(
            f"{name}: recall {summary['covered']}/{summary['curated']} = {summary['recall']:.0%}, "
            f"precision {summary['matching']}/{summary['proposed']} = {summary['precision']:.0%}"
        )
    (paths.PROJECT_ROOT / "bench" / "curation-results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
