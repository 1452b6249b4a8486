"""Pure parsers for what devices say on the wire (no sockets).

Every parser takes the reply as bytes or text, caps its size, tolerates invalid UTF-8 and
returns a typed record, or raises :class:`ParseError` with a one-line reason.  A live scan
and ``camscan identify`` share these parsers.
"""

from __future__ import annotations

from camscan.protocols._common import MAX_FIELD_BYTES, ParseError

__all__ = ["MAX_FIELD_BYTES", "ParseError"]
