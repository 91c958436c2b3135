"""Build-time rewrites of pinned third-party wheels that shorten the worker's start-up.

Every page imports Panel and Bokeh in the worker; inside Pyodide that is most of the
start-up (``docs/site.md``, "Load time"). A few things they do at import time cost a lot
there and are never used by this site's pages. The rewrites below change exactly those,
without changing what any public name does:

* ``panel/__init__.py`` imports :mod:`panel.chat`, :mod:`panel.template`,
  :mod:`panel.pipeline` and :mod:`panel.interact` (33 modules) on first use instead of at
  ``import panel``: ``pn.chat``, ``pn.template``, ``pn.Template``, ``pn.pipeline`` and
  ``pn.interact`` still work (a module ``__getattr__``, PEP 562).
* ``bokeh/model/model.py`` gives every class of :mod:`bokeh.models` a lazy
  ``__init__.__signature__``: ``inspect.signature(Slider)`` is the same as before, but
  the ~450 signatures (each walks all properties and their defaults) are computed when
  asked for, not while ``bokeh.models`` is imported.
* ``pyodide_http.patch_all()``, which Panel calls at import, patches :mod:`urllib` only:
  patching requests meant importing requests and urllib3 (about 60 modules) on every
  page load, and urllib3 (pinned 2.8) sends requests through the browser by itself.

Panel and Bokeh are pinned (:mod:`.fetch`), so each rewrite expects its text exactly once;
if it is not found, :class:`RewriteError` names the wheel, the file and the text, and the
build stops instead of shipping an unrewritten or half-rewritten package.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

from . import SiteBuildError
from .fetch import PURE_WHEELS, Fetched, Log, sha256_file, transform_wheel


class RewriteError(SiteBuildError):
    """A rewrite of a pinned wheel no longer matches the wheel's text."""


@dataclasses.dataclass(frozen=True)
class Rewrite:
    """Replace ``old`` (expected exactly once) by ``new`` in the wheel member ``path``."""

    path: str
    old: str
    new: str
    why: str


# ------------------------------------------------------------------------------ panel

PANEL_EAGER = (
    "from . import pipeline  # noqa\n",
    "from . import template  # noqa\n",
    "from .interact import interact  # noqa\n",
    "from .template import Template  # noqa\n",
    "from . import chat  # isort:skip noqa has to be after widgets\n",
)
PANEL_LAZY = """

# pyplayground (sitegen/rewrite.py): imported on first use, not by `import panel`.
_PG_LAZY = {
    "chat": ("panel.chat", None),
    "interact": ("panel.interact", "interact"),
    "pipeline": ("panel.pipeline", None),
    "template": ("panel.template", None),
    "Template": ("panel.template", "Template"),
}


def __getattr__(name):
    if name not in _PG_LAZY:
        raise AttributeError(f"module 'panel' has no attribute {name!r}")
    import importlib

    module, attr = _PG_LAZY[name]
    value = importlib.import_module(module)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value  # also undoes `panel.interact` = the submodule
    return value
"""


def _panel_rewrites() -> tuple[Rewrite, ...]:
    why = "import panel.chat/template/pipeline/interact on first use"
    out = [Rewrite("panel/__init__.py", line, "", why) for line in PANEL_EAGER]
    end = '    "widget"\n)\n'  # the end of __all__, the last statement
    out.append(Rewrite("panel/__init__.py", end, end + PANEL_LAZY, why))
    return tuple(out)


# ------------------------------------------------------------------------------ bokeh

BOKEH_SIGNATURE = (
    "            parameters = [x[0] for x in  cls.parameters()]\n"
    "            cls.__init__.__signature__ = Signature(parameters=parameters)\n"
)
BOKEH_LAZY_SIGNATURE = "            cls.__init__.__signature__ = _PgLazySignature(cls)\n"
BOKEH_MODEL_CLASS = (
    "@abstract\n"
    "class Model(HasProps, HasDocumentRef, PropertyCallbackManager, EventCallbackManager):\n"
)
BOKEH_LAZY_CLASS = '''class _PgLazySignature(Signature):
    """The signature of a model's ``__init__``, computed on first use.

    pyplayground (sitegen/rewrite.py): ``Model.parameters()`` walks every property and
    its default; doing that for each of the ~450 classes of bokeh.models is a large part
    of importing Bokeh in Pyodide, and nothing reads these signatures at start-up.
    """

    __slots__ = ("_pg_model",)

    def __init__(self, model):
        self._pg_model = model

    def __getattr__(self, name):
        # Only reached while the slots of Signature are still unset.
        if name not in ("_parameters", "_return_annotation"):
            raise AttributeError(name)
        try:
            parameters = [x[0] for x in self._pg_model.parameters()]
        except AttributeError as e:  # would read as "no attribute _parameters"
            raise RuntimeError(f"signature of {self._pg_model.__name__}: {e!r}") from e
        Signature.__init__(self, parameters=parameters)
        return getattr(self, name)

    def _pg_eager(self):
        return Signature(list(self.parameters.values()), return_annotation=self.return_annotation)

    def replace(self, **changes):  # Signature's makes type(self)(...)
        return self._pg_eager().replace(**changes)

    def __reduce__(self):
        return self._pg_eager().__reduce__()


'''


