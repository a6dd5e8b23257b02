"""The app under benchmark, with a bare Flask JSON endpoint mounted in the same process."""
from flask import Flask, jsonify
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from server import create_app

bare = Flask("bare")


@bare.get("/json")
def bare_json():  # type: ignore[no-untyped-def]
    return jsonify({"status": "ok", "items": [1, 2, 3]})


app = create_app()
app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/__bare": bare})  # type: ignore[method-assign]
