"""Collects the errors of all checks; one summary line per checked file."""


class Report:
    def __init__(self):
        self.errors = []

    def check(self, condition, message):
        if not condition:
            self.errors.append(message)
        return condition

    def section(self, errors_before, summary):
        """One line per checked file: ok, or how many errors it has (listed at the end)."""
        found = len(self.errors) - errors_before
        print(f"ok  {summary}" if not found else f"FAIL {summary.split(':')[0]}: {found} error(s)")
