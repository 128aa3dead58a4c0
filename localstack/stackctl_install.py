"""`stackctl install`: OS packages, Kafka jars, the two venvs and the frontend build.

Every step keeps a stamp keyed by a hash of its inputs, so a second run does almost nothing.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from stackctl_common import (
    CACHE,
    INSTALL_STAMPS,
    LOCAL,
    REPO,
    Progress,
    StackError,
    digest,
    run,
    stamp_matches,
    tree_digest,
    write_stamp,
)

from lockctl import normalize, read_pins

VENV = LOCAL / "venv"
VENV_LOCALSTACK = LOCAL / "venv-localstack"
KAFKA_LIBS = CACHE / "kafka-libs"
KAFKA_POM = REPO / "localstack" / "kafka" / "pom.xml"
KAFKA_CONNECT_POM = REPO / "localstack" / "kafka_connect" / "pom.xml"
KAFKA_CONNECT_LIBS = CACHE / "kafka-connect-libs"
HEC_SINK_SRC = REPO / "localstack" / "kafka_connect" / "hec_sink"
KAFKA_CONNECT_PLUGINS = CACHE / "kafka-connect-plugins"
HEC_SINK_JAR = KAFKA_CONNECT_PLUGINS / "bank-hec-sink" / "bank-hec-sink.jar"
LOCALSTACK_PINS = ("localstack-core[runtime]==4.9.2", "psutil<7", "cbor2<6", "pyopenssl==25.3.0",
                   "cryptography<47", "service-identity")
VENV_SAM = LOCAL / "venv-sam"
SAM_PINS = ("aws-sam-cli>=1.140,<2",)
# checkov pins packaging<24 and older pytest/networkx: in the project venv it would drag them back.
VENV_CHECKOV = LOCAL / "venv-checkov"
CHECKOV_PINS = ("checkov==3.3.30",)
PIP = ("-m", "pip", "install", "-q", "--disable-pip-version-check")
FRONTEND = REPO / "frontend"
REDIS_COMMANDER_SRC = REPO / "localstack" / "redis_commander"
REDIS_COMMANDER = CACHE / "redis-commander"
REDIS_COMMANDER_BIN = REDIS_COMMANDER / "node_modules" / "redis-commander" / "bin" / "redis-commander.js"


def pg_bin_dir() -> Path | None:
    """Newest PostgreSQL server binaries from the OS packages (15 preferred, as in production)."""
    preferred = Path("/usr/lib/postgresql/15/bin")
    if (preferred / "postgres").is_file():
        return preferred
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(found[-1]).parent if found else None


# --------------------------------------------------------------------------- apt


def _missing_apt_packages() -> list[str]:
    missing = []
    if pg_bin_dir() is None or not shutil.which("psql"):
        missing.append(_postgres_package())
    checks = {
        "redis-server": "redis-server", "chromium": "chromium", "java": "openjdk-17-jre-headless",
        "javac": "openjdk-17-jdk-headless",
        "mvn": "maven", "rsync": "rsync", "ps": "procps", "openssl": "openssl", "runuser": "util-linux",
    }
    missing += [pkg for binary, pkg in checks.items() if not shutil.which(binary)]
    return missing


def _postgres_package() -> str:
    probe = subprocess.run(["apt-cache", "show", "postgresql-15"], capture_output=True, check=False)
    return "postgresql-15" if probe.returncode == 0 else "postgresql"


def install_apt(progress: Progress) -> None:
    with progress.step("apt packages") as result:
        missing = _missing_apt_packages()
        if not missing:
            result["status"] = "all present"
            return
        if os.geteuid() != 0:
            raise StackError(f"missing OS packages {missing}; run as root or: sudo apt-get install -y "
                             + " ".join(missing))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-q"], env=env, what="apt-get update", timeout=900)
        run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], env=env,
            what="apt-get install", timeout=1800)
        # A distro-started postgresql/redis may now listen on 5432/6379; ours use other ports.
        result["status"] = "installed " + " ".join(missing)


# --------------------------------------------------------------------------- Kafka jars


def install_kafka_jars(progress: Progress) -> None:
    with progress.step("kafka jars") as result:
        key = digest(KAFKA_POM)
        if stamp_matches(INSTALL_STAMPS, "kafka-jars", key) and list(KAFKA_LIBS.glob("kafka_2.13-*.jar")):
            result["status"] = "up to date"
            return
        if not shutil.which("mvn"):
            raise StackError("mvn is missing (apt-get install maven)")
        if KAFKA_LIBS.exists():  # a pom change must not leave old jar versions on the classpath
            shutil.rmtree(KAFKA_LIBS)
        run(["mvn", "-q", "-B", "-f", str(KAFKA_POM), "dependency:copy-dependencies",
             f"-DoutputDirectory={KAFKA_LIBS}", "-DincludeScope=runtime"],
            what="mvn dependency:copy-dependencies", timeout=1800)
        write_stamp(INSTALL_STAMPS, "kafka-jars", key)
        result["status"] = f"{len(list(KAFKA_LIBS.glob('*.jar')))} jars"


def install_kafka_connect(progress: Progress) -> None:
    """Kafka Connect's jars (localstack/kafka_connect/pom.xml, the broker's version) and the bank's HEC sink
    connector, compiled here with javac against them into .local/cache/kafka-connect-plugins."""
    with progress.step("kafka connect jars") as result:
        key = digest(KAFKA_CONNECT_POM)
        present = list(KAFKA_CONNECT_LIBS.glob("connect-runtime-*.jar"))
        if stamp_matches(INSTALL_STAMPS, "kafka-connect-jars", key) and present:
            result["status"] = "up to date"
        else:
            if not shutil.which("mvn"):
                raise StackError("mvn is missing (apt-get install maven)")
            if KAFKA_CONNECT_LIBS.exists():
                shutil.rmtree(KAFKA_CONNECT_LIBS)
            run(["mvn", "-q", "-B", "-f", str(KAFKA_CONNECT_POM), "dependency:copy-dependencies",
                 f"-DoutputDirectory={KAFKA_CONNECT_LIBS}", "-DincludeScope=runtime"],
                what="mvn dependency:copy-dependencies (kafka connect)", timeout=1800)
            write_stamp(INSTALL_STAMPS, "kafka-connect-jars", key)
            result["status"] = f"{len(list(KAFKA_CONNECT_LIBS.glob('*.jar')))} jars"
    with progress.step("hec sink connector (javac)") as result:
        key = digest(KAFKA_CONNECT_POM, tree_digest(HEC_SINK_SRC))
        if stamp_matches(INSTALL_STAMPS, "hec-sink", key) and HEC_SINK_JAR.is_file():
            result["status"] = "up to date"
            return
        javac = shutil.which("javac")
        if not javac:
            raise StackError("javac is missing (apt-get install openjdk-17-jdk-headless)")
        classes = CACHE / "hec-sink-classes"
        if classes.exists():
            shutil.rmtree(classes)
        sources = sorted(str(p) for p in (HEC_SINK_SRC / "src").rglob("*.java"))
        run([javac, "--release", "17", "-d", str(classes), "-cp", f"{KAFKA_CONNECT_LIBS}/*", *sources],
            what="javac (hec sink)", timeout=600)
        HEC_SINK_JAR.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(HEC_SINK_JAR, "w", zipfile.ZIP_DEFLATED) as jar:
            jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nCreated-By: stackctl\n")
            for path in sorted(classes.rglob("*.class")):
                jar.write(path, path.relative_to(classes).as_posix())
            for path in sorted((HEC_SINK_SRC / "META-INF").rglob("*")):
                if path.is_file():
                    jar.write(path, path.relative_to(HEC_SINK_SRC).as_posix())
        write_stamp(INSTALL_STAMPS, "hec-sink", key)
        result["status"] = f"built {HEC_SINK_JAR.name}"


# --------------------------------------------------------------------------- Python interpreters


def _works(python: str) -> str | None:
    """The interpreter's version string if it runs (pyenv shims exist even for absent versions)."""
    try:
        out = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _pyenv_candidates(minor: str) -> list[str]:
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    if shutil.which("pyenv"):
        out = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        root = out.stdout.strip() or root
    return sorted(glob.glob(f"{root}/versions/{minor}*/bin/python{minor}"), reverse=True)


