"""Notices: what the system tells a user, in the app (a list with an unread count in
the menu) and by e-mail (the worker's queued backend), each recorded and sent once."""
