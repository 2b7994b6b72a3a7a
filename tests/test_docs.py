"""The README and the code agree: every setting and every command is documented."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from prodready.cli import build_parser
from prodready.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: str = "prodready") -> list[str]:
    found = []
    for action in parser._actions:  # argparse keeps subcommands here
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(f"{prefix} {name}")
                found.extend(_commands(sub, f"{prefix} {name}"))
    return found


def test_every_setting_is_in_the_configuration_table():
    for name in Settings.model_fields:
        assert f"`PRODREADY_{name.upper()}`" in README, f"PRODREADY_{name.upper()} is not documented"


def test_every_command_is_in_the_command_table():
    for command in _commands(build_parser()):
        assert re.search(rf"`{re.escape(command)}[` \[]", README), f"{command} is not documented"


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line for block in re.findall(r"```bash\n(.*?)```", section, re.S)
                for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2, commands
    assert "prodready serve" in commands[0] and "pytest" in commands[1]
