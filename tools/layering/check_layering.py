#!/usr/bin/env python3
"""The layering, checked from what the build really did: a file may include only headers of
its own target and of the targets that target links (with CMake's meaning: what it links, and
what those pass on as PUBLIC/INTERFACE). Run after a build with the Ninja generator:

    check_layering.py BUILD_DIR

Inputs, none of them a copy of the rule:
  - BUILD_DIR/layering/targets.tsv: every target, its sources and links, written by CMake
    (tools/layering/target_graph.cmake);
  - `ninja -t deps`: every object's headers as the compiler resolved them, so every include
    form counts (angle brackets, spaces after '#', macros, relative paths, nested includes);
  - compile_commands.json: which objects exist, and the command to ask the compiler (-H)
    which file included a wrong header.
A header belongs to the target that lists it, else to the target compiling the .cpp of the
same name, else to the one target with sources in its folder (a library before programs).
It also fails on an object not built or older than its files (its deps would be old news), a
header or source of the tree in no target, and the few fixed rules on the link graph that
hold the architecture's floor (LINK_RULES below).
Exit 0: all follow; 1: a violation (each printed); 77: cannot check here (not Ninja).
"""
import json
import os
import re
import shlex
import subprocess
import sys
from collections import defaultdict

HEADER_EXT = (".hpp", ".h", ".hh", ".ipp", ".inc")
SOURCE_EXT = (".cpp", ".cc", ".c", ".cxx")

# The floor that no CMake edit may move: (folders whose targets are bound, what they must not
# link, why). A linked target is "under" a folder when one of its sources is.
LINK_RULES = [
    (["dns/wire"], lambda t: t.ours, "the wire format is the bottom library: it links nothing of ours"),
    (["geo", "health", "zones"], lambda t: t.under("dns") and not t.under("dns/wire"),
     "geo, health and zones sit below dns/: of it they link only dns/wire"),
    (["dns/engine", "zones"], lambda t: t.name in ("PkgConfig::CURL", "PkgConfig::CARES"),
     "the answer path and the compiled zone data never link libcurl or c-ares (health state only)"),
]


class Target:
    def __init__(self, name, kind="IMPORTED", source_dir="", sources=(), links=(), interface=()):
        self.name, self.kind, self.ours = name, kind, kind != "IMPORTED"
        self.source_dir, self.sources = source_dir, list(sources)
        self.links, self.interface = list(links), list(interface)
        self.dirs = {os.path.dirname(s) for s in self.sources}

    def under(self, folder):
        return any(d == folder or d.startswith(folder + "/") for d in self.dirs)


def split_list(text):
    """A CMake list into items, with CMake's own markers dropped: '::@(dir)' scope markers,
    and $<LINK_ONLY:x> kept as ('x', link_only=True)."""
    items, depth, cur = [], 0, ""
    for ch in text:
        if ch == ";" and depth == 0:
            items.append(cur)
            cur = ""
            continue
        depth += ch == "<"
        depth -= ch == ">"
        cur += ch
    items.append(cur)
    out = []
    for item in items:
        item = item.strip()
        if not item or item.startswith("::@"):
            continue
        m = re.fullmatch(r"\$<LINK_ONLY:(.*)>", item)
        out.append((m.group(1), True) if m else (item, False))
    return out


def read_targets(build, root):
    targets = {}
    with open(os.path.join(build, "layering", "targets.tsv")) as f:
        for line in f:
            name, kind, source_dir, sources, links, interface = line.rstrip("\n").split("\t")
            rel = []
            for s, _ in split_list(sources):
                if s.startswith("$<"):
                    continue
                path = os.path.normpath(os.path.join(source_dir, s))
                if path.startswith(root + "/") and not path.startswith(build + "/"):
                    rel.append(os.path.relpath(path, root))
            targets[name] = Target(name, kind, source_dir, rel, split_list(links), split_list(interface))
    return targets


def target(targets, name):
    return targets.get(name) or Target(name)


def usage_closure(targets, name):
    """What a target's files may include: itself, what it links, and what those pass on."""
    seen = {name}
    stack = [n for n, link_only in target(targets, name).links if not link_only]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        stack += [m for m, link_only in target(targets, n).interface if not link_only]
    return seen


def link_closure(targets, name):
    """What ends up on a target's link line (LINK_ONLY included)."""
    seen = set()
    stack = [n for n, _ in target(targets, name).links]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        stack += [m for m, _ in target(targets, n).interface]
    return seen


class Owners:
    def __init__(self, targets):
        self.targets = targets
        self.listed, self.stem, self.folder = defaultdict(set), defaultdict(set), defaultdict(set)
        for t in targets.values():
            for s in t.sources:
                if s.endswith(HEADER_EXT):
                    self.listed[s].add(t.name)
                elif s.endswith(SOURCE_EXT):
                    self.stem[os.path.splitext(s)[0]].add(t.name)
                    self.folder[os.path.dirname(s)].add(t.name)

    def of(self, header):
        """(owners, why) for a header of the tree; owners empty when no target holds it."""
        if self.listed.get(header):
            return self.listed[header], "listed"
        if self.stem.get(os.path.splitext(header)[0]):
            return self.stem[os.path.splitext(header)[0]], "its .cpp"
        owners = self.folder.get(os.path.dirname(header), set())
        if len(owners) > 1:  # a folder shared by a library and programs: the library's
            libraries = {o for o in owners if self.targets[o].kind != "EXECUTABLE"}
            owners = libraries or owners
        return owners, "its folder"


