"""The CI/CD workflow tests every push, deploys staging from main and prod
from a version tag behind the production environment's reviewers."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "ci.yml"


def test_the_pipeline_tests_then_deploys_by_branch_and_tag() -> None:
    flow = yaml.safe_load(WORKFLOW.read_text())
    jobs = flow["jobs"]
    assert flow[True]["push"]["branches"] == ["**"]  # YAML reads the key "on" as True
    assert [s["run"] for s in jobs["test"]["steps"] if "run" in s] == ["make test"]
    staging, prod = jobs["deploy-staging"], jobs["deploy-prod"]
    assert staging["needs"] == prod["needs"] == "test"
    assert staging["if"] == "github.ref == 'refs/heads/main'" and staging["environment"] == "staging"
    assert prod["if"] == "startsWith(github.ref, 'refs/tags/v')" and prod["environment"] == "production"
    for job, stage in ((staging, "staging"), (prod, "prod")):
        assert job["permissions"]["id-token"] == "write"  # OIDC, no stored keys
        assert any(f"make deploy STAGE={stage}" in s.get("run", "") for s in job["steps"])
