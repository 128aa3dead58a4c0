"""The platform function: CloudFormation custom resources that stand the bank's data plane up at deploy
(service databases and roles, Kafka topics, the MSK bootstrap lookup). Not a domain service: no HTTP API."""
