#!/usr/bin/env python3
"""Checks the deploy files without a Docker engine or a cluster: what can be known from the files themselves.

- Dockerfiles: no data/ copied into an image; every COPY source exists and survives .dockerignore (else the build
  fails); the runtime images do not run as root; .dockerignore keeps data/, .git, trainer runs and host builds out.
- docker-compose.yml: every service's image is built here or pulled (never a locally built tag without `build`);
  build targets exist; depends_on targets exist, and a `service_healthy` one has a healthcheck; no /dev/tcp
  healthcheck under /bin/sh (dash on Ubuntu: it never passes); the service's healthcheck probes /q/health/ready; the
  replay waits for a healthy service; each service instance's topics are created before it starts, the default ones
  being exactly the configured four; the registry-mode instance reaches a registry it depends on; data/ only mounted
  read-only.
- deploy/kubernetes: selectors match labels; each StatefulSet's headless service (clusterIP None,
  publishNotReadyAddresses) selects its pods and no other workload's; application.server names that service; probes
  on /q/health/live and /q/health/ready and among the service's endpoints; a distinct KAFKA_STREAMS_APPLICATION_ID
  per workload; state dir on a claimed volume; a PodDisruptionBudget per StatefulSet; the declared topics are exactly
  the configured four. Hardening: runAsNonRoot with a non-root uid, seccompProfile RuntimeDefault, no privilege
  escalation, capabilities dropped (ALL), a read-only root filesystem with an emptyDir on java.io.tmpdir (where ONNX
  Runtime and RocksDB unpack their native libraries), a startup probe on /q/health/started, and a memory limit that
  leaves at least 2 GiB (4 GiB with a GPU) beside the heap (-XX:MaxRAMPercentage or -Xmx) for native memory.
- Everywhere: FORECASTER_* variables name existing config keys, read from the @ConfigMapping(prefix = "forecaster")
  interface when there is one under src/, else from the application.properties files; FORECASTER_MODEL, if set, is
  the default (the σ-GPT).

Run: /usr/bin/python3 deploy/validate.py [--root DIR]. Needs PyYAML (Debian: python3-yaml) for the YAML checks;
without it they are skipped and the output says so. Exit status 1 on any error.
"""
import argparse
import importlib.util
import sys
from pathlib import Path

from checks.config_keys import load_config
from checks.endpoints import service_endpoints
from checks.images import check_dockerfiles
from checks.report import Report

DEFAULT_ROOT = Path(__file__).resolve().parent.parent
# the Dockerfile and config checks run without PyYAML; the YAML ones need it
HAVE_YAML = importlib.util.find_spec("yaml") is not None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="repository root (default: %(default)s)")
    root = parser.parse_args(argv).root.resolve()
    report = Report()
    config = load_config(root)
    if config is None:
        print("ERROR no forecaster.* config keys found (neither a @ConfigMapping nor application.properties)")
        return 1
    endpoints, endpoint_source = service_endpoints(root)
    print(f"ok  config: {len(config.keys)} forecaster keys from {config.source}; "
          f"topics {sorted(config.topics().values())}")
    print(f"ok  endpoints: {', '.join(sorted(endpoints))} ({endpoint_source})")
    stages = check_dockerfiles(root, report)
    if not HAVE_YAML:
        print("SKIPPED docker-compose.yml and deploy/kubernetes: PyYAML is not installed "
              "(Debian: apt-get install python3-yaml)")
    else:
        from checks.compose import check_compose
        from checks.kubernetes import check_kubernetes
        check_compose(root, config, endpoints, stages, report)
        check_kubernetes(root, config, endpoints, report)
    for message in report.errors:
        print("ERROR " + message)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
