"""Template loading: every short-form tag parses, intrinsics resolve, env merges as SAM does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from local_gateway.cfn_yaml import load_template_text
from local_gateway.intrinsics import NO_VALUE, Resolver, Unresolvable
from local_gateway.template import load_model

TEMPLATE = """
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: local}
  JwtIssuer: {Type: String, Default: http://127.0.0.1:3000/api/auth}
  JwtAudience: {Type: String, Default: bank-api}
  Subnets: {Type: CommaDelimitedList, Default: ''}
Conditions:
  InAws: !Not [!Equals [!Ref Stage, local]]
  HasVpc: !Not [!Equals [!Join ['', !Ref Subnets], '']]
Mappings:
  Sizes: {local: {mem: 256}}
Globals:
  Function:
    Runtime: python3.12
    Timeout: 15
    MemorySize: !FindInMap [Sizes, !Ref Stage, mem]
    Layers: [!Ref SharedLayer]
    Environment:
      Variables:
        APP_ENV: !Ref Stage
        REGION_NAME: !Sub '${AWS::Region}'
        SECURITY: !If [InAws, msk_iam, plaintext]
        REDIS: !If [InAws, !Sub 'rediss://${Cache.Endpoint.Address}', redis://local]
        FROM_RESOURCE: !GetAtt Cache.Arn
        ESCAPED: !Sub 'literal ${!NotAVar}'
        B64: !Base64 abc
        PICK: !Select [1, !Split [',', 'a,b,c']]
        OVERRIDDEN: template
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: shared/}
  Cache:
    Type: AWS::ElastiCache::CacheCluster
  Dlq:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub 'bank-${Stage}-dlq'}
  HttpApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [http://spa]
        AllowHeaders: [Authorization]
        AllowMethods: [get, post]
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: !Ref JwtIssuer
              audience: [!Ref JwtAudience]
  LedgerFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub 'bank-${Stage}-ledger'
      CodeUri: functions/ledger/
      Handler: ledger_service.handler.lambda_handler
      Environment:
        Variables:
          OWN: ledger
      Events:
        Api:
          Type: HttpApi
          Properties: {ApiId: !Ref HttpApi, Path: '/api/ledger/{proxy+}', Method: ANY}
        Health:
          Type: HttpApi
          Properties: {ApiId: !Ref HttpApi, Path: /api/ledger/health, Method: get, Auth: {Authorizer: NONE}}
        Consume:
          Type: MSK
          Properties:
            Stream: !GetAtt Cluster.Arn
            Topics: [payment.executed]
            StartingPosition: TRIM_HORIZON
            BatchSize: 25
            DestinationConfig: {OnFailure: {Destination: !GetAtt Dlq.Arn}}
        Sweep:
          Type: Schedule
          Properties: {Schedule: rate(5 minutes)}
  NoCode:
    Type: AWS::Serverless::Function
    Properties: {InlineCode: 'x', Handler: index.handler}
"""


@pytest.fixture
def model(tmp_path: Path):
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    env_file = tmp_path / "env.json"
    env_file.write_text(json.dumps({
        "Parameters": {"JwtAudience": "aud-from-file", "OVERRIDDEN": "from-parameters"},
        "LedgerFunction": {"EXTRA": "1"},
    }))
    return load_model(tmp_path / "template.yaml", env_file, tmp_path, "eu-central-1")


def test_every_short_form_tag_loads() -> None:
    text = "a: !Ref X\nb: !GetAtt R.Endpoint.Address\nc: !Sub [x, {}]\nd: !Whatever 1\ne: !Condition C"
    data = load_template_text(text)
    assert data["a"] == {"Ref": "X"}
    assert data["b"] == {"Fn::GetAtt": ["R", "Endpoint.Address"]}
    assert data["c"] == {"Fn::Sub": ["x", {}]}
    assert data["d"] == {"Fn::Whatever": "1"}  # tagged scalars stay strings
    assert data["e"] == {"Condition": "C"}


def test_function_spec(model) -> None:
    fn = model.functions["LedgerFunction"]
    assert fn.function_name == "bank-local-ledger"
    assert fn.handler == "ledger_service.handler.lambda_handler"
    assert fn.code_dir.name == "ledger"
    assert (fn.timeout, fn.memory_size, fn.region) == (15, 256, "eu-central-1")
    assert fn.layer_dirs and fn.layer_dirs[0].name == "shared"
    assert "NoCode" not in model.functions


def test_environment_resolution_and_overrides(model) -> None:
    env = model.functions["LedgerFunction"].environment
    assert env["APP_ENV"] == "local"
    assert env["REGION_NAME"] == "eu-central-1"
    assert env["SECURITY"] == "plaintext"
    assert env["REDIS"] == "redis://local"  # the unresolvable branch is not evaluated
    assert "FROM_RESOURCE" not in env  # needs a deployed resource: dropped
    assert env["ESCAPED"] == "literal ${NotAVar}"
    assert env["B64"] == "YWJj"
    assert env["PICK"] == "b"
    assert env["OWN"] == "ledger"
    assert env["OVERRIDDEN"] == "from-parameters"
    assert env["EXTRA"] == "1"


def test_http_api_auth_and_cors(model) -> None:
    api = model.apis["HttpApi"]
    assert api.default_authorizer == "Jwt"
    jwt = api.authorizers["Jwt"]
    assert jwt.issuer == "http://127.0.0.1:3000/api/auth"
    assert jwt.audiences == ["aud-from-file"]  # Parameters in the env-vars file feed template parameters
    assert api.cors is not None and api.cors.allow_methods == ["GET", "POST"]
    assert api.cors.allow_headers == ["authorization"]


def test_routes_inherit_default_authorizer(model) -> None:
    routes = {r.route_key: r for r in model.routes}
    assert routes["ANY /api/ledger/{proxy+}"].authorizer == "Jwt"
    assert routes["GET /api/ledger/health"].authorizer is None


def test_msk_and_schedule_events(model) -> None:
    (mapping,) = model.msk
    assert mapping.topics == ["payment.executed"]
    assert mapping.starting_position == "TRIM_HORIZON"
    assert mapping.batch_size == 25
    assert mapping.max_retries == 10  # AWS: infinite retries with an on-failure destination become 10
    assert mapping.group_id == "LedgerFunction-payment.executed"
    assert mapping.on_failure_destination == "arn:aws:sqs:eu-central-1:123456789012:bank-local-dlq"
    assert mapping.stream_arn.startswith("arn:aws:kafka:eu-central-1:")
    (schedule,) = model.schedules
    assert (schedule.expression, schedule.kind) == ("rate(5 minutes)", "Schedule")


def test_missing_env_file_is_fine(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    model = load_model(tmp_path / "template.yaml", tmp_path / "absent.json", tmp_path, "eu-central-1")
    assert model.apis["HttpApi"].authorizers["Jwt"].audiences == ["bank-api"]


def test_resolver_edge_cases() -> None:
    resolver = Resolver({"Parameters": {"P": {"Type": "String"}}}, {"P": "v"}, region="eu-west-1")
    assert resolver.resolve({"Ref": "AWS::NoValue"}) is NO_VALUE
    assert resolver.resolve({"Fn::Sub": ["${A}-${P}", {"A": "x"}]}) == "x-v"
    assert resolver.resolve({"Fn::Join": ["-", ["a", {"Ref": "AWS::AccountId"}]]}) == "a-123456789012"
    with pytest.raises(Unresolvable):
        resolver.resolve({"Ref": "SomeResource"})
    with pytest.raises(Unresolvable):
        resolver.resolve({"Fn::ImportValue": "x"})


@pytest.mark.parametrize(("properties", "retries"), [
    ("", -1),  # AWS default for Kafka: retry until the record expires (events wait out an outage)
    ("DestinationConfig: {OnFailure: {Destination: !GetAtt Dlq.Arn}}", 10),
    ("MaximumRetryAttempts: 3\n            DestinationConfig: {OnFailure: {Destination: !GetAtt Dlq.Arn}}", 3),
])
def test_msk_retries_follow_aws_defaults(tmp_path: Path, properties: str, retries: int) -> None:
    template = TEMPLATE.replace(
        "            DestinationConfig: {OnFailure: {Destination: !GetAtt Dlq.Arn}}\n",
        f"            {properties}\n" if properties else "")
    (tmp_path / "template.yaml").write_text(template)
    (tmp_path / "env.json").write_text("{}")
    (mapping,) = load_model(tmp_path / "template.yaml", tmp_path / "env.json", tmp_path, "eu-central-1").msk
    assert mapping.max_retries == retries
