"""Per-lab self-signed TLS certificates: one EC P-256 key, one certificate per HTTPS host.

Subject and issuer come from the personality's ``tls_subject``/``tls_issuer`` templates
(RFC 4514 strings); an empty issuer means self-issued.  EC keys keep 1,000 hosts fast: the
key is generated once and each certificate is one ECDSA signature.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from camscan_lab.serve_host import Host


def _name(rfc4514: str, fallback_cn: str) -> x509.Name:
    try:
        name = x509.Name.from_rfc4514_string(rfc4514) if rfc4514.strip() else None
    except ValueError:
        name = None
    return name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, fallback_cn)])


class CertificateStore:
    """Creates certificates into a private temporary directory (removed by ``close``)."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="camscan-lab-tls-"))
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._key_path = self._dir / "key.pem"
        fd = os.open(self._key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(
                self._key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )

    def certificate(self, host: Host) -> x509.Certificate:
        """The host's certificate (subject/issuer from its templates, SAN = its IP)."""
        p = host.personality
        subject = _name(host.text(p.tls_subject), host.ip)
        issuer = _name(host.text(p.tls_issuer), host.ip) if p.tls_issuer else subject
        now = dt.datetime.now(dt.UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=400))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host.ip))]),
                critical=False,
            )
            .sign(self._key, hashes.SHA256())
        )

    def context(self, host: Host) -> ssl.SSLContext:
        """A server SSLContext presenting the host's certificate."""
        cert_path = self._dir / f"{host.id}.pem"
        cert_path.write_bytes(self.certificate(host).public_bytes(serialization.Encoding.PEM))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(cert_path, self._key_path)
        return ctx

    def close(self) -> None:
        for path in self._dir.glob("*"):
            path.unlink(missing_ok=True)
        self._dir.rmdir()