def _bokeh_rewrites() -> tuple[Rewrite, ...]:
    why = "compute the __init__ signatures of bokeh.models classes on first use"
    path = "bokeh/model/model.py"
    return (
        Rewrite(path, BOKEH_SIGNATURE, BOKEH_LAZY_SIGNATURE, why),
        Rewrite(path, BOKEH_MODEL_CLASS, BOKEH_LAZY_CLASS + BOKEH_MODEL_CLASS, why),
    )


# ------------------------------------------------------------------------ pyodide-http

PYODIDE_HTTP_PATCH_ALL = (
    "def patch_all():\n"
    "    patch_requests(continue_on_import_error=True)\n"
    "    patch_urllib(continue_on_import_error=True)\n"
)
PYODIDE_HTTP_PATCH_URLLIB = (
    "def patch_all():\n"
    "    # pyplayground (sitegen/rewrite.py): requests works in Pyodide without this\n"
    "    # patch (urllib3 >= 2.2 sends through the browser itself), and importing\n"
    "    # requests and urllib3 to patch them was a tenth of a second of every page load.\n"
    "    patch_urllib(continue_on_import_error=True)\n"
)


def _pyodide_http_rewrites() -> tuple[Rewrite, ...]:
    why = "patch_all() patches urllib only, without importing requests and urllib3"
    return (
        Rewrite("pyodide_http/__init__.py", PYODIDE_HTTP_PATCH_ALL, PYODIDE_HTTP_PATCH_URLLIB, why),
    )


# Keyed by the Pin name in fetch.PURE_WHEELS; applied to the slimmed wheels.
REWRITES: dict[str, tuple[Rewrite, ...]] = {
    "panel": _panel_rewrites(),
    "bokeh": _bokeh_rewrites(),
    "pyodide-http": _pyodide_http_rewrites(),
}


# ------------------------------------------------------------------------------ apply


def rewrite_text(text: str, rewrites: Sequence[Rewrite], where: str) -> str:
    """Apply ``rewrites`` to ``text`` (the member ``where``); each must match once."""
    for rw in rewrites:
        n = text.count(rw.old)
        if n != 1:
            first = rw.old.strip().splitlines()[0] if rw.old.strip() else repr(rw.old)
            raise RewriteError(
                f"rewriting {where} ({rw.why}): expected {first!r} exactly once, found it "
                f"{n} times. The pinned version changed? Update REWRITES in "
                "pyplayground/sitegen/rewrite.py to the new text."
            )
        text = text.replace(rw.old, rw.new)
    return text


def rewrites_digest(rewrites: Sequence[Rewrite]) -> str:
    """A key for the cache: changes whenever a rewrite changes."""
    data = json.dumps([dataclasses.astuple(r) for r in rewrites]).encode()
    return hashlib.sha256(data).hexdigest()


def rewrite_wheel(src: Path, dest_dir: Path, rewrites: Sequence[Rewrite]) -> Path:
    """A copy of wheel ``src`` in ``dest_dir`` with ``rewrites`` applied.

    RECORD gets the new hashes and sizes, so the wheel stays valid. Cached: a wheel made
    from the same source with the same rewrites (both recorded) is reused.
    """
    by_path: dict[str, list[Rewrite]] = {}
    for rw in rewrites:
        by_path.setdefault(rw.path, []).append(rw)
    with zipfile.ZipFile(src) as z:
        missing = sorted(set(by_path) - set(z.namelist()))
    if missing:
        raise RewriteError(
            f"rewriting {src.name}: no member {', '.join(missing)}; update REWRITES "
            "in pyplayground/sitegen/rewrite.py"
        )

    def change(name: str, data: bytes) -> bytes:
        if name not in by_path:
            return data
        where = f"{name} in {src.name}"
        return rewrite_text(data.decode("utf-8"), by_path[name], where).encode("utf-8")

    key = f"{sha256_file(src)}:{rewrites_digest(rewrites)}"
    return transform_wheel(src, dest_dir, "rewritten.json", key, change)


def apply_rewrites(fetched: Fetched, cache: Path, log: Log = print) -> Fetched:
    """``fetched`` with the pure wheels named in :data:`REWRITES` rewritten (cached)."""
    by_file = {pin.filename: pin.name for pin in PURE_WHEELS}
    wheels = []
    done = set()
    for wheel in fetched.pure_wheels:
        name = by_file.get(wheel.name)
        if name in REWRITES:
            wheel = rewrite_wheel(wheel, Path(cache) / "rewritten", REWRITES[name])
            done.add(name)
        wheels.append(wheel)
    if done != set(REWRITES):
        raise RewriteError(
            f"no wheel to rewrite for {', '.join(sorted(set(REWRITES) - done))}; "
            "REWRITES in pyplayground/sitegen/rewrite.py names a package the site no "
            "longer installs"
        )
    log(f"rewrote {', '.join(sorted(done))} for a faster start-up (sitegen/rewrite.py)")
    return dataclasses.replace(fetched, pure_wheels=tuple(wheels))
