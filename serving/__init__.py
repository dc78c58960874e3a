"""How the app is served: the ASGI front (async event streams, the Flask app in a thread
pool), the uvicorn server for `make run` and the tests, the gunicorn worker for production."""
