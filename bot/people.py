"""Who owns a conversation: the `Person` every request acts for, the account store, guest tokens.

Three ways to serve, one rule (every request acts for exactly one person):
- local: one person, the machine's owner (`LOCAL`), the same person the terminal's commands act for;
- accounts: each login is a person (`Person.user(name)`), passwords kept as salted scrypt hashes;
- guests: each browser is a person, known by a server-issued token (`GuestTokens`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from knowledge.private import private_dir, write_private

Kind = Literal["local", "user", "guest"]
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
GUEST_HEADER = "X-Coach-Guest"  # how a gradio_client caller in guests mode presents its token


@dataclass(frozen=True)
class Person:
    """The owner of sessions. `key` is what the journal stores; it never holds a password or a token."""

    kind: Kind
    name: str = ""

    @property
    def key(self) -> str:
        return "local" if self.kind == "local" else f"{self.kind}:{self.name}"

    @classmethod
    def user(cls, name: str) -> Person:
        return cls("user", check_user_name(name))

    @classmethod
    def from_key(cls, key: str) -> Person:
        if key == "local":
            return LOCAL
        kind, _, name = key.partition(":")
        if kind not in ("user", "guest") or not name:
            raise ValueError(f"Not a person key: {key[:80]!r}")
        return cls(kind, name)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return {"local": "you (this machine's owner)", "user": f"user {self.name}", "guest": "a guest"}[self.kind]


LOCAL = Person("local")


def check_user_name(name: str) -> str:
    if not isinstance(name, str) or not USER_NAME.match(name):
        raise ValueError("A user name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.")
    return name


# -- accounts -----------------------------------------------------------------------------------

# scrypt at n=2**14, r=8, p=1 (16 MiB, ~50 ms here): slow enough to make guessing costly.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, maxmem=64 * 2**20, **SCRYPT)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            dklen=32, maxmem=64 * 2**20,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


class Accounts:
    """Logins and their password hashes: a JSON file `{"name": "scrypt$..."}`, written 0600."""

    def __init__(self, path: Path | None = None, hashes: dict[str, str] | None = None) -> None:
        self.path = Path(path) if path else None
        self._hashes = dict(hashes or {})
        # A wrong name costs as much as a wrong password, so timing does not tell which names exist.
        self._decoy = hash_password(secrets.token_urlsafe(12))

    @classmethod
    def load(cls, path: str | Path) -> Accounts:
        path = Path(path)
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
                raise ValueError("not an object of name -> hash")
        except (OSError, ValueError) as exc:
            raise ValueError(f"Cannot read the accounts file {path}: {exc}. Recreate it with: coach users add NAME") from None
        return cls(path, data)

    @classmethod
    def single(cls, name: str, password: str) -> Accounts:
        """`--auth user:password`: one account, hashed in memory."""
        return cls(None, {check_user_name(name): hash_password(password)})

    def names(self) -> list[str]:
        return sorted(self._hashes)

    def check(self, name: str, password: str) -> bool:
        stored = self._hashes.get(name)
        ok = check_password(password or "", stored or self._decoy)
        return ok and stored is not None

    def add(self, name: str, password: str) -> bool:
        """Set a password; True when the account is new."""
        if not password:
            raise ValueError("The password is empty.")
        new = check_user_name(name) not in self._hashes
        self._hashes[name] = hash_password(password)
        self._save()
        return new

    def remove(self, name: str) -> bool:
        gone = self._hashes.pop(name, None) is not None
        if gone:
            self._save()
        return gone

    def _save(self) -> None:
        if self.path is None:
            return
        private_dir(self.path.parent)
        write_private(self.path, json.dumps(self._hashes, indent=1, sort_keys=True) + "\n")


# -- guests -------------------------------------------------------------------------------------


class GuestTokens:
    """Tokens a server issues to browsers: 128 random bits plus an HMAC under a key kept in COACH_HOME,
    so the server can check a token it issued without storing it, across restarts."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def at(cls, home: Path) -> GuestTokens:
        path = Path(home) / "guest.key"
        private_dir(path.parent)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return cls(bytes.fromhex(path.read_text().strip()))

    def _mac(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        nonce = secrets.token_hex(16)
        return f"{nonce}.{self._mac(nonce)}"

    def person(self, token: object) -> Person | None:
        """The guest a token names, or None for anything the server did not issue."""
        if not isinstance(token, str) or len(token) != 65 or token[32] != ".":
            return None
        nonce, mac = token[:32], token[33:]
        try:
            bytes.fromhex(nonce)
        except ValueError:
            return None
        if not hmac.compare_digest(mac, self._mac(nonce)):
            return None
        # The journal keeps a digest of the token, never the token itself.
        return Person("guest", hashlib.sha256(token.encode("ascii")).hexdigest()[:32])


@dataclass(frozen=True)
class Access:
    """How a served page knows who is asking: 'local', 'accounts' or 'guests'."""

    mode: Literal["local", "accounts", "guests"] = "local"
    accounts: Accounts | None = None
    guests: GuestTokens | None = None

    def person(self, username: str | None = None, guest_token: object = None) -> Person | None:
        """The person a request acts for, or None when it proves nobody."""
        if self.mode == "local":
            return LOCAL
        if self.mode == "accounts":
            return Person.user(username) if isinstance(username, str) and USER_NAME.match(username) else None
        return self.guests.person(guest_token) if self.guests else None


class Owned(str):
    """A session id already checked, once, at the boundary, to be `person`'s, or freshly issued by the
    server for them. Passed inward instead of a plain id, so nothing further in checks it again;
    never made from an id a caller sent without that check."""

    person: Person

    def __new__(cls, session_id: str, person: Person) -> Owned:
        owned = super().__new__(cls, session_id)
        owned.person = person
        return owned
