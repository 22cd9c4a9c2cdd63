// White lies (RFC 4470): NXDOMAIN proven by NSECs that minimally cover the name and the wildcard.
