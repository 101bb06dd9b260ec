from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosisConfig(AppConfig):
    name = "flowbridge.diagnosis"
    label = "diagnosis"
    verbose_name = _("Process diagnosis")

    def ready(self) -> None:
        from flowbridge.diagnosis import rules

        rules.install()
