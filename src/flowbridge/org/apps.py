from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "flowbridge.org"
    label = "org"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from flowbridge.org import panels, rules

        rules.install()
        panels.register()
