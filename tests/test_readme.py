"""The README's engine example runs as written (so the documentation cannot drift)."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_engine_example_runs(capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## The engine in a few lines\n\n```python\n(.*?)```", text, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102
    J, accuracy = map(float, capsys.readouterr().out.split())
    assert J < 0.45 and accuracy > 0.75  # XOR with 10 % label noise; chance is 0.5
