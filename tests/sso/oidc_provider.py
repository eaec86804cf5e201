"""A small OpenID Connect provider on loopback for the single-sign-on tests: discovery, an
authorize endpoint that approves at once (redirecting with a code and the state), a token
endpoint that checks the client, the redirect URI and PKCE and returns an RS256-signed ID
token with the nonce, a JWKS and userinfo. It runs in a thread on a free port.

Each test says who signs in (`identity`) and, to test refusals, how the provider misbehaves
(`id_token_overrides`, `userinfo_overrides`, `sign_with_other_key`)."""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class LoopbackOIDCProvider:
    def __init__(self, *, client_id="portal-client", client_secret="s3cret-from-the-idp"):  # noqa: S107
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = _new_key()
        self.other_key = _new_key()
        self.kid = "test-key-1"
        self.identity = {
            "sub": "user-1",
            "email": "new.person@acme.test",
            "email_verified": True,
            "name": "New Person",
        }
        self.id_token_overrides: dict = {}
        self.userinfo_overrides: dict = {}
        self.sign_with_other_key = False
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._access_tokens: dict[str, dict] = {}
        self._server = None
        self._thread = None

    # --- lifecycle ---------------------------------------------------------------------

    def start(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest's output clean
                pass

            def do_GET(self):
                provider._handle(self, "GET")

            def do_POST(self):
                provider._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- the protocol --------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def _handle(self, handler, method):
        url = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if method == "GET" and url.path == "/.well-known/openid-configuration":
            return self._json(handler, 200, self.discovery())
        if method == "GET" and url.path == "/jwks":
            return self._json(handler, 200, self.jwks())
        if method == "GET" and url.path == "/authorize":
            return self._authorize(handler, query)
        if method == "POST" and url.path == "/token":
            length = int(handler.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
            return self._token(handler, form)
        if method == "GET" and url.path == "/userinfo":
            token = (handler.headers.get("Authorization") or "").removeprefix("Bearer ")
            grant = self._access_tokens.get(token)
            if grant is None:
                return self._json(handler, 401, {"error": "invalid_token"})
            return self._json(handler, 200, {**grant["identity"], **self.userinfo_overrides})
        return self._json(handler, 404, {"error": "not_found"})

    def _authorize(self, handler, query):
        self.authorize_requests.append(query)
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return self._json(handler, 400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(24)
        self._codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce"),
            "code_challenge": query.get("code_challenge"),
            "identity": dict(self.identity),
        }
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        handler.send_response(302)
        handler.send_header("Location", target)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def _client_authenticated(self, handler, form) -> bool:
        header = handler.headers.get("Authorization") or ""
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id"), form.get("client_secret")
        return client_id == self.client_id and secret == self.client_secret

    def _token(self, handler, form):
        self.token_requests.append(form)
        if not self._client_authenticated(handler, form):
            return self._json(handler, 401, {"error": "invalid_client"})
        grant = self._codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json(handler, 400, {"error": "invalid_grant"})
        if grant["code_challenge"]:
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if digest.decode() != grant["code_challenge"]:
                return self._json(handler, 400, {"error": "invalid_grant"})
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
            **grant["identity"],
        }
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        claims.update(self.id_token_overrides)
        key = self.other_key if self.sign_with_other_key else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(24)
        self._access_tokens[access_token] = grant
        return self._json(
            handler,
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            },
        )

    @staticmethod
    def _json(handler, status, body):
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
