"""Run the task worker: documents, plan imports, e-mail, the daily reminders.

manage.py worker                     # until stopped (systemd: planwatch-worker.service)
manage.py worker --until-empty       # run what is queued and due, then exit
"""

from django.core.management.base import BaseCommand

from worker.runner import Worker


class Command(BaseCommand):
    help = "Run the task worker (documents, plan imports, e-mail, daily reminders)."

    def add_arguments(self, parser):
        parser.add_argument("--queues", default="default", help="comma-separated queues")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--until-empty", action="store_true", help="exit when nothing is due")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--in-process", action="store_true", help="run attempts in this process (no limit)"
        )
        parser.add_argument("--no-schedule", action="store_true", help="do not enqueue schedules")
        parser.add_argument("--worker-id", default="")

    def handle(self, *args, **options):
        worker = Worker(
            queues=tuple(q.strip() for q in options["queues"].split(",") if q.strip()),
            interval=max(0.1, options["interval"]),
            fork=not options["in_process"],
            until_empty=options["until_empty"],
            max_tasks=options["max_tasks"],
            scheduled=not options["no_schedule"],
            worker_id=options["worker_id"],
        )
        worker.handle_signals()
        count = worker.run()
        if options["verbosity"] > 1 or options["until_empty"]:
            self.stdout.write(f"{count} task(s) run.")
