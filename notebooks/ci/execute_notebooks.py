"""Executes Jupyter notebooks headlessly through a named kernel and checks what they must show.

A notebook passes when every cell runs without an error within the per-cell timeout and every cell tagged
"chart" displays at least one image/png. The executed notebooks and their PNGs go to --output; the last line
printed is "N passed, N failed" (N counts notebook executions, so --repeat 20 on three notebooks counts 60).

A kernel that does not answer at start-up is started again (at most --startup-tries times); each such retry is
printed and counted, so a run shows whether the kernel's start-up was ever flaky. Cell errors are never retried.

Run by ci/execute-notebooks.sh, which installs the packages and writes the kernelspec.
"""
import argparse
import base64
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

CHART_TAG = "chart"


def chart_problems(notebook):
    """The cells tagged "chart" that displayed no image/png, as messages."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or CHART_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        if not any("image/png" in output.get("data", {}) for output in cell.get("outputs", [])):
            problems.append(f"cell {index} is tagged '{CHART_TAG}' but displayed no image/png")
    return problems


def save_pngs(notebook, directory):
    """Writes every image/png output as cell-<index>-<n>.png; returns how many."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for index, cell in enumerate(notebook.cells):
        for n, output in enumerate(cell.get("outputs", [])):
            png = output.get("data", {}).get("image/png")
            if png:
                (directory / f"cell-{index:02d}-{n}.png").write_bytes(base64.b64decode(png))
                count += 1
    return count


def execute(path, kernel, cell_timeout, startup_timeout, startup_tries, output):
    """Executes one notebook; returns (passed, message, startup retries)."""
    retries = 0
    while True:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, kernel_name=kernel, timeout=cell_timeout,
                                startup_timeout=startup_timeout,
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
            break
        except CellTimeoutError as error:
            return False, f"a cell ran longer than {cell_timeout} s: {first_line(error)}", retries
        except CellExecutionError as error:
            return False, f"a cell failed:\n{error}", retries
        except DeadKernelError as error:
            return False, f"the kernel died: {first_line(error)}", retries
        except RuntimeError as error:
            if "didn't respond" in str(error) and retries + 1 < startup_tries:
                retries += 1
                print(f"  {path.name}: kernel start-up did not answer in {startup_timeout} s; starting it again "
                      f"(retry {retries})", flush=True)
                continue
            return False, f"the kernel did not start: {error}", retries
    output.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, output / path.name)
    problems = chart_problems(notebook)
    pngs = save_pngs(notebook, output / path.stem)
    if problems:
        return False, "; ".join(problems), retries
    return True, f"{pngs} chart(s)", retries


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", required=True, help="kernelspec name to execute with")
    parser.add_argument("--output", required=True, type=pathlib.Path, help="where executed notebooks go")
    parser.add_argument("--cell-timeout", type=int, default=600, help="seconds one cell may run")
    parser.add_argument("--startup-timeout", type=int, default=60, help="seconds the kernel has to answer")
    parser.add_argument("--startup-tries", type=int, default=3, help="kernel starts per notebook, at most")
    parser.add_argument("--repeat", type=int, default=1, help="execute every notebook this many times")
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        help="notebooks to run (default: every *.ipynb beside ci/)")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted(pathlib.Path(__file__).resolve().parent.parent.glob("*.ipynb"))
    if not notebooks:
        print("notebooks: no notebook found", file=sys.stderr)
        return 1
    passed = failed = retries = 0
    for round_number in range(1, args.repeat + 1):
        for path in notebooks:
            path = path.resolve()
            label = path.name if args.repeat == 1 else f"{path.name} (run {round_number}/{args.repeat})"
            print(f"notebooks: executing {label} ...", flush=True)
            started = time.monotonic()
            ok, message, notebook_retries = execute(path, args.kernel, args.cell_timeout, args.startup_timeout,
                                                    args.startup_tries, args.output)
            retries += notebook_retries
            seconds = time.monotonic() - started
            if ok:
                passed += 1
                print(f"notebooks: PASS {label} in {seconds:.1f} s ({message})", flush=True)
            else:
                failed += 1
                print(f"notebooks: FAIL {label} after {seconds:.1f} s: {message}", flush=True)
    print(f"notebooks: kernel start-up retries: {retries}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
