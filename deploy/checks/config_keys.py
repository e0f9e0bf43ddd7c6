"""The forecaster.* keys: from the @ConfigMapping(prefix = "forecaster") interface when src/ has one, else from
the application.properties files; and the FORECASTER_* variables checked against them."""
import re
from pathlib import Path

from .java_source import ANNOTATION, LITERAL, first_literal, mask_java, member_declarations, type_declarations

CONFIG_PREFIX = "forecaster"
TOPICS_PREFIX = "forecaster.topics."
ABSTRACT_METHOD = re.compile(r"^(?:(?:public|abstract)\s+)*(.+?)\s*\b(\w+)\s*\(\s*\)\s*(?:throws\s+[\w.,\s]+)?$", re.S)


def env_name(key):
    """The environment variable SmallRye Config reads for a property: non-alphanumerics to '_', upper case."""
    return re.sub(r"[^A-Za-z0-9]", "_", key).upper()


class ConfigModel:
    """The forecaster.* keys with their defaults, and where they were read from."""

    def __init__(self, keys, open_prefixes, source):
        self.keys = keys                    # property -> default (None when it has none)
        self.open_prefixes = open_prefixes  # maps and lists of groups: any key below them
        self.source = source

    def knows_env(self, variable):
        return variable in {env_name(k) for k in self.keys} or any(
            variable.startswith(env_name(p) + "_") for p in self.open_prefixes)

    def topics(self):
        return {k: v for k, v in self.keys.items() if k.startswith(TOPICS_PREFIX) and v}

    def default(self, key):
        return self.keys.get(key)


def property_name(method, strategy):
    if strategy == "VERBATIM":
        return method
    separator = "_" if strategy == "SNAKE_CASE" else "-"
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", separator, method).lower()


def generic_arguments(java_type):
    inner = java_type[java_type.index("<") + 1:java_type.rindex(">")]
    args, depth, current = [], 0, ""
    for c in inner:
        depth += {"<": 1, ">": -1}.get(c, 0)
        if c == "," and depth == 0:
            args.append(current)
            current = ""
        else:
            current += c
    return args + [current]


def mapping_members(body):
    """(method, type, {annotation: arguments}) of each abstract no-argument method: the properties and groups."""
    for member in member_declarations(body):
        if member.endswith("{}") or re.search(r"\b(static|default)\b", member):
            continue
        signature = ABSTRACT_METHOD.match(ANNOTATION.sub(" ", member).strip())
        if signature:
            annotations = {name.split(".")[-1]: args or "" for name, args in ANNOTATION.findall(member)}
            yield signature.group(2), re.sub(r"\s+", "", signature.group(1)), annotations


def mapping_keys(interfaces, type_name, prefix, strategy, literals, keys, open_prefixes, depth=0):
    """Fills keys (property -> default) and open_prefixes (maps) from the mapping interface type_name, recursively."""
    if depth > 10 or type_name not in interfaces:
        return
    for method, java_type, annotations in mapping_members(interfaces[type_name][2]):
        if "WithParentName" in annotations:
            name = prefix
        elif "WithName" in annotations:
            name = f"{prefix}.{first_literal(annotations['WithName'], literals)}"
        else:
            name = f"{prefix}.{property_name(method, strategy)}"
        while java_type.startswith(("Optional<", "java.util.Optional<")):
            java_type = generic_arguments(java_type)[0]
        base = java_type.split("<")[0].split(".")[-1]
        element = generic_arguments(java_type)[-1].split("<")[0].split(".")[-1] if "<" in java_type else None
        if base.endswith("Map") or (base in ("List", "Set", "Collection") and element in interfaces):
            open_prefixes.add(name)
        elif base in interfaces and interfaces[base][0] == "interface":
            mapping_keys(interfaces, base, name, strategy, literals, keys, open_prefixes, depth + 1)
        else:
            keys[name] = first_literal(annotations["WithDefault"], literals) if "WithDefault" in annotations else None


def mapping_file(root):
    """The first Java source under src/ (host builds aside) declaring @ConfigMapping(prefix = "forecaster")."""
    declaration = re.compile(r'@ConfigMapping\s*\([^)]*prefix\s*=\s*"' + CONFIG_PREFIX + '"')
    for path in sorted((root / "src").rglob("*.java")) if (root / "src").is_dir() else []:
        if "target" not in path.relative_to(root).parts and declaration.search(path.read_text(errors="replace")):
            return path
    return None


def source_types(source_root):
    """Every type declared under a source root (name -> declaration), with the literals of all its files."""
    types, literals, files = {}, [], {}
    for path in sorted(source_root.rglob("*.java")):
        masked, file_literals = mask_java(path.read_text(encoding="utf-8", errors="replace"))
        offset = len(literals)
        masked = LITERAL.sub(lambda m: f"\x00{int(m.group(1)) + offset}\x00", masked)
        literals.extend(file_literals)
        for name, declaration in type_declarations(masked).items():
            types[name] = declaration
            files[name] = path
    return types, literals, files


def config_from_mapping(root):
    mapping = mapping_file(root)
    if mapping is None:
        return None
    parts = mapping.parts
    source_root = Path(*parts[:parts.index("java") + 1]) if "java" in parts else mapping.parent
    types, literals, files = source_types(source_root)
    names = [n for n, (kind, header, _) in types.items() if files[n] == mapping and "ConfigMapping" in header]
    if not names:
        return None
    strategy = re.search(r"namingStrategy\s*=\s*(?:[\w.]*\.)?(VERBATIM|SNAKE_CASE|KEBAB_CASE)", types[names[0]][1])
    keys, open_prefixes = {}, set()
    mapping_keys(types, names[0], CONFIG_PREFIX, strategy.group(1) if strategy else "KEBAB_CASE", literals,
                 keys, open_prefixes)
    return ConfigModel(keys, open_prefixes, f"{mapping.relative_to(root)} ({names[0]})") if keys else None


def config_from_properties(root):
    files = [root / "src/cli/src/main/resources/application.properties"]
    files += [p for p in sorted(root.glob("src/*/src/main/resources/application.properties")) if p not in files]
    keys, sources = {}, []
    for path in files:
        if not path.is_file():
            continue
        sources.append(str(path.relative_to(root)))
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith(("#", "!")):
                continue
            m = re.match(r"([^=:\s]+)\s*[=:\s]\s*(.*)", line)
            key, value = (m.group(1), m.group(2)) if m else (line, "")
            profile = re.match(r"%[\w,-]+\.", key)
            key = key[profile.end():] if profile else key
            if key.startswith(CONFIG_PREFIX + "."):
                if profile:  # a profile's value is not the default
                    keys.setdefault(key, None)
                else:
                    keys[key] = value or None
    return ConfigModel(keys, set(), ", ".join(sources)) if keys else None


def load_config(root):
    """The config keys, or None when src/ has neither a forecaster mapping nor forecaster.* properties."""
    return config_from_mapping(root) or config_from_properties(root)


def check_environment(where, environment, config, report):
    for variable in environment:
        if variable.startswith("FORECASTER_"):
            report.check(config.knows_env(variable), f"{where}: {variable} names no config key ({config.source})")
    model = environment.get("FORECASTER_MODEL")
    default = config.default(f"{CONFIG_PREFIX}.model")
    report.check(model is None or model == default,
                 f"{where}: FORECASTER_MODEL={model} overrides the shipped default ({default})")
