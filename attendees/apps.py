from django.apps import AppConfig


class AttendeesConfig(AppConfig):
    name = "attendees"

    def ready(self) -> None:
        from attendees import emails

        emails.register_writers()
