"""Keys and ciphertexts of sensitive fields (Fernet: AES-128-CBC with an HMAC-SHA256 tag, from ``cryptography``).

Stored form: ``<key id>:<Fernet token>``. The key id is the first 8 hex digits of the key's SHA-256, so
the rotation command finds the rows still encrypted under an old key with one string test
in SQL (``LEFT(column, 9) <> '<current id>:'``) and decryption goes straight to the right key.

Keys come from the settings (environment): ``SENSITIVE_FIELD_KEYS`` (comma-separated Fernet keys, the
first encrypts, every key decrypts) and ``SENSITIVE_HASH_KEY`` (the HMAC key of the lookup hashes). With
neither set (the embedded default) both are derived from ``SECRET_KEY``; ``governance.settings_prod``
refuses to start without real ones. This module imports no model, so the settings can validate keys.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured

KEY_ID_LENGTH = 8
MIN_HASH_KEY_LENGTH = 32


class SensitiveDataError(RuntimeError):
    """A stored sensitive value cannot be decrypted: altered in the database, or its key is not configured."""


def key_id(key: bytes | str) -> str:
    raw = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_LENGTH]


def generate_key() -> str:
    """A new random Fernet key (what an operator puts first in ``SENSITIVE_FIELD_KEYS``)."""
    return Fernet.generate_key().decode()


def _derived(label: str, secret: str) -> bytes:
    return hashlib.sha256(f"governance.sensitive.{label}:{secret}".encode()).digest()


def validate_key_settings(field_keys: list[str] | tuple[str, ...], hash_key: str) -> None:
    """Raise ``ImproperlyConfigured`` unless the keys are usable (called by the production settings)."""
    if not field_keys:
        raise ImproperlyConfigured("SENSITIVE_FIELD_KEYS must list at least one Fernet key")
    for position, key in enumerate(field_keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"SENSITIVE_FIELD_KEYS entry {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                "generate one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)"
            ) from exc
    if len(set(field_keys)) != len(field_keys):
        raise ImproperlyConfigured("SENSITIVE_FIELD_KEYS lists the same key twice")
    if len({key_id(key) for key in field_keys}) != len(field_keys):
        raise ImproperlyConfigured("two SENSITIVE_FIELD_KEYS entries share a key id: generate a new key")
    if len(hash_key or "") < MIN_HASH_KEY_LENGTH:
        raise ImproperlyConfigured(f"SENSITIVE_HASH_KEY must be at least {MIN_HASH_KEY_LENGTH} characters")
    if hash_key in field_keys:
        raise ImproperlyConfigured("SENSITIVE_HASH_KEY must differ from every SENSITIVE_FIELD_KEYS entry")


@dataclass(frozen=True)
class Keyring:
    current_id: str
    fernets: dict[str, Fernet]  # key id → Fernet, current first
    hash_key: bytes

    @property
    def prefix(self) -> str:
        """What every value encrypted under the current key starts with."""
        return f"{self.current_id}:"

    def encrypt(self, clear: str) -> str:
        token = self.fernets[self.current_id].encrypt(clear.encode("utf-8")).decode("ascii")
        return f"{self.current_id}:{token}"

    def decrypt(self, stored: str, *, label: str = "sensitive value") -> str:
        kid, sep, token = stored.partition(":")
        if not sep or len(kid) != KEY_ID_LENGTH:
            raise SensitiveDataError(f"{label}: the stored value is not an encrypted value of this platform")
        fernet = self.fernets.get(kid)
        if fernet is None:
            raise SensitiveDataError(
                f"{label}: encrypted with key id {kid}, which is not in SENSITIVE_FIELD_KEYS "
                "(a removed key? put it back after the current one and run rotate_sensitive_keys)"
            )
        try:
            return fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise SensitiveDataError(
                f"{label}: the ciphertext fails its integrity check (altered in the database or truncated)"
            ) from exc

    def is_current(self, stored: str) -> bool:
        return stored.startswith(self.prefix)

    def hash(self, message: str) -> str:
        return hmac.new(self.hash_key, message.encode("utf-8"), hashlib.sha256).hexdigest()


@functools.lru_cache(maxsize=8)
def _keyring_for(field_keys: tuple[str, ...], hash_key: str, secret_key: str) -> Keyring:
    if not field_keys:
        # Embedded default only (the production settings refuse to start without real keys).
        field_keys = (base64.urlsafe_b64encode(_derived("field", secret_key)).decode(),)
    if not hash_key:
        hash_key = _derived("hash", secret_key).hex()
    validate_key_settings(field_keys, hash_key)
    fernets = {key_id(key): Fernet(key) for key in field_keys}
    return Keyring(current_id=key_id(field_keys[0]), fernets=fernets, hash_key=hash_key.encode("utf-8"))


def keyring() -> Keyring:
    """The keys in force (read from the settings each call, cached per value, so tests can override them)."""
    from django.conf import settings

    field_keys = tuple(getattr(settings, "SENSITIVE_FIELD_KEYS", None) or ())
    return _keyring_for(field_keys, getattr(settings, "SENSITIVE_HASH_KEY", "") or "", settings.SECRET_KEY)
