import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lotr_kit", "0001_events"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("service", models.CharField(max_length=64)),
                ("received_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
    ]
