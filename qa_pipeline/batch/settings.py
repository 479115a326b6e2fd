"""The corpus settings file: `corpora/qa.toml`, or `[tool.qa_pipeline]` in `pyproject.toml`.

Every key and its validation is here, in `KEYS`; the defaults stay in `config.py`. Precedence:
config.py's defaults < the file < command-line flags (`resolve`). A bad file is a ConfigError
(exit 2) naming the file and the key::

    source = "lt"                  # source language
    targets = ["et"]               # one or more target languages
    nway = true                    # two or more targets: one n-way check per document
                                   # (default); false: one pairwise check per target
    model = "multilingual-e5-small"  # or a model directory, relative to this file's folder
    fail_on = "major"              # critical | major | minor | none
    segmented = false
    batch_size = 32
    precision = "auto"             # auto | fp32 (the same figures on every CPU) | bf16 | fp16
    word_tagger = false            # word-level evidence from the model's trained tagger

    [checks]                       # per-check enable/disable; unnamed checks stay enabled
    length = false

    [severity]                     # every finding of this kind gets this severity
    punctuation = "minor"
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import config as C
from ..errors import ConfigError
from ..types import KIND_ORDER, SEVERITY_ORDER


@dataclass(frozen=True)
class Key:
    """One settings key: what it sets (a BatchConfig or Config field) and how it is checked."""

    name: str
    field: str
    parse: Callable[[Any, str], Any]
    help: str


def _str(v: Any, where: str) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ConfigError(f"{where}: expected a non-empty string, got {v!r}")
    return v.strip()


def _langs(v: Any, where: str) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v:
        raise ConfigError(f"{where}: expected a list of language codes, got {v!r}")
    out = tuple(_str(x, where) for x in v)
    if len(set(out)) != len(out):
        raise ConfigError(f"{where}: a language is listed twice: {list(out)}")
    return out


def _fail_on(v: Any, where: str) -> str:
    if not isinstance(v, str) or v not in C.FAIL_ON_RANK:
        raise ConfigError(f"{where}: {v!r} is not one of {', '.join(C.FailOnChoice)}")
    return str(v)


def _bool(v: Any, where: str) -> bool:
    if not isinstance(v, bool):
        raise ConfigError(f"{where}: expected true or false, got {v!r}")
    return v


def _positive(v: Any, where: str) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise ConfigError(f"{where}: expected a positive integer, got {v!r}")
    return v


def _precision(v: Any, where: str) -> str:
    if not isinstance(v, str) or v not in C.PRECISIONS:
        raise ConfigError(f"{where}: {v!r} is not one of {', '.join(C.PRECISIONS)}")
    return str(v)


def _checks(v: Any, where: str) -> tuple[str, ...]:
    from ..detect.checks import CHECKS

    if not isinstance(v, dict):
        raise ConfigError(f"{where}: expected a table of check = true|false")
    for name, on in v.items():
        if name not in CHECKS:
            raise ConfigError(f"{where}.{name}: unknown check; known: {', '.join(CHECKS)}")
        _bool(on, f"{where}.{name}")
    return tuple(n for n in CHECKS if v.get(n, True))


def _severity(v: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(v, dict):
        raise ConfigError(f"{where}: expected a table of kind = \"critical|major|minor\"")
    for kind, sev in v.items():
        if kind not in KIND_ORDER:
            raise ConfigError(f"{where}.{kind}: unknown finding kind; known: "
                              f"{', '.join(KIND_ORDER)}")
        if not isinstance(sev, str) or sev not in SEVERITY_ORDER:
            raise ConfigError(f"{where}.{kind}: {sev!r} is not one of "
                              f"{', '.join(SEVERITY_ORDER)}")
    return tuple(sorted(v.items()))


KEYS: dict[str, Key] = {k.name: k for k in (
    Key("source", "src_lang", _str, "source language code"),
    Key("targets", "tgt_langs", _langs, "target language codes"),
    Key("nway", "nway", _bool, "two or more targets: one n-way check per document "
        "(default true) instead of one pairwise check per target"),
    Key("model", "model", _str, "registry name or model directory"),
    Key("fail_on", "fail_on", _fail_on, "the gate fails at this severity"),
    Key("segmented", "segmented", _bool, "one sentence per line"),
    Key("batch_size", "batch_size", _positive, "embedding batch size"),
    Key("precision", "precision", _precision, "encoder arithmetic: auto, fp32 (the same "
        "figures on every CPU), bf16, fp16"),
    Key("word_tagger", "word_tagger", _bool, "word-level drift evidence from the model's "
        "trained tagger (pairwise checks; default false: occlusion spans)"),
    Key("checks", "checks", _checks, "per-check enable/disable"),
    Key("severity", "severity_overrides", _severity, "severity per finding kind"),
)}


def find_settings(corpora: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """`corpora/qa.toml`, else `[tool.qa_pipeline]` of the pyproject.toml beside `corpora`."""
    own = corpora / C.CONFIG_FILE
    if own.is_file():
        return own, _read(own)
    pyproject = corpora.parent / "pyproject.toml"
    if pyproject.is_file():
        table = _tool_table(_read(pyproject), pyproject)
        if table is not None:
            return pyproject, table
    return None


def _tool_table(data: Mapping[str, Any], path: Path) -> Mapping[str, Any] | None:
    """A pyproject's `[tool.qa_pipeline]` (None without one); a `tool` or `tool.qa_pipeline`
    that is not a table is an error naming the file."""
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool: expected a table ([tool]), got {tool!r}")
    table = tool.get(C.PYPROJECT_TABLE)
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{C.PYPROJECT_TABLE}] must be a table, got {table!r}")
    return table


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror})") from None
    try:  # a Windows editor's "UTF-8" starts with a BOM, which TOML does not allow
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        found = ("UTF-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff"))
                 else "binary or another encoding")
        raise ConfigError(f"{path}: not UTF-8 text ({found}); save the settings file as "
                          "UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from None


def parse_settings(table: Mapping[str, Any], where: str,
                   folder: Path | None = None) -> dict[str, Any]:
    """{field: value} for every key in `table`; unknown keys are errors naming the key. A
    model directory given as a relative path is read from `folder`, the settings file's."""
    out: dict[str, Any] = {}
    for name, value in table.items():
        key = KEYS.get(name)
        if key is None:
            raise ConfigError(f"{where}: unknown key {name!r}; known: {', '.join(KEYS)}")
        out[key.field] = key.parse(value, f"{where}: {name}")
    if "model" in out and folder is not None:
        out["model"] = _model_path(out["model"], folder, where)
    _check_names(out, where)
    if out.get("src_lang", C.DEFAULT_SRC_LANG) in out.get("tgt_langs", ()):
        raise ConfigError(f"{where}: targets: the source language {out.get('src_lang')!r} is "
                          "also a target")
    return out


