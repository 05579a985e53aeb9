from django.apps import AppConfig


class SummitsConfig(AppConfig):
    name = "summits"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from outbox import registry
        from outbox.enums import MessageKind
        from summits import emails

        registry.register(MessageKind.STAFF_WELCOME, write=emails.write_staff_welcome)
