"""Logs in to the IMAP bridge over TLS with python3 imaplib, verifying the certificate.

Usage: imap_tls.py ssl|starttls HOST PORT CAFILE USER PASSWORD
Prints the certificate's SHA-256 fingerprint, the capabilities before login, and the folder list.
"""
import hashlib
import imaplib
import ssl
import sys

mode, host, port, cafile, user, password = sys.argv[1:7]
context = ssl.create_default_context(cafile=cafile)  # verifies the chain and the host name
context.minimum_version = ssl.TLSVersion.TLSv1_2

if mode == "ssl":
    imap = imaplib.IMAP4_SSL(host, int(port), ssl_context=context, timeout=10)
else:
    imap = imaplib.IMAP4(host, int(port), timeout=10)
    print("before STARTTLS:", " ".join(imap.capabilities))
    imap.starttls(ssl_context=context)

der = imap.sock.getpeercert(binary_form=True)
print("fingerprint:", ":".join("%02X" % b for b in hashlib.sha256(der).digest()))
print("protocol:", imap.sock.version())
print("capabilities:", " ".join(imap.capabilities))
typ, _ = imap.login(user, password)
assert typ == "OK", typ
typ, folders = imap.list()
assert typ == "OK", typ
for folder in folders:
    print("folder:", folder.decode())
try:
    imap.logout()
except imaplib.IMAP4.abort:
    # The server may close the TLS connection right after its BYE, before imaplib reads the
    # tagged OK; what this script checks (certificate, login, folders) is printed above.
    pass
