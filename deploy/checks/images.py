"""Dockerfiles and .dockerignore: no data/ in an image, COPY sources present in the build context, non-root images."""
import json
import os
import re
import shlex
from pathlib import Path

# paths the build context must not carry, whatever else .dockerignore allows
CONTEXT_EXCLUDED = ("data/flights/PROVENANCE.md", ".git/HEAD", "trainer/runs/model.pt", "src/core/target/x.jar")


def glob_regex(pattern):
    """A Docker path pattern as a regex: '*' and '?' within one folder, '**' across folders."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[" and "]" in pattern[i:]:
            j = pattern.index("]", i)
            out, i = out + "[" + pattern[i + 1:j].replace("!", "^", 1) + "]", j + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


class DockerIgnore:
    """Docker's rules: the last pattern matching a path or one of its parent folders decides; '!' re-includes."""

    def __init__(self, path):
        self.path = path
        self.patterns = []
        for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            pattern = os.path.normpath(line.lstrip("!").strip().lstrip("/"))
            self.patterns.append((negated, glob_regex(pattern)))

    def excluded(self, relative):
        parts = relative.split("/")
        candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        result = False
        for negated, regex in self.patterns:
            if any(regex.fullmatch(c) for c in candidates):
                result = not negated
        return result


def dockerfile_instructions(path):
    """(INSTRUCTION, arguments, line) with continuation lines joined and comments dropped."""
    logical, start = "", 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith("#"):
            continue
        if not logical:
            start = lineno
        if line.rstrip().endswith("\\"):
            logical += line.rstrip()[:-1] + " "
            continue
        logical += line
        if logical.strip():
            word, _, rest = logical.strip().partition(" ")
            yield word.upper(), rest.strip(), start
        logical = ""


def copy_arguments(rest):
    exec_form = re.fullmatch(r"((?:--\S+\s+)*)(\[.*\])\s*", rest.strip(), re.S)
    words = shlex.split(exec_form.group(1)) + json.loads(exec_form.group(2)) if exec_form else shlex.split(rest)
    flags = {w[2:].split("=", 1)[0]: (w.split("=", 1)[1] if "=" in w else True) for w in words if w.startswith("--")}
    paths = [w for w in words if not w.startswith("--")]
    return flags, paths[:-1], paths[-1] if paths else None


