from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "flowbridge.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from flowbridge.core import rules, workcalendar

        rules.install()
        workcalendar.set_translator(gettext)
