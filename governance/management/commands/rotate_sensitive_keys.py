"""Re-encrypt every sensitive field under the first key of SENSITIVE_FIELD_KEYS (docs/sensitive-data.md)."""

from django.core.management.base import BaseCommand, CommandError

from governance.sensitive.keys import keyring
from governance.sensitive.rotation import sensitive_rotate


class Command(BaseCommand):
    help = "Re-encrypt every row of every model with sensitive fields under the current key (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction (default 1000)")
        parser.add_argument("--rehash", action="store_true",
                            help="also recompute every lookup hash (after changing SENSITIVE_HASH_KEY)")
        parser.add_argument("--dry-run", action="store_true", help="count the rows to re-encrypt, change nothing")

    def handle(self, *args, batch_size, rehash, dry_run, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        self.stdout.write(f"current key id: {keyring().current_id}")
        failures = []
        for result in sensitive_rotate(batch_size=batch_size, rehash=rehash, dry_run=dry_run):
            verb = "to re-encrypt" if dry_run else "re-encrypted"
            self.stdout.write(f"{result.model}: {result.rows} rows {verb}")
            failures += result.failures
        for failure in failures:
            self.stderr.write(failure)
        if failures:
            raise CommandError(f"{len(failures)} rows could not be decrypted and were left as they are")
