"""`make rehearse-deploy`: the deploy of a stage rehearsed in a CloudFormation emulator (no AWS account here).

1. The AWS SAM translator (the library behind the Serverless transform, in .local/venv-sam) turns template.yaml
   into the CloudFormation template a `sam deploy --config-env <stage>` would send (localstack/sam_translate.py).
2. The resource types this LocalStack has a CloudFormation provider for are read from its plugin registry;
   every other type (and every Custom:: resource, whose handlers need the real database and Kafka and are tested
   against them in tests/integration/platform) is left out, and each reference to a left-out resource becomes a
   placeholder string (`Ref`, `Fn::GetAtt`, `${...}` in `Fn::Sub`, `DependsOn`).
3. The rest is created as one stack in the local stack's LocalStack (CloudFormation with the real S3, IAM,
   Lambda, SQS, KMS, Secrets Manager, SSM, Logs, EC2 and Events providers), with the stage's parameters and the
   functions' code uploaded as stand-in zips. A resource the emulator fails to create is reported with its
   reason and left out of the next round (up to ROUNDS), so one failure does not hide the rest.

The report (stdout and .local/rehearsal/<stage>.json) lists per type: created, failed (with reasons), not
supported by the emulator. docs/deploy.md "Rehearsal".
"""

from __future__ import annotations

import argparse
import copy
import io
import ipaddress
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections import Counter
from typing import Any

from deployctl import stage_settings
from rehearse_cleanup import clean_leftovers
from stackctl_common import LOCAL, REPO, StackError, load_config, port

from localstack_session import localstack_session

SAM_PYTHON = LOCAL / "venv-sam" / "bin" / "python"
LOCALSTACK_PYTHON = LOCAL / "venv-localstack" / "bin" / "python"
REPORTS = LOCAL / "rehearsal"
STACK = "bank-rehearsal"
ROUNDS = 12
ARTIFACTS = "artifacts"  # the bucket localstack/sam_translate.py names in every CodeUri
WAIT_SECONDS = 900
# A failure of the emulator's own environment (not of the resource): every resource of that type would hit it.
EMULATOR_LIMIT = re.compile(r"Installation of .+ failed")
_SUB_VAR = re.compile(r"\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}")


def translate(stage: str, parameters: dict[str, str]) -> dict[str, Any]:
    if not SAM_PYTHON.exists():
        raise StackError("the SAM CLI venv is missing: `make install` creates .local/venv-sam")
    REPORTS.mkdir(parents=True, exist_ok=True)
    parameters_file = REPORTS / f"{stage}-parameters.json"
    parameters_file.write_text(json.dumps(parameters))
    result = subprocess.run([str(SAM_PYTHON), str(REPO / "localstack" / "sam_translate.py"),
                             str(REPO / "template.yaml"), str(parameters_file)], capture_output=True, text=True,
                            check=False, timeout=300,
                            env={**os.environ, "AWS_DEFAULT_REGION": "eu-central-1", "SAM_CLI_TELEMETRY": "0"})
    if result.returncode != 0:
        raise StackError(f"the SAM translator failed: {result.stderr[-3000:]}")
    template: dict[str, Any] = json.loads(result.stdout)
    return template


