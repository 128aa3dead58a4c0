"""The edge as template.yaml deploys it: one CloudFront distribution in front of the private SPA bucket (OAC)
and the HTTP API, SPA routing for the static export, the security headers of frontend/security-headers.json,
and the HTTP API's throttling and access logs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from local_gateway.cfn_yaml import load_template_file
from tests.support import cfn

HEADERS_FILE = cfn.REPO / "frontend" / "security-headers.json"
APP = cfn.REPO / "frontend" / "src" / "app"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def resource(name: str) -> dict[str, Any]:
    value: dict[str, Any] = cfn.resources()[name]
    return value


def distribution() -> dict[str, Any]:
    config: dict[str, Any] = resource("Distribution")["Properties"]["DistributionConfig"]
    return config


def policy_headers() -> dict[str, str]:
    """The headers CloudFront adds, as a browser receives them."""
    config = resource("SpaSecurityHeadersPolicy")["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    assert all(part["Override"] is True for part in security.values()), "the origin must not weaken a header"
    hsts = security["StrictTransportSecurity"]
    hsts_value = f"max-age={hsts['AccessControlMaxAgeSec']}"
    hsts_value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
    hsts_value += "; preload" if hsts.get("Preload") else ""
    headers = {
        "Content-Security-Policy": " ".join(security["ContentSecurityPolicy"]["ContentSecurityPolicy"].split()),
        "Strict-Transport-Security": hsts_value,
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }
    for item in config.get("CustomHeadersConfig", {}).get("Items", []):
        assert item["Override"] is True
        headers[item["Header"]] = item["Value"]
    return headers


def test_cloudfront_sends_exactly_the_headers_the_local_gateway_sends() -> None:
    expected = json.loads(HEADERS_FILE.read_text())["headers"]
    assert policy_headers() == expected
    csp = dict(part.strip().split(" ", 1) for part in expected["Content-Security-Policy"].split(";"))
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'" and csp["default-src"] == "'self'"
    assert csp["connect-src"] == "'self'", "the SPA talks to its own origin only (/api/* on the distribution)"
    assert "max-age=63072000" in expected["Strict-Transport-Security"]


def test_the_spa_bucket_is_private_and_read_by_this_distribution_only() -> None:
    bucket = resource("SpaBucket")["Properties"]["PublicAccessBlockConfiguration"]
    assert all(bucket[flag] is True for flag in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                                 "RestrictPublicBuckets"))
    oac = resource("SpaOriginAccessControl")["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")
    spa = next(o for o in distribution()["Origins"] if o["Id"] == "spa")
    assert spa["OriginAccessControlId"] == {"Fn::GetAtt": ["SpaOriginAccessControl", "Id"]}
    assert spa["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    statements = resource("SpaBucketPolicy")["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert {a["Action"] for a in allows} == {"s3:GetObject", "s3:ListBucket"}
    for allow in allows:
        assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
        assert source.endswith(":distribution/${Distribution}"), "only this distribution, not any CloudFront"


def test_api_behaviour_forwards_everything_and_caches_nothing() -> None:
    config = distribution()
    api_origin = next(o for o in config["Origins"] if o["Id"] == "api")
    assert api_origin["DomainName"]["Fn::Sub"].startswith("${HttpApi}.execute-api.")
    assert api_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert api["TargetOriginId"] == "api"
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert set(api["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    default = config["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == "spa" and default["CachePolicyId"] == CACHING_OPTIMIZED
    assert default["ResponseHeadersPolicyId"] == {"Ref": "SpaSecurityHeadersPolicy"}
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    events = {a["EventType"] for a in default["FunctionAssociations"]}
    assert events == {"viewer-request", "viewer-response"}


def test_custom_domain_and_waf_are_optional_parameters() -> None:
    config = distribution()
    assert config["Aliases"] == {"Fn::If": ["HasCustomDomain", [{"Ref": "DomainName"}], {"Ref": "AWS::NoValue"}]}
    assert config["ViewerCertificate"]["Fn::If"][1]["AcmCertificateArn"] == {"Ref": "CertificateArn"}
    assert config["WebACLId"] == {"Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]}
    assert "us-east-1" in cfn.template()["Parameters"]["CertificateArn"]["AllowedPattern"]


def app_routes() -> list[str]:
    routes = []
    for page in APP.rglob("page.tsx"):
        relative = page.parent.relative_to(APP).as_posix()
        routes.append("/" if relative == "." else f"/{relative}/")
    return sorted(routes)


def function_code() -> str:
    code: str = resource("SpaRouterFunction")["Properties"]["FunctionCode"]
    return code


def test_router_knows_every_page_of_the_app() -> None:
    start = function_code().index("[")
    end = function_code().index("]", start)
    listed = json.loads(function_code()[start:end + 1].replace("'", '"'))
    assert sorted(listed) == app_routes(), "ROUTES in SpaRouterFunction must list frontend/src/app's pages"


@pytest.fixture(scope="module")
def router(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The function's code as a node module (cloudfront-js-2.0 is ECMAScript 5.1 plus parts of ES6+)."""
    script = tmp_path_factory.mktemp("cf") / "router.js"
    script.write_text(function_code() + "\nmodule.exports = handler;\n")
    return script


