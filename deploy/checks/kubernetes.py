"""deploy/kubernetes: selectors, headless services, probes, application ids, state volumes, budgets, topics, and the
pods' hardening (non-root, read-only root filesystem with writable volumes, no capabilities, seccomp, memory headroom
beside the heap for RocksDB and ONNX Runtime)."""
import re

import yaml

from .compose import created_topics
from .config_keys import check_environment
from .endpoints import is_endpoint

WORKLOADS = ("StatefulSet", "Deployment")
PROBES = {"readinessProbe": "/q/health/ready", "livenessProbe": "/q/health/live",
          "startupProbe": "/q/health/started"}
# native memory a container must keep beside the heap (limit x (1 - MaxRAMPercentage)): RocksDB (about 100 MB per store
# instance at Kafka Streams' defaults, up to 12 per pod), ONNX Runtime and the JVM beyond the heap; with a GPU also the
# CUDA libraries and context in host memory (docs/STREAMING.md, "Security")
NATIVE_HEADROOM_MIB = 2048
GPU_NATIVE_HEADROOM_MIB = 4096
MEMORY_UNITS = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1024 * 1024,
                "K": 1000 / 1024 ** 2, "M": 1000 ** 2 / 1024 ** 2,
                "G": 1000 ** 3 / 1024 ** 2}
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
            check_hardening(where, workload["spec"]["template"]["spec"], container, report)
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


def mebibytes(quantity):
    """A Kubernetes memory quantity (3Gi, 512Mi, 4G, bytes) in MiB; None if unreadable."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]i?)?", str(quantity).strip())
    if not match:
        return None
    return float(match.group(1)) * (MEMORY_UNITS[match.group(2)] if match.group(2) else 1 / 1024 ** 2)


def java_options(environment):
    return str(environment.get("JAVA_TOOL_OPTIONS") or "") + " " + str(environment.get("JDK_JAVA_OPTIONS") or "")


def check_hardening(where, pod, container, report):
    """Never root, no privilege, a read-only root filesystem with a volume where the JVM writes its temporary files
    (the state dir's volume is check_stateful_set's), and a memory limit leaving room beside the heap for native
    memory. The startup probe is check_probes'."""
    name = container.get("name")
    pod_security = pod.get("securityContext") or {}
    security = container.get("securityContext") or {}

    def setting(key):
        return security[key] if key in security else pod_security.get(key)

    report.check(setting("runAsNonRoot") is True, f"{where}: container {name} may run as root (runAsNonRoot: true "
                                                   f"missing)")
    user = setting("runAsUser")
    report.check(isinstance(user, int) and user > 0,
                 f"{where}: container {name} runAsUser {user} is not a non-root uid")
    seccomp = (setting("seccompProfile") or {}).get("type")
    report.check(seccomp == "RuntimeDefault", f"{where}: container {name} seccompProfile {seccomp}, expected "
                                              f"RuntimeDefault")
    report.check(security.get("allowPrivilegeEscalation") is False,
                 f"{where}: container {name} lacks allowPrivilegeEscalation: false")
    dropped = [str(c).upper() for c in (security.get("capabilities") or {}).get("drop") or []]
    added = (security.get("capabilities") or {}).get("add") or []
    report.check("ALL" in dropped and not added, f"{where}: container {name} keeps capabilities (drop {dropped}, add "
                                                 f"{added}; expected drop [ALL])")
    report.check(security.get("readOnlyRootFilesystem") is True,
                 f"{where}: container {name} lacks readOnlyRootFilesystem: true")
    # with a read-only root, java.io.tmpdir (ONNX Runtime's and RocksDB's native libraries) must be a writable volume
    environment = container_env(container)
    tmpdir = re.search(r"-Djava\.io\.tmpdir=(\S+)", java_options(environment))
    tmpdir = tmpdir.group(1) if tmpdir else "/tmp"
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    mounts = {m.get("mountPath"): m for m in container.get("volumeMounts") or []}
    mount = mounts.get(tmpdir)
    volume = volumes.get((mount or {}).get("name")) or {}
    report.check(mount is not None and not mount.get("readOnly") and "emptyDir" in volume,
                 f"{where}: container {name} has no writable emptyDir volume on java.io.tmpdir {tmpdir} (ONNX Runtime "
                 f"and RocksDB unpack their native libraries there)")
    limits = (container.get("resources") or {}).get("limits") or {}
    limit = mebibytes(limits["memory"]) if "memory" in limits else None
    if not report.check(limit is not None, f"{where}: container {name} has no memory limit"):
        return
    percentage = re.search(r"-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)", java_options(environment))
    explicit_heap = re.search(r"-Xmx(\d+)([kmgKMG]?)", java_options(environment))
    if explicit_heap:
        heap = float(explicit_heap.group(1)) * {"": 1 / 1024 ** 2, "k": 1 / 1024, "m": 1, "g": 1024}[
            explicit_heap.group(2).lower()]
    else:
        heap = limit * (float(percentage.group(1)) if percentage else 25.0) / 100
    headroom = GPU_NATIVE_HEADROOM_MIB if "nvidia.com/gpu" in limits else NATIVE_HEADROOM_MIB
    report.check(limit - heap >= headroom, f"{where}: container {name} leaves {limit - heap:.0f} MiB beside a "
                                           f"{heap:.0f} MiB heap under its {limit:.0f} MiB limit; RocksDB, ONNX "
                                           f"Runtime and the JVM's own memory need at least {headroom} MiB")
