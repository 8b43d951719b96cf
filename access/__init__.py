"""The permission layer: the capability table (``capabilities``), the object rules
(``rules``), the route declarations (``decorators``), permission-checked lookups
(``lookups``) and the templates' ``can`` (``context_processors``). See docs/roles.md."""
