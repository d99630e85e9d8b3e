"""The exported PyTorch script as a Jupyter notebook, written with ``nbformat``.

``bp_core.io.torch_script`` writes one script whose sections start with a ``# %%`` line
(the "percent" cell format); here each section becomes a code cell with its title as a
Markdown cell above it, so the notebook and the ``.py`` file are the same code.
"""

from __future__ import annotations

import nbformat
from nbformat import v4

from bp_core.io.torch_script import CELL


def script_to_notebook(script: str, title: str = "Backprop Lab run in PyTorch") -> str:
    """The notebook (JSON text, nbformat 4, validated) of a ``# %%``-sectioned script.

    The text before the first ``# %%`` (the script's docstring) becomes the first Markdown
    cell, as plain text in a code block: nothing from the run is read as Markdown.
    """
    head, *sections = script.split("\n" + CELL)
    intro = head.strip().strip('"').strip().replace("```", "'''")  # stays one code block
    cells = [v4.new_markdown_cell(f"# {title}\n\n```text\n{intro}\n```")]
    for section in sections:
        first, _, body = section.partition("\n")
        heading = first.strip()
        if heading:
            cells.append(v4.new_markdown_cell(f"## {heading}"))
        cells.append(v4.new_code_cell(body.strip("\n")))
    nb = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(nb)
    return nbformat.writes(nb)
