"""Execute one notebook with papermill: in this process, or as ``python -m jsna.render.execute``.

The runner calls :func:`run_notebook` in its worker processes, where papermill is imported once.
The command line ``python -m jsna.render.execute INPUT OUTPUT PARAMETERS_JSON`` runs the same
function in a fresh process (for debugging a chapter on its own). Exit codes: 0 success, 2 a cell
raised an error (deterministic: not retried), 3 any other failure (kernel start, I/O: retried once
by the runner). The last line on stderr is a one-line reason.
"""

from __future__ import annotations

import json
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

CELL_ERROR = 2
OTHER_ERROR = 3

#: Outcomes of :func:`run_notebook`.
OK, CELL_ERROR_STATUS, FAILED = "ok", "cell error", "failed"

#: Id given to the parameters cell papermill injects (it would otherwise get a random one).
INJECTED_CELL_ID = "injected-parameters"


def strip_run_metadata(path: Path) -> None:
    """Remove papermill timings and execution timestamps so reruns give identical files.

    The cell papermill injects with the parameters gets a fixed id instead of a random one.

    Parameters
    ----------
    path : Path
        An executed notebook, rewritten in place.
    """
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = INJECTED_CELL_ID
    nbformat.write(notebook, path)


def run_notebook(
    source: str | Path,
    target: str | Path,
    parameters: dict[str, Any],
    *,
    kernel_manager_class: type | None = None,
    cwd: str | Path | None = None,
) -> tuple[str, str]:
    """Execute ``source`` into ``target`` with papermill, in this process.

    The kernel starts in ``cwd`` (default: the notebook's folder), so that parameters can be
    paths relative to it. The process's own working directory is left
    alone (papermill's ``cwd`` changes it for the whole process, which threads would share).
    The executed notebook is written once at the end, not after every cell (re-serialising it
    twice a cell costs more CPU than some chapters); when the run stops for any other reason
    than a cell error (a killed kernel), what had run so far is written instead.

    Parameters
    ----------
    source : str or Path
        The notebook to run.
    target : str or Path
        Where the executed notebook is written (also when a cell fails, for debugging).
    parameters : dict
        Injected into the notebook's ``parameters`` cell.
    kernel_manager_class : type, optional
        A ``jupyter_client`` kernel manager class for nbclient to start the kernel with (the
        runner passes one that lets its watchdog find the kernel's process).
    cwd : str or Path, optional
        The kernel's working folder (default: the notebook's folder).

    Returns
    -------
    tuple of str
        ``(status, message)``: status ``"ok"``, ``"cell error"`` (a cell raised: retrying will
        not help) or ``"failed"`` (kernel start, I/O ...); a one-line message naming the notebook
        (and the cell), empty when ``"ok"``.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source, target = Path(source).absolute(), Path(target).absolute()
    target.unlink(missing_ok=True)  # never leave last run's notebook looking like this run's
    running: list[Any] = []  # the notebook as nbclient fills it in, once the kernel is up
    engine_options: dict[str, Any] = {
        "resources": {"metadata": {"path": str(Path(cwd).absolute() if cwd else source.parent)}},
        "on_notebook_start": lambda notebook: running.append(notebook),
        # every output is in once the last cell has replied: stop the kernel at once rather than
        # ask it to shut down and wait while it tears down pandas, matplotlib ...
        "shutdown_kernel": "immediate",
    }
    if kernel_manager_class is not None:
        engine_options["kernel_manager_class"] = kernel_manager_class
    try:
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
            start_timeout=60,
            **engine_options,
        )
    except PapermillExecutionError as error:
        where = f"cell {error.exec_count}" if error.exec_count else f"cell index {error.cell_index}"
        strip_run_metadata(target)
        return CELL_ERROR_STATUS, f"{source.name}: {where} raised {error.ename}: {error.evalue}"
    except Exception as error:  # kernel start failures, a killed kernel, I/O
        if running:
            import nbformat

            with suppress(OSError):  # the reason for stopping matters more than the notebook
                nbformat.write(running[0], target)
                strip_run_metadata(target)
        text = str(error).strip()
        first_line = text.splitlines()[0] if text else ""
        return FAILED, f"{source.name}: {type(error).__name__}: {first_line}"
    strip_run_metadata(target)
    return OK, ""


def main(argv: list[str] | None = None) -> int:
    """Execute ``INPUT`` into ``OUTPUT`` with the JSON parameters; return the exit code."""
    args = sys.argv[1:] if argv is None else argv
    source, target, parameters_json = args[0], args[1], args[2]
    status, message = run_notebook(source, target, json.loads(parameters_json))
    if status == OK:
        return 0
    print(message, file=sys.stderr)
    return CELL_ERROR if status == CELL_ERROR_STATUS else OTHER_ERROR


if __name__ == "__main__":
    sys.exit(main())
