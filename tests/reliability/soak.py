"""`make soak`: the whole fault-injection suite at full counts, then the table (exit 1 on any failure).

python -m tests.reliability.soak [--kills 200] [--concurrent 20] [--damaged 50] [--rekeys 20]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time

from tests.reliability import harness


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--damaged", type=int, default=50)
    parser.add_argument("--rekeys", type=int, default=20)
    parser.add_argument("--only", help="comma-separated families: malformed,names,kills,concurrent,damaged,rekeys")
    args = parser.parse_args()
    families = {
        "malformed": lambda w: harness.malformed_family(w),
        "names": lambda w: harness.names_family(w),
        "kills": lambda w: harness.kill_family(w, args.kills),
        "concurrent": lambda w: harness.concurrent_family(w, args.concurrent),
        "damaged": lambda w: harness.damaged_family(w, args.damaged),
        "rekeys": lambda w: harness.key_change_family(w, args.rekeys),
    }
    chosen = args.only.split(",") if args.only else list(families)
    tallies = []
    for name in chosen:
        work = harness.work_folder()
        started = time.monotonic()
        try:
            tally = families[name](work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        tallies.append(tally)
        print(f"{tally.family}: {tally.cases} cases in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        for note in tally.notes:
            print(f"  {note}", file=sys.stderr)
    print(harness.HEADER)
    for tally in tallies:
        print(tally.row())
    return 0 if all(t.ok for t in tallies) else 1


if __name__ == "__main__":
    sys.exit(main())
