"""A stand-in for the `yc` CLI, for tests (`yc` itself cannot be installed where the tests run): the commands
`servicedesk-bot deploy` uses, written from the public CLI reference (`tests/contracts/yc_reference.py` lists each
command, its flags and its page). Resources live in a JSON file (`YC_STANDIN_STATE`); `--format json` answers as yc
does, in the resources' snake_case JSON. Every call is recorded there with its arguments and its stdin, so a test
can check that no secret ever reached a command line.

It refuses what yc would: a command or flag the reference does not list, a payload that is not a JSON array, a
`--secret` naming a Lockbox entry that does not exist, a `--source-path` that is not there. `yc config get
folder-id` answers the folder `yc init` chose (`folder` in the file; none: not initialised).

Put it on PATH as `yc` with `install(bin_dir, state_file)`.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import stat
import sys
import zipfile
from pathlib import Path
from typing import Any

from tests.contracts.yc_reference import COMMANDS, GLOBAL_FLAGS

SWITCHES = {"--async", "--serverless-access", "--websql-access", "--deletion-protection", "--follow"}
REPEATED = {"--environment", "--secret", "--labels"}
PREFIX = {"service_accounts": "aje", "secrets": "e6q", "functions": "d4e", "triggers": "a1s"}


class Refused(Exception):
    pass


def install(bin_dir: Path, state_file: Path, folder: str | None = "b1gstandinfolder") -> Path:
    """A `yc` executable in `bin_dir` that runs this stand-in on `state_file` (created with `folder` chosen)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    if not state_file.exists():
        state_file.write_text(json.dumps(empty_state(folder)))
    root = Path(__file__).resolve().parents[1]
    script = bin_dir / "yc"
    script.write_text(
        f'#!/bin/sh\nYC_STANDIN_STATE="${{YC_STANDIN_STATE:-{state_file}}}" PYTHONPATH="{root}" '
        f'exec "{sys.executable}" -m tests.yc_standin "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def empty_state(folder: str | None) -> dict[str, Any]:
    state: dict[str, Any] = {"folder": folder, "folder_bindings": [], "calls": [], "serial": 0}
    return state | {kind: [] for kind in PREFIX}


def main(argv: list[str]) -> int:
    path = Path(os.environ["YC_STANDIN_STATE"])
    state = json.loads(path.read_text())
    stdin = sys.stdin.read() if "-" in argv else ""
    state["calls"].append({"argv": argv, "stdin": stdin})
    try:
        command, flags, positional = parse(argv)
        answer = Yc(state, flags, positional, stdin).run(command)
    except Refused as e:
        print(f"ERROR: {e}", file=sys.stderr)
        code = 1
    else:
        code = 0
        if isinstance(answer, str):
            print(answer)
        elif answer is not None:
            print(
                json.dumps(select(answer, flags.get("--jq")), indent=2)
                if flags.get("--format") == "json" or flags.get("--jq")
                else to_text(answer)
            )
    path.write_text(json.dumps(state, indent=1))
    return code


def parse(argv: list[str]) -> tuple[str, dict[str, Any], list[str]]:
    words = [w for w in argv if not w.startswith("-")]
    command = max((c for c in COMMANDS if argv[: len(c.split())] == c.split()), key=len, default=None)
    if command is None:
        raise Refused(f"unknown command: yc {' '.join(words[:3])}")
    allowed = COMMANDS[command][0] | GLOBAL_FLAGS
    flags: dict[str, Any] = {}
    positional: list[str] = []
    rest = iter(argv[len(command.split()) :])
    for word in rest:
        if not word.startswith("--"):
            positional.append(word)
            continue
        name, has_value, value = word.partition("=")
        if name not in allowed:
            raise Refused(f"unknown flag: {name}")
        if name in SWITCHES:
            flags[name] = True
            continue
        given = value if has_value else next(rest, None)
        if given is None:
            raise Refused(f"flag needs an argument: {name}")
        value = given
        if name in REPEATED:
            flags.setdefault(name, []).append(value)
        else:
            flags[name] = value
    return command, flags, positional


def select(answer: Any, jq: str | None) -> Any:
    """`--jq .a.b`: the paths deploy scripts use."""
    if not jq:
        return answer
    for key in filter(None, jq.split(".")):
        answer = answer.get(key) if isinstance(answer, dict) else None
    return answer


def to_text(answer: Any) -> str:
    return answer if isinstance(answer, str) else json.dumps(answer)


class Yc:
    def __init__(self, state: dict[str, Any], flags: dict[str, Any], positional: list[str], stdin: str) -> None:
        self.state, self.flags, self.positional, self.stdin = state, flags, positional, stdin

    def run(self, command: str) -> Any:
        if command == "init":  # the sign-in in a browser is played as done: one folder to choose
            self.state["folder"] = self.state.get("folder") or "b1gstandinfolder"
            return f"Your current folder has been set to '{self.state['folder']}'."
        if command == "config get":
            return self.state["folder"] if self.positional == ["folder-id"] and self.state["folder"] else ""
        if not self.state["folder"]:
            raise Refused("no credentials: run yc init")
        handler = getattr(self, command.replace(" ", "_").replace("-", "_"), None)
        if handler is None:
            raise Refused(f"the stand-in does not play: yc {command}")
        return handler()

    # --- helpers ----------------------------------------------------------------------------------------------------
    def folder(self) -> str:
        return str(self.flags.get("--folder-id") or self.state["folder"])

    def new_id(self, kind: str) -> str:
        self.state["serial"] += 1
        return f"{PREFIX.get(kind, 'xx')}{self.state['serial']:017d}"

    def find(self, kind: str, id_flag: str = "--id", name_flag: str = "--name") -> dict[str, Any]:
        wanted_id = self.flags.get(id_flag)
        wanted_name = self.flags.get(name_flag)
        if self.positional and not (wanted_id or wanted_name):
            wanted_id = wanted_name = self.positional[0]
        for item in self.state[kind]:
            if item["id"] == wanted_id or (item["name"] == wanted_name and item["folder_id"] == self.folder()):
                return item  # type: ignore[no-any-return]
        raise Refused(f"rpc error: code = NotFound desc = {kind[:-1]} {wanted_name or wanted_id} not found")

    def create(self, kind: str, **fields: Any) -> dict[str, Any]:
        name = self.flags.get("--name") or (self.positional[0] if self.positional else "")
        if any(item["name"] == name and item["folder_id"] == self.folder() for item in self.state[kind]):
            raise Refused(f"rpc error: code = AlreadyExists desc = {kind[:-1]} {name} already exists")
        item = {"id": self.new_id(kind), "folder_id": self.folder(), "name": name, **fields}
        self.state[kind].append(item)
        return item

    def payload(self) -> list[dict[str, str]]:
        if self.flags.get("--payload") != "-":
            raise Refused("the stand-in takes payloads on stdin only (--payload -)")
        try:
            entries = json.loads(self.stdin)
        except json.JSONDecodeError as e:
            raise Refused(f"invalid payload: {e}") from e
        if not isinstance(entries, list) or not all(isinstance(e, dict) and "key" in e for e in entries):
            raise Refused("invalid payload: an array of entries with a key each is expected")
        return entries

    def binding(self, bindings: list[dict[str, Any]]) -> dict[str, Any]:
        role, subject = self.flags.get("--role"), self.flags.get("--subject", "")
        kind, _, subject_id = subject.partition(":")
        if not role or not subject_id:
            raise Refused("--role and --subject TYPE:ID are required")
        found = {"role_id": role, "subject": {"id": subject_id, "type": kind}}
        if found not in bindings:
            bindings.append(found)
        return {"done": True}

    # --- commands ---------------------------------------------------------------------------------------------------
    def iam_service_account_get(self) -> Any:
        return self.find("service_accounts")

    def iam_service_account_create(self) -> Any:
        return self.create("service_accounts", created_at="2026-12-07T10:00:00Z")

    def resource_manager_folder_list_access_bindings(self) -> Any:
        return self.state["folder_bindings"]

    def resource_manager_folder_add_access_binding(self) -> Any:
        return self.binding(self.state["folder_bindings"])

    def lockbox_secret_get(self) -> Any:
        secret = self.find("secrets")
        return {k: v for k, v in secret.items() if k not in ("versions", "bindings")}

    def lockbox_secret_create(self) -> Any:
        version = {"id": self.new_id("secrets"), "entries": self.payload()}
        secret = self.create("secrets", status="ACTIVE", versions=[version], bindings=[])
        secret["current_version"] = self.version_view(secret, version)
        return self.lockbox_view(secret)

    def lockbox_secret_add_version(self) -> Any:
        secret = self.find("secrets")
        entries = {e["key"]: e for e in secret["versions"][-1]["entries"]}
        for change in self.payload():
            if set(change) == {"key"}:
                entries.pop(change["key"], None)
            else:
                entries[change["key"]] = change
        version = {"id": self.new_id("secrets"), "entries": list(entries.values())}
        secret["versions"].append(version)
        secret["current_version"] = self.version_view(secret, version)
        return secret["current_version"]

    def lockbox_secret_add_access_binding(self) -> Any:
        return self.binding(self.find("secrets")["bindings"])

    def lockbox_secret_list_access_bindings(self) -> Any:
        return self.find("secrets")["bindings"]

    def lockbox_payload_get(self) -> Any:
        secret = self.find("secrets")
        version = secret["versions"][-1]
        return {"version_id": version["id"], "entries": version["entries"]}

    def version_view(self, secret: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
        keys = [e["key"] for e in version["entries"]]
        return {"id": version["id"], "secret_id": secret["id"], "status": "ACTIVE", "payload_entry_keys": keys}

    def lockbox_view(self, secret: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in secret.items() if k not in ("versions", "bindings")}

    def serverless_function_get(self) -> Any:
        return self.function_view(self.find("functions"))

    def serverless_function_create(self) -> Any:
        function = self.create("functions", status="ACTIVE", versions=[], bindings=[])
        base = os.environ.get("YC_STANDIN_INVOKE_BASE", "https://functions.yandexcloud.net")
        function["http_invoke_url"] = f"{base}/{function['id']}"
        return self.function_view(function)

    def function_view(self, function: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in function.items() if k not in ("versions", "bindings")}

    def serverless_function_list_access_bindings(self) -> Any:
        return self.find("functions")["bindings"]

    def serverless_function_add_access_binding(self) -> Any:
        return self.binding(self.find("functions")["bindings"])

    def serverless_function_allow_unauthenticated_invoke(self) -> Any:
        self.flags |= {"--role": "functions.functionInvoker", "--subject": "system:allUsers"}
        return self.binding(self.find("functions")["bindings"])

    def serverless_function_version_get_by_tag(self) -> Any:
        function = self.find("functions", "--function-id", "--function-name")
        tag = self.flags.get("--tag", "$latest")
        found = [v for v in function["versions"] if tag in v["tags"]]
        if not found:
            raise Refused(f"rpc error: code = NotFound desc = version with tag {tag} not found")
        return found[-1]

    def serverless_function_version_create(self) -> Any:
        function = self.find("functions", "--function-id", "--function-name")
        for needed in ("--runtime", "--entrypoint", "--source-path"):
            if needed not in self.flags:
                raise Refused(f"{needed} is required")
        source = Path(self.flags["--source-path"])
        if not source.is_file() or not zipfile.is_zipfile(source):
            raise Refused(f"--source-path {source}: not a zip archive")
        version = {
            "id": self.new_id("functions"),
            "function_id": function["id"],
            "description": self.flags.get("--description", ""),
            "runtime": self.flags["--runtime"],
            "entrypoint": self.flags["--entrypoint"],
            "resources": {"memory": str(_bytes(self.flags.get("--memory", "128MB")))},
            "execution_timeout": self.flags.get("--execution-timeout", "3s"),
            "service_account_id": self.flags.get("--service-account-id", ""),
            "image_size": str(source.stat().st_size),
            "status": "ACTIVE",
            "tags": ["$latest"],
            "environment": self.environment(),
            "secrets": [self.secret(text) for text in self.flags.get("--secret", [])],
            "archive_files": sorted(zipfile.ZipFile(source).namelist())[:5],
        }
        for older in function["versions"]:
            older["tags"] = [t for t in older["tags"] if t != "$latest"]
        function["versions"].append(version)
        return version

    def environment(self) -> dict[str, str]:
        """`--environment key=value[,key=value]`, read as yc reads it: CSV, each field split at its first `=`."""
        found: dict[str, str] = {}
        for text in self.flags.get("--environment", []):
            for field in next(csv.reader([text])):
                name, has_value, value = field.partition("=")
                if not has_value:
                    raise Refused(f"invalid --environment {text!r}: key=value expected")
                found[name] = value
        return found

    def secret(self, text: str) -> dict[str, str]:
        fields = dict(part.split("=", 1) for part in text.split(","))
        wanted = {"environment-variable", "id", "version-id", "key"}
        if set(fields) != wanted:
            raise Refused(f"invalid --secret {text!r}: {', '.join(sorted(wanted))} expected")
        secret = next((s for s in self.state["secrets"] if s["id"] == fields["id"]), None)
        version = next((v for v in (secret or {}).get("versions", []) if v["id"] == fields["version-id"]), None)
        if version is None or fields["key"] not in {e["key"] for e in version["entries"]}:
            raise Refused(f"--secret {text!r}: no such Lockbox secret, version or key")
        return {
            "id": fields["id"],
            "version_id": fields["version-id"],
            "key": fields["key"],
            "environment_variable": fields["environment-variable"],
        }

    def serverless_trigger_get(self) -> Any:
        return self.find("triggers")

    def serverless_trigger_create_timer(self) -> Any:
        invoke = {
            "function_id": self.flags.get("--invoke-function-id", ""),
            "function_tag": self.flags.get("--invoke-function-tag", "$latest"),
            "service_account_id": self.flags.get("--invoke-function-service-account-id", ""),
        }
        if not any(f["id"] == invoke["function_id"] for f in self.state["functions"]):
            raise Refused("--invoke-function-id: no such function")
        rule = {"timer": {"cron_expression": self.flags.get("--cron-expression", ""), "invoke_function": invoke}}
        return self.create("triggers", rule=rule, status="ACTIVE")


def _bytes(memory: str) -> int:
    units = {"KB": 1024, "MB": 1024**2, "GB": 1024**3}
    for unit, size in units.items():
        if memory.upper().endswith(unit):
            return int(memory[: -len(unit)]) * size
    return int(memory)


def all_arguments(state_file: Path) -> list[str]:
    """Every argument of every call so far (what a process list or shell history would show)."""
    calls = json.loads(state_file.read_text())["calls"]
    return list(itertools.chain.from_iterable(call["argv"] for call in calls))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
