from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from governance.exceptions import ApplicationError
from governance.models import Tenant
from governance.services import DEFAULT_DIVISIONS_DIR, divisions_load
from governance.tenancy import tenant_context


class Command(BaseCommand):
    help = "Load official division codes under a tenant's root from CSV files (provinces/cities/areas/streets)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument(
            "--dir", default=str(DEFAULT_DIVISIONS_DIR),
            help="folder with provinces.csv, cities.csv, areas.csv, streets.csv (default: the shipped Hunan rows)",
        )

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(_("No tenant with slug %(slug)s") % {"slug": options["tenant"]})
        directory = Path(options["dir"])
        if not directory.is_dir():
            raise CommandError(_("Not a folder: %(dir)s") % {"dir": directory})
        try:
            with tenant_context(tenant):
                result = divisions_load(actor=None, tenant=tenant, directory=directory)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{tenant.name}: created {result.created}, renamed {result.updated}, unchanged {result.unchanged}"
        )
