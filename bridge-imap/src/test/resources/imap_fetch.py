"""Logs in with python3 imaplib, checks SPECIAL-USE and fetches the first INBOX message's body.

Usage: imap_fetch.py PORT USER PASSWORD. Prints CAPS, SPECIAL, BODY lines; exits non-zero on failure.
"""
import imaplib
import sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4("127.0.0.1", port)
typ, caps = m.capability()
print("CAPS", caps[0].decode())
m.login(user, password)
typ, data = m._simple_command("LIST", "(SPECIAL-USE)", '""', '"*"')
typ, data = m._untagged_response(typ, data, "LIST")
print("SPECIAL", " | ".join(d.decode() for d in data if d))
typ, data = m.select("INBOX")
assert typ == "OK", data
typ, data = m.fetch("1", "(BODY.PEEK[])")
assert typ == "OK", data
print("BODY", data[0][1].decode("utf-8", "replace").replace("\r\n", "\\n"))
try:
    m.logout()
except imaplib.IMAP4.abort:
    pass  # James may close the connection right after its BYE, before the tagged OK is read
