"""A small OpenID Connect provider for tests, served on loopback: discovery, an authorize
page that signs in whoever the test says (no form), a token endpoint that checks the code,
the client's secret and the PKCE verifier, and its signing keys."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse


@dataclass
class FakeProvider:
    client_id: str = "authorworks"
    client_secret: str = "provider-secret"
    # Who signs in next, and whether the provider vouches for the address.
    email: str = "writer@example.org"
    email_verified: bool = True
    issuer: str = ""
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    key: Any = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, str]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
            }

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return {"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}

        @app.get("/authorize")
        def authorize(request: Request) -> RedirectResponse:
            q = request.query_params
            if q.get("client_id") != self.client_id or q.get("code_challenge_method") != "S256":
                raise HTTPException(400, "bad client or no PKCE")
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "nonce": q.get("nonce"),
                "challenge": q.get("code_challenge"),
                "redirect_uri": q.get("redirect_uri"),
            }
            query = urlencode({"code": code, "state": q.get("state", "")})
            return RedirectResponse(f"{q['redirect_uri']}?{query}", status_code=302)

        @app.post("/token")
        async def token(request: Request) -> dict[str, Any]:
            form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
            code, code_verifier = form.get("code", ""), form.get("code_verifier", "")
            auth = request.headers.get("authorization", "")
            expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            if auth != f"Basic {expected}":
                raise HTTPException(401, "bad client secret")
            grant = self.codes.pop(code, None)
            if grant is None:
                raise HTTPException(400, "unknown or used code")
            digest = hashlib.sha256(code_verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                raise HTTPException(400, "PKCE verifier does not match")
            now = int(time.time())
            claims = {
                "iss": self.issuer,
                "aud": self.client_id,
                "sub": hashlib.sha256(self.email.encode()).hexdigest()[:16],
                "email": self.email,
                "email_verified": self.email_verified,
                "nonce": grant["nonce"],
                "iat": now,
                "exp": now + 300,
            }
            id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})
            return {"access_token": "at", "token_type": "Bearer", "id_token": id_token}

        return app
