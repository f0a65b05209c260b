#!/usr/bin/env python3
"""Reference for bench_offload_server: the offload protocol's ping exchange (docs/OFFLOAD.md) served by
Python's standard library (socketserver.ThreadingTCPServer, one thread per client), the usual way a small
Python inference service is written. It answers ping frames with "pong" and nothing else, so it measures the
framing and TCP path only; compare it with the "ping" line of bench_offload_server.

Usage: offload_ping_server.py PORT   (then: build-*/bench/bench_offload_server 7 2000 4 --port PORT)
"""
import socketserver
import struct
import sys

HEADER = struct.Struct("<4sBBHI")  # magic, version, type/status, reserved, payload length
PONG = HEADER.pack(b"MLOR", 1, 0, 0, 4) + b"pong"


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        buf = b""
        while True:
            while len(buf) < HEADER.size:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
            magic, version, kind, _, length = HEADER.unpack_from(buf)
            if magic != b"MLOQ" or version != 1 or kind != 3 or length != 0:
                return  # only pings are served here
            buf = buf[HEADER.size:]
            sock.sendall(PONG)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 7879
    with Server(("127.0.0.1", port), Handler) as server:
        # TCP_NODELAY, as SFML sets on every TCP socket: small frames must not wait for Nagle's algorithm.
        import socket
        orig = server.get_request
        def get_request():
            conn, addr = orig()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return conn, addr
        server.get_request = get_request
        server.serve_forever()
