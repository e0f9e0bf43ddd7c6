#!/usr/bin/env python3
"""Checks docker-compose.yml and deploy/kubernetes/*.yaml without a Docker engine or a cluster: YAML syntax and the
structure each file must have (services with an image or build, known depends_on targets, Kubernetes objects with
apiVersion/kind/metadata.name, probes on /q/health, a volumeClaimTemplate for the state dir)."""
import glob
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
errors = []


def check(condition, message):
    if not condition:
        errors.append(message)


compose = yaml.safe_load(open(os.path.join(ROOT, "docker-compose.yml")))
services = compose.get("services", {})
for name, svc in services.items():
    check("image" in svc or "build" in svc, f"compose: service {name} has neither image nor build")
    for dep in (svc.get("depends_on") or {}):
        check(dep in services, f"compose: service {name} depends on unknown service {dep}")
check({"kafka", "forecaster", "replay"} <= set(services), "compose: kafka, forecaster and replay services expected")
check("registry" in (services.get("schema-registry", {}).get("profiles") or []), "compose: schema registry under a profile")

for path in sorted(glob.glob(os.path.join(ROOT, "deploy", "kubernetes", "*.yaml"))):
    for doc in yaml.safe_load_all(open(path)):
        where = f"{os.path.basename(path)}: {doc.get('kind')}"
        for key in ("apiVersion", "kind", "metadata"):
            check(key in doc, f"{where} lacks {key}")
        check("name" in doc.get("metadata", {}), f"{where} lacks metadata.name")
        if doc.get("kind") == "StatefulSet":
            spec = doc["spec"]
            check(spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items(),
                  f"{where}: selector does not match the pod labels")
            check(spec.get("volumeClaimTemplates"), f"{where}: no volumeClaimTemplates for the state dir")
            for c in spec["template"]["spec"]["containers"]:
                for probe in ("readinessProbe", "livenessProbe"):
                    check(c.get(probe, {}).get("httpGet", {}).get("path", "").startswith("/q/health"),
                          f"{where}: {probe} not on /q/health")
                mounts = {m["name"] for m in c.get("volumeMounts", [])}
                claims = {t["metadata"]["name"] for t in spec.get("volumeClaimTemplates", [])}
                check(mounts <= claims, f"{where}: volume mounts {mounts} without claims {claims}")
        print(f"ok  {where} {doc['metadata']['name']}")
print(f"ok  docker-compose.yml: {len(services)} services")
if errors:
    print("\n".join("ERROR " + e for e in errors))
    sys.exit(1)
