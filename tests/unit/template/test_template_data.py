"""The data tier as each stage deploys it: Aurora PostgreSQL matching the local major version, protected and
backed up in prod (not in dev), TLS on every hop, one database/role/secret per service created at deploy,
and every service migrated before its function is updated."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.support import cfn
from tests.support.cfn import Resolver
from tests.support.services import SERVICES


def cluster() -> dict:  # type: ignore[type-arg]
    return cfn.resources()["DbCluster"]


def test_aurora_runs_the_local_postgresql_major_version() -> None:
    properties = cluster()["Properties"]
    assert properties["Engine"] == "aurora-postgresql"
    assert cfn.resources()["DbClusterParameterGroup"]["Properties"]["Family"] == "aurora-postgresql15"
    psql = shutil.which("psql")
    assert psql, "psql is installed with the local stack"
    local = re.search(r"(\d+)\.(\d+)", subprocess.run([psql, "--version"], capture_output=True, text=True,
                                                     check=True).stdout)
    assert local is not None
    major, _minor = properties["EngineVersion"].split(".")
    assert major == local.group(1), f"Aurora {properties['EngineVersion']} vs local PostgreSQL {local.group(0)}"
    for instance in ("DbWriterInstance", "DbReaderInstance"):
        assert cfn.resources()[instance]["Properties"]["DBInstanceClass"] == "db.serverless"
        assert cfn.resources()[instance]["Properties"]["AutoMinorVersionUpgrade"] is False


@pytest.mark.parametrize(("stage", "protected"), [("prod", True), ("dev", False)])
def test_prod_is_protected_and_backed_up_dev_is_not(stage: str, protected: bool) -> None:
    resolver = Resolver(stage)
    properties = resolver.pick(cluster()["Properties"])
    assert properties["DeletionProtection"] is protected
    assert properties["BackupRetentionPeriod"] >= (14 if protected else 1)
    assert properties["StorageEncrypted"] is True
    final_snapshot = "Snapshot" if protected else "Delete"
    assert resolver.pick(cluster()["DeletionPolicy"]) == final_snapshot
    assert resolver.pick(cluster()["UpdateReplacePolicy"]) == final_snapshot
    reader = cfn.resources()["DbReaderInstance"]
    assert resolver.condition(reader["Condition"]) is protected  # a second AZ to fail over to, in prod
    assert resolver.condition("NatPerAz") is protected


def test_language_extensions_run_before_sam() -> None:
    assert cfn.template()["Transform"] == ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"]


def test_tls_on_every_database_hop() -> None:
    assert cfn.resources()["DbClusterParameterGroup"]["Properties"]["Parameters"]["rds.force_ssl"] == "1"
    proxy = cfn.resources()["DbProxy"]["Properties"]
    assert proxy["RequireTLS"] is True and proxy["EngineFamily"] == "POSTGRESQL"
    assert cluster()["Properties"]["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in cluster()["Properties"]


def test_each_service_has_its_secret_in_the_proxy_and_its_database_at_deploy() -> None:
    secrets = {f"{service.capitalize()}DbSecret" for service in SERVICES}
    proxy_secrets = {entry["SecretArn"]["Ref"] for entry in cfn.resources()["DbProxy"]["Properties"]["Auth"]}
    assert proxy_secrets == secrets
    for entry in cfn.resources()["DbProxy"]["Properties"]["Auth"]:
        assert entry["IAMAuth"] == "DISABLED" and entry["ClientPasswordAuthType"] == "POSTGRES_SCRAM_SHA_256"
    databases = cfn.resources()["ServiceDatabases"]
    assert databases["Type"] == "Custom::ServiceDatabases"
    listed = {entry["Name"]: entry["SecretArn"]["Ref"] for entry in databases["Properties"]["Services"]}
    assert listed == {service: f"{service.capitalize()}DbSecret" for service in SERVICES}
    assert databases["Properties"]["ProxyHost"] == {"Fn::GetAtt": ["DbProxy", "Endpoint"]}
    assert databases["Properties"]["MasterSecretArn"] == {"Fn::GetAtt": ["DbCluster", "MasterUserSecret.SecretArn"]}
    assert "AdminSslMode" not in databases["Properties"]  # AWS always requires TLS (the property is for tests)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_migrated_before_its_function_is_updated(service: str) -> None:
    name = service.capitalize()
    migrations = cfn.resources()[f"{name}Migrations"]
    function = cfn.functions()[f"{name}MigrationsFunction"]["Properties"]
    service_function = cfn.functions()[f"{name}Function"]["Properties"]
    assert migrations["Type"] == "Custom::Migrations"
    assert migrations["Properties"]["Service"] == service
    assert migrations["Properties"]["CodeVersion"] == {"Ref": f"{name}MigrationsFunction.Version"}
    assert {"ServiceDatabases", "DbProxyTargetGroup"} <= set(cfn.depends_on(f"{name}Migrations"))
    assert function["CodeUri"] == service_function["CodeUri"]  # the migrations of this very code
    assert function["Handler"] == "bank_shared.migration_resource.lambda_handler"
    assert function["Environment"]["Variables"] == {"POWERTOOLS_SERVICE_NAME": service,
                                                    "DB_SECRET_ID": {"Ref": f"{name}DbSecret"}}
    assert f"{name}Migrations" in cfn.depends_on(f"{name}Function")
    assert "KafkaTopics" in cfn.depends_on(f"{name}Function")


def test_network_has_two_private_azs_and_no_default_egress() -> None:
    resolver = Resolver("dev")
    subnets = resolver.pick(cfn.template()["Globals"]["Function"]["VpcConfig"]["SubnetIds"])
    assert subnets == [{"Ref": "PrivateSubnetA"}, {"Ref": "PrivateSubnetB"}]
    zones = {str(cfn.resources()[s["Ref"]]["Properties"]["AvailabilityZone"]) for s in subnets}
    assert len(zones) == 2
    groups = {k: v for k, v in cfn.resources().items() if v["Type"] == "AWS::EC2::SecurityGroup"}
    assert set(groups) == {"FunctionsSecurityGroup", "PlatformSecurityGroup", "DbProxySecurityGroup",
                           "DatabaseSecurityGroup", "CacheSecurityGroup", "KafkaSecurityGroup"}
    for logical_id, group in groups.items():
        assert "SecurityGroupIngress" not in group["Properties"], logical_id  # only named-source rules below
        for rule in group["Properties"]["SecurityGroupEgress"]:
            assert rule.get("CidrIp") in ("0.0.0.0/0", "127.0.0.1/32"), logical_id
            if rule.get("CidrIp") == "0.0.0.0/0":
                assert (rule["FromPort"], rule["ToPort"]) == (443, 443), logical_id
    for logical_id, rule in cfn.resources().items():
        if rule["Type"] == "AWS::EC2::SecurityGroupIngress":
            assert "SourceSecurityGroupId" in rule["Properties"] and "CidrIp" not in rule["Properties"], logical_id


@pytest.mark.parametrize("logical_id", ["DbProxy", "EventsCluster", "RedisCache", "DbSubnetGroup"])
def test_data_services_live_in_the_private_subnets(logical_id: str) -> None:
    text = str(cfn.resources()[logical_id]["Properties"])
    assert "PrivateSubnetA" in text and "PrivateSubnetB" in text and "PublicSubnet" not in text


def test_cache_is_serverless_with_tls_and_bounded() -> None:
    cache = cfn.resources()["RedisCache"]["Properties"]
    assert cache["Engine"] in ("valkey", "redis")
    assert cache["CacheUsageLimits"]["DataStorage"]["Maximum"] <= 10
    redis_url = cfn.template()["Globals"]["Function"]["Environment"]["Variables"]["REDIS_URL"]
    assert Resolver("prod").origin(redis_url).text.startswith("rediss://<RedisCache.Endpoint.Address>")
