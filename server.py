"""WSGI entry point: `gunicorn server:app` serves the store in service (see `sipkg serve`)."""

from sipkg.web import create_app

app = create_app()
