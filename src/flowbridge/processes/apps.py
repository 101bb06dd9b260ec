from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "flowbridge.processes"
    label = "processes"
    verbose_name = _("Processes")

    def ready(self) -> None:
        from flowbridge.processes import rules

        rules.install()
