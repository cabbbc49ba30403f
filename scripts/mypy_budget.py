"""mypy over the whole project, against a budget of errors that can only fall.

core/ and every rules.py are strict (pyproject.toml) and must have no error at all; the
rest may have at most the number in mypy-baseline.txt. `--update` lowers that number
when the count has fallen.

    python scripts/mypy_budget.py [--update]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
COMMENT = "# mypy errors in the project (scripts/mypy_budget.py): this number may only fall"
ERROR = re.compile(r"[^:\s]+\.pyi?:\d+(?::\d+)?: error: ")
FOUND = re.compile(r"^Found (\d+) errors? in ", re.MULTILINE)


def strict(error: str) -> bool:
    """An error in core/ or a rules.py, the modules that are strict and must have none."""
    path = error.partition(":")[0]
    return path.startswith("core/") or path.endswith("/rules.py")


def main() -> int:
    update = "--update" in sys.argv[1:]
    # The settings refuse to load without a secret key; mypy's Django plugin loads them.
    env = {**os.environ}
    env.setdefault("DJANGO_SECRET_KEY", "mypy-only-not-a-secret")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "."],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if ERROR.match(line)]
    found = FOUND.search(output)
    if result.returncode not in (0, 1) or (result.returncode == 1 and not found):
        print(output, end="")
        print(f"mypy did not finish (exit {result.returncode})")
        return 1
    count = len(errors)
    if found and int(found[1]) != count:
        print(output, end="")
        print(f"mypy reported {found[1]} errors but {count} error lines were read")
        return 1

    strict_errors = [line for line in errors if strict(line)]
    budget = int(next(line for line in BASELINE.read_text().splitlines() if line.strip().isdigit()))
    print(f"mypy: {count} errors (budget {budget})")

    if strict_errors:
        print("Errors in core/ or a rules.py, which must have none:")
        print("\n".join(strict_errors))
        return 1
    if count > budget:
        print(output, end="")
        print(f"The count rose from {budget} to {count}: fix the new errors above.")
        return 1
    if count < budget:
        if update:
            BASELINE.write_text(f"{COMMENT}\n{count}\n")
            print(f"mypy-baseline.txt lowered to {count}.")
        else:
            print("The count fell: run `python scripts/mypy_budget.py --update` and commit it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
