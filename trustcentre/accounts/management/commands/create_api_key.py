"""manage.py create_api_key ORG_SLUG [--name NAME]: print a new API key for an organisation."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from trustcentre.accounts.api_keys import api_key_create
from trustcentre.accounts.models import Organisation


class Command(BaseCommand):
    help = "Create an API key for the organisation and print it once; only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="ORG_SLUG", help="The organisation's slug.")
        parser.add_argument("--name", default="Command line", help="What the key is for.")

    def handle(self, *args, slug, name, **options):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"No organisation has the slug {slug!r}.")
        try:
            api_key, plaintext = api_key_create(organisation=organisation, name=name)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        # The key alone on stdout, so `KEY=$(manage.py create_api_key acme)` works; the rest
        # is for the person at the terminal.
        self.stderr.write(
            f"Created API key {api_key.name!r} (tcp_{api_key.prefix}_…) for {organisation.name}. "
            "It is shown only now; store it somewhere safe."
        )
        self.stdout.write(plaintext)