def _model_path(name: str, folder: Path, where: str) -> str:
    """`name` with `folder` (the settings file's) in front where it is a relative path to a
    model directory: it starts with `.`, or names something in `folder` or in the working
    folder (which is not where it is read from: said rather than guessed). Registry names,
    `hash` and Hugging Face ids (`org/name`) stay as they are."""
    from ..models import REGISTRY

    if name in REGISTRY or name.startswith("hash"):
        return name
    p = Path(name).expanduser()
    if p.is_absolute():
        return str(p)
    if not (name.startswith(".") or (folder / p).exists() or p.exists()):
        return name
    if not (folder / p).exists():
        raise ConfigError(f"{where}: model: {folder / p}: no such model directory (a "
                          "relative path is read from the settings file's folder)")
    return str(folder / p)


def _check_names(values: Mapping[str, Any], where: str) -> None:
    """Language codes and the model name as the file gives them: a wrong one is an error
    naming the file and the key (the command line's flags are checked in `resolve`)."""
    from ..errors import ModelError
    from ..langs import is_lang
    from ..models import REGISTRY
    from ..models import resolve as resolve_model

    codes = [("source", values["src_lang"])] if "src_lang" in values else []
    codes += [("targets", t) for t in values.get("tgt_langs", ())]
    for key, code in codes:
        if not is_lang(code):
            raise ConfigError(f"{where}: {key}: {code!r} is not a known language code; give "
                              "an ISO 639 / BCP 47 code such as lt, et, en or lt-LT")
    name: str | None = values.get("model")
    # Not a registry name: whether a known model is installed is asked when it is needed. A
    # model directory that is none, an unknown name or a Hugging Face id not in the local
    # cache is said here, naming the file and the key.
    if name is not None and name not in REGISTRY and not name.startswith("hash"):
        try:
            resolve_model(name)
        except ModelError as e:
            raise ConfigError(f"{where}: model: {e}") from None


