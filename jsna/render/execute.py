"""Execute one notebook with papermill in its own process (the runner's worker entry point).

Run as ``python -m jsna.render.execute INPUT OUTPUT PARAMETERS_JSON``. Exit codes: 0 success,
2 a cell raised an error (deterministic: not retried), 3 any other failure (kernel start, I/O:
retried once by the runner). The last line on stderr is a one-line reason.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CELL_ERROR = 2
OTHER_ERROR = 3


def strip_run_metadata(path: Path) -> None:
    """Remove papermill timings and execution timestamps so reruns give identical files.

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
    nbformat.write(notebook, path)


def main(argv: list[str] | None = None) -> int:
    """Execute ``INPUT`` into ``OUTPUT`` with the JSON parameters; return the exit code."""
    args = sys.argv[1:] if argv is None else argv
    source, target, parameters_json = args[0], args[1], args[2]
    parameters = json.loads(parameters_json)
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            source,
            target,
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(Path(source).resolve().parent),
            start_timeout=60,
        )
    except PapermillExecutionError as error:
        where = f"cell {error.exec_count}" if error.exec_count else f"cell index {error.cell_index}"
        print(f"{Path(source).name}: {where} raised {error.ename}: {error.evalue}", file=sys.stderr)
        strip_run_metadata(Path(target))
        return CELL_ERROR
    except Exception as error:  # kernel start failures, I/O
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"{Path(source).name}: {type(error).__name__}: {message}", file=sys.stderr)
        return OTHER_ERROR
    strip_run_metadata(Path(target))
    return 0


if __name__ == "__main__":
    sys.exit(main())
