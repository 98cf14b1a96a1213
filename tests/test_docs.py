"""The README documents every command, and its two commands stay true."""

import re
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_has_help_and_is_in_the_readme():
    for name, command in cli.commands.items():
        assert command.help, f"kg {name} has no help text"
        assert re.search(rf"\bkg {name}\b", README), f"kg {name} is not in the README"


def test_readme_gives_the_setup_and_test_commands():
    assert 'python -m pip install -e ".[dev]" && kg build ../shared/articles -o out/news.trig' in README
    assert "\npython -m pytest\n" in README


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert ci.rstrip().endswith("python -m pytest")


def test_help_runs_for_every_command():
    runner = CliRunner()
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