def find_python(minor: str, fallback_any: bool) -> tuple[str, str]:
    """(path, version) for python<minor>; with fallback_any, python3 of whatever version."""
    candidates = [shutil.which(f"python{minor}") or "", *_pyenv_candidates(minor),
                  f"/usr/bin/python{minor}"]
    for candidate in filter(None, candidates):
        if _works(candidate) == minor:
            return candidate, minor
    if fallback_any:
        for candidate in ("python3", "/usr/bin/python3"):
            version = _works(candidate)
            if version:
                return shutil.which(candidate) or candidate, version
    raise StackError(f"no working python{minor} found (pyenv install {minor} or apt-get install python{minor})")


def _venv_version(venv: Path) -> str | None:
    cfg = venv / "pyvenv.cfg"
    if not cfg.is_file() or not (venv / "bin" / "python").exists():
        return None
    for line in cfg.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return ".".join(value.strip().split(".")[:2])
    return None


def _ensure_venv(venv: Path, python: str, version: str) -> None:
    if _venv_version(venv) == version and _works(str(venv / "bin" / "python")) == version:
        return
    if venv.exists():
        shutil.rmtree(venv)
    run([python, "-m", "venv", str(venv)], what=f"create {venv.name}", timeout=300)


# --------------------------------------------------------------------------- project venv


