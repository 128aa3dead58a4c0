"""`make build`: `sam build` of template.yaml from the locks, for Lambda's arm64 on any host, without Docker.

SAM's Python builder runs `pip download -r requirements.txt` with the `python3.12` it finds on PATH (the host's
platform), then fetches a wheel for the target architecture (`pip download --only-binary=:all: --platform
manylinux…_aarch64 --no-deps pkg==version`) for each package whose host wheel does not fit Lambda. That second
download is not checked against the lock's hashes, so before SAM runs we fill a wheelhouse with
`pip download --require-hashes` of every Lambda lock for the host and for the target, and point SAM's pip at it
alone (PIP_NO_INDEX, PIP_FIND_LINKS): every file in an artifact comes from a wheel whose hash is in a lock.

The SAM CLI lives in its own venv (.local/venv-sam, any Python); the runtime's interpreter (python3.12) is
found (PATH, pyenv, /usr/bin) and put first on PATH for it.

    python localstack/buildctl.py                          # arm64 into .aws-sam/build (what `sam deploy` reads)
    python localstack/buildctl.py --arch x86_64 --build-dir .local/built/x86_64/build   # this host's arch
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from stackctl_common import CACHE, LOCAL, REPO, StackError
from stackctl_install import find_python

from lockctl import Pin, function_dirs, function_lock, layer_lock, problems, read_pins

SAM = LOCAL / "venv-sam" / "bin" / "sam"
TEMPLATE = REPO / "template.yaml"
WHEELHOUSE = CACHE / "wheelhouse"
RUNTIME = "3.12"
ARCHITECTURES = ("arm64", "x86_64")
DOWNLOAD_WORKERS = 8  # waiting on the index, not the CPU
# ELF e_machine of each Lambda architecture.
ELF_MACHINE = {"arm64": 183, "x86_64": 62}
# pip --platform tags Lambda python3.12 (Amazon Linux 2023, glibc 2.34) accepts, newest first.
_MANYLINUX = ("manylinux_2_34", "manylinux_2_28", "manylinux_2_17", "manylinux2014")
_ARCH_RE = {  # how the template spells the architecture, for the host-architecture variant
    "functions": re.compile(r"^(\s*Architectures:\s*)\[\s*arm64\s*\]", re.MULTILINE),
    "layer": re.compile(r"^(\s*CompatibleArchitectures:\s*)\[\s*arm64\s*\]", re.MULTILINE),
    "build": re.compile(r"^(\s*BuildArchitecture:\s*)arm64\s*$", re.MULTILINE),
}


def host_arch() -> str:
    machine = platform.machine().lower()
    return "arm64" if machine in ("aarch64", "arm64") else "x86_64"


def elf_arch(machine: str) -> str:
    return "aarch64" if machine == "arm64" else "x86_64"


@dataclass(frozen=True)
class Build:
    arch: str
    build_dir: Path
    template: Path

    @property
    def layer_dir(self) -> Path:
        return self.build_dir / "SharedLayer" / "python"

    def function_dir(self, logical_id: str) -> Path:
        return self.build_dir / logical_id


def say(text: str) -> None:
    print(text, flush=True)


# --------------------------------------------------------------------------- the interpreter SAM builds with


def runtime_bin_dir() -> Path:
    """The directory of a working python3.12 (a pyenv shim of an unselected version does not count)."""
    try:
        python, _ = find_python(RUNTIME, fallback_any=False)
    except StackError as exc:
        raise StackError(f"sam build needs python{RUNTIME}: {exc}") from exc
    resolved = subprocess.run([python, "-c", "import sys; print(sys.executable)"], capture_output=True,
                              text=True, check=True).stdout.strip()
    return Path(resolved).parent


# --------------------------------------------------------------------------- wheelhouse (hash-checked)


def lambda_locks() -> list[Path]:
    return [layer_lock().output, *(function_lock(d).output for d in function_dirs())]


def platform_args(arch: str) -> list[str]:
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", RUNTIME]
    for abi in (f"cp{RUNTIME.replace('.', '')}", "abi3", "none"):
        args += ["--abi", abi]
    for tag in _MANYLINUX:
        args += ["--platform", f"{tag}_{elf_arch(arch)}"]
    return args


def fill_wheelhouse(python: Path, arch: str) -> None:
    """A Lambda-compatible wheel of every pin of every Lambda lock, for `arch` and for this host (SAM's first
    pass downloads for the host), each checked against the lock's hashes.

    The index answers slowly, so pins are fetched in parallel and each (pin, architecture) only once.
    """
    done_dir = WHEELHOUSE / ".fetched"
    done_dir.mkdir(parents=True, exist_ok=True)
    pins = {pin.requirement(): pin for lock in lambda_locks() for pin in read_pins(lock)}
    jobs = [(pin, each) for pin in pins.values() for each in sorted({arch, host_arch()})
            if not (done_dir / f"{pin.name}-{pin.version}-{each}").exists()]
    if not jobs:
        return
    say(f"build[{arch}]: fetching {len(jobs)} wheels into {WHEELHOUSE.relative_to(REPO)} (hash-checked) ...")
    with ThreadPoolExecutor(max_workers=DOWNLOAD_WORKERS) as pool:
        failures = [error for error in pool.map(lambda job: _fetch(python, job[0], job[1], done_dir), jobs) if error]
    if failures:
        raise StackError("pip download --require-hashes failed:\n" + "\n".join(failures))


def _fetch(python: Path, pin: Pin, arch: str, done_dir: Path) -> str | None:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="pin-") as requirement:
        requirement.write(pin.requirement() + "\n")
        requirement.flush()
        cmd = [str(python), "-m", "pip", "download", "-q", "--disable-pip-version-check", "--require-hashes",
               "--no-deps", "-r", requirement.name, "-d", str(WHEELHOUSE), *platform_args(arch)]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
    if result.returncode != 0:
        return f"  {pin.name}=={pin.version} ({arch}): {(result.stderr or result.stdout).strip()[-800:]}"
    (done_dir / f"{pin.name}-{pin.version}-{arch}").touch()
    return None


# --------------------------------------------------------------------------- sam build


def template_for(arch: str, work_dir: Path) -> Path:
    """template.yaml as it is (arm64), or a copy with every architecture switched (for this host's tests)."""
    if arch == "arm64":
        return TEMPLATE
    text = TEMPLATE.read_text()
    for what, pattern in _ARCH_RE.items():
        text, count = pattern.subn(rf"\g<1>{'[x86_64]' if what != 'build' else 'x86_64'}", text)
        if count == 0:
            raise StackError(f"template.yaml: no arm64 {what} architecture found to switch to {arch}")
    work_dir.mkdir(parents=True, exist_ok=True)
    variant = work_dir / "template.yaml"
    variant.write_text(text)
    return variant


def sam_build(arch: str, build_dir: Path, *, config_env: str | None = None, log: Path | None = None) -> Build:
    """Build every function and the layer for `arch` into build_dir (cached between runs)."""
    if not SAM.is_file():
        raise StackError("the SAM CLI is missing: `make install` creates .local/venv-sam")
    stale = problems()
    if stale:
        raise StackError("the locks are stale, `make lock` first:\n  " + "\n  ".join(stale))
    work_dir = build_dir.parent
    work_dir.mkdir(parents=True, exist_ok=True)
    runtime = runtime_bin_dir()
    started = time.monotonic()
    fill_wheelhouse(runtime / "python3", arch)
    template = template_for(arch, work_dir / "template")
    cmd = [str(SAM), "build", "--template-file", str(template), "--base-dir", str(REPO),
           "--build-dir", str(build_dir), "--cache-dir", str(work_dir / "cache"), "--cached", "--parallel"]
    if config_env:
        cmd += ["--config-file", str(REPO / "samconfig.toml"), "--config-env", config_env]
    env = dict(os.environ, PATH=f"{runtime}{os.pathsep}{os.environ.get('PATH', '')}", SAM_CLI_TELEMETRY="0",
               PIP_NO_INDEX="1", PIP_FIND_LINKS=str(WHEELHOUSE), PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    say(f"build[{arch}]: sam build → {build_dir} (python{RUNTIME} from {runtime})")
    # SAM keeps its dependency folders in ./.aws-sam/deps: beside the build, never in the source tree.
    cwd = REPO if work_dir == REPO / ".aws-sam" else work_dir
    if log is None:  # on a terminal SAM's own lines are the progress output
        code = subprocess.run(cmd, cwd=cwd, env=env, check=False).returncode
        tail = "(its output is above)"
    else:
        with log.open("w") as sink:
            code = subprocess.run(cmd, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT, check=False).returncode
        tail = f"{log}:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-60:])
    if code != 0:
        raise StackError(f"sam build ({arch}) failed (exit {code}); {tail}")
    build = Build(arch, build_dir, template)
    wrong = foreign_binaries(build_dir, arch)
    if wrong:
        raise StackError(f"sam build ({arch}) produced binaries for another architecture:\n  "
                         + "\n  ".join(f"{path.relative_to(build_dir)}: {kind}" for path, kind in wrong))
    say(f"build[{arch}]: done in {time.monotonic() - started:.0f}s")
    return build


# --------------------------------------------------------------------------- what the artifacts contain


def shared_objects(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and (path.suffix == ".so" or ".so." in path.name):
            yield path


def elf_machine(path: Path) -> int | None:
    """ELF e_machine (offset 18, endianness from EI_DATA), or None for a file that is not ELF."""
    with path.open("rb") as fh:
        header = fh.read(20)
    if len(header) < 20 or header[:4] != b"\x7fELF":
        return None
    order = "<" if header[5] == 1 else ">"
    machine: int = struct.unpack(order + "H", header[18:20])[0]
    return machine


def foreign_binaries(root: Path, arch: str) -> list[tuple[Path, str]]:
    """Compiled files under root that Lambda's `arch` cannot load."""
    names = {value: key for key, value in ELF_MACHINE.items()}
    wrong = []
    for path in shared_objects(root):
        machine = elf_machine(path)
        if machine != ELF_MACHINE[arch]:
            wrong.append((path, "not ELF" if machine is None else names.get(machine, f"e_machine {machine}")))
    return wrong


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sam build from the locks (see docs/builds.md)")
    parser.add_argument("--arch", choices=ARCHITECTURES, default="arm64")
    parser.add_argument("--build-dir", type=Path, default=REPO / ".aws-sam" / "build")
    parser.add_argument("--config-env", default=None, help="samconfig.toml environment (dev, prod)")
    args = parser.parse_args(argv)
    try:
        build = sam_build(args.arch, args.build_dir.resolve(), config_env=args.config_env)
    except StackError as exc:
        print(f"make build: {exc}", file=sys.stderr)
        return 1
    count = sum(1 for _ in shared_objects(build.build_dir))
    say(f"build[{args.arch}]: {count} compiled files, all {elf_arch(args.arch)}; artifacts in {build.build_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
