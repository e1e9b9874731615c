"""Log output for machines: LOG_FORMAT=json writes each record as one JSON object a line."""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed in `extra` and is kept.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES
        )
        if record.exc_info:
            entry["stack"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
