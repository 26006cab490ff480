"""Invitation email over STARTTLS and implicit TLS, with a login, to a relay on loopback whose
certificate the server is told to trust (a real TLS handshake each time)."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path
from typing import Any

import pytest

from sync_server.services.mail import Mailer, MailError
from tests.fixtures.plugin import missing_dependency
from tests.sync_server.seaweed import _free_ports


def _certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "relay.pem", folder / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_mail_goes_out_over_tls_with_a_login(tmp_path, scheme):
    try:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword
    except ImportError:
        missing_dependency("aiosmtpd is not installed (pip install -e '.[test]')")
    cert, key = _certificate(tmp_path)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    got: list[Any] = []
    logins: list[tuple[bytes, bytes]] = []

    class Keep:
        async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
            got.append(envelope)
            return "250 OK"

    def authenticator(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any):
        if isinstance(data, LoginPassword):
            logins.append((data.login, data.password))
            return AuthResult(success=data.password == b"p@ss:word")
        return AuthResult(success=False)

    port = _free_ports(1)[0]
    kwargs: dict[str, Any] = {
        "hostname": "127.0.0.1",
        "port": port,
        "authenticator": authenticator,
        "auth_require_tls": True,
    }
    if scheme == "smtps":
        kwargs["ssl_context"] = server_tls
        # aiosmtpd does not count implicit TLS as TLS for auth_require_tls; it is TLS all along.
        kwargs["auth_require_tls"] = False
    else:
        kwargs["tls_context"] = server_tls
        kwargs["require_starttls"] = True
    controller = Controller(Keep(), **kwargs)
    controller.start()
    try:
        url = f"{scheme}://relay%40example.org:p%40ss%3Aword@127.0.0.1:{port}"
        mailer = Mailer(url, "books@example.org", ca_file=str(cert))
        mailer.send(to="bob@example.org", subject="An invitation", body="Hello")
        assert len(got) == 1 and got[0].rcpt_tos == ["bob@example.org"]
        assert logins == [(b"relay@example.org", b"p@ss:word")]
        # A certificate nobody vouches for is refused: nothing is sent in the clear.
        with pytest.raises(MailError, match="mail relay failed"):
            Mailer(url, "books@example.org").send(to="x@example.org", subject="s", body="b")
        assert len(got) == 1
    finally:
        controller.stop()
