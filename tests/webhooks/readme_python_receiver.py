#!/usr/bin/env python3
"""A webhook receiver around the README's Python `verify` (a file given as the argument, as the
README has it): each POST is answered 204 when verify() returns True, 400 when it returns
False, and 500 with the error when it raises. Standard library only.

Prints "listening <port>" once ready (LINKLEDGER_WEBHOOK_SECRET must be set: the example reads
it when defined).
"""
import importlib.util
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

spec = importlib.util.spec_from_file_location("readme_verify", sys.argv[1])
readme = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the sender uses it

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            status, answer = (204, b"") if readme.verify(body, headers) is True else (400, b"refused")
        except Exception as error:  # noqa: BLE001 - the test tells a crash from a refusal
            status, answer = 500, repr(error).encode()
        self.send_response(status)
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening {server.server_address[1]}", flush=True)
server.serve_forever()