def supported_types() -> set[str]:
    """Resource types the installed LocalStack has a CloudFormation provider for."""
    code = ("import importlib.metadata as m, json; print(json.dumps(sorted(e.name for e in "
            "m.entry_points().select(group='localstack.cloudformation.resource_providers'))))")
    result = subprocess.run([str(LOCALSTACK_PYTHON), "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout))


def parameter_values(template: dict[str, Any], stage: str) -> dict[str, str]:
    values = {name: str(spec["Default"]) for name, spec in template["Parameters"].items() if "Default" in spec}
    values.update(stage_settings(stage).parameters)
    return values


def placeholder(name: str, attribute: str | None = None) -> str:
    """A Ref stands in as a name; an attribute as an ARN (policies and targets insist on ARN format)."""
    if attribute is None:
        return f"rehearsal-{name}"
    return f"arn:aws:rehearsal:eu-central-1:000000000000:{name}/{attribute}"


def _strip(node: Any, dropped: set[str]) -> Any:
    """node with every reference to a dropped resource replaced by its placeholder."""
    if isinstance(node, list):
        return [_strip(item, dropped) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        ((key, value),) = node.items()
        if key == "Ref" and value in dropped:
            return placeholder(value)
        if key == "Fn::GetAtt":
            name, attribute = value.split(".", 1) if isinstance(value, str) else value
            if name in dropped:
                return placeholder(name, str(attribute))
        if key == "Fn::Sub":
            text, variables = (value, {}) if isinstance(value, str) else value

            def swap(match: re.Match[str]) -> str:
                name = match.group(1)
                if name in dropped and name not in variables:
                    return placeholder(name, (match.group(2) or "").lstrip(".") or None)
                return match.group(0)

            text = _SUB_VAR.sub(swap, text)
            return {key: text if not variables else [text, _strip(variables, dropped)]}
    return {key: _strip(value, dropped) for key, value in node.items()}


def _resolve_select(node: Any, parameters: dict[str, str], region: str) -> Any:
    """Fn::Select over Fn::GetAZs / Fn::Cidr computed here: LocalStack's engine does not evaluate them."""
    if isinstance(node, list):
        return [_resolve_select(item, parameters, region) for item in node]
    if not isinstance(node, dict):
        return node
    select = node.get("Fn::Select") if len(node) == 1 else None
    if isinstance(select, list) and len(select) == 2 and isinstance(select[1], dict):
        index, source = int(select[0]), select[1]
        if "Fn::GetAZs" in source:
            return f"{region}{'abcdef'[index]}"
        if "Fn::Cidr" in source:
            block, count, host_bits = source["Fn::Cidr"]
            if isinstance(block, dict) and "Ref" in block:
                block = parameters[block["Ref"]]
            network = ipaddress.ip_network(str(block))
            subnets = list(network.subnets(new_prefix=network.max_prefixlen - int(host_bits)))[: int(count)]
            return str(subnets[index])
    return {key: _resolve_select(value, parameters, region) for key, value in node.items()}


def references(node: Any) -> set[str]:
    """Logical ids a resource definition refers to (Ref, Fn::GetAtt, ${...} in Fn::Sub, DependsOn)."""
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value.split(".", 1)[0] if isinstance(value, str) else str(value[0]))
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                found |= {m.group(1) for m in _SUB_VAR.finditer(text)}
                found |= references(value if isinstance(value, str) else value[1])
            elif key == "DependsOn":
                found |= {value} if isinstance(value, str) else set(value)
            else:
                found |= references(value)
    return found


def dependants(template: dict[str, Any], failed: set[str], absent: set[str]) -> dict[str, str]:
    """Resources that (transitively) refer to a failed one: resource → the failed resource it waits for.
    A reference to an absent resource (a type the emulator lacks) is a placeholder, so no dependency."""
    resources = template["Resources"]
    present = set(resources) - absent
    graph = {name: references(resource) & present for name, resource in resources.items()}
    blocked: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, needs in graph.items():
            if name in failed or name in blocked:
                continue
            culprit = next((n for n in sorted(needs) if n in failed or n in blocked), None)
            if culprit is not None:
                blocked[name] = blocked.get(culprit, culprit)
                changed = True
    return blocked


def rehearsal_template(template: dict[str, Any], dropped: set[str], parameters: dict[str, str],
                       region: str = "eu-central-1") -> dict[str, Any]:
    """The translated template without the dropped resources, every reference to them a placeholder."""
    result: dict[str, Any] = _resolve_select(copy.deepcopy(template), parameters, region)
    result.pop("Rules", None)  # parameter assertions: checked by cfn-lint and the template tests
    result.pop("Outputs", None)
    resources = {}
    for name, resource in result["Resources"].items():
        if name in dropped:
            continue
        resource = _strip(resource, dropped)
        depends = resource.get("DependsOn")
        if depends is not None:
            kept = [d for d in ([depends] if isinstance(depends, str) else depends) if d not in dropped]
            if kept:
                resource["DependsOn"] = kept
            else:
                resource.pop("DependsOn")
        resources[name] = resource
    result["Resources"] = resources
    return result


def artifacts(template: dict[str, Any]) -> set[tuple[str, str]]:
    """(bucket, key) of every code or layer artifact the template points at."""
    found = set()
    for resource in template["Resources"].values():
        properties = resource.get("Properties") or {}
        for holder in (properties.get("Code"), properties.get("Content")):
            if isinstance(holder, dict) and isinstance(holder.get("S3Key"), str):
                found.add((str(holder["S3Bucket"]), holder["S3Key"]))
    return found


def stand_in_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("rehearsal.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def wait(cloudformation: Any, stack: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        status = str(cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"])
        if not status.endswith("_IN_PROGRESS"):
            return status
        time.sleep(2)
    raise StackError(f"{stack} did not settle in {WAIT_SECONDS}s")


def delete_stack(cloudformation: Any, stack: str) -> None:
    try:
        cloudformation.delete_stack(StackName=stack)
        wait(cloudformation, stack)
    except Exception as exc:  # noqa: BLE001 - a stack of a failed round may not delete cleanly in the emulator
        if "does not exist" not in str(exc):  # LocalStack forgets a deleted stack at once
            print(f"rehearse: {stack} not deleted cleanly ({str(exc)[:200]})", flush=True)


def create_round(clients: dict[str, Any], endpoint: str, stack: str, template: dict[str, Any],
                 parameters: dict[str, str]) -> tuple[str, dict[str, str], dict[str, str]]:
    """One create: (stack status, created resource → type, failed resource → reason)."""
    cloudformation = clients["cloudformation"]
    declared = set(template.get("Parameters", {}))
    # Larger than CreateStack's 51,200-byte TemplateBody: from S3, as `sam deploy` sends it too.
    clients["s3"].put_object(Bucket=ARTIFACTS, Key="rehearsal-template.json", Body=json.dumps(template).encode())
    cloudformation.create_stack(
        StackName=stack, TemplateURL=f"{endpoint}/{ARTIFACTS}/rehearsal-template.json",
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items() if k in declared],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        OnFailure="DO_NOTHING")
    status = wait(cloudformation, stack)
    created = {r["LogicalResourceId"]: r["ResourceType"]
               for r in cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
               if r["ResourceStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE")}
    failed: dict[str, str] = {}
    for event in cloudformation.describe_stack_events(StackName=stack)["StackEvents"]:
        logical = event["LogicalResourceId"]
        if event["ResourceStatus"] == "CREATE_FAILED" and logical != stack and logical not in created:
            failed.setdefault(logical, str(event.get("ResourceStatusReason", ""))[:300])
    if status not in ("CREATE_COMPLETE",) and not failed:
        reasons = [e.get("ResourceStatusReason", "") for e in cloudformation.describe_stack_events(
            StackName=stack)["StackEvents"] if e["LogicalResourceId"] == stack]
        raise StackError(f"{stack}: {status} without a failed resource: {reasons[:3]}")
    return status, created, failed


