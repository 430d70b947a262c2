#!/usr/bin/env python3
"""Parlor from Python: sign in, join a room, send a message, see an error.

Runs on Debian's python3-socketio (5.x) with python3-websocket:
    /usr/bin/python3 examples/hello.py http://localhost:3000

What a non-JavaScript client needs to know (see docs/PROTOCOL.md):
- connect to a namespace ("/chat", "/game", "/system"), never the root one;
- the token goes in the Socket.IO `auth` dict: {"token": "..."};
- a refused handshake arrives as `connect_error` with data {"message", "data": {"code", ...}};
- every ack is one dict: {"ok": True, "data": ...} or {"ok": False, "error": {"code", "message"}}.
"""
import json
import sys
import threading
import urllib.request

import socketio

URL = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:3000"


def post_json(path, body):
    req = urllib.request.Request(URL + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())


def main():
    # A refused handshake first: what a client with a bad token sees.
    refused = socketio.Client(reconnection=False)
    errors = []
    got_error = threading.Event()

    def on_connect_error(data):
        errors.append(data)
        got_error.set()

    refused.on("connect_error", on_connect_error, namespace="/chat")
    # wait=False: python-socketio would otherwise wait out wait_timeout for the refused namespace.
    refused.connect(URL, namespaces=["/chat"], auth={"token": "not-a-token"}, transports=["websocket"], wait=False)
    got_error.wait(10)
    print("refused handshake:", errors[0] if errors else "(no connect_error data)")
    refused.disconnect()

    session = post_json("/api/session", {"name": "hello-py"})
    sio = socketio.Client(reconnection=False)
    received = []
    # One argument per server event: nothing else is appended (recovery is off by default).
    sio.on("message:new", lambda message: received.append(message), namespace="/chat")
    sio.connect(URL, namespaces=["/chat"], auth={"token": session["token"]}, transports=["websocket"], wait_timeout=10)
    print("connected as", session["user"]["name"])

    joined = sio.call("room:join", {"room": "lobby"}, namespace="/chat", timeout=10)
    print("joined #lobby:", joined["ok"], len(joined["data"]["members"]), "here")

    sent = sio.call("message:send", {"room": "lobby", "text": "hello from python"}, namespace="/chat", timeout=10)
    print("sent message #%d" % sent["data"]["message"]["seq"])

    bad = sio.call("message:send", {"room": "lobby"}, namespace="/chat", timeout=10)
    print("expected error:", bad["error"]["code"], "-", bad["error"]["message"])

    sio.disconnect()
    return 0 if joined["ok"] and sent["ok"] and not bad["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
