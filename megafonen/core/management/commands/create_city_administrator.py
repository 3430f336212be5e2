from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from megafonen.core.models import Organisation, User
from megafonen.core.roles import OrganisationKind, Role
from megafonen.core.services import membership_grant, user_create


class Command(BaseCommand):
    help = "Create the first city administrator (asks for the password without echoing it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument(
            "--organisation",
            default="Stadsledningsförvaltningen",
            help="The city administration she belongs to (created if missing)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"{email} already has an account; grant roles in the admin site.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("The passwords differ.")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            organisation, _created = Organisation.objects.get_or_create(
                slug=slugify(options["organisation"]),
                defaults={
                    "name": options["organisation"],
                    "kind": OrganisationKind.CITY_ADMINISTRATION,
                },
            )
            if organisation.kind != OrganisationKind.CITY_ADMINISTRATION:
                raise CommandError(f"{organisation.name} is not a city administration.")
            user = user_create(email=email, full_name=options["name"], password=password)
            membership_grant(user=user, organisation=organisation, role=Role.CITY_ADMINISTRATOR)
        self.stdout.write(f"{user.full_name} is a city administrator at {organisation.name}.")
