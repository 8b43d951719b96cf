"""The bounds a coordinator's Word template is filled within (issue 15): Jinja's
sandbox, with a loop budget (``range`` counts every number it gives, across the
whole document), no string or list multiplied past the output bound, the document
no larger than that bound, and a time bound: the template is filled in a child
process (forked, so nothing is loaded again) that is killed when the time is up.
Nothing a template does can hold a server thread or the task worker.

The limits are settings (TEMPLATE_RENDER_SECONDS, TEMPLATE_MAX_LOOPS,
TEMPLATE_MAX_OUTPUT_BYTES) so that a test can make them small."""

from __future__ import annotations

import multiprocessing
import os
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
