from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        from outbox import mail, registry
        from outbox.enums import MessageKind

        registry.register(MessageKind.OTHER, write=mail.write_stored)