def load_settings(corpora: Path, path: Path | None = None) -> dict[str, Any]:
    """The settings for `corpora` as {field: value}: from `path` if given, else found."""
    return settings_file(corpora, path)[0]


def settings_file(corpora: Path, path: Path | None = None
                  ) -> tuple[dict[str, Any], Path | None]:
    """The settings for `corpora` as {field: value}, and the file they came from (None where
    there is none): `path` if given, else the one found."""
    if path is not None:
        if path.is_dir():
            raise ConfigError(f"{path}: is a folder; --config names the settings file itself "
                              f"(e.g. {path / C.CONFIG_FILE})")
        if not path.is_file():
            raise ConfigError(f"{path}: no such settings file")
        data: Mapping[str, Any] | None = _read(path)
        if path.name == "pyproject.toml":
            data = _tool_table(data or {}, path)
        return parse_settings(data or {}, str(path), path.parent), path
    found = find_settings(corpora)
    if found is None:
        return {}, None
    return parse_settings(found[1], str(found[0]), found[0].parent), found[0]


def resolve(file_values: Mapping[str, Any], cli_values: Mapping[str, Any],
            where: Path | str | None = None) -> C.BatchConfig:
    """config.py's defaults, overridden by the file (`where`, named in errors), overridden by
    the command line (only the flags actually given are in `cli_values`)."""

    def origin(fld: str, flag: str, key: str) -> str:
        """Where a value came from, as an error names it."""
        if fld in cli_values:
            return flag
        if fld in file_values:
            return f"'{key}' in {where or 'the settings file'}"
        return "the default"

    values = {**file_values, **cli_values}
    batch_fields = {"tgt_langs", "executor", "scheduler", "workers", "nway", "word_tagger"}
    base = C.BatchConfig()
    cfg = replace(base.config, **{k: v for k, v in values.items() if k not in batch_fields})
    if "word_tagger" in values:  # a drift setting: it lives on the config's DriftParams
        cfg = replace(cfg, drift=replace(cfg.drift, word_tagger=values["word_tagger"]))
    tgts = tuple(values.get("tgt_langs", base.tgt_langs))
    cfg = replace(cfg, tgt_lang=tgts[0])
    extra = {k: v for k, v in values.items()
             if k in batch_fields and k not in ("tgt_langs", "word_tagger")}
    from ..devices import check_device, env_precision
    from ..langs import is_lang

    src_from = origin("src_lang", "--src-lang", "source")
    tgts_from = origin("tgt_langs", "--tgt-lang", "targets")
    for what, at, code in (("source", src_from, cfg.src_lang),
                           *(("target", tgts_from, t) for t in tgts)):
        if not is_lang(code):
            raise ConfigError(f"the {what} language {code!r} ({at}) is not a known language "
                              "code; give an ISO 639 / BCP 47 code such as lt, et, en or lt-LT")
    check_device(cfg.device)
    if cfg.precision == "auto":
        env_precision()
    if cfg.src_lang in tgts:
        raise ConfigError(f"the source language {cfg.src_lang!r} ({src_from}) is also a "
                          f"target ({tgts_from}: {', '.join(tgts)})")
    extra.setdefault("nway", len(tgts) >= 2)
    if extra["nway"] and len(tgts) < 2:
        asked = origin("nway", "--nway", "nway = true")
        raise ConfigError(f"{asked} needs two or more targets; got {list(tgts)} ({tgts_from})")
    return replace(base, config=cfg, tgt_langs=tgts, **extra)
