from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "flowbridge.cases"
    label = "cases"
    verbose_name = _("Requests")

    def ready(self) -> None:
        from flowbridge.cases import notices, panels, rules

        rules.install()
        panels.install()  # home panel "My tasks"
        notices.register()  # the notification texts of requests (cases/notices.py owns them)
