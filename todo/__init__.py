"""Việc cần làm: the first page of every role, across every plan its agency has a
part in (work.py gathers it in a fixed number of queries; views.py shows it)."""
