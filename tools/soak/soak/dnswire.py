"""The little DNS the soak needs: a query (with EDNS and an optional client subnet) and an
answer read into its rcode and records. Bounds-checked: a malformed answer raises ValueError."""
import socket
import struct
from dataclasses import dataclass, field

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "TXT": 16, "AAAA": 28, "OPT": 41}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def ecs_option(subnet):
    address, length = subnet.split("/")
    length = int(length)
    raw = socket.inet_aton(address)[: (length + 7) // 8]
    return struct.pack("!HHHBB", 8, 4 + len(raw), 1, length, 0) + raw


def query(qid, name, qtype, ecs=None):
    """One query, RD clear, with an OPT record (1232 bytes) and the ECS option when given."""
    options = ecs_option(ecs) if ecs else b""
    return (struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 1) + encode_name(name) + struct.pack("!HH", TYPES[qtype], 1) +
            b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(options)) + options)


def framed(message):
    """The TCP form: a two-byte length first."""
    return struct.pack("!H", len(message)) + message


@dataclass
class Record:
    name: str
    rtype: int
    ttl: int
    data: object  # str for A, AAAA, CNAME, TXT; the serial (int) for SOA; bytes otherwise


@dataclass
class Answer:
    qid: int
    rcode: int
    tc: bool
    sections: list = field(default_factory=lambda: [[], [], []])  # answer, authority, additional

    def records(self):
        """Every record but OPT."""
        return [r for s in self.sections for r in s if r.rtype != TYPES["OPT"]]


def _name(msg, pos):
    labels, jumps, end = [], 0, None
    while True:
        if pos >= len(msg):
            raise ValueError("name runs past the message")
        n = msg[pos]
        if n & 0xC0 == 0xC0:
            if pos + 1 >= len(msg) or jumps > 20:
                raise ValueError("bad compression pointer")
            if end is None:
                end = pos + 2
            pos = ((n & 0x3F) << 8) | msg[pos + 1]
            jumps += 1
            continue
        if n == 0:
            return ".".join(labels) + ".", (end if end is not None else pos + 1)
        labels.append(msg[pos + 1: pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n


def _rdata(msg, rtype, start, length):
    raw = msg[start: start + length]
    if len(raw) != length:
        raise ValueError("rdata runs past the message")
    if rtype == TYPES["A"] and length == 4:
        return socket.inet_ntop(socket.AF_INET, raw)
    if rtype == TYPES["AAAA"] and length == 16:
        return socket.inet_ntop(socket.AF_INET6, raw)
    if rtype == TYPES["CNAME"]:
        return _name(msg, start)[0]
    if rtype == TYPES["TXT"]:
        text, i = b"", 0
        while i < length:
            text += raw[i + 1: i + 1 + raw[i]]
            i += 1 + raw[i]
        return text.decode("ascii", "replace")
    if rtype == TYPES["SOA"]:
        _, pos = _name(msg, start)
        _, pos = _name(msg, pos)
        return struct.unpack("!I", msg[pos: pos + 4])[0]
    return raw


def parse(msg):
    if len(msg) < 12:
        raise ValueError("shorter than a header")
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    answer = Answer(qid, flags & 0x0F, bool(flags & 0x0200))
    pos = 12
    for _ in range(qd):
        pos = _name(msg, pos)[1] + 4
    for section, count in enumerate((an, ns, ar)):
        for _ in range(count):
            name, pos = _name(msg, pos)
            if pos + 10 > len(msg):
                raise ValueError("record header runs past the message")
            rtype, _, ttl, length = struct.unpack("!HHIH", msg[pos: pos + 10])
            pos += 10
            answer.sections[section].append(Record(name, rtype, ttl, _rdata(msg, rtype, pos, length)))
            pos += length
    return answer
