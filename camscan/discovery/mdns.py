"""mDNS answers to camera service queries, read into evidence records with zeroconf's
DNS message parser."""

from __future__ import annotations

from typing import Any

from zeroconf import (  # type: ignore[attr-defined]  # public names, not in __all__
    DNSIncoming,
    DNSPointer,
    DNSService,
    DNSText,
)


def records(raw: bytes) -> list[dict[str, Any]]:
    """``{service, name, properties}`` for every service instance in one mDNS message."""
    try:
        msg = DNSIncoming(raw)
        answers = list(msg.answers())
    except Exception:
        return []
    txt: dict[str, dict[str, str]] = {}
    for rec in answers:
        if isinstance(rec, DNSText):
            props: dict[str, str] = {}
            data = rec.text
            i = 0
            while i < len(data):
                n = data[i]
                item = data[i + 1 : i + 1 + n].decode("utf-8", "replace")
                key, _, value = item.partition("=")
                if key:
                    props[key[:64]] = value[:256]
                i += 1 + n
            txt[rec.name.lower()] = props
    out: list[dict[str, Any]] = []
    for rec in answers:
        if isinstance(rec, DNSPointer):
            instance = rec.alias
            name = instance[: -len(rec.name) - 1] if instance.endswith(rec.name) else instance
            out.append(
                {
                    "service": rec.name,
                    "name": name[:256],
                    "properties": txt.get(instance.lower(), {}),
                }
            )
        elif isinstance(rec, DNSService) and not out:
            out.append({"service": rec.name, "name": rec.name[:256], "properties": {}})
    return out
