"""The input types every request schema is built from, so that nothing unvalidated
reaches a domain function or the database: bounded text without control characters
(PostgreSQL refuses NUL; Word and Excel refuse the other C0 controls) or lone
surrogates (not encodable as UTF-8), in NFC; years and ids within what the database
stores; whole đồng within a plausible ceiling."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from planwatch.text import nfc

# Tab, line feed and carriage return are text; the other C0 controls are not.
NO_CONTROLS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
MAX_MONEY = 10**15  # đồng; above it is a typing error (as the budget and reports say)
MAX_ID = 2**31 - 1  # the largest key an integer column holds on every database


def _text(value: str) -> str:
    if any(ch < " " and ch not in "\t\n\r" for ch in value):
        raise PydanticCustomError("text_control", "control character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("text_unicode", "not valid unicode") from None
    return nfc(value)


def Text(max_length: int, min_length: int = 0):  # a type factory, named as a type
    """Text of at most ``max_length`` characters, checked and in NFC."""
    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length, pattern=NO_CONTROLS),
        AfterValidator(_text),
    ]


LongText = Text(20_000)
Code = Annotated[str, StringConstraints(max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")]
PlanCode = Annotated[str, StringConstraints(max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Year = Annotated[int, Field(ge=1900, le=2200)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Money = Annotated[int, Field(ge=0, le=MAX_MONEY)]
