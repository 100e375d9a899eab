"""python3 imaplib, as a second mail client beside curl and mbsync: finds a message by subject and
shows (and optionally adds to) its flags.

Usage: imap_flags.py PORT USER PASSWORD FOLDER SUBJECT [FLAG].
Prints one line "UID <uid> FLAGS (<flags>)" after any change; exits non-zero on failure.
"""
import imaplib
import re
import sys

port, user, password, folder, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
flag = sys.argv[6] if len(sys.argv) > 6 else None

m = imaplib.IMAP4("127.0.0.1", port)
m.login(user, password)
typ, data = m.select(folder)
assert typ == "OK", data
typ, data = m.uid("SEARCH", "CHARSET", "UTF-8", "SUBJECT", '"%s"' % subject)
assert typ == "OK", data
uids = data[0].split()
assert len(uids) == 1, "expected one message with subject %r in %s, found UIDs %r" % (subject, folder, uids)
uid = uids[0].decode()
if flag:
    typ, data = m.uid("STORE", uid, "+FLAGS", "(%s)" % flag)
    assert typ == "OK", data
typ, data = m.uid("FETCH", uid, "(FLAGS)")
assert typ == "OK", data
flags = re.search(rb"FLAGS \(([^)]*)\)", data[0]).group(1).decode()
print("UID %s FLAGS (%s)" % (uid, flags))
try:
    m.logout()
except imaplib.IMAP4.abort:
    pass  # James may close the connection right after its BYE, before the tagged OK is read
