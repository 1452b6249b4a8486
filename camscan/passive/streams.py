"""Bounded TCP stream reassembly: the first bytes of each direction of each flow.

Only the start of a conversation identifies a server (its first reply's status line and
headers, its TLS certificate), so each direction keeps at most its first ``server_bytes``
(the client's side: ``client_bytes``, enough for request lines) in order of sequence number
(RFC 9293 section 3.4: the SYN takes one number, data follows it).  Segments that arrive
early wait in a small bounded set; a retransmission or overlap adds only what is new.  The
flow table is an LRU of at most ``max_flows`` flows and ``max_bytes`` buffered bytes in all:
the least recently active flow is finished (what it holds is read) to make room.  A flow
is finished when both sides have closed (FIN/RST), when its server side is full, or at the
end of the capture.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from camscan.passive.packets import TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, Packet

MAX_PENDING = 32  # out-of-order segments waiting per direction
SEQ_MOD = 1 << 32


@dataclass
class Half:
    """One direction of a flow."""

    cap: int
    base: int | None = None  # sequence number of the first data byte
    data: bytearray = field(default_factory=bytearray)
    pending: dict[int, bytes] = field(default_factory=dict)
    closed: bool = False
    syn: bool = False  # its first segment was a SYN without ACK: this side is the client
    synack: bool = False

    @property
    def full(self) -> bool:
        return len(self.data) >= self.cap

    def add(self, seq: int, flags: int, payload: bytes) -> int:
        """Take one segment; return how many bytes were newly buffered."""
        if flags & TCP_SYN:
            if self.base is None:
                self.base = (seq + 1) % SEQ_MOD
                self.syn = not flags & TCP_ACK
                self.synack = bool(flags & TCP_ACK)
            seq = (seq + 1) % SEQ_MOD
        if flags & (TCP_FIN | TCP_RST):
            self.closed = True
        if not payload or self.full:
            return 0
        if self.base is None:
            self.base = seq  # the capture started mid-flow: take this segment as the start
        off = (seq - self.base) % SEQ_MOD
        if off >= SEQ_MOD // 2:  # before the start (a late retransmission): ignore
            return 0
        before = len(self.data) + sum(map(len, self.pending.values()))
        if off > len(self.data):
            if off < self.cap and len(self.pending) < MAX_PENDING:
                self.pending.setdefault(off, payload[: self.cap - off])
        else:
            self._append(off, payload)
            while self.pending and not self.full:
                nxt = min(self.pending)
                if nxt > len(self.data):
                    break
                self._append(nxt, self.pending.pop(nxt))
        if self.full:
            self.pending.clear()
        return max(0, len(self.data) + sum(map(len, self.pending.values())) - before)

    def _append(self, off: int, payload: bytes) -> None:
        new = payload[len(self.data) - off :]
        self.data += new[: self.cap - len(self.data)]

    def size(self) -> int:
        return len(self.data) + sum(map(len, self.pending.values()))


@dataclass
class Flow:
    """Both directions of one TCP connection, by the (ip, port) of each end."""

    a: tuple[str, int]
    b: tuple[str, int]
    ab: Half  # a -> b
    ba: Half  # b -> a

    def ends(self) -> list[tuple[tuple[str, int], Half, tuple[str, int], Half]]:
        """(sender, its half, receiver, the receiver's half) both ways, the likelier server
        first: the end that answered a SYN, or else the lower port."""
        fwd = (self.a, self.ab, self.b, self.ba)
        rev = (self.b, self.ba, self.a, self.ab)
        if self.ba.synack or self.ab.syn:
            return [rev, fwd]
        if self.ab.synack or self.ba.syn:
            return [fwd, rev]
        return [fwd, rev] if self.a[1] <= self.b[1] else [rev, fwd]


FlowKey = tuple[str, int, str, int]
Finished = Callable[[Flow], None]


class FlowTable:
    """The flows being reassembled, bounded in number and bytes (LRU)."""

    def __init__(
        self,
        on_finished: Finished,
        *,
        max_flows: int = 2048,
        server_bytes: int = 16384,
        client_bytes: int = 2048,
        max_bytes: int = 32 << 20,
    ) -> None:
        self.on_finished = on_finished
        self.max_flows = max_flows
        self.server_bytes = server_bytes
        self.client_bytes = client_bytes
        self.max_bytes = max_bytes
        self.flows: OrderedDict[FlowKey, Flow] = OrderedDict()
        self.buffered = 0
        self.evicted = 0
        self.finished = 0
        # Flows finished while still talking (a full server side, an eviction): their later
        # segments are not a new flow.  A SYN on the same ends starts one again.
        self.done: OrderedDict[FlowKey, None] = OrderedDict()

    def add(self, pkt: Packet) -> None:
        src, dst = (pkt.src, pkt.sport), (pkt.dst, pkt.dport)
        key: FlowKey = (*src, *dst) if src <= dst else (*dst, *src)
        flow = self.flows.get(key)
        if flow is None:
            if key in self.done and not pkt.flags & TCP_SYN:
                return
            if not pkt.payload and not pkt.flags & TCP_SYN:
                return  # a bare ACK of a flow not followed: nothing to start from
            self.done.pop(key, None)
            a, b = (src, dst) if src <= dst else (dst, src)
            # Which end will serve is not known yet: each side may fill a server's share.
            flow = Flow(a, b, Half(self.server_bytes), Half(self.server_bytes))
            self.flows[key] = flow
            while len(self.flows) > self.max_flows:
                self._evict()
        else:
            self.flows.move_to_end(key)
        half, other = (flow.ab, flow.ba) if src == flow.a else (flow.ba, flow.ab)
        if other.syn and not half.syn:
            half.cap = self.server_bytes  # the SYN's receiver serves
            other.cap = min(other.cap, max(self.client_bytes, len(other.data)))
        elif half.syn or (pkt.flags & TCP_SYN and not pkt.flags & TCP_ACK):
            half.cap = min(half.cap, max(self.client_bytes, len(half.data)))
        self.buffered += half.add(pkt.seq, pkt.flags, pkt.payload)
        if (flow.ab.closed and flow.ba.closed) or (pkt.flags & TCP_RST):
            self._finish(key)
        elif half.full and half.cap == self.server_bytes and (other.full or other.closed):
            self._finish(key)
        while self.buffered > self.max_bytes and self.flows:
            self._evict()

    def _evict(self) -> None:
        key = next(iter(self.flows))
        self.evicted += 1
        self._finish(key)

    def _finish(self, key: FlowKey) -> None:
        flow = self.flows.pop(key, None)
        if flow is None:
            return
        self.buffered -= flow.ab.size() + flow.ba.size()
        self.finished += 1
        if not (flow.ab.closed and flow.ba.closed):
            self.done[key] = None
            while len(self.done) > 2 * self.max_flows:
                self.done.popitem(last=False)
        self.on_finished(flow)

    def flush(self) -> None:
        """Finish every flow (the end of a capture)."""
        while self.flows:
            self._finish(next(iter(self.flows)))
