"""Environments, ``manage.py``, phases in child processes, CPU accounting.

A script that needs Django (models, services) runs that part in a child
process of its own, with the settings the step needs::

    answer = run_child(__file__, "setup", env, 20)   # parent: the JSON it printed

    if __name__ == "__main__":
        child_main({"setup": lambda count: phase_setup(int(count))})   # child
"""

import json
import os
import resource
import secrets
import subprocess
import sys

from benchmarks.harness import BENCH_DIR, ROOT, BenchError

CHILD_PREFIX = "BENCH_CHILD_JSON "


# Environments -----------------------------------------------------------------


def base_env(db_url, media=None):
    """The caller's environment on the bench database and media folder."""
    env = os.environ.copy()
    env.update(
        DATABASE_URL=db_url,
        MEDIA_ROOT=str(media or BENCH_DIR / "media"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def production_env(db_url, media=None):
    """Production settings, with the HTTPS-only switches off for plain local HTTP."""
    env = base_env(db_url, media)
    env.update(
        DJANGO_SETTINGS_MODULE="curbside.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PUBLIC_BASE_URL=os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
    )
    env.pop("DJANGO_DEBUG", None)
    return env


def dev_env(db_url, media=None, debug=True):
    """Development settings (``seed_demo`` refuses to run without DEBUG on)."""
    env = base_env(db_url, media)
    env["DJANGO_SETTINGS_MODULE"] = "curbside.settings.dev"
    if debug:
        env["DJANGO_DEBUG"] = "true"
    else:
        env.pop("DJANGO_DEBUG", None)
    return env


# Child processes --------------------------------------------------------------


def manage(args, env):
    """Run ``manage.py`` quietly; show its output only when it fails."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(
            f"`manage.py {' '.join(args)}` failed with exit status {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


def child_command(script, phase, *args):
    return [sys.executable, str(script), "--phase", phase, *map(str, args)]


def run_child(script, phase, env, *args):
    """Run ``script --phase phase args`` and return the JSON its phase printed."""
    command = child_command(script, phase, *args)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(
            f"the {phase} step failed with exit status {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return child_answer(phase, result.stdout, result.stderr)


def child_answer(phase, stdout, stderr=""):
    for line in reversed(stdout.splitlines()):
        if line.startswith(CHILD_PREFIX):
            return json.loads(line.removeprefix(CHILD_PREFIX))
    raise BenchError(f"the {phase} step printed no result:\n{stdout}{stderr}")


def child_main(handlers, argv=None):
    """In the child: run the phase ``--phase NAME ARGS...`` names; print its answer.
    Returns False when the arguments name no phase (the script's own main runs)."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2 or argv[0] != "--phase":
        return False
    phase, args = argv[1], argv[2:]
    if phase not in handlers:
        raise SystemExit(f"unknown phase {phase!r}")
    print(CHILD_PREFIX + json.dumps(handlers[phase](*args), default=str), flush=True)
    return True


def django_setup(urls=False):
    """Set Django up in this (child) process. ``urls``: also import the URLconf, as
    the server's first request does: that registers Wagtail's admin viewsets, which
    make learner records tracked by the reference index."""
    import django

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    django.setup()
    if urls:
        from django.urls import get_resolver

        return get_resolver().url_patterns
    return None


# CPU time ---------------------------------------------------------------------


def pid_cpu_seconds(pid):
    """User + system CPU seconds of one process (Linux /proc), or None."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat_file:
            fields = stat_file.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree_cpu_seconds(root_pid):
    """User + system CPU seconds of a process and its descendants, read from /proc.

    Unlike requests/s this hardly moves when other programs compete for the
    CPU, so it tells a slower server from a busy machine. None without /proc.
    """
    stats = {}
    try:
        entries = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except FileNotFoundError:
        return None
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat") as stat_file:
                stat = stat_file.read()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    if root_pid not in stats:
        return None
    tree = {root_pid}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in stats.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    ticks = sum(stats[pid][1] for pid in tree)
    return ticks / os.sysconf("SC_CLK_TCK")


def busy_seconds(steal=False):
    """CPU seconds the whole machine spent busy so far (Linux /proc/stat, else None).

    Less the share of the programs measured, it tells whether others competed."""
    try:
        with open("/proc/stat") as stat_file:
            fields = [int(x) for x in stat_file.readline().split()[1:9]]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, stolen = fields
    busy = user + nice + system + irq + softirq + (stolen if steal else 0)
    return busy / os.sysconf("SC_CLK_TCK")


def children_cpu():
    """CPU seconds used by the child processes this script has waited for (wrk)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu(children=False):
    """CPU seconds used by this process (all its threads); with ``children``,
    also by the child processes it has waited for (a search rebuild's
    document builder)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    if children:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += usage.ru_utime + usage.ru_stime
    return total
