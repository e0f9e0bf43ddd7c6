"""The service's HTTP endpoints: what its Quarkus extensions serve plus its @Path resources."""
import re

from .java_source import TYPE_DECLARATION, mask_java

# what each extension serves; the service module's pom says which extensions it has
EXTENSION_ENDPOINTS = {
    "quarkus-smallrye-health": ("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started"),
    "quarkus-micrometer-registry-prometheus": ("/q/metrics",),
    "quarkus-smallrye-openapi": ("/q/openapi", "/q/swagger-ui"),
}


def service_endpoints(root):
    """The service's endpoints and where they were read from."""
    pom = root / "src/service/pom.xml"
    if not pom.is_file():
        every = {p for paths in EXTENSION_ENDPOINTS.values() for p in paths} | {"/forecasts/{icao24}"}
        return every, "src/service/pom.xml not found: the endpoints the service is to serve"
    artifacts = set(re.findall(r"<artifactId>\s*([^<\s]+)\s*</artifactId>", pom.read_text(encoding="utf-8")))
    endpoints = {p for ext, paths in EXTENSION_ENDPOINTS.items() if ext in artifacts for p in paths}
    for path in sorted((root / "src/service/src/main/java").rglob("*.java")):
        endpoints |= resource_paths(path)
    return endpoints, "src/service/pom.xml's extensions and its @Path resources"


def resource_paths(path):
    """The paths of a JAX-RS resource: its class's @Path joined with each method's (or alone)."""
    masked, literals = mask_java(path.read_text(encoding="utf-8", errors="replace"))
    declaration = TYPE_DECLARATION.search(masked)
    paths = [(m.start(), literals[int(m.group(1))]) for m in re.finditer(r"@Path\s*\(\s*\x00(\d+)\x00", masked)]
    if not declaration or not paths:
        return set()
    class_path = [p for at, p in paths if at < declaration.start()][:1]
    joined = [class_path + ([p] if at > declaration.start() else []) for at, p in paths]
    return {re.sub(r"/+", "/", "/" + "/".join(s.strip("/") for s in parts)).rstrip("/") or "/" for parts in joined}


def is_endpoint(path, endpoints):
    """Whether a concrete path is one of the endpoints, whose {parameters} match one path segment."""
    return any(re.fullmatch(re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(e)), path) for e in endpoints)
