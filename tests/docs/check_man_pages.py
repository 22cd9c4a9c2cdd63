#!/usr/bin/env python3
"""Keeps docs/man/ true: every configuration key the parsers accept, every lodestarctl
command and flag, every daemon and lodestar-geodb flag must appear in bold in its page, and
groff must render each page without a warning. lodestarctl's bash completion
(tools/completion/) must offer every command and flag too.

The keys are read from the code's own lists, the ones that reject unknown keys
(`expectMap(node, path, {...})` in dns/config/ and zones/); the commands and flags from the
binaries' --help, so a key or flag added without its documentation fails here by name.

usage: check_man_pages.py SOURCE_DIR LODESTAR LODESTARCTL LODESTAR_GEODB [--man-dir DIR]
Exit 0 when all is there, 1 naming what is missing, 77 (skipped) when everything is there
but groff is not installed to render the pages.
"""
import argparse
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys

PAGES = {
    "daemon": "lodestar.8",
    "ctl": "lodestarctl.8",
    "geodb": "lodestar-geodb.1",
    "config": "lodestar.yaml.5",
    "zone": "lodestar-zone.5",
}

EXPECT_MAP = re.compile(r"expectMap\(\s*[^,]+?,\s*([^,]+?),\s*\{([^}]*)\}", re.S)
QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')
FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def code_keys(files):
    """(path prefix or None, key) for every key of every expectMap list in the files."""
    keys = set()
    for f in files:
        text = open(f, encoding="utf-8").read()
        for m in EXPECT_MAP.finditer(text):
            path = m.group(1).strip()
            # A literal path ("tcp", "cluster.tls") names the keys in full; a computed one
            # (hooks.N, checks.NAME...) leaves the bare key.
            prefix = path[1:-1] if path.startswith('"') and path.endswith('"') else None
            for k in QUOTED.findall(m.group(2)):
                keys.add((prefix, k))
    return keys


def roff_lines(page):
    # \- is how roff writes a hyphen in an option or a name: compare the plain text.
    return [l.replace("\\-", "-") for l in open(page, encoding="utf-8").read().splitlines()]


def bold_tokens(lines):
    """Every word set in bold, by inline \\fB...\\f[RPI] or by the .B/.BR/.BI/.RB/.IB macros."""
    words = set()

    def add(text):
        text = re.sub(r"\\f[BIRP]", " ", text)
        text = re.sub(r'\\\(dq|\\&|"', " ", text)
        for w in re.split(r"[\s,]+", text):
            w = w.strip(".;:()[]{}|")
            if w:
                words.add(w)

    for line in lines:
        for m in re.finditer(r"\\fB(.*?)(?:\\f[RPI]|$)", line):
            add(m.group(1))
        m = re.match(r"^\.(B|BR|BI|RB|IB)\s+(.*)$", line)
        if not m:
            continue
        macro, rest = m.groups()
        if macro == "B":
            add(rest)
            continue
        try:
            args = shlex.split(rest.replace("\\", "\\\\"), posix=True)
        except ValueError:
            args = rest.split()
        first_bold = macro[0] == "B"
        for i, a in enumerate(args):
            if (i % 2 == 0) == first_bold:
                add(a.replace("\\\\", "\\"))
    return words


def sections(lines):
    """The .SS subsections: title words -> their lines."""
    out, title, body = [], None, []
    for line in lines:
        if line.startswith(".SS") or line.startswith(".SH"):
            if title is not None:
                out.append((title, body))
            title, body = (line[3:].strip() if line.startswith(".SS") else None), []
        elif title is not None:
            body.append(line)
    if title is not None:
        out.append((title, body))
    return out


def run_help(binary, *args):
    r = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, timeout=30)
    return r.stdout + r.stderr


def help_flags(text):
    flags = set()
    for line in text.splitlines():
        spec = line.strip()
        if spec.startswith("-"):
            # An option line: its flags column only, not the words of its description.
            flags.update(FLAG.findall(spec.split("  ", 1)[0]))
        elif spec.lower().startswith("usage:"):
            flags.update(FLAG.findall(spec))
    return flags