VENV_LOCK = REPO / "requirements-dev.txt"
# Installed by the venv itself or by the editable install below, never listed in the lock.
_NOT_IN_LOCK = frozenset({"pip", "bank-shared"})


def _venv_key(version: str, shared: Path) -> str:
    return digest(version, shared, VENV_LOCK)


def install_project_venv(progress: Progress) -> None:
    """The project venv is exactly requirements-dev.txt (the same pins as the Lambda locks) plus shared/."""
    with progress.step("project venv (.local/venv)") as result:
        shared = REPO / "shared" / "pyproject.toml"
        current = _venv_version(VENV)
        # Probing interpreters costs ~0.1 s each (pyenv shims), so check the stamp against the venv first.
        if current and stamp_matches(INSTALL_STAMPS, "venv", _venv_key(current, shared)):
            result["status"] = f"up to date (python {current})"
            return
        python, version = find_python("3.12", fallback_any=True)
        _ensure_venv(VENV, python, version)
        venv_python = str(VENV / "bin" / "python")
        # --no-deps: the lock is the complete closure, and every file is checked against its hash.
        run([venv_python, *PIP, "--require-hashes", "--no-deps", "-r", str(VENV_LOCK)],
            what="pip install --require-hashes -r requirements-dev.txt", timeout=3600)
        run([venv_python, *PIP, "--no-deps", "--no-build-isolation", "-e", str(shared.parent)],
            what="pip install -e shared", timeout=600)
        removed = _remove_unlocked(venv_python)
        write_stamp(INSTALL_STAMPS, "venv", _venv_key(version, shared))
        result["status"] = f"python {version}, {VENV_LOCK.name}" + (f", removed {removed}" if removed else "")


