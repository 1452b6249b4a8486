"""TLS certificates: subject and issuer, from a PEM or from recorded strings."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from camscan.protocols._common import ParseError, to_bytes


@dataclass(frozen=True, slots=True)
class Certificate:
    """Subject and issuer as RFC 4514 strings (NBSP normalised to spaces)."""

    subject: str
    issuer: str

    def fields(self) -> list[tuple[str, str]]:
        """(field, value) pairs for the fingerprint engine."""
        return [("tls.subject", self.subject), ("tls.issuer", self.issuer)]


def _clean(value: str) -> str:
    # Dahua's CA names come with NBSP between words, as captured in
    # https://github.com/D4-project/Plum-Island/issues/204
    return value.replace("\u00a0", " ")[:2048]


def parse_certificate(
    pem: str | bytes | None = None, *, subject: object = None, issuer: object = None
) -> Certificate:
    """A certificate from PEM, else from subject/issuer strings."""
    if pem:
        data = to_bytes(pem, what="TLS PEM")
        try:
            cert = x509.load_pem_x509_certificate(data)
            return Certificate(
                subject=_clean(cert.subject.rfc4514_string()),
                issuer=_clean(cert.issuer.rfc4514_string()),
            )
        except ValueError as err:
            raise ParseError(f"TLS PEM: not a certificate ({str(err)[:80]})") from None
    if not isinstance(subject, str | None) or not isinstance(issuer, str | None):
        raise ParseError("TLS: subject and issuer must be text")
    if not subject and not issuer:
        raise ParseError("TLS: neither a PEM nor subject/issuer")
    return Certificate(subject=_clean(subject or ""), issuer=_clean(issuer or ""))
