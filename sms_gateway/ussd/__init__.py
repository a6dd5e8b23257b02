"""USSD menus over Africa's Talking (contract section 5): `POST /ussd/africastalking`.

protocol.py  gateway wire format <-> UssdHop / Screen (the adapter seam)
menus.py     pure state machine: replay of the input path -> Screen
model.py     the menus' vocabulary (MenuContext, frames, endings)
screens.py   drawing each screen to fit 182 GSM-7 / 80 UCS-2 characters (with layout.py)
sessions.py  Redis: session language, idempotent final hops
context.py   the real MenuContext, wired to core.keypad and the catalogue snapshot
views.py     the Flask blueprint
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from sms_gateway.ussd import views

    app.register_blueprint(views.bp)
