#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main() -> None:
    # A development checkout's .env (make setup writes DEBUG=true there) so that plain
    # `manage.py check` works locally; variables already in the environment always win, and a
    # server sets its own (deploy/), where settings fail closed without DEBUG.
    from dotenv import load_dotenv

    load_dotenv(Path(__file__).resolve().parent / ".env", override=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
