#!/usr/bin/env python3
"""Real receivers on loopback for the notification tests (decision 0061).

An SMTP server (aiosmtpd from PyPI) and an HTTP server standing in for the group robots of
企业微信, 钉钉 and 飞书. Prints one line `READY smtp=PORT http=PORT`, then one JSON line per
message received:
  {"type": "mail", "mail_from": ..., "rcpt_tos": [...], "subject": ..., "body": ...}
  {"type": "webhook", "path": ..., "json": ...}
HTTP answers: /wecom and /dingtalk {"errcode":0,"errmsg":"ok"}; /feishu {"code":0,"msg":"success"};
/reject {"errcode":93000,"errmsg":"invalid webhook url"}; /slow waits 60 s before answering.
Runs until its standard input closes.
"""
import email
import email.policy
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

LOCK = threading.Lock()


def emit(obj):
    with LOCK:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        sys.stdout.flush()


class MailHandler:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        emit({
            "type": "mail",
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "content_type": msg.get_content_type(),
            "body": body.get_content() if body is not None else "",
        })
        return "250 OK"


class RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("content-length", "0"))
        raw = self.rfile.read(n)
        try:
            doc = json.loads(raw.decode("utf-8"))
        except ValueError:
            doc = None
        emit({
            "type": "webhook",
            "path": self.path,
            "content_type": self.headers.get("content-type"),
            "json": doc,
        })
        if self.path.startswith("/slow"):
            time.sleep(60)
        if self.path.startswith("/feishu"):
            answer = {"code": 0, "msg": "success"}
        elif self.path.startswith("/reject"):
            answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
        else:
            answer = {"errcode": 0, "errmsg": "ok"}
        out = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    smtp_port = free_port()
    controller = Controller(MailHandler(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    http = ThreadingHTTPServer(("127.0.0.1", 0), RobotHandler)
    http.daemon_threads = True
    threading.Thread(target=http.serve_forever, daemon=True).start()
    emit_line = f"READY smtp={smtp_port} http={http.server_address[1]}"
    with LOCK:
        sys.stdout.write(emit_line + "\n")
        sys.stdout.flush()
    sys.stdin.read()
    http.shutdown()
    controller.stop()


if __name__ == "__main__":
    main()
