from django.conf import settings
from django.core.management.base import BaseCommand

from governance.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo tenants (Hengyang 4304, Zhuzhou 4302), regions and one user per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--communities-per-street", type=int, default=5)
        parser.add_argument("--grids-per-community", type=int, default=4)
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args, **options):
        logins = seed_demo(
            communities_per_street=options["communities_per_street"],
            grids_per_community=options["grids_per_community"],
        )
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS("Demo logins (password: %s)" % settings.DEMO_PASSWORD))
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role:<28} {login.scope}")
