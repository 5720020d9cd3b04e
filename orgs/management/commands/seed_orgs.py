from django.core.management.base import BaseCommand, CommandError

from governance.models import Tenant
from orgs.demo import DEFAULT_SEED, seed_orgs_demo


class Command(BaseCommand):
    help = (
        "Create demo registry data (organizations, annual reports, grades, credit records) for the demo "
        "tenants of seed_demo: Hengyang (default 300 organizations) and Zhuzhou (a fifth of that). Idempotent: "
        "a tenant that already has the target number of organizations is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300,
                            help="organizations for Hengyang; Zhuzhou gets a fifth (default 300 → 60)")
        parser.add_argument("--scale", type=int, default=None, metavar="N",
                            help="benchmark scale: top Hengyang up to N organizations (e.g. 5000)")
        parser.add_argument("--tenant", choices=["hengyang", "zhuzhou"], default=None,
                            help="only this demo tenant")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, **options):
        count = options["scale"] or options["count"]
        if count < 1:
            raise CommandError("--count/--scale must be at least 1")
        counts = {"hengyang": count, "zhuzhou": max(1, options["count"] // 5)}
        if options["tenant"]:
            counts = {options["tenant"]: counts[options["tenant"]]}
        missing = [slug for slug in counts if not Tenant.objects.filter(slug=slug).exists()]
        if len(missing) == len(counts):
            raise CommandError("The demo tenants do not exist yet: run `manage.py seed_demo` first.")
        for slug in missing:
            self.stdout.write(self.style.WARNING(f"{slug}: tenant not found (run seed_demo), skipped"))
        for result in seed_orgs_demo(counts=counts, seed=options["seed"]):
            style = self.style.SUCCESS if not result.skipped else self.style.NOTICE
            self.stdout.write(style(result.summary()))