def ctl_commands(text):
    cmds, inside = [], False
    for line in text.splitlines():
        if line.startswith("Subcommands:"):
            inside = True
        elif inside and line.startswith("  ") and line.strip():
            cmds.append(line.split()[0])
        elif inside and line.strip() and not line.startswith(" "):
            inside = False
    return cmds


def option_flags(text):
    """The flags of a CLI11 help text's Options: section (an option line's first column)."""
    flags, inside = set(), False
    for line in text.splitlines():
        if line.startswith("Options:"):
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            inside = False
        if inside and line.startswith("  -"):
            spec = line.split()[0]
            flags.update(f for f in spec.split(",") if f.startswith("-"))
    return flags


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source_dir")
    ap.add_argument("lodestar")
    ap.add_argument("lodestarctl")
    ap.add_argument("geodb")
    ap.add_argument("--man-dir", help="the pages' folder (default SOURCE_DIR/docs/man)")
    a = ap.parse_args()
    man_dir = a.man_dir or os.path.join(a.source_dir, "docs", "man")
    missing = []

    pages = {}
    for role, name in PAGES.items():
        path = os.path.join(man_dir, name)
        if not os.path.exists(path):
            missing.append(f"{name}: the page does not exist")
            continue
        pages[role] = roff_lines(path)
    if missing:
        print("\n".join(missing))
        return 1
    bold = {role: bold_tokens(lines) for role, lines in pages.items()}

    def has(role, word):
        return word in bold[role]

    # Configuration keys, in full (tcp.max_connections); a section key (geo) may appear only
    # through its children (geo.database).
    config_files = sorted(glob.glob(os.path.join(a.source_dir, "dns", "config", "*.cpp")))
    config_keys = code_keys(config_files)
    if len(config_keys) < 40:
        missing.append(f"the test found only {len(config_keys)} configuration keys in dns/config/: is expectMap renamed?")
    for prefix, key in sorted(config_keys, key=lambda k: (k[0] or "", k[1])):
        full = f"{prefix}.{key}" if prefix else key
        if not (has("config", full) or any(w.startswith(full + ".") for w in bold["config"])):
            missing.append(f"lodestar.yaml.5: configuration key '{full}' is not in the page (in bold)")

    zone_files = sorted(glob.glob(os.path.join(a.source_dir, "zones", "*.cpp")))
    zone_keys = {k for _, k in code_keys(zone_files)} | {"steer", "ttl"}  # read by name, not by list
    if len(zone_keys) < 50:
        missing.append(f"the test found only {len(zone_keys)} zone policy keys in zones/: is expectMap renamed?")
    for key in sorted(zone_keys):
        if not has("zone", key):
            missing.append(f"lodestar-zone.5: zone policy key '{key}' is not in the page (in bold)")

    # The daemon's flags.
    for flag in sorted(help_flags(run_help(a.lodestar))):
        if not has("daemon", flag):
            missing.append(f"lodestar.8: daemon flag '{flag}' is not in the page (in bold)")

    # lodestar-geodb: its command word and flags.
    geodb_help = run_help(a.geodb)
    for flag in sorted(help_flags(geodb_help) | {"-h", "--help"}):
        if not has("geodb", flag):
            missing.append(f"lodestar-geodb.1: flag '{flag}' is not in the page (in bold)")
    usage = re.search(r"usage:\s*\S+\s+(\w+)", geodb_help)
    if not usage or not has("geodb", usage.group(1)):
        missing.append("lodestar-geodb.1: the command word of its usage line is not in the page (in bold)")

    # lodestarctl: global options, then each command with its own flags in its own .SS.
    ctl_help = run_help(a.lodestarctl)
    for flag in sorted(option_flags(ctl_help)):
        if not has("ctl", flag):
            missing.append(f"lodestarctl.8: global option '{flag}' is not in the page (in bold)")
    commands = ctl_commands(ctl_help)
    if len(commands) < 5:
        missing.append(f"lodestarctl --help listed only {len(commands)} commands: has its format changed?")
    subsections = [(set(re.sub(r"\\f[BIRP]", " ", t).replace('"', " ").replace(",", " ").split()), body)
                   for t, body in sections(pages["ctl"])]
    for cmd in commands:
        blocks = [body for words, body in subsections if cmd in words]
        if not blocks:
            missing.append(f"lodestarctl.8: command '{cmd}' has no .SS subsection under COMMANDS")
            continue
        block_bold = bold_tokens(blocks[0])
        for flag in sorted(option_flags(run_help(a.lodestarctl, cmd)) - {"-h", "--help"}):
            if flag not in block_bold:
                missing.append(f"lodestarctl.8: '{cmd}' flag '{flag}' is not in the command's subsection (in bold)")

    # The bash completion offers the same commands and flags.
    completion_path = os.path.join(a.source_dir, "tools", "completion", "lodestarctl.bash")
    completion = open(completion_path, encoding="utf-8").read()
    listed = re.search(r'local commands="([^"]*)"', completion)
    listed = set(listed.group(1).split()) if listed else set()
    # Each command's flags: its branch of the `case $command` (`drain) flags="..." ;;`).
    branch_flags = {}
    for m in re.finditer(r"^\s*([\w| -]+)\)\s*flags=\"([^\"]*)\"", completion, re.M):
        for name in m.group(1).split("|"):
            branch_flags[name.strip()] = set(m.group(2).split())
    global_line = re.search(r'local global="([^"]*)"', completion)
    global_flags = set(global_line.group(1).split()) if global_line else set()
    for flag in sorted(option_flags(ctl_help) - global_flags):
        missing.append(f"tools/completion/lodestarctl.bash: global option '{flag}' is not completed")
    for cmd in commands:
        if cmd not in listed:
            missing.append(f"tools/completion/lodestarctl.bash: command '{cmd}' is not completed")
        for flag in sorted(option_flags(run_help(a.lodestarctl, cmd)) - {"-h", "--help"} - branch_flags.get(cmd, set())):
            missing.append(f"tools/completion/lodestarctl.bash: '{cmd}' flag '{flag}' is not completed")

    # Cross-references between the pages name pages that exist.
    names = {os.path.splitext(n)[0] + "(" + n.rsplit(".", 1)[1] + ")" for n in PAGES.values()}
    for role, lines in pages.items():
        for line in lines:
            m = re.match(r"^\.BR\s+(lodestar\S*)\s+\((\d)\)", line)
            if m and f"{m.group(1)}({m.group(2)})" not in names:
                missing.append(f"{PAGES[role]}: refers to {m.group(1)}({m.group(2)}), which is not a page here")

    # Rendering: groff with every warning on; any line on stderr fails.
    groff = shutil.which("groff")
    if groff:
        for name in PAGES.values():
            r = subprocess.run([groff, "-ww", "-man", "-Tutf8", "-z", os.path.join(man_dir, name)],
                               capture_output=True, text=True, timeout=60)
            for w in r.stderr.splitlines():
                missing.append(f"{name}: groff: {w}")
            if r.returncode != 0:
                missing.append(f"{name}: groff exited {r.returncode}")

    if missing:
        print("\n".join(missing))
        print(f"FAIL: {len(missing)} problem(s): docs/man/ or the completion lag the code")
        return 1
    print(f"ok: {len(config_keys)} configuration keys, {len(zone_keys)} zone policy keys, "
          f"{len(commands)} lodestarctl commands and their flags, the daemon's and lodestar-geodb's flags "
          f"are in the pages")
    if not groff:
        print("skipped: groff is not installed, the pages were not rendered (Debian: groff-base)")
        return 77
    print(f"ok: groff -ww rendered {len(PAGES)} pages without a warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
