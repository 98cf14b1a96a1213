"""The ``kg`` command line: a thin click shell over the library."""

from __future__ import annotations

import click

__all__ = ["cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """Build, query, analyse and draw a knowledge graph of news articles."""
