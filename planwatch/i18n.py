"""Language helpers shared by every app."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.utils import translation

P = ParamSpec("P")
R = TypeVar("R")


def in_vietnamese(make: Callable[P, R]) -> Callable[P, R]:
    """Run a document writer in Vietnamese: what it reads through gettext (a target's
    status, a chart's legend, a decision's label) is the document's wording, not the
    reader's interface language. An official document of the province is Vietnamese."""

    @functools.wraps(make)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override("vi"):
            return make(*args, **kwargs)

    return wrapper
