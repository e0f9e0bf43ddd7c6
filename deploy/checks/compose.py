"""docker-compose.yml: images, builds, dependencies, healthchecks, mounts, topics and the service instances."""
import json
import os
import re
import shlex

import yaml

from .config_keys import check_environment, env_name
from .endpoints import is_endpoint

SERVICE_TARGET = "service"
DEPENDS_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


def as_dict_env(environment):
    """A service's environment, given as a mapping or as a list of NAME=value."""
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in environment)
    return {k: (None if v is None else str(v)) for k, v in (environment or {}).items()}


def as_depends(depends_on):
    if isinstance(depends_on, list):
        return {name: "service_started" for name in depends_on}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in (depends_on or {}).items()}


def command_words(value):
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def created_topics(service):
    """The topics a kafka-topics.sh --create command of a service (or Job container) names."""
    text = " ".join(command_words(service.get("entrypoint")) + command_words(service.get("command")))
    if "kafka-topics.sh" not in text or "--create" not in text:
        return set()
    return set(re.findall(r"--topic[ =]+([\w.-]+)", text))


def check_compose(root, config, endpoints, stages, report):
    errors_before = len(report.errors)
    compose = yaml.safe_load((root / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose.get("services") or {}
    built_images = {svc["image"]: name for name, svc in services.items() if "build" in svc and "image" in svc}
    instances = {}  # the services that run the forecaster service image
    for name, svc in services.items():
        where = f"docker-compose.yml: {name}"
        if check_image(where, svc, built_images, stages, report) == SERVICE_TARGET:
            instances[name] = svc
        check_dependencies(where, svc, services, report)
        check_healthcheck(where, svc.get("healthcheck"), endpoints, report)
        check_data_mounts(where, svc.get("volumes") or [], report)
        check_environment(where, as_dict_env(svc.get("environment")), config, report)
    for name, svc in instances.items():
        check_instance(f"docker-compose.yml: {name}", svc, services, config, report)
    check_instances_apart(instances, report)
    check_default_topics(services, config, report)
    check_replays_wait(services, instances, report)
    report.section(errors_before, f"docker-compose.yml: {len(services)} services, {len(instances)} service instances")


def check_image(where, svc, built_images, stages, report):
    """A service's image is built (from an existing Dockerfile stage, whose name is returned) or pulled."""
    if not report.check("image" in svc or "build" in svc, f"{where} has neither image nor build"):
        return None
    build = svc.get("build")
    if build is None:
        report.check(svc["image"] not in built_images,
                     f"{where} runs {svc['image']}, built by {built_images.get(svc['image'])}, without a build of "
                     f"its own: compose would try to pull it")
        return None
    build = {"context": build} if isinstance(build, str) else build
    dockerfile = os.path.normpath(os.path.join(build.get("context", "."), build.get("dockerfile", "Dockerfile")))
    target = build.get("target")
    if not report.check(dockerfile in stages, f"{where}: build uses {dockerfile}, which does not exist"):
        return None
    report.check(target is None or target in stages[dockerfile],
                 f"{where}: build target {target} is no stage of {dockerfile}")
    return target or stages[dockerfile][-1]


def check_dependencies(where, svc, services, report):
    for dependency, condition in as_depends(svc.get("depends_on")).items():
        if not report.check(dependency in services, f"{where} depends on unknown service {dependency}"):
            continue
        report.check(condition in DEPENDS_CONDITIONS, f"{where}: unknown depends_on condition {condition}")
        if condition == "service_healthy":
            report.check("healthcheck" in services[dependency],
                         f"{where} waits for {dependency} to be healthy, which has no healthcheck")


def check_healthcheck(where, healthcheck, endpoints, report):
    if not healthcheck or healthcheck.get("disable"):
        return
    test = healthcheck.get("test")
    words = [test] if isinstance(test, str) else list(test or [])
    kind, argv = ("CMD-SHELL", words) if isinstance(test, str) else (words[0] if words else "", words[1:])
    text = " ".join(str(w) for w in argv)
    if "/dev/tcp" in text:
        report.check(kind == "CMD" and argv and os.path.basename(str(argv[0])) == "bash",
                     f"{where}: healthcheck uses bash's /dev/tcp under {kind} (/bin/sh: dash on Ubuntu); "
                     f"run bash itself")
    for probe in re.findall(r"(/q/[\w/.-]*|/forecasts/[\w/{}.-]*)", text):
        report.check(is_endpoint(probe, endpoints), f"{where}: healthcheck probes {probe}, not a service endpoint")


def check_data_mounts(where, volumes, report):
    for volume in volumes:
        if isinstance(volume, str):
            parts = volume.split(":")
            source, read_only = parts[0], len(parts) > 2 and "ro" in parts[2].split(",")
        else:
            source, read_only = str(volume.get("source", "")), bool(volume.get("read_only"))
        if os.path.normpath(source).split("/")[0] == "data":
            report.check(read_only, f"{where}: {source} is mounted writable (read-only expected)")


def check_instance(where, svc, services, config, report):
    """A service instance: ready check, its topics created before it starts, the registry it uses."""
    environment = as_dict_env(svc.get("environment"))
    waits = as_depends(svc.get("depends_on"))
    report.check("/q/health/ready" in json.dumps((svc.get("healthcheck") or {}).get("test")),
                 f"{where}: no healthcheck on /q/health/ready (the replay must wait for a ready service)")
    used = {environment.get(env_name(key), topic) for key, topic in config.topics().items()}
    completed_first = [d for d, condition in waits.items() if condition == "service_completed_successfully"]
    created = set().union(*(created_topics(services.get(d, {})) for d in completed_first))
    report.check(used <= created, f"{where}: topics {sorted(used - created)} are not created by a service it waits "
                                  f"for (service_completed_successfully)")
    if environment.get("FORECASTER_SERIALIZATION") == "registry":
        host = re.match(r"\w+://([^:/]+)", environment.get("APICURIO_REGISTRY_URL") or "")
        report.check(host and host.group(1) in waits,
                     f"{where}: registry mode needs APICURIO_REGISTRY_URL on a registry service it depends on")


def check_instances_apart(instances, report):
    application_ids = {}
    for name, svc in instances.items():
        application_id = as_dict_env(svc.get("environment")).get("KAFKA_STREAMS_APPLICATION_ID", "(default)")
        application_ids.setdefault(application_id, []).append(name)
    for application_id, names in application_ids.items():
        report.check(len(names) == 1, f"docker-compose.yml: {names} share the application id {application_id}")


def check_default_topics(services, config, report):
    created = set().union(*(created_topics(svc) for svc in services.values() if not svc.get("profiles")))
    configured = set(config.topics().values())
    report.check(created == configured, f"docker-compose.yml: topics created {sorted(created)} differ from the "
                                        f"configured {sorted(configured)} ({config.source})")


def check_replays_wait(services, instances, report):
    for name, svc in services.items():
        if command_words(svc.get("command"))[:1] == ["replay"]:
            waits = as_depends(svc.get("depends_on"))
            report.check(any(waits.get(instance) == "service_healthy" for instance in instances),
                         f"docker-compose.yml: {name} replays before a service instance is healthy")
