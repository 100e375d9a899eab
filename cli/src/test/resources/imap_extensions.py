"""python3 imaplib speaking the IMAP extensions the bridge announces, one after the other, in the
Drafts and Archive folders: NAMESPACE, ENABLE, LITERAL+ (APPEND without waiting for the server),
UIDPLUS (APPENDUID, COPYUID), CONDSTORE (MODSEQ, UNCHANGEDSINCE), MOVE and QRESYNC (SELECT with
known UIDVALIDITY and mod-sequence).

Usage: imap_extensions.py PORT USER PASSWORD SUBJECT. Prints "OK <extension> <detail>" per step;
an assertion failure exits non-zero with what the server said.
"""
import imaplib
import re
import sys

port, user, password, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
m = imaplib.IMAP4("127.0.0.1", port)
m.login(user, password)


def command(line, literal=None):
    """Sends one command (with a LITERAL+ literal appended as is); returns all lines of the answer."""
    tag = m._new_tag().decode()
    data = ("%s %s" % (tag, line)).encode()
    if literal is not None:
        data += b" {%d+}\r\n" % len(literal) + literal
    m.send(data + b"\r\n")
    lines = []
    while True:
        answer = m.readline().decode("utf-8", "replace").rstrip("\r\n")
        lines.append(answer)
        if answer.startswith(tag + " "):
            return lines


def ok(lines):
    assert lines[-1].split(" ")[1] == "OK", lines
    return "\n".join(lines)


def find(pattern, text):
    found = re.search(pattern, text)
    assert found, "%r not in:\n%s" % (pattern, text)
    return found


namespace = ok(command("NAMESPACE"))
find(r'\* NAMESPACE \(\(""\s+"\."\)\)', namespace)
print("OK NAMESPACE personal \"\" with delimiter .")

enabled = ok(command("ENABLE CONDSTORE QRESYNC"))
find(r"\* ENABLED.*CONDSTORE", enabled)
find(r"\* ENABLED.*QRESYNC", enabled)
print("OK ENABLE CONDSTORE QRESYNC")

draft = ("Subject: %s\r\nFrom: %s\r\n\r\nA draft sent as a LITERAL+ literal.\r\n" % (subject, user)).encode()
appended = ok(command("APPEND Drafts (\\Draft)", draft))
validity, uid = find(r"\[APPENDUID (\d+) (\d+)\]", appended).groups()
print("OK LITERAL+ UIDPLUS APPENDUID %s %s" % (validity, uid))

selected = ok(command("SELECT Drafts (CONDSTORE)"))
find(r"\[HIGHESTMODSEQ \d+\]", selected)
fetched = ok(command("UID FETCH %s (MODSEQ FLAGS)" % uid))
modseq = int(find(r"MODSEQ \((\d+)\)", fetched).group(1))
stored = ok(command("UID STORE %s (UNCHANGEDSINCE %d) +FLAGS (\\Seen)" % (uid, modseq)))
after = int(find(r"MODSEQ \((\d+)\)", ok(command("UID FETCH %s (MODSEQ)" % uid))).group(1))
assert after > modseq, (modseq, after, stored)
refused = command("UID STORE %s (UNCHANGEDSINCE %d) +FLAGS (\\Flagged)" % (uid, modseq))
# RFC 7162 names the refused UIDs; James 3.8.1 writes "[MODIFIED 0 <uid>]": only the UID is checked
find(r"\[MODIFIED [^\]]*\b%s\]" % uid, "\n".join(refused))
print("OK CONDSTORE MODSEQ %d -> %d, UNCHANGEDSINCE %d refused with MODIFIED" % (modseq, after, modseq))

moved = ok(command("UID MOVE %s Archive" % uid))
archive_validity, _, new_uid = find(r"\[COPYUID (\d+) (\d+) (\d+)\]", moved).groups()
print("OK MOVE UIDPLUS COPYUID %s %s" % (archive_validity, new_uid))

resynced = ok(command("SELECT Archive (QRESYNC (%s 1))" % archive_validity))
find(r"\[UIDVALIDITY %s\]" % archive_validity, resynced)
highest = int(find(r"\[HIGHESTMODSEQ (\d+)\]", resynced).group(1))
print("OK QRESYNC SELECT with UIDVALIDITY %s and mod-sequence 1 accepted" % archive_validity)
moved_modseq = int(find(r"MODSEQ \((\d+)\)", ok(command("UID FETCH %s (MODSEQ)" % new_uid))).group(1))
if moved_modseq > highest:
    sys.exit("HIGHESTMODSEQ %d is below MODSEQ %d of UID %s, just moved in" % (highest, moved_modseq, new_uid))
print("OK CONDSTORE HIGHESTMODSEQ %d covers the message moved in (MODSEQ %d)" % (highest, moved_modseq))
# A flag changed after the client's last known mod-sequence: QRESYNC's SELECT reports it.
ok(command("UID STORE %s +FLAGS (\\Flagged)" % new_uid))
resynced = ok(command("SELECT Archive (QRESYNC (%s %d))" % (archive_validity, highest)))
if not re.search(r"\* \d+ FETCH \(.*UID %s\b" % new_uid, resynced):
    # a known gap (docs/imap.md), reported rather than failed on
    print("GAP QRESYNC: SELECT (QRESYNC (%s %d)) sent no FETCH for UID %s, changed since" % (archive_validity, highest, new_uid))
else:
    print("OK QRESYNC SELECT reports UID %s, flagged after mod-sequence %d" % (new_uid, highest))
try:
    m.logout()
except imaplib.IMAP4.abort:
    pass  # James may close the connection right after its BYE, before the tagged OK is read
