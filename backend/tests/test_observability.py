"""The observability profile, checked as files (no Docker engine runs here): the
Prometheus config, the collector's pipeline, Grafana's provisioning, and every
metric the dashboard queries against the app's own /metrics."""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_delivery import ROOT, compose, environment_names

OBSERVABILITY = ROOT / "deploy" / "observability"
PROMETHEUS = OBSERVABILITY / "prometheus.yml"
DASHBOARD = OBSERVABILITY / "grafana" / "dashboards" / "looped-needle.json"
PROFILE = {"prometheus", "grafana", "otel-collector", "jaeger"}

# PromQL's own words, never metric names.
PROMQL_WORDS = {
    "sum",
    "max",
    "min",
    "avg",
    "rate",
    "irate",
    "increase",
    "histogram_quantile",
    "by",
    "without",
}


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    return document


def dashboard_expressions() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel.get("targets", [])]


def metric_names(expression: str) -> set[str]:
    bare = re.sub(r'"[^"]*"', "", expression)  # label values, braces and all
    bare = re.sub(r"\{[^}]*\}", "", bare)  # label matchers
    bare = re.sub(r"\b(by|without)\s*\([^)]*\)", "", bare)  # grouping labels
    bare = re.sub(r"\[[^\]]*\]", "", bare)  # ranges
    words = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", bare))
    return words - PROMQL_WORDS


def exported(metrics: str) -> set[str]:
    """Every series name the scrape offers: samples, and families with their
    histogram and counter suffixes (a labelled family has no sample until used)."""
    names = set()
    for line in metrics.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split()
            names.add(family)
            if kind == "histogram":
                names |= {f"{family}_bucket", f"{family}_count", f"{family}_sum"}
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def test_the_prometheus_config_is_valid() -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        # Without Debian's prometheus package: the shape Prometheus requires.
        config = load(PROMETHEUS)
        for job in config["scrape_configs"]:
            assert set(job) & {"static_configs", "dns_sd_configs"}, job
            assert re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_-]*", job["job_name"])
        return
    result = subprocess.run(
        [promtool, "check", "config", str(PROMETHEUS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_prometheus_scrapes_the_api_and_the_workers_where_they_listen() -> None:
    jobs = {job["job_name"]: job for job in load(PROMETHEUS)["scrape_configs"]}
    services = compose()["services"]
    assert jobs["backend"]["static_configs"][0]["targets"] == ["backend:8000"]
    [workers] = jobs["worker"]["dns_sd_configs"]
    assert workers["names"] == ["worker"] and workers["port"] == 9100
    assert services["worker"]["command"][-2:] == ["--metrics-port", "9100"]
    assert jobs["otel-collector"]["static_configs"][0]["targets"] == [
        "otel-collector:8888"
    ]


def test_the_profile_starts_dashboards_and_traces_only_when_asked() -> None:
    services = compose()["services"]
    profiled = {
        name
        for name, service in services.items()
        if "observability" in service.get("profiles", [])
    }
    assert profiled == PROFILE
    # The system itself runs without the profile.
    for name in ("postgres", "redis", "backend", "frontend"):
        assert "profiles" not in services[name]
    for name in PROFILE:
        service = services[name]
        assert "test" in service.get("healthcheck", {}) or service.get(
            "x-no-healthcheck"
        ), name
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
    assert services["grafana"]["depends_on"]["prometheus"]["condition"] == (
        "service_healthy"
    )
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" in environment_names(services["backend"])
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" in environment_names(services["worker"])


def test_the_collector_sends_traces_to_jaeger() -> None:
    collector = load(OBSERVABILITY / "otel-collector.yml")
    pipeline = collector["service"]["pipelines"]["traces"]
    assert pipeline["receivers"] == ["otlp"]
    [exporter] = pipeline["exporters"]
    assert collector["exporters"][exporter]["endpoint"] == "jaeger:4317"
    assert collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(
        ":4318"
    )
    jaeger = compose()["services"]["jaeger"]
    assert jaeger["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"


def test_grafana_provisions_the_datasources_the_dashboard_uses() -> None:
    provisioning = OBSERVABILITY / "grafana" / "provisioning"
    sources = load(provisioning / "datasources" / "datasources.yml")["datasources"]
    uids = {source["uid"]: source for source in sources}
    assert uids["prometheus"]["url"] == "http://prometheus:9090"
    assert uids["jaeger"]["url"] == "http://jaeger:16686"
    [provider] = load(provisioning / "dashboards" / "dashboards.yml")["providers"]
    grafana = compose()["services"]["grafana"]
    assert any(
        volume.endswith(f":{provider['options']['path']}:ro")
        for volume in grafana["volumes"]
    )
    panels = json.loads(DASHBOARD.read_text())["panels"]
    used = {panel["datasource"]["uid"] for panel in panels if "datasource" in panel}
    assert used <= set(uids)
    titles = " ".join(panel["title"] for panel in panels).lower()
    for covered in ("request", "error", "latency", "queue", "oldest", "lease"):
        assert covered in titles or covered in json.dumps(panels).lower(), covered
    for covered in ("model call latency", "model errors", "tokens"):
        assert covered in titles, covered


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        (
            'histogram_quantile(0.95, sum by (le, route) (rate(x_bucket{a="b"}[5m])))',
            {"x_bucket"},
        ),
        ("max by (status) (audit_queue_audits) * 60", {"audit_queue_audits"}),
        ('rate(y_count{route!="/v1/teams/{team}/x"}[5m])', {"y_count"}),
    ],
)
def test_metric_names_are_read_from_promql(expression: str, names: set[str]) -> None:
    assert metric_names(expression) == names
