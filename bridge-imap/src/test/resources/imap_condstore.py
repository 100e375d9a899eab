"""CONDSTORE with python3 imaplib: a STORE takes a new modseq, CHANGEDSINCE returns only it.

Usage: imap_condstore.py PORT USER PASSWORD. Prints MODSEQ lines; exits non-zero on failure.
"""
import imaplib
import random
import re
import sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4("127.0.0.1", port)
m.login(user, password)
typ, data = m._simple_command("ENABLE", "CONDSTORE")
assert typ == "OK", data
typ, data = m.select("INBOX")
assert typ == "OK", data
highest = int(m.response("HIGHESTMODSEQ")[1][0])
typ, data = m.uid("SEARCH", "ALL")
uid = data[0].split()[0].decode()
keyword = "$Check%d" % random.randrange(1 << 30)
typ, data = m.uid("STORE", uid, "+FLAGS", "(%s)" % keyword)
assert typ == "OK", data
typ, data = m.uid("FETCH", "1:*", "(FLAGS) (CHANGEDSINCE %d)" % highest)
assert typ == "OK", data
changed = [d.decode() for d in data if d]
print("CHANGED", changed)
assert len(changed) == 1, changed
assert ("UID %s " % uid) in changed[0] or changed[0].endswith("UID %s)" % uid), changed
modseq = int(re.search(r"MODSEQ \((\d+)\)", changed[0]).group(1))
assert modseq > highest, (modseq, highest)
assert keyword in changed[0], changed
m.close()
typ, data = m.select("INBOX")
now = int(m.response("HIGHESTMODSEQ")[1][0])
print("MODSEQ", highest, modseq, now)
assert now >= modseq, (now, modseq)
try:
    m.logout()
except imaplib.IMAP4.abort:
    pass  # James may close the connection right after its BYE, before the tagged OK is read
