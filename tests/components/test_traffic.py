"""components/traffic.py: Route 53 health checks and PRIMARY/SECONDARY failover records."""

from __future__ import annotations

import pytest

from components.traffic import Traffic, TrafficArgs
from tests.components.harness import build

PRIMARY = {"web-frontend": "web.use1.elb", "api-gateway": "api.use1.elb"}
DR = {"web-frontend": "web.usw2.elb", "api-gateway": "api.usw2.elb"}


def _traffic(dr_endpoints, **extra):
    def make(place, opts):
        t = Traffic(
            "traffic",
            TrafficArgs(
                placement=place,
                zone_id="Z123",
                zone="dtem.example.cl",
                records={"app": "web-frontend", "api": "api-gateway"},
                primary_endpoints=PRIMARY,
                dr_endpoints=dr_endpoints,
                **extra,
            ),
            opts=opts,
        )
        return {"checks": t.health_check_ids}

    return make


@pytest.mark.parametrize(
    ("dr", "kinds"),
    [(None, {"PRIMARY"}), (DR, {"PRIMARY", "SECONDARY"})],
    ids=["first-pass", "wired"],
)
def test_failover_records_and_their_health_checks(dr, kinds):
    cap = build(_traffic(dr))
    checks = {c.id: c for c in cap.of_type("aws:route53/healthCheck:HealthCheck")}
    records = cap.of_type("aws:route53/record:Record")
    assert len(records) == len(checks) == 2 * len(kinds)
    for record in records:
        i = record.inputs
        kind = i["failoverRoutingPolicies"][0]["type"]
        assert kind in kinds
        host = (PRIMARY if kind == "PRIMARY" else DR)[{"app": "web-frontend", "api": "api-gateway"}[i["name"].split(".")[0]]]
        assert (i["zoneId"], i["type"], i["ttl"], i["records"]) == ("Z123", "CNAME", 60, [host])
        assert i["setIdentifier"] == {"PRIMARY": "primary", "SECONDARY": "dr"}[kind]
        check = checks[i["healthCheckId"]].inputs
        assert (check["type"], check["fqdn"], check["port"], check["resourcePath"]) == ("HTTP", host, 80, "/health")
    assert len(cap.exports["checks"]) == 2 * len(kinds)


def test_health_check_timing_is_configurable():
    cap = build(_traffic(DR, request_interval=30, failure_threshold=2, ttl=30, health_path="/health/db"))
    for check in cap.of_type("aws:route53/healthCheck:HealthCheck"):
        assert (check.inputs["requestInterval"], check.inputs["failureThreshold"], check.inputs["resourcePath"]) == (30, 2, "/health/db")
    assert {r.inputs["ttl"] for r in cap.of_type("aws:route53/record:Record")} == {30}
