"""Templates ask ``can``: ``{% if can.manage_accounts %}`` is true when the user holds
Capability.MANAGE_ACCOUNTS. Names are the capabilities' values; an unknown name is
false (tests/test_access.py checks that templates name only real capabilities)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from access.capabilities import Capability
from access.rules import capabilities_of


class Can(Mapping):
    """The capabilities of one user, read by name in templates."""

    def __init__(self, user: Any):
        self._user = user
        self._held: frozenset[Capability] | None = None

    def _capabilities(self) -> frozenset[Capability]:
        if self._held is None:
            self._held = capabilities_of(self._user)
        return self._held

    def __getitem__(self, name: str) -> bool:
        if name not in Capability._value2member_map_:
            raise KeyError(name)
        return Capability(name) in self._capabilities()

    def __iter__(self):
        return iter(c.value for c in self._capabilities())

    def __len__(self) -> int:
        return len(self._capabilities())


def capabilities(request) -> dict[str, Any]:
    return {"can": Can(getattr(request, "user", None))}
