"""API tokens in the Django cache (issue 8): a signed request resolves its token without a query.

The entry is keyed by the token's digest (the stored SHA-256 of the key, never the key) and holds the field
values of the token, its user (without the password hash) and the user's tenant. The checks (revoked,
expired, user inactive, tenant deactivated) run on every request against those values, so expiry needs no
invalidation. What can change them deletes the entries at once and again after the commit (a request that
read the old row meanwhile cannot keep it):

- saving or deleting an ``ApiToken`` (revocation, the per-user cap) drops that token's entry;
- saving or deleting a ``User`` (deactivation, a new tenant, a rename) drops the entries of all their tokens
  (a sign-in, which only writes ``last_login``, does not);
- saving a ``Tenant`` (deactivation) drops the entries of all tokens of its users.

Entries expire after ``settings.API_TOKEN_CACHE_SECONDS`` whatever happens, which bounds what a queryset
``update()`` that bypasses the signals could leave behind; 0 (production without a shared cache, where one
worker could not invalidate another's) looks the token up on every request. Roles are cached separately
(``governance.role_cache``), with their own invalidation.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

from governance.models import ApiToken, Tenant, User

# Bump when the cached shape changes, so a deployment never reads entries written by the previous code.
_VERSION = 1


def _fields(model, *, leave_out=()) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname not in leave_out)


TOKEN_FIELDS = _fields(ApiToken)
USER_FIELDS = _fields(User, leave_out=("password",))  # a password hash has no business in a cache
TENANT_FIELDS = _fields(Tenant)


def _key(digest: str) -> str:
    return f"apitoken:{_VERSION}:{digest}"


def _values(obj, names) -> tuple:
    return tuple(getattr(obj, name) for name in names)


def _from_database(digest: str) -> ApiToken | None:
    return ApiToken.objects.select_related("user__tenant").filter(digest=digest).first()


def _build(entry) -> ApiToken:
    token_values, user_values, tenant_values = entry
    token = ApiToken.from_db(DEFAULT_DB_ALIAS, TOKEN_FIELDS, token_values)
    user = User.from_db(DEFAULT_DB_ALIAS, USER_FIELDS, user_values)  # password deferred: read on access
    user.tenant = Tenant.from_db(DEFAULT_DB_ALIAS, TENANT_FIELDS, tenant_values) if tenant_values else None
    token.user = user
    return token


def token_by_digest(digest: str) -> ApiToken | None:
    """The token row of ``digest`` with its user and tenant, from the cache or (then cached) the database."""
    seconds = settings.API_TOKEN_CACHE_SECONDS
    if not seconds:
        return _from_database(digest)
    entry = cache.get(_key(digest))
    if entry is not None:
        return _build(entry)
    token = _from_database(digest)
    if token is not None:
        user = token.user
        tenant_values = _values(user.tenant, TENANT_FIELDS) if user.tenant_id is not None else None
        cache.set(_key(digest), (_values(token, TOKEN_FIELDS), _values(user, USER_FIELDS), tenant_values),
                  timeout=seconds)
    return token


def _forget(digests) -> None:
    keys = [_key(digest) for digest in digests]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def forget_user_tokens(*, user_id) -> None:
    """Drop the cached entries of all tokens of the user (call it after a bulk ``update()`` of users)."""
    _forget(ApiToken.objects.filter(user_id=user_id).values_list("digest", flat=True))


def _token_changed(sender, instance, **kwargs) -> None:
    _forget([instance.digest])


def _user_changed(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    if created:
        return  # a new user has no token yet
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in: nothing the token checks or the request uses
    forget_user_tokens(user_id=instance.pk)


def _tenant_changed(sender, instance, **kwargs) -> None:
    _forget(ApiToken.objects.filter(user__tenant_id=instance.pk).values_list("digest", flat=True))


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_token_changed, sender=ApiToken, dispatch_uid="token_cache.token.save")
    post_delete.connect(_token_changed, sender=ApiToken, dispatch_uid="token_cache.token.delete")
    post_save.connect(_user_changed, sender=User, dispatch_uid="token_cache.user.save")
    # A deleted user's tokens are deleted first (CASCADE), each one through _token_changed.
    post_save.connect(_tenant_changed, sender=Tenant, dispatch_uid="token_cache.tenant.save")
