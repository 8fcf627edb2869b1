"""Past-report import: quality on the hand-annotated corpus, and parse speed.

    DJANGO_SETTINGS_MODULE=luoshi.settings .venv/bin/python bench/report_import.py [-v]

Quality (tests/fixtures/report_corpus/, answers written by hand; scoring rules in its
corpus_score.py): metric F1, section recall, problem/plan recall, boilerplate removed, body kept,
title/year/kind accuracy. ``-v`` lists every miss.

Speed, in a warm process (every text parsed once before timing, best of 5): parse time per
10,000 characters over the corpus and on one 10,000-character report, each also as a ratio
to a floor measured in the same run on the same text (a plain split into lines plus one
regular-expression pass over it), so that a busy machine shows in both. The target is
parsing ≤ 200 ms per 10,000 characters. The command's start-up is timed against a bare
``django.setup()``.
"""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fixtures" / "report_corpus")]

import django  # noqa: E402

django.setup()

import re  # noqa: E402

from corpus_score import THRESHOLDS, answers, figures, score_corpus  # noqa: E402

from luoshi.reports.importing import parse_text, read_path  # noqa: E402

REPEATS = 5
TARGET_MS_PER_10K = 200


def best_of(func, *args) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        func(*args)
        best = min(best, time.perf_counter() - start)
    return best


def floor(raw: str) -> None:
    lines = [line.strip() for line in raw.splitlines()]
    re.findall(r"\d+", "\n".join(lines))


def quality(verbose: bool) -> dict[str, str]:
    raws = {}

    def parse(path):
        raws[path.name] = read_path(path)
        return parse_text(raws[path.name])

    score, _parsed = score_corpus(parse)
    specs = answers()
    suffixes = sorted({Path(s["file"]).suffix for s in specs})
    print(
        f"corpus: {len(specs)} reports ({', '.join(suffixes)}), {sum(map(len, raws.values()))} characters"
    )
    for name, value in figures(score).items():
        floor_mark = f"   (threshold {THRESHOLDS[name]:.2f})" if name in THRESHOLDS else ""
        print(f"  {name:<20} {value:6.3f}{floor_mark}")
    if verbose:
        for tally in vars(score).values():
            for miss in tally.misses:
                print("   -", miss)
    return raws


def speed(raws: dict[str, str]) -> None:
    texts = list(raws.values())
    for raw in texts:
        parse_text(raw)  # warm: converters, compiled patterns
    chars = sum(map(len, texts))
    parse_s = sum(best_of(parse_text, raw) for raw in texts)
    floor_s = sum(best_of(floor, raw) for raw in texts)
    per_10k = parse_s / chars * 10_000 * 1000
    print(
        f"parse, whole corpus: {per_10k:.1f} ms per 10,000 characters "
        f"(floor {floor_s / chars * 10_000 * 1000:.3f} ms, ratio {parse_s / floor_s:.0f}x; "
        f"target ≤ {TARGET_MS_PER_10K} ms)"
    )
    big = ""
    for raw in sorted(texts, key=len, reverse=True):
        if len(big) >= 10_000:
            break
        big += raw + "\n"
    big = big[:10_000]
    big_s, big_floor = best_of(parse_text, big), best_of(floor, big)
    print(
        f"parse, one 10,000-character report: {big_s * 1000:.1f} ms "
        f"(floor {big_floor * 1000:.3f} ms, ratio {big_s / big_floor:.0f}x)"
    )


def startup() -> None:
    python = sys.executable
    sample = next(ROOT.glob("tests/fixtures/report_corpus/c01_*.txt"))

    def run(args) -> float:
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - start

    bare = min(run([python, "-c", "import django; django.setup()"]) for _ in range(3))
    command = min(
        run([python, "manage.py", "import_report", str(sample), "--json"]) for _ in range(3)
    )
    print(
        f"command start-up + parse (c01): {command:.2f} s; bare django.setup(): {bare:.2f} s "
        f"(ratio {command / bare:.1f}x)"
    )


if __name__ == "__main__":
    verbose = "-v" in sys.argv
    raws = quality(verbose)
    speed(raws)
    if "--no-startup" not in sys.argv:
        startup()
