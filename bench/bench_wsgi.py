"""The app under benchmark, with bare Flask endpoints mounted in the same process: the
baseline every ratio is measured against."""
from flask import Flask, jsonify, request
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from server import create_app

bare = Flask("bare")


@bare.get("/json")
def bare_json():  # type: ignore[no-untyped-def]
    return jsonify({"status": "ok", "items": [1, 2, 3]})


@bare.post("/json")
def bare_json_post():  # type: ignore[no-untyped-def]
    return jsonify(request.get_json()), 201


@bare.post("/form")
def bare_form():  # type: ignore[no-untyped-def]
    return "<Response><Message>" + request.form.get("Body", "") + "</Message></Response>", 200, {
        "Content-Type": "text/xml"}


app = create_app()
app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/__bare": bare})  # type: ignore[method-assign]