def ninja_deps(build):
    out = subprocess.run(["ninja", "-C", build, "-t", "deps"], check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    deps, stale, current = {}, set(), None
    for line in out.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            obj = line.split(":", 1)[0]
            current = deps.setdefault(obj, [])
            if "(STALE)" in line:
                stale.add(obj)
        else:
            current.append(line.strip())
    return deps, stale


def is_older(build, obj, files):
    """True when a source or header changed (or went) after the object was built."""
    try:
        built = os.stat(os.path.join(build, obj)).st_mtime_ns
    except OSError:
        return True
    for f in files:
        try:
            if os.stat(os.path.join(build, f)).st_mtime_ns > built:
                return True
        except OSError:
            return True
    return False


def object_target(obj):
    m = re.search(r"CMakeFiles/([^/]+)\.dir/", obj)
    return m.group(1) if m else None


def include_parents(entry):
    """Which file included each header (first time), asked of the compiler: the object's
    command again with -H and no output."""
    args = shlex.split(entry["command"])
    cmd, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD"):
            continue
        cmd.append(a)
    res = subprocess.run(cmd + ["-fsyntax-only", "-H"], cwd=entry["directory"], text=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stack, parents = [os.path.realpath(entry["file"])], {}
    for line in res.stderr.splitlines():
        m = re.match(r"^(\.+) (.*)$", line)
        if not m:
            continue
        depth, path = len(m.group(1)), os.path.realpath(os.path.join(entry["directory"], m.group(2)))
        del stack[depth:]
        parents.setdefault(path, stack[-1])
        stack.append(path)
    return parents


def include_line(root, path, header):
    """file:line of the include naming the header, when its text names it."""
    try:
        with open(os.path.join(root, path), errors="replace") as f:
            for n, text in enumerate(f, 1):
                if re.match(r"\s*#\s*include", text) and os.path.basename(header) in text:
                    return f"{path}:{n}"
    except OSError:
        pass
    return path


def main():
    if len(sys.argv) != 2:
        print("usage: check_layering.py BUILD_DIR", file=sys.stderr)
        return 2
    root = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
    build = os.path.realpath(sys.argv[1])
    if not os.path.exists(os.path.join(build, "build.ninja")):
        print(f"check_layering: {build} is not a Ninja build; the check reads ninja's deps (skipped)")
        return 77
    targets = read_targets(build, root)
    owners = Owners(targets)
    commands = {}
    with open(os.path.join(build, "compile_commands.json")) as f:
        for entry in json.load(f):
            args = shlex.split(entry["command"])
            obj = args[args.index("-o") + 1] if "-o" in args else None
            if obj:
                commands[os.path.normpath(obj)] = entry
    deps, stale = ninja_deps(build)
    problems = []

    def rel(path):
        return os.path.relpath(path, root)

    # Every object built, and built from what is there now (else its deps say what it was).
    for obj in sorted(commands):
        if obj not in deps:
            problems.append(f"{obj}: not built; build everything before this check")
        elif obj in stale or is_older(build, obj, deps[obj]):
            problems.append(f"{obj}: older than its sources; build everything before this check")

    # Every source file of the tree belongs to a target (a folder nobody builds checks nothing).
    built = {s for t in targets.values() for s in t.sources}
    for folder in ("dns", "geo", "health", "zones", "tools", "tests"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, folder)):
            for name in filenames:
                path = rel(os.path.join(dirpath, name))
                if name.endswith(SOURCE_EXT) and path not in built:
                    problems.append(f"{path}: in no target, so the build never checks it; add it to one")

    # Every header each object reached, against what its target may use.
    closures = {}
    for obj in sorted(deps):
        if obj not in commands:
            continue  # not a compile (or a target no longer in the build)
        name = object_target(obj)
        if name not in targets:
            continue
        allowed = closures.setdefault(name, usage_closure(targets, name))
        entry = commands[obj]
        source = rel(os.path.realpath(entry["file"]))
        wrong = {}  # header path -> what is wrong with it
        for dep in deps[obj]:
            path = os.path.realpath(os.path.join(build, dep))
            if not path.startswith(root + "/") or path.startswith(build + "/") or path == os.path.realpath(entry["file"]):
                continue
            header = rel(path)
            holders, why = owners.of(header)
            if not holders:
                wrong[path] = f"{header} belongs to no target (no target lists it or builds a file in its folder)"
            elif holders & allowed:
                continue
            elif len(holders) > 1:
                wrong[path] = f"{header} is claimed by several targets ({', '.join(sorted(holders))}) through {why}, none of which {name} links"
            else:
                wrong[path] = f"{header} is a header of {', '.join(sorted(holders))} (by {why}), which {name} does not link"
        if not wrong:
            continue
        may = ", ".join(sorted(t for t in allowed if t in targets)) or "nothing of ours"
        parents = include_parents(entry)
        for path, problem in wrong.items():
            via = parents.get(path)
            if via in wrong:
                continue  # reached through a wrong header: the include of that one is the fault
            where = include_line(root, rel(via), rel(path)) if via else source
            problems.append(f"{where}: {problem}; compiling {source} (target {name}), which may use: {may}")

    # The architecture's floor, on the link graph.
    for folders, forbidden, why in LINK_RULES:
        for t in targets.values():
            if not any(t.under(f) for f in folders):
                continue
            for n in sorted(link_closure(targets, t.name)):
                if forbidden(target(targets, n)):
                    problems.append(f"{t.name} ({', '.join(sorted(t.dirs))}) links {n}: {why}")

    for p in dict.fromkeys(problems):
        print(p, file=sys.stderr)
    if problems:
        print(f"check_layering: {len(dict.fromkeys(problems))} violation(s)", file=sys.stderr)
        return 1
    checked = sum(1 for o in deps if o in commands)
    print(f"check_layering: {checked} objects of {len([t for t in targets.values() if t.sources])} targets; every include follows the links")
    return 0


if __name__ == "__main__":
    sys.exit(main())