def rehearse(stage: str) -> dict[str, Any]:
    cfg = load_config()
    endpoint = f"http://127.0.0.1:{port(cfg, 'LOCALSTACK_PORT')}"
    session = localstack_session(endpoint, "eu-central-1")  # LocalStack's test credentials, no AWS account
    clients = {name: session.client(name) for name in ("cloudformation", "s3")}
    clean_leftovers(session, endpoint, stage)
    raw_parameters = parameter_values(_template_parameters(), stage)
    print(f"rehearse[{stage}]: SAM translator over template.yaml", flush=True)
    template = translate(stage, raw_parameters)
    supported = supported_types()
    types = {name: str(r["Type"]) for name, r in template["Resources"].items()}
    unsupported = {n for n, t in types.items() if t not in supported or t.startswith("Custom::")}
    print(f"rehearse[{stage}]: {len(types)} resources, {len(unsupported)} of types the emulator lacks", flush=True)
    s3 = clients["s3"]
    for bucket in {ARTIFACTS} | {bucket for bucket, _ in artifacts(template)}:
        if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    for bucket, key in sorted(artifacts(template)):
        s3.put_object(Bucket=bucket, Key=key, Body=stand_in_zip())
    failures: dict[str, str] = {}
    blocked: dict[str, str] = {}
    needs_unsupported: dict[str, str] = {}
    created: dict[str, str] = {}
    status = "NOT_RUN"
    stacks = []
    for round_number in range(1, ROUNDS + 1):
        dropped = unsupported | set(failures) | set(blocked)
        attempt = rehearsal_template(template, dropped, raw_parameters)
        print(f"rehearse[{stage}]: round {round_number}: creating {len(attempt['Resources'])} resources", flush=True)
        stacks.append(f"{STACK}-{int(time.time())}-{round_number}")
        status, created, failed = create_round(clients, endpoint, stacks[-1], attempt, raw_parameters)
        print(f"rehearse[{stage}]: round {round_number}: {status}, {len(created)} created, {len(failed)} failed",
              flush=True)
        delete_stack(clients["cloudformation"], stacks[-1])
        clean_leftovers(session, endpoint, raw_parameters["Stage"])
        for name, reason in failed.items():
            print(f"    failed {name}: {reason[:200] or '(no reason: a dependency failed)'}", flush=True)
        if not failed:
            break
        # A failure without a reason follows another resource's failure: it gets another round.
        causes = {name: reason for name, reason in failed.items() if reason} or failed
        # A failure on a placeholder (a value of a resource the emulator lacks) says nothing of this resource.
        placeholders = {name for name, reason in causes.items() if "rehearsal" in reason}
        needs_unsupported.update(dict.fromkeys(placeholders, "needs a resource the emulator lacks"))
        failures.update({name: reason for name, reason in causes.items() if name not in placeholders})
        # The same type would fail the same way (e.g. every function on the emulator's missing Lambda runtime):
        # its other resources wait as "blocked", so each round reveals a new kind of failure.
        failed_types = {types[name] for name, reason in failures.items() if EMULATOR_LIMIT.search(reason)}
        same_type = {name for name, kind in types.items() if kind in failed_types and name not in failures}
        blocked = {name: f"type {types[name]} failed" for name in same_type - unsupported}
        blocked.update(needs_unsupported)
        blocked.update(dependants(template, set(failures) | set(blocked), unsupported))
    report = summarise(types, unsupported, created, failures, blocked, status)
    (REPORTS / f"{stage}.json").write_text(json.dumps(report, indent=2))
    return report


