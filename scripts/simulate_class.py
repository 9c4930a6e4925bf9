"""Made-up results of a class for an items file, as the web quiz would hand them back: one
results-<学号>.json per student (checksummed), to try `quizgen results collect` and `quizgen analyze`
without a class. Not data: each student is right with a probability that grows with a made-up
ability, and a few items are made to misbehave so the analysis has something to flag.

    python scripts/simulate_class.py items.yaml answers/ [--students 40] [--seed 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizgen.export.web import fingerprint, quiz_id  # noqa: E402
from quizgen.items import LETTERS, Item, ItemType, load_items  # noqa: E402
from quizgen.results.files import with_checksum  # noqa: E402


def response(it: Item, right: bool, rng: random.Random) -> Any:
    n = len(it.options)
    if it.type is ItemType.CHOICE:
        wrong = [x for x in LETTERS[:n] if x not in it.answer][:2]  # two popular distractors, the rest unused
        return list(it.answer) if right else [rng.choice(wrong)]
    if it.type in (ItemType.MULTI, ItemType.ORDER):
        return list(it.answer) if right else rng.sample(LETTERS[:n], min(n, 2))
    if it.type is ItemType.MATCH:
        return list(it.answer) if right else [rng.choice(LETTERS[:n]) for _ in it.left]
    if it.type is ItemType.TF:
        return it.answer[0] if right else ("错" if it.answer[0] == "对" else "对")
    if it.type is ItemType.FILL:
        return it.answer[0] if right else "不记得了"
    return it.answer[0][:60] if right else "不会"


def simulate(items: list[Item], folder: Path, students: int, rng: random.Random) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    # Item 2 is answered at random (no discrimination), item 4 by nearly everyone (too easy).
    quirks = {1: lambda a: rng.random() < 0.5, 3: lambda a: rng.random() < 0.97}
    paths = []
    for s in range(students):
        ability = rng.random()
        responses = []
        for j, it in enumerate(items):
            right = quirks[j](ability) if j in quirks else rng.random() < 0.15 + 0.8 * ability
            r = None if rng.random() < 0.03 else response(it, right, rng)
            responses.append(
                {
                    "item_id": it.id,
                    "seen": fingerprint(it),
                    "response": r,
                    "ms": rng.randint(4000, 90000),
                    "checked": False,
                }
            )
        sid = f"2025{s + 1:03d}"
        doc = {
            "format": "quizgen-results",
            "version": 1,
            "quiz": {"id": quiz_id(items), "title": "simulated", "mode": "exam", "items": len(items)},
            "student": {"name": f"学生{s + 1}", "id": sid},
            "started_at": "2025-03-01T08:00:00.000Z",
            "submitted_at": f"2025-03-01T08:{20 + s % 30:02d}:00.000Z",
            "timed_out": False,
            "responses": responses,
        }
        path = folder / f"results-{sid}.json"
        path.write_text(json.dumps(with_checksum(doc), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("items", type=Path)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    paths = simulate(load_items(a.items), a.folder, a.students, random.Random(a.seed))
    print(f"{len(paths)} simulated results files -> {a.folder}/", file=sys.stderr)


if __name__ == "__main__":
    main()