def _remove_unlocked(venv_python: str) -> str:
    """Uninstall what an earlier lock brought and this one no longer pins, so the venv is the lock."""
    locked = {pin.name for pin in read_pins(VENV_LOCK)} | _NOT_IN_LOCK
    listing = run([venv_python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
                  what="pip list", timeout=120).stdout
    names = {normalize(line.split("==")[0]) for line in listing.splitlines() if "==" in line}
    names |= {normalize(line.split(" @ ")[0]) for line in listing.splitlines() if " @ " in line}
    extra = sorted(names - locked)
    if extra:
        run([venv_python, "-m", "pip", "uninstall", "-y", "-q", *extra], what="pip uninstall", timeout=600)
    return " ".join(extra)


def _install_tool_venv(progress: Progress, name: str, venv: Path, pins: tuple[str, ...]) -> None:
    """A venv of its own for a Python tool whose pins would clash with the project's (LocalStack, SAM)."""
    with progress.step(f"{name} venv") as result:
        current = _venv_version(venv)
        if current and stamp_matches(INSTALL_STAMPS, venv.name, digest(current, *pins)):
            result["status"] = "up to date"
            return
        python, version = find_python("3.11", fallback_any=False)
        key = digest(version, *pins)
        _ensure_venv(venv, python, version)
        run([str(venv / "bin" / "python"), *PIP, *pins], what=f"pip install ({name} venv)", timeout=3600)
        write_stamp(INSTALL_STAMPS, venv.name, key)
        result["status"] = "installed " + pins[0]


def install_localstack_venv(progress: Progress) -> None:
    _install_tool_venv(progress, "localstack", VENV_LOCALSTACK, LOCALSTACK_PINS)


def install_sam_venv(progress: Progress) -> None:
    """The SAM CLI (`sam validate --lint` runs in the contract tests; `sam build/deploy` for AWS)."""
    _install_tool_venv(progress, "sam cli", VENV_SAM, SAM_PINS)


def install_checkov_venv(progress: Progress) -> None:
    """checkov, the template's security scan (tests/unit/contract/test_template_security.py, .checkov.yaml)."""
    _install_tool_venv(progress, "checkov", VENV_CHECKOV, CHECKOV_PINS)


# --------------------------------------------------------------------------- frontend


def install_frontend(progress: Progress) -> None:
    package_json = FRONTEND / "package.json"
    if not package_json.is_file():
        progress.line("frontend", "skipped (no frontend/package.json yet)")
        return
    if os.environ.get("BANK_SKIP_FRONTEND") == "1":  # back-end work while the SPA is mid-change
        progress.line("frontend", "skipped (BANK_SKIP_FRONTEND=1)")
        return
    with progress.step("frontend deps (npm)") as result:
        lock = FRONTEND / "package-lock.json"
        key = digest(package_json, lock)
        if stamp_matches(INSTALL_STAMPS, "npm-deps", key) and (FRONTEND / "node_modules").is_dir():
            result["status"] = "up to date"
        else:
            cmd = ["npm", "ci"] if lock.is_file() else ["npm", "install"]
            run([*cmd, "--no-audit", "--no-fund"], cwd=FRONTEND, what=" ".join(cmd), timeout=3600)
            write_stamp(INSTALL_STAMPS, "npm-deps", key)
            result["status"] = "installed"
    with progress.step("frontend build") as result:
        key = tree_digest(FRONTEND, skip_dirs=("node_modules", ".next", "out", "test-results",
                                               "playwright-report"))
        if stamp_matches(INSTALL_STAMPS, "npm-build", key) and (FRONTEND / "out").is_dir():
            result["status"] = "up to date"
            return
        run(["npm", "run", "build"], cwd=FRONTEND, what="npm run build", timeout=1800)
        write_stamp(INSTALL_STAMPS, "npm-build", key)
        result["status"] = "built frontend/out"


# --------------------------------------------------------------------------- Redis Commander


def install_redis_commander(progress: Progress) -> None:
    """The npm package `redis-commander` (pinned in localstack/redis_commander/package-lock.json) into
    .local/cache/redis-commander. Install scripts stay off: the only one (bcrypt, for hashed HTTP-auth
    passwords) would fetch a prebuilt binary from the internet, and the local viewer uses no HTTP auth."""
    with progress.step("redis commander (npm)") as result:
        files = [REDIS_COMMANDER_SRC / "package.json", REDIS_COMMANDER_SRC / "package-lock.json"]
        key = digest(*files)
        if stamp_matches(INSTALL_STAMPS, "redis-commander", key) and REDIS_COMMANDER_BIN.is_file():
            result["status"] = "up to date"
            return
        if not shutil.which("npm"):
            raise StackError("npm is missing (install Node.js 20)")
        REDIS_COMMANDER.mkdir(parents=True, exist_ok=True)
        for source in files:
            shutil.copyfile(source, REDIS_COMMANDER / source.name)
        run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=REDIS_COMMANDER,
            what="npm ci (redis-commander)", timeout=1800)
        write_stamp(INSTALL_STAMPS, "redis-commander", key)
        result["status"] = "installed redis-commander"


def install(progress: Progress) -> None:
    install_apt(progress)
    install_kafka_jars(progress)
    install_kafka_connect(progress)
    install_localstack_venv(progress)
    install_sam_venv(progress)
    install_checkov_venv(progress)
    install_project_venv(progress)
    install_frontend(progress)
    install_redis_commander(progress)
