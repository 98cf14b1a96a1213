"""The README documents every command, and its two commands stay true."""

import re
import tomllib
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_has_help_and_is_in_the_readme():
    for name, command in cli.commands.items():
        assert command.help, f"kg {name} has no help text"
        assert re.search(rf"\bkg {name}\b", README), f"kg {name} is not in the README"


def test_readme_gives_the_setup_and_test_commands():
    assert 'python -m pip install -c constraints.txt -e ".[dev]" && kg build ../shared/articles -o out/news.trig' in README
    assert "\npython -m pytest\n" in README


def test_ci_runs_the_readme_setup_and_test_commands():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    setup = re.search(r"^(python -m pip install [^&]+?) &&", README, re.MULTILINE).group(1)
    assert setup.replace("pip install", "pip install -q") in ci
    assert ci.rstrip().endswith("python -m pytest")


def test_the_lock_pins_every_declared_dependency():
    """constraints.txt (the lock) pins each package pyproject.toml declares."""
    root = Path(__file__).resolve().parent.parent
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    extras = pyproject["optional-dependencies"]
    # "kg[cluster]" in dev stands for the packages of kg's cluster extra
    declared = pyproject["dependencies"] + [r for r in extras["dev"] if not r.startswith("kg[")] + [
        r for ref in extras["dev"] if ref.startswith("kg[") for extra in ref[3:-1].split(",") for r in extras[extra]]
    pinned = {re.split(r"==", line)[0].strip().lower().replace("_", "-")
              for line in (root / "constraints.txt").read_text().splitlines()
              if "==" in line}
    for requirement in declared:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower().replace("_", "-")
        assert name in pinned, f"{name} is declared in pyproject.toml but not pinned in constraints.txt"


def test_help_runs_for_every_command():
    runner = CliRunner()
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
