from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from governance import registry
from governance.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo: tenants (Hengyang 4304, Zhuzhou 4302), regions, one user per role, then every app's "
        "demo data in layer order (seeders registered with governance.registry.register_seeder). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--communities-per-street", type=int, default=5)
        parser.add_argument("--grids-per-community", type=int, default=4)
        parser.add_argument("--scale", type=int, default=None, metavar="N",
                            help="benchmark scale handed to every app's seeder (e.g. 5000 organizations)")
        parser.add_argument("--only", action="append", default=None, metavar="APP",
                            help="run only these app seeders (repeatable); the core always runs")
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args, **options):
        if options["scale"] is not None and options["scale"] < 1:
            raise CommandError("--scale must be at least 1")
        logins = seed_demo(
            communities_per_street=options["communities_per_street"],
            grids_per_community=options["grids_per_community"],
        )
        known = {seeder.name for seeder in registry.seeders()}
        unknown = set(options["only"] or []) - known
        if unknown:
            raise CommandError(f"unknown seeder(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        for seeder in registry.seeders():
            if options["only"] and seeder.name not in options["only"]:
                continue
            if not options["quiet"]:
                self.stdout.write(f"==> {seeder.name}: {seeder.help}")
            seeder.func(scale=options["scale"], stdout=None if options["quiet"] else self.stdout)
        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk load: without them the planner takes every table for empty and
            # picks nested loops (a list page of 12,000 annual reports took 1 s instead of 20 ms).
            tables = sorted({model._meta.db_table for model in apps.get_models()})
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS("Demo logins (password: %s)" % settings.DEMO_PASSWORD))
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role:<28} {login.scope}")
