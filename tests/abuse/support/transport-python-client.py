"""A python-socketio client held open on /chat over WebSocket until it is killed.

Usage: transport-python-client.py URL TOKEN
Prints "connected" once the namespace handshake is done, "disconnected" when the
server lets it go. No reconnection: the test wants to see the server end it.
"""
import sys

import socketio

url, token = sys.argv[1], sys.argv[2]
sio = socketio.Client(reconnection=False)
sio.on("connect", lambda: print("connected", flush=True), namespace="/chat")
sio.on("disconnect", lambda: print("disconnected", flush=True), namespace="/chat")
sio.connect(url, namespaces=["/chat"], auth={"token": token}, transports=["websocket"])
sio.wait()
