// DNS cookies (RFC 7873, RFC 9018): being written.
