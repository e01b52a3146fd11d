"""faultline_kit: the reusable half of the reference SCIM connector.

Standard library only (Python 3.11). Copy this folder next to your
connector and import what you need:

    protocol    protocol lines on stdout, logs on stderr, secret scrubbing
    transport   HTTP with retries, Retry-After, timeouts and OAuth 2.0 tokens
    scim        SCIM 2.0 reading (paged listings) and confirmed writes
    checkpoint  an append-only record of a sync's progress, for restarts
    run         main(): configuration from the environment, the status line
"""
