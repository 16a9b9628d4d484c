"""deploy/kubernetes/: the manifests validate offline against Kubernetes' own schemas (pinned
kubernetes-validate, strict), and say what the README and the service promise."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES = "1.37.0"  # the newest schemas kubernetes-validate 1.37 ships


def documents() -> list[dict[str, Any]]:
    found = []
    for path in sorted(MANIFESTS.glob("*.yaml")):
        found += [doc for doc in yaml.safe_load_all(path.read_text("utf-8")) if doc]
    return found


def of_kind(kind: str) -> dict[str, Any]:
    matches = [doc for doc in documents() if doc["kind"] == kind]
    assert len(matches) == 1, kind
    return matches[0]


def test_every_manifest_validates_strictly() -> None:
    """Each resource passes the Kubernetes schema of its kind, unknown fields refused."""
    kinds = []
    for doc in documents():
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)
        kinds.append(doc["kind"])
    assert sorted(kinds) == sorted(
        ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"]
    )


def test_a_field_the_schema_lacks_is_caught() -> None:
    """The validator is not a rubber stamp: a misspelt field of the Deployment fails it."""
    deployment = of_kind("Deployment")
    deployment["spec"]["replica"] = 3
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)


def test_the_deployment_runs_three_locked_down_replicas(client: FlaskClient) -> None:
    """Three replicas; probes on /health/live and /health/ready, which the service answers;
    non-root, read-only root filesystem, no privilege escalation, every capability dropped,
    /tmp a memory emptyDir; requests and limits set."""
    deployment = of_kind("Deployment")
    spec = deployment["spec"]
    assert spec["replicas"] == 3
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"/tmp"}  # noqa: S108
    assert set(container["resources"]) == {"requests", "limits"}
    probes = {
        name: container[name]["httpGet"]["path"]
        for name in ("livenessProbe", "readinessProbe", "startupProbe")
    }
    assert probes == {
        "livenessProbe": "/health/live",
        "readinessProbe": "/health/ready",
        "startupProbe": "/health/ready",
    }
    for path in set(probes.values()):
        assert client.get(path).status_code == 200


def test_the_pieces_name_each_other() -> None:
    """The Service and the PodDisruptionBudget select the Deployment's pods, the HPA scales it
    from its replica count, the PDB leaves one replica to disrupt, and the pod reads the
    ConfigMap by its name."""
    deployment = of_kind("Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert of_kind("Service")["spec"]["selector"].items() <= labels.items()
    pdb = of_kind("PodDisruptionBudget")["spec"]
    assert pdb["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["minAvailable"] < deployment["spec"]["replicas"]
    hpa = of_kind("HorizontalPodAutoscaler")["spec"]
    assert hpa["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert hpa["minReplicas"] == deployment["spec"]["replicas"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    sources = [source["configMapRef"]["name"] for source in container["envFrom"]]
    assert sources == [of_kind("ConfigMap")["metadata"]["name"]]


def test_the_configmap_sets_only_documented_settings() -> None:
    """Every key of the ConfigMap is a variable the README's Configuration table lists (or
    TMPDIR, which the image sets): no setting the service does not read."""
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z_]+)`", table, re.MULTILINE))
    documented |= {"TMPDIR"}
    keys = set(of_kind("ConfigMap")["data"])
    assert keys
    assert keys - documented == set()