def dockerfile_stages(path):
    stages = []
    for instruction, rest, lineno in dockerfile_instructions(path):
        if instruction == "FROM":
            words = [w for w in rest.split() if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append({"base": words[0], "name": name, "copies": [], "user": None, "runs": [],
                           "entrypoint": None})
        elif instruction in ("COPY", "ADD") and stages:
            flags, sources, _ = copy_arguments(rest)
            stages[-1]["copies"].append((instruction, flags, sources, lineno))
        elif instruction == "USER" and stages:
            stages[-1]["user"] = rest.split()[0]
        elif instruction == "RUN" and stages:
            stages[-1]["runs"].append((rest, lineno))
        elif instruction == "ENTRYPOINT" and stages:
            stages[-1]["entrypoint"] = (rest, lineno)
    return stages


class RepositoryFiles:
    """Paths of the repository's files (relative, '/'-separated), listed per top-level entry on demand."""

    def __init__(self, root):
        self.root = root
        self.listed = {}

    def under(self, top):
        if top not in self.listed:
            base = self.root / top
            if base.is_file():
                self.listed[top] = [top]
            else:
                found = []
                for folder, _, files in os.walk(base, followlinks=True):
                    relative = Path(folder).relative_to(self.root).as_posix()
                    found += [f"{relative}/{f}" for f in files]
                self.listed[top] = found
        return self.listed[top]

    def matching(self, source):
        source = os.path.normpath(source).lstrip("/")
        top = source.split("/")[0]
        if re.search(r"[*?\[]", top):
            candidates = [f for entry in sorted(os.listdir(self.root)) if entry != ".git" for f in self.under(entry)]
        else:
            candidates = self.under(top)
        regex = glob_regex(source)
        return [f for f in candidates if regex.fullmatch(f) or f.startswith(source.rstrip("/") + "/")]


def dockerfiles(root):
    found = [root / "Dockerfile"] if (root / "Dockerfile").is_file() else []
    return found + sorted(p for p in (root / "deploy").rglob("Dockerfile*") if not p.name.endswith(".dockerignore"))


def check_dockerfiles(root, report):
    """Checks every Dockerfile; returns each one's stage names in order, for compose's build targets."""
    files = RepositoryFiles(root)
    checked_ignores = set()
    stage_names = {}
    for dockerfile in dockerfiles(root):
        where = dockerfile.relative_to(root)
        errors_before = len(report.errors)
        own_ignore = dockerfile.with_name(dockerfile.name + ".dockerignore")
        ignore = DockerIgnore(own_ignore if own_ignore.is_file() else root / ".dockerignore")
        if ignore.path not in checked_ignores:
            checked_ignores.add(ignore.path)
            check_context(root, where, ignore, report)
        stages = dockerfile_stages(dockerfile)
        check_copy_sources(where, stages, files, ignore, report)
        check_users(where, stages, report)
        check_class_data_archives(where, stages, report)
        stage_names[str(where)] = [stage["name"] for stage in stages]
        report.section(errors_before, f"{where}: {len(stages)} stages, COPY sources present and kept by "
                                      f".dockerignore, no data/, non-root images, class-data archives written "
                                      f"where they are read")
    return stage_names


def check_context(root, where, ignore, report):
    name = ignore.path.relative_to(root)
    report.check(ignore.path.is_file(), f"{where}: no {name}: the whole repository is the build context")
    for path in CONTEXT_EXCLUDED:
        report.check(ignore.excluded(path), f"{name}: {path} enters the build context")


def check_copy_sources(where, stages, files, ignore, report):
    for stage in stages:
        for instruction, flags, sources, lineno in stage["copies"]:
            if "from" in flags:
                continue
            for source in sources:
                at = f"{where}:{lineno}: {instruction} {source}"
                if not report.check(os.path.normpath(source).lstrip("/").split("/")[0] != "data",
                                    f"{at} puts data/ into the image (bind-mount it instead)"):
                    continue
                matched = files.matching(source)
                if report.check(matched, f"{at}: the source matches nothing in the repository"):
                    report.check([f for f in matched if not ignore.excluded(f)],
                                 f"{at}: the source is excluded by {ignore.path.name}: the build would fail")


def check_users(where, stages, report):
    """The stages that are images of their own (no other stage builds on them) must not run as root."""
    referenced = {stage["base"] for stage in stages}
    referenced |= {flags["from"] for stage in stages for _, flags, _, _ in stage["copies"] if "from" in flags}
    users = {}  # stage name -> the user it ends with, its own or its parent stage's
    for stage in stages:
        user = stage["user"] or users.get(stage["base"])
        if stage["name"]:
            users[stage["name"]] = user
        if stage["name"] not in referenced:
            report.check(user is not None and user.split(":")[0] not in ("root", "0"),
                         f"{where}: image stage {stage['name'] or stage['base']} runs as root (USER expected)")


def check_class_data_archives(where, stages, report):
    """The service's class-data archive (AppCDS, src/service/pom.xml) is written by starting the service, which needs
    models/: a stage that packages with Maven but holds no models/ must skip it (-DskipAppCds=true), else its build
    fails; and an ENTRYPOINT's -XX:SharedArchiveFile must be written (-XX:ArchiveClassesAtExit) in its own stage or
    one it builds on, else the JVM silently starts without it."""
    written = {}  # stage name -> archives written in it or a stage it builds on
    for stage in stages:
        own = {m for rest, _ in stage["runs"] for m in re.findall(r"-XX:ArchiveClassesAtExit=(\S+)", rest)}
        inherited = written.get(stage["base"], set())
        if stage["name"]:
            written[stage["name"]] = own | inherited
        has_models = any(any(src.rstrip("/") == "models" for src in sources) for _, flags, sources, _ in
                         stage["copies"] if "from" not in flags)
        for rest, lineno in stage["runs"]:
            builds = re.search(r"\bmvn\b.*\bpackage\b", rest) is not None
            report.check(not builds or "-DskipAppCds=true" in rest or has_models,
                         f"{where}:{lineno}: `mvn package` without -DskipAppCds=true in a stage without models/: "
                         f"the service's class-data archive is written by starting it, which needs a model")
        if stage["entrypoint"]:
            rest, lineno = stage["entrypoint"]
            for archive in re.findall(r"-XX:SharedArchiveFile=([^\s\",\]]+)", rest):
                report.check(archive in own | inherited,
                             f"{where}:{lineno}: ENTRYPOINT reads the class-data archive {archive}, which no RUN of "
                             f"its stage writes (-XX:ArchiveClassesAtExit={archive})")
