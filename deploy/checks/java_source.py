"""Just enough Java reading for the checks: comments dropped, literals masked, types and members found."""
import re

JAVA_TOKEN = re.compile(r'"""[\s\S]*?"""|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*[\s\S]*?\*/|//[^\n]*')
TYPE_DECLARATION = re.compile(r"(?<![@\w])(interface|class|record|enum)\s+(\w+)")
ANNOTATION = re.compile(r"@([\w.]+)\s*(?:\(((?:[^()]|\([^()]*\))*)\))?")
LITERAL = re.compile(r"\x00(\d+)\x00")


def mask_java(text):
    """Comments dropped and literals replaced by numbered placeholders, so braces and ';' in them do not count."""
    literals, parts, pos = [], [], 0
    for m in JAVA_TOKEN.finditer(text):
        parts.append(text[pos:m.start()])
        token = m.group(0)
        if token.startswith("/"):
            parts.append(" ")
        else:
            literals.append(token.strip('"').replace('\\"', '"').replace("\\\\", "\\"))
            parts.append(f"\x00{len(literals) - 1}\x00")
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts), literals


def matching_brace(text, start):
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text) - 1


def type_declarations(masked):
    """name -> (kind, header with the type's annotations, body) for every type declared in a file, nested or not."""
    found = {}
    for m in TYPE_DECLARATION.finditer(masked):
        brace = masked.find("{", m.end())
        if brace < 0:
            continue
        header_start = max(masked.rfind(c, 0, m.start()) for c in ";{}") + 1
        body = masked[brace + 1:matching_brace(masked, brace)]
        found[m.group(2)] = (m.group(1), masked[header_start:m.start()], body)
    return found


def member_declarations(body):
    """The body's top-level members; a member with a body of its own (default method, nested type) ends in '{}'."""
    members, current, i = [], [], 0
    while i < len(body):
        c = body[i]
        if c == "{":
            end = matching_brace(body, i)
            if "".join(current).rstrip().endswith(("(", ",", "=")):  # an array value of an annotation
                current.append(body[i:end + 1])
            else:
                members.append("".join(current) + "{}")
                current = []
            i = end + 1
            continue
        if c == ";":
            members.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    return [m.strip() for m in members if m.strip()]


def first_literal(annotation_arguments, literals):
    """The value of an annotation such as @WithDefault("x"), from the literals mask_java set aside."""
    placeholder = LITERAL.search(annotation_arguments)
    return literals[int(placeholder.group(1))] if placeholder else None
