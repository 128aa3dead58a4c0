"""The rehearsal's template surgery (localstack/rehearsectl.py): what is left out becomes a placeholder, what
depends on a failure waits, intrinsics the emulator cannot evaluate are computed. The rehearsal itself runs
against LocalStack with `make rehearse-deploy`."""

from __future__ import annotations

from typing import Any

import rehearsectl

TEMPLATE: dict[str, Any] = {
    "Parameters": {"VpcCidr": {"Type": "String"}},
    "Rules": {"R": {}},
    "Outputs": {"O": {"Value": {"Ref": "Db"}}},
    "Resources": {
        "Db": {"Type": "AWS::RDS::DBCluster", "Properties": {}},
        "Role": {"Type": "AWS::IAM::Role", "DependsOn": ["Db", "Queue"], "Properties": {
            "Policy": {"Resource": {"Fn::GetAtt": ["Db", "Arn"]}},
            "Url": {"Fn::Sub": "postgres://${Db.Endpoint.Address}:5432/${Queue}"},
            "Id": {"Ref": "Db"}}},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Role": {"Fn::GetAtt": "Role.Arn"}}},
        "Alias": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {
            "AvailabilityZone": {"Fn::Select": [1, {"Fn::GetAZs": ""}]},
            "CidrBlock": {"Fn::Select": [3, {"Fn::Cidr": [{"Ref": "VpcCidr"}, 4, 12]}]}}},
    },
}


def test_left_out_resources_become_placeholders() -> None:
    result = rehearsectl.rehearsal_template(TEMPLATE, {"Db"}, {"VpcCidr": "10.40.0.0/16"})
    assert "Db" not in result["Resources"] and "Rules" not in result and "Outputs" not in result
    role = result["Resources"]["Role"]
    assert role["DependsOn"] == ["Queue"]
    assert role["Properties"]["Policy"]["Resource"] == "arn:aws:rehearsal:eu-central-1:000000000000:Db/Arn"
    assert role["Properties"]["Id"] == "rehearsal-Db"
    url = role["Properties"]["Url"]["Fn::Sub"]
    assert url == "postgres://arn:aws:rehearsal:eu-central-1:000000000000:Db/Endpoint.Address:5432/${Queue}"
    subnet = result["Resources"]["Subnet"]["Properties"]
    assert subnet == {"AvailabilityZone": "eu-central-1b", "CidrBlock": "10.40.48.0/20"}
    assert "Db" in TEMPLATE["Resources"], "the translated template itself is left alone"


def test_what_depends_on_a_failure_waits_but_not_through_a_placeholder() -> None:
    assert rehearsectl.dependants(TEMPLATE, {"Role"}, set()) == {"Fn": "Role", "Alias": "Role"}
    # Role refers to Db; Db is absent (a placeholder), so Db's failure cannot block Role.
    assert rehearsectl.dependants(TEMPLATE, {"Db"}, {"Db"}) == {}
    assert rehearsectl.dependants(TEMPLATE, {"Queue"}, set()) == {"Role": "Queue", "Fn": "Queue", "Alias": "Queue"}


def test_references_cover_every_form() -> None:
    assert rehearsectl.references(TEMPLATE["Resources"]["Role"]) == {"Db", "Queue"}
    assert rehearsectl.references(TEMPLATE["Resources"]["Fn"]) == {"Role"}


def test_summary_counts_each_resource_once() -> None:
    types = {n: r["Type"] for n, r in TEMPLATE["Resources"].items()}
    report = rehearsectl.summarise(types, {"Db"}, {"Queue": "AWS::SQS::Queue", "Subnet": "AWS::EC2::Subnet"},
                                   {"Fn": "runtime missing"}, {"Alias": "Fn"}, "CREATE_COMPLETE")
    assert (report["created"], report["failed"], report["blocked"], report["not_supported"]) == (2, 1, 1, 1)
    assert report["types"]["AWS::IAM::Role"]["not_in_stage"] == 1
    assert report["types"]["AWS::Lambda::Function"]["failed"] == {"Fn": "runtime missing"}
