"""Every bearer token expires: the ones made without an expiry get one.

They keep working for TOKEN_MAX_DAYS from the migration, the longest any new
token may live, rather than stopping without warning; a token left without an
expiry afterwards counts as expired (core.services.tokens.token_resolve).
"""

import datetime as dt

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def give_expiry(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    expires_at = timezone.now() + dt.timedelta(days=settings.TOKEN_MAX_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=expires_at)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_notices")]

    operations = [migrations.RunPython(give_expiry, migrations.RunPython.noop)]
