"""Custom::KafkaBootstrap: the MSK Serverless cluster's IAM bootstrap brokers, looked up at deploy.

CloudFormation gives an `AWS::MSK::ServerlessCluster` nothing but its ARN, so the brokers every producer
needs come from `kafka:GetBootstrapBrokers` here and reach the functions as `KAFKA_BOOTSTRAP_SERVERS`
through `!GetAtt <this resource>.BootstrapServers`. The resource also answers the ARN prefixes the IAM
policies name per topic and consumer group (`<TopicArnPrefix>/<topic>`, `<GroupArnPrefix>/<group>`).

Properties: ClusterArn. Attributes: BootstrapServers, ClusterArn, TopicArnPrefix, GroupArnPrefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bank_shared.custom_resource import ConvergingResource, CustomResourceError, Outcome, Request, aws_client

RESOURCE_TYPE = "Custom::KafkaBootstrap"
# arn:<partition>:kafka:<region>:<account>:cluster/<cluster name>/<cluster uuid>
_CLUSTER_ARN = re.compile(r"^(arn:[\w-]+:kafka:[\w-]+:\d{12}):cluster/([^/]+)/([^/]+)$")


@dataclass(frozen=True)
class ClusterArn:
    head: str  # arn:<partition>:kafka:<region>:<account>
    name: str
    uuid: str

    @classmethod
    def parse(cls, arn: str) -> ClusterArn:
        match = _CLUSTER_ARN.match(arn)
        if match is None:
            raise CustomResourceError(f"{arn!r} is not an MSK cluster ARN")
        return cls(*match.groups())

    def prefix(self, kind: str) -> str:
        """IAM resource prefix of the cluster's topics ("topic") or consumer groups ("group")."""
        return f"{self.head}:{kind}/{self.name}/{self.uuid}"


class KafkaBootstrap(ConvergingResource):
    def converge(self, request: Request) -> Outcome:
        return lookup(str(request.prop("ClusterArn")))

    def physical_id(self, request: Request) -> str:
        return str(request.properties.get("ClusterArn"))


def lookup(cluster_arn: str) -> Outcome:
    arn = ClusterArn.parse(cluster_arn)
    brokers = aws_client("kafka").get_bootstrap_brokers(ClusterArn=cluster_arn)
    servers = brokers.get("BootstrapBrokerStringSaslIam")
    if not servers:
        raise CustomResourceError(f"cluster {arn.name} offers no IAM bootstrap brokers (is IAM auth enabled?)")
    return Outcome(cluster_arn, {
        "BootstrapServers": servers,
        "ClusterArn": cluster_arn,
        "TopicArnPrefix": arn.prefix("topic"),
        "GroupArnPrefix": arn.prefix("group"),
    })
