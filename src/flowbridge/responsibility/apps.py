from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilityConfig(AppConfig):
    name = "flowbridge.responsibility"
    label = "responsibility"
    verbose_name = _("Responsibility list")

    def ready(self) -> None:
        from flowbridge.responsibility import rules

        rules.install()