def run(router: Path, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    assert node, "node is installed with the frontend toolchain"
    driver = (f"const handler = require({json.dumps(str(router))});"
              "const events = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(events.map(handler)));")
    result = subprocess.run([node, "-e", driver], input=json.dumps(events), capture_output=True, text=True,
                            check=True)
    value: list[dict[str, Any]] = json.loads(result.stdout)
    return value


@pytest.mark.parametrize(("uri", "origin_uri"), [
    ("/", "/index.html"),
    ("/lk", "/lk/index.html"),
    ("/lk/", "/lk/index.html"),
    ("/office/customer/", "/office/customer/index.html"),
    ("/_next/static/chunks/app-1a2b.js", "/_next/static/chunks/app-1a2b.js"),
    ("/favicon.ico", "/favicon.ico"),
    ("/404.html", "/404.html"),
    ("/lk/nowhere", "/404.html"),
    ("/api-docs", "/404.html"),
])
def test_viewer_request_maps_pages_to_the_export(router: Path, uri: str, origin_uri: str) -> None:
    (request,) = run(router, [{"context": {"eventType": "viewer-request"}, "request": {"uri": uri}}])
    assert request["uri"] == origin_uri


@pytest.mark.parametrize(("uri", "status", "expected"), [
    ("/lk/nowhere", 200, 404),  # the original URI
    ("/404.html", 200, 404),  # the rewritten one, whichever CloudFront passes
    ("/lk/", 200, 200),
    ("/lk/index.html", 200, 200),
    ("/_next/static/x.js", 404, 404),
    ("/lk/", 304, 304),
])
def test_viewer_response_sends_the_404_page_with_status_404(router: Path, uri: str, status: int,
                                                            expected: int) -> None:
    event = {"context": {"eventType": "viewer-response"}, "request": {"uri": uri},
             "response": {"statusCode": status, "statusDescription": "OK", "headers": {}}}
    (response,) = run(router, [event])
    assert response["statusCode"] == expected


def test_http_api_is_throttled_and_access_logged() -> None:
    api = resource("HttpApi")["Properties"]
    assert api["DefaultRouteSettings"] == {"ThrottlingBurstLimit": {"Ref": "ApiThrottlingBurstLimit"},
                                           "ThrottlingRateLimit": {"Ref": "ApiThrottlingRateLimit"}}
    logs = api["AccessLogSettings"]
    assert logs["DestinationArn"] == {"Fn::GetAtt": ["HttpApiAccessLogGroup", "Arn"]}
    fields = json.loads(logs["Format"])
    assert {"requestId", "status", "routeKey", "ip"} <= set(fields)
    assert not any("header" in str(v).lower() or "body" in str(v).lower() for v in fields.values())
    group = resource("HttpApiAccessLogGroup")["Properties"]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_waf_stack_for_cloudfront_is_valid_and_in_us_east_1() -> None:
    """template-waf.yaml: the managed common rule set and a rate-based rule, CLOUDFRONT scope (us-east-1)."""
    path = cfn.REPO / "template-waf.yaml"
    lint = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")), str(path)], capture_output=True,
                          text=True, check=False, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    waf = load_template_file(path)
    acl = waf["Resources"]["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    statements = [rule["Statement"] for rule in acl["Rules"]]
    assert {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"} in [
        s.get("ManagedRuleGroupStatement") for s in statements]
    assert any(s.get("RateBasedStatement", {}).get("AggregateKeyType") == "IP" for s in statements)
    assert "us-east-1" in json.dumps(waf["Rules"])
