"""deploy/kubernetes: selectors, headless services, probes, application ids, state volumes, budgets and topics."""
import re

import yaml

from .compose import created_topics
from .config_keys import check_environment
from .endpoints import is_endpoint

WORKLOADS = ("StatefulSet", "Deployment")
PROBES = {"readinessProbe": "/q/health/ready", "livenessProbe": "/q/health/live"}
POD_NAME = {"fieldRef": {"fieldPath": "metadata.name"}}


def selects(selector, labels):
    return bool(selector) and selector.items() <= (labels or {}).items()


def container_env(container):
    """name -> value, or the valueFrom mapping for a variable taken from elsewhere."""
    return {e["name"]: (e.get("value") if "value" in e else e.get("valueFrom")) for e in container.get("env") or []}


def load_documents(root, report):
    documents = []
    for path in sorted((root / "deploy" / "kubernetes").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not doc:
                continue
            where = f"{path.name}: {doc.get('kind')} {(doc.get('metadata') or {}).get('name')}"
            if all(report.check(key in doc, f"{where} lacks {key}") for key in ("apiVersion", "kind", "metadata")):
                if report.check("name" in doc["metadata"], f"{where} lacks metadata.name"):
                    documents.append((where, doc))
    return documents


def check_kubernetes(root, config, endpoints, report):
    errors_before = len(report.errors)
    documents = load_documents(root, report)

    def of_kind(*kinds):
        return [(where, doc) for where, doc in documents if doc["kind"] in kinds]

    workloads = of_kind(*WORKLOADS)
    services = {doc["metadata"]["name"]: doc for _, doc in of_kind("Service")}
    pod_labels = {doc["metadata"]["name"]: doc["spec"]["template"]["metadata"].get("labels") or {}
                  for _, doc in workloads}
    for where, service in of_kind("Service"):
        selector = service["spec"].get("selector") or {}
        report.check(any(selects(selector, labels) for labels in pod_labels.values()),
                     f"{where}: selector {selector} matches no workload's pods")
    budgets = [doc["spec"].get("selector", {}).get("matchLabels") or {} for _, doc in of_kind("PodDisruptionBudget")]
    for where, workload in workloads:
        labels = pod_labels[workload["metadata"]["name"]]
        report.check(selects(workload["spec"]["selector"].get("matchLabels") or {}, labels),
                     f"{where}: selector does not match the pod labels")
        for container in workload["spec"]["template"]["spec"]["containers"]:
            check_probes(where, container, endpoints, report)
            environment = container_env(container)
            check_environment(where, {k: v for k, v in environment.items() if not isinstance(v, dict)}, config, report)
        if workload["kind"] == "StatefulSet":
            check_stateful_set(where, workload, services, pod_labels, report)
            report.check(any(selects(budget, labels) for budget in budgets),
                         f"{where}: no PodDisruptionBudget selects its pods")
    check_application_ids(workloads, report)
    declared = check_topics(of_kind("KafkaTopic"), of_kind("Job"), config, report)
    report.section(errors_before, f"deploy/kubernetes: {len(documents)} objects, {len(workloads)} workloads, "
                                  f"topics {sorted(declared)}")


def check_probes(where, container, endpoints, report):
    ports = {p.get("name") for p in container.get("ports") or []} | {
        p.get("containerPort") for p in container.get("ports") or []}
    for probe, expected in PROBES.items():
        path = ((container.get(probe) or {}).get("httpGet") or {}).get("path")
        report.check(path == expected, f"{where}: {probe} on {path}, expected {expected}")
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        http = (container.get(probe) or {}).get("httpGet")
        if http:
            report.check(is_endpoint(http.get("path", ""), endpoints),
                         f"{where}: {probe} path {http.get('path')} is no service endpoint")
            report.check(http.get("port") in ports, f"{where}: {probe} port {http.get('port')} is not a container port")


def check_stateful_set(where, workload, services, pod_labels, report):
    """Its own headless service (peers reach each other, ready or not), application.server on it, state claimed."""
    spec, name = workload["spec"], workload["metadata"]["name"]
    service_name = spec.get("serviceName")
    headless = services.get(service_name)
    if not report.check(headless is not None, f"{where}: serviceName {service_name} names no Service here"):
        return
    report.check(headless["spec"].get("clusterIP") == "None", f"{where}: service {service_name} is not headless")
    report.check(headless["spec"].get("publishNotReadyAddresses") is True,
                 f"{where}: service {service_name} lacks publishNotReadyAddresses: true (forwarded queries must "
                 f"reach owners that are not ready)")
    selector = headless["spec"].get("selector") or {}
    others = [other for other, labels in pod_labels.items() if other != name and selects(selector, labels)]
    report.check(selects(selector, pod_labels[name]) and not others,
                 f"{where}: service {service_name} must select this workload's pods only (also selects {others})")
    claims = {template["metadata"]["name"] for template in spec.get("volumeClaimTemplates") or []}
    for container in spec["template"]["spec"]["containers"]:
        environment = container_env(container)
        server = environment.get("KAFKA_STREAMS_APPLICATION_SERVER") or ""
        own_address = r"\$\(POD_NAME\)\." + re.escape(service_name) + r"(\.[\w.-]+)?:\d+"
        report.check(re.fullmatch(own_address, server) and environment.get("POD_NAME") == POD_NAME,
                     f"{where}: KAFKA_STREAMS_APPLICATION_SERVER={server} is not $(POD_NAME).{service_name}:PORT")
        state_dir = environment.get("KAFKA_STREAMS_STATE_DIR")
        mounts = {mount["mountPath"]: mount["name"] for mount in container.get("volumeMounts") or []}
        report.check(state_dir in mounts and mounts[state_dir] in claims,
                     f"{where}: KAFKA_STREAMS_STATE_DIR={state_dir} is not on a volumeClaimTemplate")


def check_application_ids(workloads, report):
    """One Kafka Streams application per workload: pods of two workloads must never share a consumer group."""
    application_ids = {}
    for _, workload in workloads:
        for container in workload["spec"]["template"]["spec"]["containers"]:
            application_id = container_env(container).get("KAFKA_STREAMS_APPLICATION_ID")
            application_ids.setdefault(application_id, []).append(workload["metadata"]["name"])
    for application_id, names in application_ids.items():
        if report.check(application_id is not None, f"deploy/kubernetes: {names} set no KAFKA_STREAMS_APPLICATION_ID"):
            report.check(len(names) == 1, f"deploy/kubernetes: {names} share the application id {application_id}: "
                                          f"their pods would join one consumer group")


def check_topics(kafka_topics, jobs, config, report):
    """The topics declared (Strimzi KafkaTopic resources, or kafka-topics.sh Jobs) are exactly the configured ones."""
    declared = {doc["spec"].get("topicName") or doc["metadata"]["name"] for _, doc in kafka_topics}
    for _, job in jobs:
        for container in job["spec"]["template"]["spec"]["containers"]:
            declared |= created_topics({"entrypoint": container.get("command"), "command": container.get("args")})
    configured = set(config.topics().values())
    report.check(declared == configured, f"deploy/kubernetes: topics declared {sorted(declared)} differ from the "
                                         f"configured {sorted(configured)} ({config.source})")
    return declared
