"""SNMP v2c GET of sysDescr, sysObjectID and sysName with the user's community (pysnmp)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from camscan.observations import Observation

if TYPE_CHECKING:
    from camscan.discovery.host import Host
    from camscan.probes import Probe

OIDS = {
    "sysDescr": "1.3.6.1.2.1.1.1.0",
    "sysObjectID": "1.3.6.1.2.1.1.2.0",
    "sysName": "1.3.6.1.2.1.1.5.0",
}


async def probe(
    ip: str, community: str, timeout: float, retries: int, engine: Any = None
) -> Observation:
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        get_cmd,
    )

    try:
        target = await UdpTransportTarget.create((ip, 161), timeout=timeout, retries=retries)
        err_ind, err_stat, _idx, binds = await get_cmd(
            engine or SnmpEngine(),
            CommunityData(community, mpModel=1),  # noqa: S508 - v2c is what the user asks for
            target,
            ContextData(),
            *(ObjectType(ObjectIdentity(oid)) for oid in OIDS.values()),
        )
    except Exception as err:
        return Observation.failed("snmp", ip, err, port=161)
    if err_ind or err_stat:
        return Observation.failed("snmp", ip, str(err_ind or err_stat), port=161)
    names = {v: k for k, v in OIDS.items()}
    meta: dict[str, str] = {}
    for oid, value in binds:
        key = names.get(str(oid))
        if key:
            meta[key] = (value.prettyPrint() if hasattr(value, "prettyPrint") else str(value))[
                :1024
            ]
    return Observation(probe="snmp", ip=ip, port=161, meta=meta)


async def run(host: Host, probe_entry: Probe) -> list[Observation]:
    """Registry entry point: one GET with the user's community (the plan runs it only then)."""
    community = host.opt.snmp_community
    if not community:
        return []
    await host.limiter.acquire()
    host.count(1 + host.opt.udp_retries)
    return [await probe(host.ip, community, host.opt.timeout, host.opt.udp_retries)]