def _template_parameters() -> dict[str, Any]:
    from local_gateway.cfn_yaml import load_template_file

    template: dict[str, Any] = load_template_file(REPO / "template.yaml")
    return template


def summarise(types: dict[str, str], unsupported: set[str], created: dict[str, str], failures: dict[str, str],
              blocked: dict[str, str], status: str) -> dict[str, Any]:
    per_type: dict[str, dict[str, Any]] = {}
    totals = Counter(types.values())
    for name, kind in sorted(types.items()):
        entry = per_type.setdefault(kind, {"total": totals[kind], "created": 0, "failed": {}, "not_supported": 0,
                                           "blocked": 0, "not_in_stage": 0})
        if name in created:
            entry["created"] += 1
        elif name in unsupported:
            entry["not_supported"] += 1
        elif name in failures:
            entry["failed"][name] = failures[name]
        elif name in blocked:
            entry["blocked"] += 1
        else:  # its Condition is false for this stage (e.g. the second NAT gateway outside prod)
            entry["not_in_stage"] += 1
    def total(column: str) -> int:
        return sum(len(e[column]) if column == "failed" else e[column] for e in per_type.values())

    return {"final_status": status, "types": per_type, "created": total("created"),
            "not_supported": total("not_supported"), "failed": total("failed"), "blocked": total("blocked"),
            "not_in_stage": total("not_in_stage")}


def print_report(report: dict[str, Any]) -> None:
    print(f"{'type':<42} {'total':>5} {'created':>7} {'failed':>6} {'blocked':>7} {'emulator lacks':>14} "
          f"{'not in stage':>12}")
    for kind, entry in sorted(report["types"].items()):
        print(f"{kind:<42} {entry['total']:>5} {entry['created']:>7} {len(entry['failed']):>6} "
              f"{entry['blocked']:>7} {entry['not_supported']:>14} {entry['not_in_stage']:>12}")
        for name, reason in entry["failed"].items():
            print(f"    failed {name}: {reason}")
    print(f"created {report['created']}, failed {report['failed']}, blocked by a failure {report['blocked']}, "
          f"not supported by the emulator "
          f"{report['not_supported']} (final stack status {report['final_status']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="rehearse a deploy in LocalStack's CloudFormation")
    parser.add_argument("--stage", default="dev", choices=("dev", "prod"))
    args = parser.parse_args(argv)
    try:
        report = rehearse(args.stage)
    except StackError as exc:
        print(f"make rehearse-deploy: {exc}", file=sys.stderr)
        return 1
    print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
