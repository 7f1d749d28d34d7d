"""Every feature contract in specs/*/contracts/openapi.yaml holds against the live API.

A contract may only promise what the app serves: each path, method, parameter, status
code and schema in it must exist in the app's OpenAPI document with compatible
required fields and types. Contracts whose document carries `x-superseded-by` are
history and are skipped.
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.core.config import BACKEND_DIR, load_settings
from app.main import create_app
from tests.conftest import ADMIN_TOKEN
from tests.support.live_server import api_env, live_server

SPECS_DIR = BACKEND_DIR.parent / "specs"
CONTRACTS = sorted(SPECS_DIR.glob("*/contracts/openapi.yaml"))
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}

Schema = dict[str, Any]


def load(contract: Path) -> Schema:
    document: Schema = yaml.safe_load(contract.read_text())
    return document


def active_contracts() -> list[Path]:
    return [c for c in CONTRACTS if "x-superseded-by" not in load(c)]


def contract_id(contract: Path) -> str:
    return contract.parent.parent.name


class Resolver:
    def __init__(self, document: Schema) -> None:
        self.document = document

    def __call__(self, schema: Schema) -> Schema:
        while "$ref" in schema:
            node: Any = self.document
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema


def types_of(schema: Schema, resolve: Resolver) -> set[str]:
    schema = resolve(schema)
    if "anyOf" in schema or "oneOf" in schema:
        variants = schema.get("anyOf", []) + schema.get("oneOf", [])
        return set().union(*(types_of(v, resolve) for v in variants))
    declared = schema.get("type")
    if declared is None:
        return {"any"}
    found = set(declared) if isinstance(declared, list) else {declared}
    # An integer is a number, so a contract saying "number" accepts it.
    return found | ({"number"} if "integer" in found else set())


def compatibility_problems(
    contract: Schema,
    live: Schema,
    contract_resolve: Resolver,
    live_resolve: Resolver,
    where: str,
) -> list[str]:
    contract = contract_resolve(contract)
    live = live_resolve(live)
    contract_types = types_of(contract, contract_resolve)
    live_types = types_of(live, live_resolve)
    if "any" not in contract_types and not live_types <= contract_types:
        return [f"{where}: contract types {contract_types}, live {live_types}"]
    problems = []
    missing = set(contract.get("required", [])) - set(live.get("required", []))
    if missing:
        problems.append(f"{where}: required in contract, optional live: {missing}")
    live_properties = live.get("properties", {})
    for name, prop in contract.get("properties", {}).items():
        if name not in live_properties:
            problems.append(f"{where}.{name}: missing from the live schema")
            continue
        problems += compatibility_problems(
            prop,
            live_properties[name],
            contract_resolve,
            live_resolve,
            f"{where}.{name}",
        )
    if "items" in contract and "items" in live:
        problems += compatibility_problems(
            contract["items"],
            live["items"],
            contract_resolve,
            live_resolve,
            f"{where}[]",
        )
    return problems


def json_schema(operation_part: Schema) -> Schema | None:
    content = operation_part.get("content", {})
    media = content.get("application/json")
    return media.get("schema") if media else None


@pytest.fixture(scope="module")
def live_document() -> Schema:
    return create_app(load_settings(_env_file=None, environment="test")).openapi()


def test_there_is_a_contract_to_check() -> None:
    assert active_contracts(), "no specs/*/contracts/openapi.yaml found"


@pytest.mark.parametrize("contract", active_contracts(), ids=contract_id)
def test_contract_matches_the_live_openapi(
    contract: Path, live_document: Schema
) -> None:
    document = load(contract)
    assert document["openapi"].startswith("3.1"), "contracts are OpenAPI 3.1"
    contract_resolve, live_resolve = Resolver(document), Resolver(live_document)
    problems: list[str] = []
    for path, operations in document["paths"].items():
        live_operations = live_document["paths"].get(path)
        if live_operations is None:
            problems.append(f"{path}: not served")
            continue
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            where = f"{method.upper()} {path}"
            live_operation = live_operations.get(method)
            if live_operation is None:
                problems.append(f"{where}: method not served")
                continue
            if operation.get("operationId") != live_operation.get("operationId"):
                problems.append(f"{where}: operationId differs")
            live_parameters = {
                (p["name"], p["in"]): p
                for p in map(live_resolve, live_operation.get("parameters", []))
            }
            for parameter in map(contract_resolve, operation.get("parameters", [])):
                key = (parameter["name"], parameter["in"])
                live_parameter = live_parameters.get(key)
                if live_parameter is None:
                    problems.append(f"{where}: parameter {key} not accepted")
                elif parameter.get("required", False) != live_parameter.get(
                    "required", False
                ):
                    problems.append(f"{where}: parameter {key} required differs")
            if "requestBody" in operation:
                contract_body = json_schema(contract_resolve(operation["requestBody"]))
                live_body = json_schema(live_operation.get("requestBody", {}))
                if contract_body is not None and live_body is None:
                    problems.append(f"{where}: request body not accepted")
                elif contract_body is not None and live_body is not None:
                    problems += compatibility_problems(
                        contract_body,
                        live_body,
                        contract_resolve,
                        live_resolve,
                        f"{where} body",
                    )
            for status, response in operation["responses"].items():
                live_response = live_operation["responses"].get(str(status))
                if live_response is None:
                    problems.append(f"{where}: status {status} not declared live")
                    continue
                contract_schema = json_schema(contract_resolve(response))
                live_schema = json_schema(live_response)
                if contract_schema is None:
                    continue
                if live_schema is None:
                    problems.append(f"{where} {status}: live response has no JSON")
                    continue
                problems += compatibility_problems(
                    contract_schema,
                    live_schema,
                    contract_resolve,
                    live_resolve,
                    f"{where} {status}",
                )
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def base_url(database_url: str) -> Iterator[str]:
    # Fuzzing sends hundreds of requests; limits have tests of their own. Audits
    # can be queued but no worker picks them up: the fuzzer exercises the API.
    # Sign-up stays closed: fuzzed sign-ups would commit teams into the database
    # the rest of the suite shares.
    env = api_env(database_url, ADMIN_TOKEN=ADMIN_TOKEN, SIGNUP="invite")
    with live_server(env) as url:
        yield url


@pytest.mark.parametrize("contract", active_contracts(), ids=contract_id)
def test_schemathesis_finds_no_failure(contract: Path, base_url: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            str(contract),
            "--url",
            base_url,
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--no-color",
        ],
        cwd=BACKEND_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
