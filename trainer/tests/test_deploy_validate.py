"""deploy/validate.py: the repository's deploy files pass it, and each defect it exists for makes it fail.

Here because bin/test runs this suite with /usr/bin/python3, whose PyYAML comes with python3-torch."""
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VALIDATE = ROOT / "deploy" / "validate.py"
# the files a mutation may edit are copied; the rest of the repository is linked
COPIED = ["docker-compose.yml", "Dockerfile", ".dockerignore", "deploy/Dockerfile.cuda", "deploy/kubernetes"]
LINKED = ["pom.xml", "src", "schemas", "models", "data"]


def run_validate(root):
    result = subprocess.run([sys.executable, str(VALIDATE), "--root", str(root)], capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def repository_copy(tmp_path):
    for name in COPIED:
        source, target = ROOT / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    for name in LINKED:
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def checks_module(name):
    """A module of deploy/checks (validate.py's own package), imported as validate.py does."""
    sys.path.insert(0, str(VALIDATE.parent))
    try:
        return importlib.import_module(f"checks.{name}")
    finally:
        sys.path.remove(str(VALIDATE.parent))


def load_config(root):
    return checks_module("config_keys").load_config(root)


def test_the_repository_deploy_files_pass():
    code, output = run_validate(ROOT)
    assert code == 0, output
    assert "ERROR" not in output and "SKIPPED" not in output, output
    assert "ok  docker-compose.yml" in output and "ok  deploy/kubernetes" in output, output


def test_an_unchanged_copy_passes(tmp_path):
    """The mutations below start from this copy: it must pass, so that their failures are theirs."""
    code, output = run_validate(repository_copy(tmp_path))
    assert code == 0, output


MUTATIONS = {
    "healthcheck-dev-tcp-under-sh": (
        "docker-compose.yml", 'test: ["CMD", "bash", "-c", ', 'test: ["CMD-SHELL", ',
        "/dev/tcp under CMD-SHELL"),
    "replay-does-not-wait-for-ready": (
        "docker-compose.yml", "forecaster: {condition: service_healthy}", "forecaster: {condition: service_started}",
        "replay replays before a service instance is healthy"),
    "baseline-instead-of-sigma-gpt": (
        "docker-compose.yml", "      KAFKA_STREAMS_APPLICATION_SERVER: forecaster:8080\n",
        "      KAFKA_STREAMS_APPLICATION_SERVER: forecaster:8080\n"
        "      FORECASTER_MODEL: baseline-altitude-difference\n",
        "FORECASTER_MODEL=baseline-altitude-difference overrides the shipped default"),
    "unknown-forecaster-variable": (
        "docker-compose.yml", "      FORECASTER_SERIALIZATION: registry\n",
        "      FORECASTER_SERIALIZATION: registry\n      FORECASTER_MODEL_PATH: /models\n",
        "FORECASTER_MODEL_PATH names no config key"),
    "registry-topic-not-created": (
        "docker-compose.yml", "create --topic density-bands-registry --partitions 4\n", "",
        "topics ['density-bands-registry'] are not created"),
    "data-copied-into-the-image": (
        "Dockerfile", "USER 1001\n# Kafka Streams", "COPY data/flights/ /app/data/flights/\nUSER 1001\n# Kafka Streams",
        "puts data/ into the image"),
    "image-runs-as-root": (
        "Dockerfile", "quarkus-app/ /app/\nUSER 1001\nENTRYPOINT", "quarkus-app/ /app/\nENTRYPOINT",
        "image stage cli runs as root"),
    "class-data-archive-not-written": (
        "Dockerfile", "-XX:ArchiveClassesAtExit=/app/app-cds.jsa", "-XX:ArchiveClassesAtExit=/tmp/app-cds.jsa",
        "reads the class-data archive /app/app-cds.jsa, which no RUN"),
    "class-data-archive-in-the-build-stage": (
        "Dockerfile", "package -DskipTests -DskipAppCds=true", "package -DskipTests",
        "without -DskipAppCds=true in a stage without models/"),
    "context-not-filtered": (
        ".dockerignore", "\n*\n", "\n", "data/flights/PROVENANCE.md enters the build context"),
    "headless-service-hides-unready-pods": (
        "deploy/kubernetes/forecaster.yaml", "  publishNotReadyAddresses: true\n", "",
        "lacks publishNotReadyAddresses: true"),
    "cuda-joins-the-cpu-application": (
        "deploy/kubernetes/forecaster-cuda.yaml",
        "value: sigma-vrate-forecaster-cuda}", "value: sigma-vrate-forecaster}",
        "share the application id sigma-vrate-forecaster"),
    "probe-on-a-missing-endpoint": (
        "deploy/kubernetes/forecaster.yaml", "path: /q/health/live", "path: /q/health/alive",
        "livenessProbe on /q/health/alive, expected /q/health/live"),
    "topic-misnamed": (
        "deploy/kubernetes/topics.yaml", "name: density-bands\n", "name: density-band\n",
        "topics declared ['density-band', "),
    "root-filesystem-writable": (
        "deploy/kubernetes/forecaster.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false",
        "container forecaster lacks readOnlyRootFilesystem: true"),
    "no-writable-tmp": (
        "deploy/kubernetes/forecaster.yaml", "            - {name: tmp, mountPath: /tmp}\n", "",
        "no writable emptyDir volume on java.io.tmpdir /tmp"),
    "tmpdir-off-the-volume": (
        "deploy/kubernetes/forecaster.yaml", '"-XX:MaxRAMPercentage=40"',
        '"-XX:MaxRAMPercentage=40 -Djava.io.tmpdir=/var/tmp"',
        "no writable emptyDir volume on java.io.tmpdir /var/tmp"),
    "privilege-escalation-allowed": (
        "deploy/kubernetes/forecaster.yaml", "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true",
        "lacks allowPrivilegeEscalation: false"),
    "capabilities-kept": (
        "deploy/kubernetes/forecaster.yaml", "capabilities: {drop: [ALL]}", "capabilities: {drop: [NET_RAW]}",
        "keeps capabilities"),
    "seccomp-unconfined": (
        "deploy/kubernetes/forecaster-cuda.yaml", "seccompProfile: {type: RuntimeDefault}",
        "seccompProfile: {type: Unconfined}", "seccompProfile Unconfined, expected RuntimeDefault"),
    "container-may-run-as-root": (
        "deploy/kubernetes/forecaster.yaml", "runAsNonRoot: true\n            allowPrivilegeEscalation",
        "runAsNonRoot: false\n            allowPrivilegeEscalation", "may run as root"),
    "root-uid": (
        "deploy/kubernetes/forecaster.yaml", "runAsUser: 1001", "runAsUser: 0", "runAsUser 0 is not a non-root uid"),
    "no-startup-probe": (
        "deploy/kubernetes/forecaster-cuda.yaml",
        "          startupProbe:\n            httpGet: {path: /q/health/started, port: http}\n"
        "            periodSeconds: 5\n            failureThreshold: 120\n", "",
        "startupProbe on None, expected /q/health/started"),
    "heap-leaves-no-native-headroom": (
        "deploy/kubernetes/forecaster.yaml", '"-XX:MaxRAMPercentage=40"', '"-XX:MaxRAMPercentage=70"',
        "the JVM's own memory need at least 2048 MiB"),
    "gpu-heap-leaves-no-native-headroom": (
        "deploy/kubernetes/forecaster-cuda.yaml", '"-XX:MaxRAMPercentage=25"', '"-XX:MaxRAMPercentage=60"',
        "need at least 4096 MiB"),
    "no-memory-limit": (
        "deploy/kubernetes/forecaster.yaml", "limits: {memory: 4Gi}", "limits: {}", "has no memory limit"),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_broken_file_fails(tmp_path, mutation):
    relative, old, new, expected = MUTATIONS[mutation]
    root = repository_copy(tmp_path)
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative} no longer contains the text this mutation changes"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, output = run_validate(root)
    assert code == 1, output
    assert expected in output, output


CONFIG_MAPPING = '''package org.sigmavrate.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Every forecaster.* setting. A "quoted { brace; and semicolon" in a comment must not confuse the reader. */
@ConfigMapping(prefix = "forecaster")
public interface ForecasterConfig {
    /** sigma-gpt | baseline-altitude-difference */
    @WithDefault("sigma-gpt")
    String model();

    Optional<Path> modelDir();

    @WithDefault("1")
    int intraOpThreads();

    @WithDefault("a;b{c}")
    String oddDefault();

    Topics topics();

    Optional<Batch> batch();

    Map<String, String> extra();

    default boolean sampling() {
        return samples() > 0;
    }

    @WithDefault("0")
    int samples();

    interface Topics {
        @WithDefault("surveillance-reports")
        String input();

        @WithDefault("infilled-trajectories")
        String trajectories();

        @WithDefault("density-bands")
        String bands();

        @WithName("dead-letter")
        @WithDefault("surveillance-reports-dlq")
        String deadLetterTopic();
    }
}
'''

BATCH_GROUP = '''package org.sigmavrate.config;

import java.util.List;

public interface Batch {
    @io.smallrye.config.WithDefault("200")
    int everyMs();

    @io.smallrye.config.WithDefault("0.05,0.5,0.95")
    List<Double> quantiles();
}
'''


def test_config_keys_come_from_the_config_mapping_when_there_is_one(tmp_path):
    package = tmp_path / "src/config/src/main/java/org/sigmavrate/config"
    package.mkdir(parents=True)
    (package / "ForecasterConfig.java").write_text(CONFIG_MAPPING, encoding="utf-8")
    (package / "Batch.java").write_text(BATCH_GROUP, encoding="utf-8")
    config = load_config(tmp_path)
    assert "ForecasterConfig" in config.source
    assert config.keys == {
        "forecaster.model": "sigma-gpt", "forecaster.model-dir": None, "forecaster.intra-op-threads": "1",
        "forecaster.odd-default": "a;b{c}", "forecaster.samples": "0",
        "forecaster.topics.input": "surveillance-reports", "forecaster.topics.trajectories": "infilled-trajectories",
        "forecaster.topics.bands": "density-bands", "forecaster.topics.dead-letter": "surveillance-reports-dlq",
        "forecaster.batch.every-ms": "200", "forecaster.batch.quantiles": "0.05,0.5,0.95",
    }
    assert config.knows_env("FORECASTER_TOPICS_DEAD_LETTER") and config.knows_env("FORECASTER_BATCH_EVERY_MS")
    assert config.knows_env("FORECASTER_EXTRA_ANYTHING")  # a map takes any key below it
    assert not config.knows_env("FORECASTER_SAMPLING") and not config.knows_env("FORECASTER_TOPICS_DEAD_LETTER_TOPIC")


def test_config_keys_come_from_application_properties_without_a_mapping(tmp_path):
    resources = tmp_path / "src/cli/src/main/resources"
    resources.mkdir(parents=True)
    (resources / "application.properties").write_text(
        "quarkus.log.level=WARN\nforecaster.model=sigma-gpt\nforecaster.model-dir=\n"
        "forecaster.topics.input = surveillance-reports\n%cluster.forecaster.intra-op-threads=2\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert config.keys == {"forecaster.model": "sigma-gpt", "forecaster.model-dir": None,
                           "forecaster.topics.input": "surveillance-reports", "forecaster.intra-op-threads": None}
    assert config.knows_env("FORECASTER_INTRA_OP_THREADS") and not config.knows_env("QUARKUS_LOG_LEVEL")


SERVICE_POM = """<project><artifactId>sigma-vrate-service</artifactId><dependencies>
  <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-smallrye-health</artifactId></dependency>
  <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-micrometer-registry-prometheus</artifactId></dependency>
</dependencies></project>"""

FORECAST_RESOURCE = """package org.sigmavrate.service;

@Path("/forecasts")
@Produces(MediaType.APPLICATION_JSON)
public class ForecastResource {
    @GET
    @Path("{icao24}")
    public Response latest(@PathParam("icao24") String icao24) {
        return Response.ok("{}").build();
    }
}
"""


def test_endpoints_come_from_the_service_module(tmp_path):
    (tmp_path / "src/service/src/main/java/org/sigmavrate/service").mkdir(parents=True)
    (tmp_path / "src/service/pom.xml").write_text(SERVICE_POM, encoding="utf-8")
    (tmp_path / "src/service/src/main/java/org/sigmavrate/service/ForecastResource.java").write_text(
        FORECAST_RESOURCE, encoding="utf-8")
    endpoints_module = checks_module("endpoints")
    endpoints, source = endpoints_module.service_endpoints(tmp_path)
    assert endpoints == {"/q/health", "/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics",
                         "/forecasts", "/forecasts/{icao24}"}, source
    assert endpoints_module.is_endpoint("/forecasts/4b1c22", endpoints)
    assert not endpoints_module.is_endpoint("/q/openapi", endpoints)  # no smallrye-openapi in this pom
