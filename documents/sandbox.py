"""The bounds a coordinator's Word template is filled within (issue 15): Jinja's
sandbox, with a loop budget (``range`` counts every number it gives, across the
whole document), no string or list multiplied past the output bound, the document
no larger than that bound, and a time bound: the template is filled in a child
process (forked, so nothing is loaded again) that is killed when the time is up.
Nothing a template does can hold a server thread or the task worker.

A template's Jinja code is compiled once and kept (``compiled``): compiling the
XML of a .docx was half the time of a Word document (issue 17). Filling happens in
a new child each time, so the code is kept on disk under VAR_DIR/cache/docx-code,
by a hash of the source, the options that change the code and Python's bytecode
version; it is compiled, as before, inside the bounded child.

The limits are settings (TEMPLATE_RENDER_SECONDS, TEMPLATE_MAX_LOOPS,
TEMPLATE_MAX_OUTPUT_BYTES) so that a test can make them small."""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import marshal
import multiprocessing
import os
import types
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _


class TemplateBound(Exception):
    """A bound the template went past: the reason, for the coordinator."""


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "TEMPLATE_MAX_LOOPS", 200_000),
        getattr(settings, "TEMPLATE_MAX_OUTPUT_BYTES", 20 * 1024 * 1024),
    )


def too_many_loops() -> TemplateBound:
    return TemplateBound(
        _(
            "The template repeats its loops too many times (more than %(n)s rounds); "
            "simplify its {%% for %%} loops."
        )
        % {"n": f"{_limits()[0]:,}".replace(",", ".")}
    )


def too_large() -> TemplateBound:
    return TemplateBound(
        _("The document made from the template would be too large (over %(mb)s MB).")
        % {"mb": _limits()[1] // (1024 * 1024)}
    )


_COMPILED: dict[str, types.CodeType] = {}  # in this process, by key
_KEEP = 64  # sources kept in memory (a template has about ten)


def _code_dir():
    return settings.VAR_DIR / "cache" / "docx-code"


def compiled(source: str, autoescape: object, make: Callable[[], types.CodeType]):
    """The code of ``source``: from memory, from disk, or ``make()`` and keep it."""
    tag = f"{autoescape!r}|{importlib.util.MAGIC_NUMBER.hex()}|"
    key = hashlib.sha256((tag + source).encode("utf-8", "surrogatepass")).hexdigest()
    code = _COMPILED.get(key)
    if code is not None:
        return code
    path = _code_dir() / f"{key}.code"
    try:
        code = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        code = make()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(f".{os.getpid()}.part")
            part.write_bytes(marshal.dumps(code))
            os.replace(part, path)
        except OSError:  # pragma: no cover - a read-only VAR_DIR: kept in memory only
            pass
    if not isinstance(code, types.CodeType):  # pragma: no cover - a damaged file
        code = make()
    if len(_COMPILED) >= _KEEP:
        _COMPILED.clear()
    _COMPILED[key] = code
    return code


def environment():
    """A sandboxed Jinja environment whose ``range`` and ``*`` are bounded."""
    from jinja2.sandbox import SandboxedEnvironment

    max_loops, max_output = _limits()

    class Bounded(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def __init__(self, **options):
            super().__init__(**options)
            self.rounds = 0
            self.globals["range"] = self.bounded_range

        def bounded_range(self, *args):
            numbers = range(*args)
            if len(numbers) > max_loops:
                raise too_many_loops()
            return self._counted(numbers)

        def _counted(self, numbers):
            for n in numbers:
                self.rounds += 1
                if self.rounds > max_loops:
                    raise too_many_loops()
                yield n

        def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
            if raw or defer_init or name or filename or not isinstance(source, str):
                return super().compile(source, name, filename, raw, defer_init)
            return compiled(source, self.autoescape, lambda: super(Bounded, self).compile(source))

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, int) and abs(right) > 64:
                raise too_large()
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if isinstance(seq, str | list | tuple) and isinstance(times, int):
                        if len(seq) * times > max_output:
                            raise too_large()
            return super().call_binop(context, operator, left, right)

    return Bounded(autoescape=False)


def _child(connection, work: Callable[[], bytes]) -> None:
    gc.freeze()  # the inherited objects left out of its collections (not copied page by page)
    gc.enable()  # the parent may have paused it (documents.generate): not for a template
    try:
        result: tuple[str, Any] = ("ok", work())
    except TemplateBound as exc:
        result = ("bound", str(exc))
    except MemoryError:
        result = ("bound", str(too_large()))
    except BaseException as exc:  # sent to the parent, which raises it there
        result = ("error", exc if _picklable(exc) else RuntimeError(str(exc)))
    try:
        connection.send(result)
    finally:
        connection.close()


def _picklable(exc: BaseException) -> bool:
    import pickle

    try:
        pickle.dumps(exc)
    except Exception:
        return False
    return True


def run_bounded(work: Callable[[], bytes]) -> bytes:
    """``work()`` in a forked child, killed after TEMPLATE_RENDER_SECONDS; its bytes,
    or TemplateBound (time, loops, size), or the exception it raised."""
    seconds = getattr(settings, "TEMPLATE_RENDER_SECONDS", 30)
    if not hasattr(os, "fork"):  # pragma: no cover - planwatch runs on Linux
        return work()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, work), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TemplateBound(
                _(
                    "Filling the template took longer than %(s)s seconds and was stopped; "
                    "simplify the template's loops or use the bundled template."
                )
                % {"s": seconds}
            )
        try:
            status, value = receiver.recv()
        except EOFError:
            raise too_large() from None  # the child died (out of memory)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if status == "ok":
        return value
    if status == "bound":
        raise TemplateBound(value)
    raise value
