"""What make hands to the shell: the Makefile's targets and their commands, none of them run."""

import os
import re
import stat
import subprocess

from tests.helpers import PROJECT_DIR


def make_env():
    """The environment without what an outer `make` exports (its jobserver, its flags)."""
    return {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS"))}


def makefile_targets(makefile=PROJECT_DIR / "Makefile"):
    """Every target that has a recipe, as make's database names it (variables expanded)."""
    database = subprocess.run(
        ["make", "--no-print-directory", "-pRrq", "-f", str(makefile), "--eval=nothing:", "nothing"],
        cwd=PROJECT_DIR,
        env=make_env(),
        capture_output=True,
        text=True,
    ).stdout
    targets, target = set(), None
    for line in database.splitlines():
        if re.match(r"^[^#\t ][^=]*:([^=]|$)", line):
            target = line.split(":", 1)[0]
        elif re.match(r"^# *recipe to execute \(from ", line):
            targets.add(target)
    return sorted(targets)


def recipe_commands(*targets, makefile=PROJECT_DIR / "Makefile", tmp_path):
    """The commands make hands to the shell for these targets and their prerequisites, in order.

    make "remakes" every target (-B) with a recording script as its shell: nothing runs.
    """
    record, shell = tmp_path / "commands", tmp_path / "record-shell"
    shell.write_text('#!/bin/sh\nprintf "%s\\0" "$2" >> "$RECORD"\n')
    shell.chmod(shell.stat().st_mode | stat.S_IXUSR)
    record.write_bytes(b"")
    subprocess.run(
        ["make", "-s", "-B", "-f", str(makefile), f"SHELL={shell}", ".SHELLFLAGS=-c", *targets],
        cwd=PROJECT_DIR,
        env={**make_env(), "RECORD": str(record)},
        check=True,
        capture_output=True,
    )
    return record.read_text().split("\0")[:-1]


def shell_commands_mentioning(word, tmp_path):
    """Commands of every target that mention `word`, leaving out comment lines (`@#`) make hands the shell alone."""
    commands = recipe_commands(*makefile_targets(), tmp_path=tmp_path)
    return [c for c in commands if word in c and not (c.lstrip().startswith("#") and "\n" not in c)]
